"""How large a request body may be, per kind of route. Pure.

A body larger than its route allows is refused (413) before anything reads it: Litestar compares
Content-Length with the route's `request_max_body_size` before it reads a byte, and counts the
bytes of a body sent without one as they arrive. So a huge form is refused before the CSRF check
parses it (it used to parse 10 MB for 6 to 24 seconds, and the process answered nobody meanwhile).

The sizes are what the largest honest request of the kind needs, with room to spare: a form a
person fills in; a form with a text per language (Arabic text, percent-encoded, takes about six
bytes a letter); a JSON body (a programme's whole plan is about 12 kB); a school's class list as
CSV (200 classes of at most a few hundred bytes each).
"""

from __future__ import annotations

from groepsaanbod.i18n.text import N_

KIB = 1024

#: Pages: a form a person fills in (sign-up, sign-in, a register of a group, a venue).
FORM_BODY_LIMIT = 64 * KIB
#: Pages with a long text per language: a programme's texts, its plan.
LONG_FORM_BODY_LIMIT = 256 * KIB
#: The JSON API.
JSON_BODY_LIMIT = 256 * KIB
#: A class list (CSV), uploaded as a file on the page or as the body in the API.
UPLOAD_BODY_LIMIT = 1024 * KIB

TOO_LARGE = N_("What you sent is too large: at most %(kilobytes)s kB is allowed. Send less, or a smaller file.")


def kilobytes(limit_bytes: int) -> int:
    """The limit as people read it (rounded down to whole kB of 1024 bytes)."""
    return limit_bytes // KIB
