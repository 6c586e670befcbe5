"""Plural rules of our catalogs, written for gettext and checked against CLDR.

Babel's own table (babel.messages.plurals) disagrees with CLDR for some of our
languages (Turkish: 1 form instead of 2; Arabic: wrong form for 11-99; Spanish:
no form for millions), so the catalogs carry these headers and a test proves
each picks one form per CLDR category for whole numbers.
"""

PLURAL_FORMS: dict[str, str] = {
    "nl": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "es": "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
    "so": "nplurals=2; plural=(n != 1);",
}
