"""JSON API of the register taken offline: a batch of marks, each with its own id, sent when
there is signal again (and sent again when unsure: nothing changes twice)."""

from __future__ import annotations

from litestar import post
from litestar.params import JSONBody

from groepsaanbod.attendance.controllers import REGISTER_TAKERS
from groepsaanbod.attendance.mark_rules import SentMark
from groepsaanbod.attendance.schemas import SentMarksIn, SentMarksOut
from groepsaanbod.attendance.services import offline_marks
from groepsaanbod.web import Context


@post("/api/v1/sessions/{session_id:int}/register/marks", opt=REGISTER_TAKERS, tags=["attendance"], status_code=200)
async def api_send_marks(ctx: Context, session_id: int, data: JSONBody[SentMarksIn]) -> SentMarksOut:
    """Marks made on a device, perhaps without signal: each with its own `id` (a UUID) and the moment
    it was made (`marked_at`). A mark received before changes nothing, so a batch may be sent again
    as often as needed. Of two marks of the same person (or of the drop-in's head count) the one
    made later wins, whatever order they arrive in; both are kept in the history and the audit
    record. The same people may send marks, in the same period, as may take the register; a batch
    with any mark that is wrong saves nothing."""
    marks = [
        SentMark(m.id, m.value, m.marked_at, m.participant_id, m.reason, m.adults, m.children, m.session_id)
        for m in data.marks
    ]
    received = await offline_marks.receive_marks(ctx.db, ctx.staff, session_id, marks, now=ctx.now())
    return SentMarksOut(received.applied, received.outdated, received.known)


ROUTES = [api_send_marks]
