"""The stylesheet the pages load (static/build/nlds.css) is what scripts/build_css.py makes from
the vendored NL Design System files and the classes the templates use. A class added to a
template, or a token read in site.css, needs the script run again; this test says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_css.py"


def _build_module():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import build_css

        return build_css
    finally:
        sys.path.remove(str(SCRIPT.parent))


def test_the_checked_in_subset_is_up_to_date():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr + "\nRun: .venv/bin/python scripts/build_css.py"


def test_a_class_used_nowhere_is_left_out_and_a_used_one_kept():
    build = _build_module()
    subset = build.Subset({"utrecht-button", "utrecht-button--primary-action"}, ("utrecht-alert--",))
    sheet = build.tinycss2.parse_stylesheet(
        ".utrecht-button, .utrecht-badge { color: red }"
        ".utrecht-badge { color: blue }"
        ".utrecht-button:not(.utrecht-button--busy):hover { color: green }"
        ".utrecht-alert--ok { color: navy }"
        "@media (forced-colors: active) { .utrecht-badge { color: x } .utrecht-button--primary-action { color: y } }"
        "@media print { .utrecht-badge { color: z } }",
        skip_whitespace=True,
    )
    out = "\n".join(subset.rules(sheet, {}))
    assert ".utrecht-button {" in out.replace(" ,", ",")
    assert ".utrecht-badge" not in out
    assert ":not(.utrecht-button--busy):hover" in out  # classes inside :not() are not required
    assert ".utrecht-alert--ok" in out  # a class built at run time from a prefix
    assert "forced-colors" in out
    assert ".utrecht-button--primary-action" in out
    assert "print" not in out


def test_tokens_are_followed_through_the_tokens_they_read():
    text = (ROOT / "src" / "groepsaanbod" / "static" / "build" / "nlds.css").read_text(encoding="utf-8")
    build = _build_module()
    declared = set(build.re.findall(r"^\s+(--[\w-]+):", text, build.re.MULTILINE))
    theme_names = set(build._tokens(build.TOKENS)[1])
    missing = {name for name in build.VAR.findall(text) if name in theme_names and name not in declared}
    assert not missing, sorted(missing)[:10]
    assert len(text.encode()) < 200_000  # of about 614 kB in the two sources
