"""Build the one stylesheet of the NL Design System that the pages load: only what they use.

    .venv/bin/python scripts/build_css.py          # rewrite src/groepsaanbod/static/build/nlds.css
    .venv/bin/python scripts/build_css.py --check  # exit 1 if that file is not what this script writes

The sources are the two vendored files (static/vendor, see its README): the Utrecht component
library (about 400 kB) and the example theme's design tokens (about 200 kB). A page needs only:

- the component rules whose selectors name classes that appear in the templates, the Python
  source or our own JavaScript (a selector naming a class nobody writes can never match);
- the design tokens (custom properties) those rules and our own site.css read with var(),
  followed through the tokens that read other tokens;
- the @media, @supports and @container blocks around kept rules, and keyframes they name.

A class added to a template therefore needs this script run again; tests/unit/test_css_subset.py
says so when the written file is stale. The output is deterministic (the sources' order).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import tinycss2
from tinycss2.ast import AtRule, Declaration, IdentToken, LiteralToken, Node, QualifiedRule

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "groepsaanbod"
STATIC = PACKAGE / "static"
COMPONENTS = STATIC / "vendor" / "utrecht-component-library.css"
TOKENS = STATIC / "vendor" / "voorbeeld-design-tokens.css"
OUTPUT = STATIC / "build" / "nlds.css"

#: The design system's class names: its components (utrecht-) and its theme (voorbeeld-).
CLASS_NAME = re.compile(r"(?<![\w-])(?:utrecht|voorbeeld)-[A-Za-z0-9_-]*")
VAR = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
#: Blocks that wrap rules and are kept when something inside them is.
WRAPPERS = {"media", "supports", "container", "layer"}

HEADER = """\
/*
 * Written by scripts/build_css.py: do not edit, run the script again.
 * A subset of @utrecht/component-library-css and
 * @nl-design-system-unstable/voorbeeld-design-tokens (static/vendor, see its README).
 * @license EUPL-1.2
 * Copyright (c) 2020-2025 Gemeente Utrecht
 * Copyright (c) 2020-2025 Frameless B.V.
 */
"""


def used_classes() -> tuple[set[str], tuple[str, ...]]:
    """Every design-system class name written in templates, Python source and our JavaScript.

    A name ending in `-` is built at run time (`utrecht-alert--{{ kind }}`): it counts as a prefix."""
    sources: list[Path] = [
        *(PACKAGE / "templates").rglob("*.html"),
        *PACKAGE.rglob("*.py"),
        *STATIC.glob("*.js"),
    ]
    names: set[str] = set()
    for path in sorted(sources):
        names.update(CLASS_NAME.findall(path.read_text(encoding="utf-8")))
    prefixes = tuple(sorted(name for name in names if name.endswith("-")))
    return {name for name in names if not name.endswith("-")}, prefixes


def _selector_classes(tokens: Iterable[Node]) -> set[str]:
    """The classes a compound selector needs at its own level. Classes inside :is(), :not() and
    the like are not required (keeping a rule too many is harmless; one too few is not)."""
    classes: set[str] = set()
    previous: Node | None = None
    for token in tokens:
        if isinstance(token, IdentToken) and isinstance(previous, LiteralToken) and previous.value == ".":
            classes.add(token.value)
        previous = token
    return classes


def _split_selectors(prelude: list[Node]) -> list[list[Node]]:
    """A selector list cut at its top-level commas (commas inside :is(...) are in a function block)."""
    selectors: list[list[Node]] = [[]]
    for token in prelude:
        if isinstance(token, LiteralToken) and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [s for s in selectors if tinycss2.serialize(s).strip()]


class Subset:
    def __init__(self, classes: set[str], prefixes: tuple[str, ...]) -> None:
        self.classes = classes
        self.prefixes = prefixes

    def class_used(self, name: str) -> bool:
        return name in self.classes or name.startswith(self.prefixes)

    def rule(self, rule: QualifiedRule) -> str | None:
        """The rule with only the selectors that can match, or None when none can."""
        kept = [
            tinycss2.serialize(selector).strip()
            for selector in _split_selectors(rule.prelude)
            if all(self.class_used(name) for name in _selector_classes(selector))
        ]
        if not kept:
            return None
        return ",\n".join(kept) + " {" + tinycss2.serialize(rule.content).rstrip() + "\n}"

    def rules(self, nodes: Iterable[Node], keyframes: dict[str, str]) -> list[str]:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, QualifiedRule):
                kept = self.rule(node)
                if kept:
                    out.append(kept)
            elif isinstance(node, AtRule) and node.lower_at_keyword in WRAPPERS and node.content is not None:
                inner = self.rules(tinycss2.parse_rule_list(node.content, skip_whitespace=True), keyframes)
                if inner:
                    prelude = tinycss2.serialize(node.prelude).strip()
                    body = "\n".join("  " + line for line in "\n\n".join(inner).splitlines())
                    out.append(f"@{node.at_keyword} {prelude} {{\n{body}\n}}")
            elif isinstance(node, AtRule) and node.lower_at_keyword == "keyframes":
                keyframes[tinycss2.serialize(node.prelude).strip()] = node.serialize()
        return out


def _tokens(path: Path) -> tuple[str, dict[str, Declaration]]:
    """The theme's one rule (`.voorbeeld-theme { --name: value; ... }`): its selector and tokens."""
    rules = [n for n in tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), True, True)]
    if len(rules) != 1 or not isinstance(rules[0], QualifiedRule):
        raise SystemExit(f"{path}: expected one rule of tokens, found {len(rules)} nodes")
    declarations = tinycss2.parse_blocks_contents(rules[0].content, skip_whitespace=True, skip_comments=True)
    tokens = {d.name: d for d in declarations if isinstance(d, Declaration)}
    return tinycss2.serialize(rules[0].prelude).strip(), tokens


def build() -> str:
    classes, prefixes = used_classes()
    subset = Subset(classes, prefixes)
    keyframes: dict[str, str] = {}
    components = tinycss2.parse_stylesheet(COMPONENTS.read_text(encoding="utf-8"), True, True)
    rules = subset.rules(components, keyframes)
    body = "\n\n".join(rules)
    named = [text for name, text in keyframes.items() if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", body)]

    # The tokens read by the kept rules and by our own stylesheets, and the tokens those read.
    own_css = "\n".join(p.read_text(encoding="utf-8") for p in sorted(STATIC.glob("*.css")))
    selector, tokens = _tokens(TOKENS)
    wanted = set(VAR.findall(body)) | set(VAR.findall(own_css))
    pending = list(wanted)
    while pending:
        declaration = tokens.get(pending.pop())
        if declaration is None:
            continue
        for name in VAR.findall(tinycss2.serialize(declaration.value)):
            if name not in wanted:
                wanted.add(name)
                pending.append(name)
    kept_tokens = [
        f"  {name}:{tinycss2.serialize(d.value).rstrip()}{' !important' if d.important else ''};"
        for name, d in tokens.items()
        if name in wanted
    ]
    theme = selector + " {\n" + "\n".join(kept_tokens) + "\n}"
    return HEADER + "\n\n".join([theme, *rules, *named]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the written subset is out of date")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run .venv/bin/python scripts/build_css.py")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date ({len(text.encode())} bytes)")
        return 0
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
