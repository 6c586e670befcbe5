"""The seven languages of the service, and choosing one for a request. Pure."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LANGUAGE = "nl"


@dataclass(frozen=True)
class Language:
    code: str
    #: The language's name in the language itself, for the language chooser.
    native_name: str
    rtl: bool = False


LANGUAGES: tuple[Language, ...] = (
    Language("nl", "Nederlands"),
    Language("en", "English"),
    Language("tr", "Türkçe"),
    Language("ar", "العربية", rtl=True),
    Language("pl", "polski"),
    Language("es", "español"),
    Language("so", "Soomaali"),
)
LANGUAGE_CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)
BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}


def is_supported(code: str | None) -> bool:
    return code in BY_CODE


def parse_accept_language(header: str | None) -> list[str]:
    """Language codes from an Accept-Language header, best first (RFC 9110 q-values)."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, index, tag.split("-")[0]))
    return [tag for _, _, tag in sorted(weighted)]


def choose_language(
    url_prefix: str | None = None, cookie: str | None = None, accept_language: str | None = None
) -> str:
    """URL prefix, then cookie, then Accept-Language, then Dutch."""
    for candidate in (url_prefix, cookie, *parse_accept_language(accept_language)):
        if is_supported(candidate):
            return candidate  # type: ignore[return-value]
    return DEFAULT_LANGUAGE
