"""Every form that posts carries the CSRF field: a scan of every page template, so a
form added later cannot forget it. New forms write `{{ csrf_field() }}` inside."""

from __future__ import annotations

import re

from groepsaanbod import PACKAGE_DIR

FORM = re.compile(r"<form\b[^>]*>(.*?)</form>", re.S | re.I)
POSTS = re.compile(r"""method\s*=\s*["']?post""", re.I)


def test_every_posting_form_has_csrf_field():
    missing = []
    scanned = 0
    for path in sorted((PACKAGE_DIR / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in FORM.finditer(text):
            opening = match.group(0)[: match.group(0).index(">") + 1]
            if not POSTS.search(opening):
                continue
            scanned += 1
            if "csrf_field()" not in match.group(1):
                line = text[: match.start()].count("\n") + 1
                missing.append(f"{path.relative_to(PACKAGE_DIR)}:{line}")
    assert scanned >= 20
    assert not missing, f"forms without {{{{ csrf_field() }}}}: {missing}"


def test_no_inline_script_or_style_in_templates():
    """The Content-Security-Policy allows neither; styles live in /static/site.css. A JSON-LD
    block is data, never run (the programme page's schema.org offer)."""
    offenders = []
    for path in sorted((PACKAGE_DIR / "templates").rglob("*.html")):
        if "messages" in path.parts:
            continue  # email bodies: not served as pages, mail clients need inline styles
        text = path.read_text(encoding="utf-8")
        if re.search(
            r"<script\b(?![^>]*\bsrc=)(?![^>]*type=.application/ld\+json.)|<style\b|\sstyle\s*=|\son[a-z]+\s*=",
            text,
            re.I,
        ):
            offenders.append(str(path.relative_to(PACKAGE_DIR)))
    assert not offenders, offenders
