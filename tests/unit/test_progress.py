"""Long jobs show a bar in a terminal and plain lines elsewhere."""

import io

from groepsaanbod.progress import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    with progress("Forming groups", total=50, stream=out) as advance:
        for _ in range(50):
            advance()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Forming groups: 0/50 (0%)")
    assert lines[-1].startswith("Forming groups: 50/50 (100%)")
    assert len(lines) == 11  # start, then every tenth
    assert "\r" not in out.getvalue()


def test_a_bar_in_a_terminal():
    out = Terminal()
    with progress("Loading demo data", total=4, stream=out) as advance:
        for _ in range(4):
            advance()
    assert "Loading demo data" in out.getvalue()
    assert "4/4" in out.getvalue()
