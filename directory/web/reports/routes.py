"""The direct-contacts indicators report: the page (tables and SVG charts), CSV and XLSX."""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING

from flask import Blueprint, Response, render_template, request
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.widgets import DateInput

from directory.extensions import current_locale
from directory.services import audit, commit, indicators
from directory.services.errors import ServiceError
from directory.web.i18n import RTL
from directory.web.reports.charts import bar_chart
from imports.formulas import neutralise

if TYPE_CHECKING:
    from openpyxl import Workbook

blueprint = Blueprint("reports", __name__, url_prefix="/reports")

BY_LABELS = {
    "quarter": _l("Quarter"), "month": _l("Month"), "year": _l("Year"),
    "country": _l("Requesting country"), "counterpart-country": _l("Counterpart country"),
    "network": _l("Network used"), "matter": _l("Matter"), "channel": _l("Channel"),
    "country-pair": _l("Country pair"),
}


class PeriodForm(FlaskForm):
    """A GET form: it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    start = StringField(_l("From"), widget=DateInput(), name="from")
    end = StringField(_l("To"), widget=DateInput(), name="to")
    by = SelectField(_l("Broken down by"), choices=[], validate_choice=False)


def _actor():
    return current_user._get_current_object()


def _period_form() -> PeriodForm:
    form = PeriodForm(formdata=None, data={"start": request.args.get("from", ""),
                                           "end": request.args.get("to", ""),
                                           "by": request.args.get("by", "")})
    form.by.choices = [(key, str(label)) for key, label in BY_LABELS.items()]
    return form


def _parse(form: PeriodForm):
    """(from, to, by), or None with the errors put on the form."""
    try:
        start, end, by = indicators.parse_period(form.start.data, form.end.data,
                                                 form.by.data or None)
    except ServiceError as error:
        names = {"from": form.start, "to": form.end, "by": form.by}
        for name, message in error.fields.items():
            field = names.get(name, form.end)
            field.errors = list(field.errors or []) + [_message(name, message)]
        return None
    form.start.data, form.end.data, form.by.data = start.isoformat(), end.isoformat(), by
    return start, end, by


def _as_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _message(name: str, message: str) -> str:
    # The service speaks the user's language too: tell its errors apart by the values given.
    given = (request.args.get(name) or "").strip()
    if name in ("from", "to") and given and _as_date(given) is None:
        return _("Enter a real date, written YYYY-MM-DD (for example 2025-01-31).")
    start = _as_date(request.args.get("from")) or date(date.today().year, 1, 1)
    if name == "to" and (_as_date(given) or date.today()) < start:
        return _("The end of the period must be on or after its start.")
    if name == "by":
        return _("Choose one of the listed breakdowns.")
    return message


def _rate(value: float | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0.0%")


def _rows(report: indicators.Report, by: str, locale: str) -> list[dict]:
    labels = {row[0]: row[1] for row in indicators.table_rows(report.breakdown(by), by, locale)}
    return [{"key": key or "", "label": labels[key or ""], "tally": tally,
             "a_rate": _rate(tally.plan("A")["rate"]), "b_rate": _rate(tally.plan("B")["rate"])}
            for key, tally in report.breakdown(by)]


def _scope_text(report: indicators.Report) -> str:
    if report.scope.kind == "own":
        return _("These figures count the initial contacts you logged.")
    if report.scope.kind == "networks":
        names = [indicators.group_label("network", slug, current_locale())
                 for slug in report.scope.networks]
        return _("These figures count the initial contacts made through your networks: "
                 "%(networks)s.", networks=", ".join(names) or "—")
    return _("These figures count every initial contact logged in the directory.")


@blueprint.get("/indicators")
def indicators_page():
    form = _period_form()
    parsed = _parse(form)
    if parsed is None:
        return render_template("reports/indicators.html", form=form, report=None), 400
    start, end, by = parsed
    locale = current_locale()
    rtl = locale in RTL
    report = indicators.build_report(_actor(), start, end, by)
    period = by if by in indicators.PERIODS else indicators.DEFAULT_BY
    sections = [(name, str(BY_LABELS[name]), _rows(report, name, locale))
                for name in (period, *indicators.DIMENSIONS)]
    chosen = _rows(report, by, locale)
    series = [_("A-4.1 Number of initial contacts (plan A)"),
              _("B-4.1 Contacts established (plan B)")]
    chart = bar_chart(
        "chart-breakdown",
        _("A-4.1 and B-4.1 by %(by)s, %(start)s to %(end)s", by=str(BY_LABELS[by]).lower(),
          start=start.isoformat(), end=end.isoformat()),
        _("Bar chart: for each group, the number of initial contacts of plan A and the "
          "contacts established of plan B. The same numbers are in the table below."),
        series, [(row["label"], [row["tally"].a_initiated, row["tally"].b_established])
                 for row in chosen],
        _("The chart shows the first 60 groups; the table has them all."), rtl)
    plans_chart = bar_chart(
        "chart-plans", _("Initiated and established contacts by action plan"),
        _("Bar chart: initiated and established initial contacts of plans A and B in the "
          "period. The same numbers are in the table beside it."),
        [_("Initiated"), _("Established")],
        [(_("Plan A"), [report.total.a_initiated, report.total.a_established]),
         (_("Plan B"), [report.total.b_initiated, report.total.b_established])], rtl=rtl)
    use_chart = None
    if report.use is not None:
        use_chart = bar_chart(
            "chart-use", _("Use of the directory by %(period)s",
                           period=str(BY_LABELS[report.use["period"]]).lower()),
            _("Bar chart: searches and entry views in each period. The same numbers are in "
              "the table below."),
            [_("Searches"), _("Entry views")],
            [(indicators.group_label(report.use["period"], row["period"], locale),
              [row["searches"], row["views"]]) for row in report.use["by_period"]],
            _("The chart shows the first 60 periods; the table has them all."), rtl)
    return render_template(
        "reports/indicators.html", form=form, report=report, by=by, by_label=BY_LABELS[by],
        chosen=chosen, sections=[s for s in sections if s[0] != by], chart=chart,
        plans_chart=plans_chart, use_chart=use_chart, rate=_rate, scope_text=_scope_text(report),
        pairs=[{"requesting": req, "counterpart": cp, "tally": tally,
                "rate": _rate(indicators.rate(tally.established, tally.initiated))}
               for req, cp, tally in report.country_pairs()],
        network_label=lambda slug: indicators.group_label("network", slug, locale),
        period_label=lambda key: indicators.group_label(report.use["period"], key, locale),
        query={"from": start.isoformat(), "to": end.isoformat(), "by": by})


def _download(fmt: str):
    form = _period_form()
    parsed = _parse(form)
    if parsed is None:
        message = " ".join(error for field in form for error in field.errors)
        raise ServiceError(message)
    start, end, by = parsed
    report = indicators.build_report(_actor(), start, end, by)
    audit.record(_actor(), "indicators.exported", "indicators", None,
                 {"format": [None, fmt], "from": [None, start.isoformat()],
                  "to": [None, end.isoformat()], "by": [None, by]})
    commit()
    return report, f"indicators-{start.isoformat()}-{end.isoformat()}-{by}.{fmt}"


@blueprint.post("/indicators.csv")
def indicators_csv():
    report, filename = _download("csv")
    # A byte-order mark, so that Excel opens the UTF-8 labels (Arabic, accents) correctly.
    body = "\ufeff" + indicators.to_csv(report, current_locale())
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.post("/indicators.xlsx")
def indicators_xlsx():
    report, filename = _download("xlsx")
    body = workbook(report, current_locale())
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                                   "spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- the workbook ----------------------------------------------------------------------------

RATE_COLUMNS = (7, 10, 13)  # 1-based: A rate, B rate, rate (in both breakdown layouts)


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list],
           percent_columns: tuple[int, ...] = RATE_COLUMNS) -> None:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(_sheet_title(title))
    sheet.append([neutralise(cell) for cell in header])
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    for index, cell in enumerate(header, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(40, len(str(cell)) + 4))
        if index in percent_columns:
            for column in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                for data in column:
                    data.number_format = "0.0%"
    sheet.freeze_panes = "A2"


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]


def workbook(report: indicators.Report, locale: str) -> bytes:
    from openpyxl import Workbook  # loaded when a workbook is asked for, not at every start

    book = Workbook()
    summary = book.active
    summary.title = _sheet_title(_("Indicators"))
    cells = [
        [_("Direct-contacts indicators (Action 4.1)")],
        [_("From"), report.start.isoformat()], [_("To"), report.end.isoformat()],
        [_("Scope"), _scope_text(report)],
        [],
        [_("Indicator"), _("Label"), _("Value")],
        ["A-4.1", _("Number of initial contacts"), report.total.a_initiated],
        ["B-4.1", _("Contacts established"), report.total.b_established],
        [],
        [_("Plan"), _("Initiated"), _("Established"), _("Rate")],
    ]
    for plan in ("A", "B"):
        numbers = report.total.plan(plan)
        cells.append([plan, numbers["initiated"], numbers["established"], numbers["rate"]])
    for row in cells:
        summary.append([neutralise(cell) for cell in row])
    for row in summary.iter_rows(min_row=11, max_row=12, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "0.0%"
    summary.column_dimensions["A"].width = 22
    summary.column_dimensions["B"].width = 40

    header = [_("Code"), _("Group"), "A-4.1", "B-4.1", _("A initiated"), _("A established"),
              _("A rate"), _("B initiated"), _("B established"), _("B rate"), _("Initiated"),
              _("Established"), _("Rate")]
    period = report.by if report.by in indicators.PERIODS else indicators.DEFAULT_BY
    for name in (period, *indicators.DIMENSIONS):
        _sheet(book, str(BY_LABELS[name]), header,
               indicators.table_rows(report.breakdown(name), name, locale))
    pair_rows = [[indicators.group_label("country", req, locale),
                  indicators.group_label("counterpart-country", cp, locale),
                  *indicators.numbers(tally)] for req, cp, tally in report.country_pairs()]
    _sheet(book, _("Country pairs"), [_("Requesting country"), _("Counterpart country")]
           + header[2:], pair_rows)
    if report.use is not None:
        _sheet(book, _("Use of the directory"), [_("Network"), _("Searches"), _("Entry views")],
               [[indicators.group_label("network", row["network"], locale)
                 if row["network"] else _("All networks (no filter)"),
                 row["searches"], row["views"]] for row in report.use["by_network"]], ())
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
