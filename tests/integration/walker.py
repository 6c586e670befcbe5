"""The actor walk's walker: calls every route of the app as one person of organisation B,

1. with A's ids in the path and bodies that refer to A (JSON built from the OpenAPI schema,
   page forms as the pages themselves serve them), and
2. with B's own ids in the path and A's people in the body: an invitation or a school
   class whose mentor is A's staff member, hours for A's staff, A's members ticked on B's
   register, A's group merged into B's, …

and keeps every answer's text, so the test can search them for A's data. Generic: a new
route is walked without editing this file; a path it cannot fill fails the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx

from tests.integration.actor_world import OrgWorld

SKIPPED_PREFIXES = ("/schema", "/static")
#: Field and property names -> the kind of row an id in them refers to (first match wins).
HINTS = (
    ("replace", "staff"),
    ("staff", "staff"),
    ("volunteer", "staff"),
    ("mentor", "staff"),
    ("teacher", "staff"),
    ("participant", "participant"),
    ("present", "participant"),
    ("checked_in", "participant"),
    ("registration", "registration"),
    ("cohort", "cohort"),
    ("venue", "venue"),
    ("session", "session"),
    ("programme", "programme"),
    ("organisation", "organisation"),
    ("signal", "signal"),
    ("class", "school_class"),
)
#: Kinds that say where a request acts: kept as B's own in the second pass.
CONTEXT_KINDS = {"organisation", "programme"}
#: Plausible values for page form fields the page leaves empty.
FORM_DEFAULTS = {
    "full_name": "Overgenomen",
    "name": "Overgenomen",
    "reason": "ziek",
    "note": "overgenomen",
    "closed_from": "2027-03-22T00:00",
    "closed_until": "2027-03-23T00:00",
    "local_start": "2027-03-23T10:00",
    "city": "Zwolle",
    "capacity": "10",
    "slug": "overgenomen",
    "street": "Straat 1",
    "postcode": "1234 AB",
    "start": "09:00",
    "end": "17:00",
}


def kind_of(name: str) -> str | None:
    """The kind of row a field refers to: by the hints, else any `<kind>_id(s)` (looked up by
    table name, so a new kind of row needs no change here)."""
    lowered = name.lower()
    hinted = next((kind for hint, kind in HINTS if hint in lowered), None)
    if hinted is None and re.search(r"_ids?$", lowered):
        return re.sub(r"_ids?$", "", lowered)
    return hinted


def route_pattern(path: str) -> re.Pattern[str]:
    types = {"int": r"\d+", "str": r"[^/]+", "path": r".+"}
    parts = re.split(r"(\{[a-z_]+:[a-z]+\})", path)
    regex = "".join(types[p[1:-1].split(":")[1]] if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    opt: dict[str, Any]
    pattern: re.Pattern[str]

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def staff(self) -> bool:
        return "roles" in self.opt

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def ends_the_walk(self) -> bool:
        """Acts on the caller's own sign-in or account (no id in the path says whose):
        signing out, disabling or deleting one's account. Called last."""
        return (
            self.method != "GET"
            and not re.search(r"_id:", self.path)
            and any(word in self.path for word in ("sign-out", "disable", "delete", "leave", "remove"))
        )


def routes_of(app) -> list[Route]:
    found = []
    for route in app.routes:
        if route.path.startswith(SKIPPED_PREFIXES):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(getattr(handler, "http_methods", ["GET"])):
                if method not in ("OPTIONS", "HEAD"):
                    found.append(Route(method, route.path, dict(handler.opt), route_pattern(route.path)))
    # Signing out ends the walk: last.
    return sorted(found, key=lambda r: (r.ends_the_walk, r.path, r.method))


class FormParser(HTMLParser):
    """The POST forms of a page: action and fields (name, value, type, checked)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": []}
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            self._form["fields"].append((a["name"], a.get("value", ""), a.get("type", "text"), "checked" in a))
        elif tag == "textarea" and a.get("name"):
            self._form["fields"].append((a["name"], "", "textarea", False))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[2] = value if self._select[2] is None else self._select[2]
            if "selected" in a:
                self._select[1] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._form is not None:
            name, chosen, first = self._select
            self._form["fields"].append((name, chosen if chosen is not None else first or "", "select", True))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


@dataclass
class Walker:
    """One actor's walk. `answers`: (method, url, text sent that may echo, answer)."""

    client: httpx.AsyncClient
    routes: list[Route]
    schema: dict[str, Any]
    a: OrgWorld
    b: OrgWorld
    answers: list[tuple[str, str, tuple[str, ...], httpx.Response]] = field(default_factory=list)
    called: set[str] = field(default_factory=set)
    #: Routes left out (route keys), e.g. holes another change closes.
    skip: frozenset[str] = frozenset()
    #: The roles the actor holds: the second pass leaves out routes whose role check refuses
    #: them anyway (the first pass has shown that).
    held: frozenset[str] = frozenset()
    #: Awaited after every request that may change something (method, url): for finding which did.
    watch: Any = None
    #: Forms posted already, by route and field names: a page lists the same form per meeting.
    posted: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)

    # -- values -------------------------------------------------------------------------

    def a_email(self) -> str:
        return self.a.staff_emails["mentor"]

    def csv(self) -> str:
        head = "klas;schooljaar;naam mentor;e-mail mentor;aantal leerlingen"
        return f"{head}\n1Z;2026-2027;Overgenomen;{self.a_email()};25\n"

    def target(self, kind: str, own: bool, n: int = 0) -> int:
        """The id a body refers to: A's, except where the request acts (B's own, second pass)."""
        world = self.b if own and kind in CONTEXT_KINDS else self.a
        ids = world.of(kind) or [1]
        return ids[n % len(ids)]

    def fill(self, route: Route, world: OrgWorld, n: int) -> str:
        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "lang":
                return "nl"
            if name == "slug":
                return world.slugs[n % len(world.slugs)]
            if name in ("token", "name"):
                return "x.ics" if name == "name" else "x"
            ids = world.of(name.removesuffix("_id"))
            if not ids:
                raise AssertionError(f"the walk cannot fill {{{name}}} of {route.key}: give actor_world such rows")
            return str(ids[n % len(ids)])

        return re.sub(r"\{([a-z_]+):[a-z]+\}", one, route.path)

    def variants(self, route: Route, world: OrgWorld, many: bool) -> int:
        """How many of the world's programmes or groups to call a route with: one of each kind
        (a school-class import needs a school programme), or one when `many` is off."""
        if not many:
            return 1
        kinds = [p.removesuffix("_id") for p in re.findall(r"\{([a-z_]+):", route.path)]
        return max([len(world.of(k)) for k in kinds if k in ("programme", "cohort")] or [1])

    def json_body(self, schema: dict[str, Any], name: str, own: bool, depth: int = 0) -> Any:
        if "$ref" in schema:
            schema = self.schema["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        if "oneOf" in schema:
            schema = next((s for s in schema["oneOf"] if s.get("type") != "null"), schema["oneOf"][0])
        kind = kind_of(name)
        typ = schema.get("type")
        if "enum" in schema:
            return schema["enum"][0]
        if typ == "object":
            if "properties" in schema and depth < 4:
                return {k: self.json_body(v, k, own, depth + 1) for k, v in schema["properties"].items()}
            return {"nl": "Overgenomen"}
        if typ == "array":
            return [self.json_body(schema.get("items", {}), name, own, depth + 1)]
        if typ == "integer":
            if kind:
                return self.target(kind, own)
            return {"weekday": 1, "capacity": 10, "adults": 3, "children": 2}.get(name, 1)
        if typ == "boolean":
            return True
        if typ == "string":
            fmt = schema.get("format")
            if fmt == "date":
                return "2027-06-30" if name.startswith("end") else "2027-03-22"
            if fmt == "date-time":
                return "2027-03-23T10:00:00" if name.startswith("end") else "2027-03-22T10:00:00"
            if "email" in name:
                return self.a_email()
            return {
                "start_time": "09:30",
                "starts": "09:00",
                "ends": "17:00",
                "language": "nl",
                "template_key": "triple-p-group",
                "role": "volunteer",
                "postcode": "1234 AB",
                "reason": "ill",
                "slug": "overgenomen",
            }.get(name, "Overgenomen")
        return None

    def request_body(self, route: Route, own: bool) -> tuple[dict[str, Any], tuple[str, ...]]:
        """Keyword arguments for httpx and the texts sent that an answer may echo."""
        if route.method == "GET":
            return {}, ()
        if not route.staff:
            return ({"json": {}}, ()) if route.api else ({"data": dict(FORM_DEFAULTS)}, ())
        if route.api:
            operation = (
                self.schema["paths"].get(re.sub(r":[a-z]+\}", "}", route.path), {}).get(route.method.lower(), {})
            )
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                return {"json": self.json_body(content["schema"], "", own)}, (self.a_email(),)
            return {"content": self.csv(), "headers": {"Content-Type": "text/csv"}}, (self.a_email(),)
        form: dict[str, Any] = dict(FORM_DEFAULTS)
        for name in ("organisation_id", "programme_id", "cohort_id", "venue_id", "staff_id", "registration_id"):
            form[name] = str(self.target(name.removesuffix("_id"), own))
        form |= {
            "email": self.a_email(),
            "staff_role": f"{self.target('staff', own)}:volunteer",
            "present": str(self.target("participant", own)),
            "checked_in": str(self.target("participant", own)),
            "volunteer": str(self.target("staff", own)),
            "other_cohort_id": str(self.target("cohort", own)),
            "venue_ids": str(self.target("venue", own)),
            "roles": "coordinator",
        }
        # Multipart, with the school-class file a page may take.
        return {"data": form, "files": {"file": ("klassen.csv", self.csv().encode(), "text/csv")}}, (self.a_email(),)

    # -- walking --------------------------------------------------------------------------

    def route_of(self, method: str, url: str) -> Route | None:
        path = url.split("?", 1)[0]
        return next((r for r in self.routes if r.method == method and r.pattern.match(path)), None)

    async def call(self, method: str, url: str, echo: tuple[str, ...] = (), **kwargs: Any) -> httpx.Response | None:
        route = self.route_of(method, url)
        if route is not None and route.key in self.skip:
            return None
        answer = await self.client.request(method, url, **kwargs)
        if route is not None:
            self.called.add(route.key)
        self.answers.append((method, url, echo, answer))
        if self.watch is not None and method != "GET":
            await self.watch(method, url)
        return answer

    async def theirs(self, many: bool) -> None:
        """Every route with A's ids in the path; bodies refer to A."""
        for route in self.routes:
            if route.ends_the_walk:
                continue
            for n in range(self.variants(route, self.a, many)):
                kwargs, echo = self.request_body(route, own=False)
                await self.call(route.method, self.fill(route, self.a, n), echo, **kwargs)

    async def own(self) -> None:
        """B's own routes with A's people in the bodies, and the forms of B's own pages."""
        for route in self.routes:
            if not route.staff or route.ends_the_walk or not route.opt["roles"] & self.held:
                continue
            for n in range(self.variants(route, self.b, True)):
                url = self.fill(route, self.b, n)
                if route.method != "GET":
                    kwargs, echo = self.request_body(route, own=True)
                    await self.call(route.method, url, echo, **kwargs)
                else:
                    page = await self.call("GET", url)
                    if not route.api and page is not None and page.status_code == 200:
                        await self.post_forms(page.text)

    async def post_forms(self, html: str) -> None:
        parser = FormParser()
        parser.feed(html)
        for form in parser.forms:
            action = form["action"]
            route = self.route_of("POST", action.split("?")[0])
            if form["method"] != "post" or not action.startswith("/") or (route and route.ends_the_walk):
                continue
            shape = (route.key if route else action, tuple(sorted({f[0] for f in form["fields"]})))
            if shape in self.posted:
                continue
            self.posted.add(shape)
            for own in (True, False):
                data, files = self.form_data(form["fields"], own)
                url = action if own else self.to_a(action)
                await self.call("POST", url, (self.a_email(),), data=data, files=files or None)

    def form_data(self, fields: list[tuple[str, str, str, bool]], own: bool) -> tuple[dict[str, Any], dict[str, Any]]:
        data: dict[str, list[str]] = {}
        files: dict[str, Any] = {}
        radios: set[str] = set()
        for name, value, typ, checked in fields:
            if typ == "file":
                files[name] = ("klassen.csv", self.csv().encode(), "text/csv")
                continue
            if typ == "radio":
                if name in radios and not checked:
                    continue
                radios.add(name)
            kind = kind_of(name)
            if "email" in name or typ == "email":
                value = self.a_email()
            elif kind and (not own or kind not in CONTEXT_KINDS):
                number, sep, rest = value.partition(":")
                if number.isdigit():
                    value = f"{self.target(kind, own)}{sep}{rest}"
            if not value and typ not in ("hidden", "checkbox"):
                value = FORM_DEFAULTS.get(name, "1" if typ == "number" else "Overgenomen")
            data.setdefault(name, []).append(value)
        return data, files

    def to_a(self, action: str) -> str:
        """The same page action, with A's ids in its path."""
        path, _, query = action.partition("?")
        for route in self.routes:
            if route.method == "POST" and route.pattern.match(path):
                return self.fill(route, self.a, 0) + (f"?{query}" if query else "")
        return action

    async def last(self) -> None:
        """The routes that end the walk (signing out, disabling one's own account)."""
        for route in self.routes:
            if route.ends_the_walk:
                kwargs, echo = self.request_body(route, own=False)
                await self.call(route.method, self.fill(route, self.a, 0), echo, **kwargs)
