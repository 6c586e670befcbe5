"""Extract messages from the code and templates and bring the seven catalogs up to date.

    .venv/bin/python scripts/catalogs.py

New messages arrive untranslated (the catalog test then fails until they are
translated); English is filled from the message ids, which are English. The
Plural-Forms header of each catalog is set from groepsaanbod.i18n.plurals.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from groepsaanbod.i18n.languages import LANGUAGE_CODES
from groepsaanbod.i18n.plurals import PLURAL_FORMS

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
POT = LOCALE / "messages.pot"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def main() -> None:
    pybabel(
        "extract", "-F", "babel.cfg", "-k", "N_", "--no-location", "--sort-output", "--omit-header", "-o", str(POT), "."
    )
    for code in LANGUAGE_CODES:
        po = LOCALE / code / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel("update", "-i", str(POT), "-d", str(LOCALE), "-l", code, "--no-fuzzy-matching", "--ignore-obsolete")
        else:
            pybabel("init", "-i", str(POT), "-d", str(LOCALE), "-l", code)
        with po.open("rb") as f:
            catalog = read_po(f, locale=code)
        nplurals = int(PLURAL_FORMS[code].split(";")[0].split("=")[1])
        catalog._num_plurals = nplurals
        catalog._plural_expr = PLURAL_FORMS[code].split("plural=", 1)[1].rstrip(";")
        for message in catalog:
            if not message.id:
                continue
            if (
                code == "en"
                and not message.string
                or code == "en"
                and not any(message.string if isinstance(message.string, tuple) else (message.string,))
            ):
                message.string = message.id if isinstance(message.id, tuple) else message.id
            elif isinstance(message.id, tuple):
                current = message.string if isinstance(message.string, tuple) else (message.string,)
                message.string = tuple((list(current) + [""] * nplurals)[:nplurals])
        with po.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, no_location=True, sort_output=True)
    print("Catalogs updated in", LOCALE)


if __name__ == "__main__":
    main()
