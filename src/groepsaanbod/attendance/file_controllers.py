"""JSON API's report files: the CSV and XLSX the report pages offer (`?format=csv|xlsx` there), built
by the same use cases, so a file holds exactly what the page and GET …/report show (suppression alike)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Response, get
from litestar.params import QueryParameter

from groepsaanbod.attendance import figures as f
from groepsaanbod.attendance.controllers import MUNICIPALITY_READERS, REPORT_READERS, default_period
from groepsaanbod.attendance.errors import ReportRefused
from groepsaanbod.attendance.services import exports, reports
from groepsaanbod.i18n.formatting import local_date
from groepsaanbod.i18n.text import N_
from groepsaanbod.web import Context

FORMAT_WRONG = N_("Choose the format csv or xlsx.")
FORMAT = QueryParameter(
    name="format",
    description="csv (UTF-8 with a byte order mark; the default) or xlsx.",
    schema_extra={"enum": sorted(exports.FILE_TYPES)},
)
DIALECT = QueryParameter(
    name="dialect",
    description=(
        "For csv: nl (`;` between cells, decimal comma `78,4`, as Dutch Excel reads it) or international"
        " (`,` and `78.4`). Default: nl when the reader's language is Dutch, else international."
    ),
    schema_extra={"enum": sorted(exports.CSV_DIALECTS)},
)
PROGRAMME_ID = QueryParameter(name="programmeId", description="Only this programme's groups.")
COHORT_ID = QueryParameter(name="cohortId", description="Only this group.")


def _file(ctx: Context, report: f.Report, wanted: str, dialect: str | None) -> Response[bytes]:
    content, media_type, name = exports.report_file(report, ctx.language, wanted, dialect)
    return Response(content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _format(wanted: str) -> str:
    if wanted not in exports.FILE_TYPES:
        raise ReportRefused.single("format", FORMAT_WRONG)
    return wanted


@get(
    "/api/v1/organisations/{organisation_id:int}/report/export",
    opt={**REPORT_READERS, "scope": "reports:read"},
    tags=["reports"],
    media_type="text/csv",
)
async def api_provider_report_file(
    ctx: Context,
    organisation_id: int,
    file_format: Annotated[str, FORMAT] = "csv",
    dialect: Annotated[str | None, DIALECT] = None,
    start: date | None = None,
    end: date | None = None,
    programme_id: Annotated[int | None, PROGRAMME_ID] = None,
    cohort_id: Annotated[int | None, COHORT_ID] = None,
) -> Response[bytes]:
    """The organisation's report as a file (text/csv or the XLSX media type), as the report page
    downloads it; the period defaults to the past year."""
    wanted, chosen = _format(file_format), exports.csv_dialect(dialect)
    start, end = default_period(start, end, local_date(ctx.now()))
    request_ = reports.ReportRequest(start, end, organisation_id, programme_id, cohort_id)
    report = await reports.build_provider_report(ctx.db, ctx.staff, request_, ctx.now(), language=ctx.language)
    return _file(ctx, report, wanted, chosen)


@get(
    "/api/v1/reports/municipality/export",
    opt={**MUNICIPALITY_READERS, "scope": "reports:read"},
    tags=["reports"],
    media_type="text/csv",
)
async def api_municipality_report_file(
    ctx: Context,
    place: str | None = None,
    file_format: Annotated[str, FORMAT] = "csv",
    dialect: Annotated[str | None, DIALECT] = None,
    start: date | None = None,
    end: date | None = None,
    programme: str | None = None,
) -> Response[bytes]:
    """The municipality report as a file (text/csv or the XLSX media type), as its page downloads it:
    aggregates only, small counts hidden exactly as on the page."""
    wanted, chosen = _format(file_format), exports.csv_dialect(dialect)
    start, end = default_period(start, end, local_date(ctx.now()))
    request_ = reports.ReportRequest(start, end, place=place or None, template_key=programme or None)
    report = await reports.build_municipality_report(ctx.db, ctx.staff, request_, ctx.now(), language=ctx.language)
    return _file(ctx, report, wanted, chosen)


ROUTES = [api_provider_report_file, api_municipality_report_file]
