"""The "done when" of issue 18: a client generated from the served OpenAPI (openapi-python-client)
signs in with a service token and signs a person up on her behalf.

Generated into a temporary folder from the app's own /schema/openapi.json, without network and
without post hooks (no formatter is run), imported, and pointed at the app through httpx's ASGI
transport: the same requests a system on the network would send.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import typing
from pathlib import Path

import httpx
from sqlalchemy import select

from groepsaanbod.api_clients.models import ApiClient
from groepsaanbod.history.models import RegistrationEvent
from groepsaanbod.registration.models import Registration
from tests.integration.api_clients.helpers import make_token
from tests.integration.registration.helpers import person, published_programme, told

PACKAGE = "ga_client_generated"
ON_BEHALF = "/registrations/on-behalf"


def generate(document: str, folder: Path) -> Path:
    """Run openapi-python-client's own command line on the document; the package's folder."""
    (folder / "openapi.json").write_text(document, encoding="utf-8")
    (folder / "config.yaml").write_text(f"post_hooks: []\npackage_name_override: {PACKAGE}\n", encoding="utf-8")
    package = folder / PACKAGE
    command = Path(sys.executable).parent / "openapi-python-client"
    done = subprocess.run(
        [str(command), "generate", "--path", str(folder / "openapi.json"), "--output-path", str(package)]
        + ["--meta", "none", "--config", str(folder / "config.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (package / "client.py").exists(), done.stdout + done.stderr
    return package


def operation_module(package: Path, path_part: str) -> str:
    """The generated module of the operation whose URL holds `path_part`."""
    for file in sorted((package / "api").rglob("*.py")):
        if path_part in file.read_text(encoding="utf-8"):
            return ".".join((PACKAGE, *file.relative_to(package).with_suffix("").parts))
    raise AssertionError(f"no generated operation for {path_part}")


async def test_a_generated_client_signs_a_person_up_with_a_service_token(client, app, db, tmp_path):
    org, pid = await published_programme(db, "kids-en-koffie", "kids-generated")
    token = await make_token(db, org.id, "registrations:write", name="Verloskundigen Noord")
    served = await client.get("/schema/openapi.json")
    assert served.status_code == 200
    package = generate(served.text, tmp_path)
    servers = served.json().get("servers") or [{"url": ""}]
    base = "http://testserver" + (servers[0]["url"] if servers[0]["url"].startswith("/") else "")
    sys.path.insert(0, str(tmp_path))
    try:
        generated = importlib.import_module(PACKAGE)
        operation = importlib.import_module(operation_module(package, ON_BEHALF))
        body_type = typing.get_type_hints(operation.asyncio_detailed)["body"]
        api = generated.AuthenticatedClient(
            base_url=base.rstrip("/"), token=token, httpx_args={"transport": httpx.ASGITransport(app=app)}
        )
        body = body_type.from_dict(
            {**person(71, child_birth_date="2024-01-01"), "reads_language": "pl", "consent": True}
        )
        answer = await operation.asyncio_detailed(pid, client=api, body=body)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]
    assert answer.status_code == 202, answer.content
    mine = await told(db, "ouder71@example.org")
    registration = await db.get(Registration, mine["registration_id"])
    assert registration.programme_id == pid
    account = await db.scalar(select(ApiClient.staff_id).where(ApiClient.organisation_id == org.id))
    actor = await db.scalar(
        select(RegistrationEvent.actor_staff_id).where(
            RegistrationEvent.registration_id == registration.id, RegistrationEvent.action == "registered"
        )
    )
    assert actor == account  # the history names the client
