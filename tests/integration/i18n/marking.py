"""Which language an HTML page says a piece of text is in: the nearest `lang` (and `dir`) around
it, found by parsing the page (html.parser), as a screen reader would."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Finder(HTMLParser):
    def __init__(self, needle: str) -> None:
        super().__init__(convert_charrefs=True)
        self.needle = needle
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.found: list[list[tuple[str, dict[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self.needle in data:
            self.found.append(list(self.stack))


def languages_of(html: str, needle: str) -> list[tuple[str | None, str | None, str]]:
    """For each place `needle` is shown (in text, not in attributes or forms): the (lang, dir) of the
    nearest element that states a language, and that element's tag ("html": the page's own)."""
    finder = _Finder(needle)
    finder.feed(html)
    finder.close()
    shown = []
    for stack in finder.found:
        if any(tag in ("script", "style", "textarea", "title", "option") for tag, _ in stack):
            continue
        tag, attrs = next(((t, a) for t, a in reversed(stack) if a.get("lang")), ("", {}))
        # The element that states the language states its direction too (an Arabic page's rtl
        # would otherwise turn a Dutch sentence's full stop to the wrong end).
        shown.append((attrs.get("lang"), attrs.get("dir"), tag))
    return shown
