"""Which language names come from our catalogs rather than from CLDR. Pure.

Babel's CLDR data (2.18) names some languages in English inside another language: Somali
pages said "Turkish" and "Papiamento" (its "Tigrinya" is spelled alike in Somali). For those
languages the catalogs give the name, in every language alike (so one place holds it); all
others come from CLDR.
"""

from __future__ import annotations

from groepsaanbod.i18n.text import N_

#: language code -> its name as a message id (English), translated in every catalog.
NAMES_FROM_CATALOGS: dict[str, str] = {
    "tr": N_("Turkish"),
    "pap": N_("Papiamento"),
}
