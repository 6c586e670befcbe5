"""Progress of long command-line jobs: a bar in a terminal, plain lines otherwise.

    with progress("Loading demo data", total=4) as advance:
        for step in steps:
            ...
            advance()

In a terminal (the stream is a TTY) click draws a bar that redraws itself. In a
log file, a CI run or a pipe a bar would be a mess of carriage returns, so there
the job writes a plain line at the start, at every tenth of the way and at the
end: `Loading demo data: 2/4 (50%)`. Both go to stderr, keeping stdout for results.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

import click


@contextmanager
def progress(label: str, total: int, stream: TextIO | None = None) -> Iterator[Callable[..., None]]:
    """Yield `advance(n=1)`; show a bar on a terminal, lines elsewhere."""
    out = stream or sys.stderr
    if out.isatty():
        with click.progressbar(length=total, label=label, file=out, show_pos=True, show_eta=True) as bar:
            yield lambda n=1: bar.update(n)
        return
    started = time.monotonic()
    done = 0
    shown = -1

    def line() -> None:
        percent = 100 * done // total if total else 100
        out.write(f"{label}: {done}/{total} ({percent}%) {time.monotonic() - started:.1f}s\n")
        out.flush()

    def advance(n: int = 1) -> None:
        nonlocal done, shown
        done = min(total, done + n)
        tenth = 10 * done // total if total else 10
        if tenth > shown:
            shown = tenth
            line()

    line()
    shown = 0
    yield advance
    if done < total or shown < 10:
        line()
