"""The report page (tables, SVG charts), its CSV and XLSX downloads, and the command line."""

from __future__ import annotations

import csv
import io
import json
import re

from openpyxl import load_workbook
from sqlalchemy import select, update
from support import download

from directory.extensions import db
from directory.models import AuditEntry, Network

PERIOD = "from=2025-01-01&to=2025-06-30"


def test_the_page_shows_the_indicators_tables_and_charts(login_as, scenario):
    browser = login_as("reporter")
    response = browser.get(f"/reports/indicators?{PERIOD}&by=quarter")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'data-indicator="A-4.1">2<', page)
    assert re.search(r'data-indicator="B-4.1">1<', page)
    assert "Number of initial contacts" in page and "Contacts established" in page
    for caption in ("By quarter", "By requesting country", "By counterpart country",
                    "By network used", "By matter", "By channel", "Country pairs",
                    "Use of the directory"):
        assert caption in page, caption
    svgs = {re.search(r'id="([^"]+)"', svg).group(1): svg
            for svg in re.findall(r"<svg[^>]*>.*?</svg>", page, re.DOTALL)}
    # Nobody searched in that period: no chart of zeros, the table says so.
    assert set(svgs) == {"chart-breakdown", "chart-plans"}
    assert "No search or view in this period." in page
    for chart_id, svg in svgs.items():
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', svg)
        assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', svg)
    assert "2025 Q1" in svgs["chart-breakdown"] and "2025 Q2" in svgs["chart-breakdown"]
    assert "Morocco" in page and "Tunisia" in page
    # The CSP forbids inline styles and scripts: the page has neither.
    assert "style=" not in page and "<script>" not in page
    assert "50.0%" in page  # the rate of each plan


def test_the_page_defaults_and_zeros(login_as):
    browser = login_as("prosecutor")
    page = browser.get("/reports/indicators").get_data(as_text=True)
    assert re.search(r'data-indicator="A-4.1">0<', page)
    assert "the initial contacts you logged" in page
    assert "Use of the directory" not in page  # a prosecutor's report is about their contacts


def test_bad_dates_are_form_errors(login_as):
    browser = login_as("reporter")
    response = browser.get("/reports/indicators?from=2025-02-30&to=2025-01-01&by=quarter")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#from"' in page
    assert "Enter a real date" in page
    response = browser.get("/reports/indicators?from=2025-06-01&to=2025-01-01")
    assert response.status_code == 400
    assert "on or after its start" in response.get_data(as_text=True)
    assert download(browser, "/reports/indicators.csv?from=nope").status_code == 400
    assert download(browser, "/reports/indicators.xlsx?to=nope").status_code == 400


def test_every_role_sees_the_report_page(login_as):
    for role in ("prosecutor", "secretariat", "reporter", "admin"):
        assert login_as(role).get("/reports/indicators").status_code == 200, role


def test_csv_download(app, login_as, scenario):
    browser = login_as("reporter")
    response = download(browser, f"/reports/indicators.csv?{PERIOD}&by=quarter")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["group"] for row in rows] == ["total", "2025-Q1", "2025-Q2"]
    total = rows[0]
    assert (total["A-4.1"], total["B-4.1"], total["initiated"], total["established"]) == (
        "2", "1", "4", "2")
    assert rows[1]["A initiated"] == "2" and rows[1]["B established"] == "1"
    assert rows[2]["rate"] == "0.0"
    with app.app_context():
        exported = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "indicators.exported")).all()
        assert [entry.changes["format"][1] for entry in exported] == ["csv"]


def test_exports_neutralise_formulas(app, login_as, scenario):
    with app.app_context():
        db.session.execute(update(Network).where(Network.slug == "emj")
                           .values(name='=HYPERLINK("http://evil.example","x")'))
        db.session.commit()
    browser = login_as("reporter")
    text = download(browser, f"/reports/indicators.csv?{PERIOD}&by=network").get_data(
        as_text=True)
    rows = {row["group"]: row for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    assert rows["emj"]["label"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    book = load_workbook(io.BytesIO(download(
        browser, f"/reports/indicators.xlsx?{PERIOD}&by=network").data))
    labels = [row[1] for row in book["Network used"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in labels
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_xlsx_download(login_as, scenario):
    browser = login_as("reporter")
    response = download(browser, f"/reports/indicators.xlsx?{PERIOD}&by=month")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Indicators", "Month", "Requesting country",
                               "Counterpart country", "Network used", "Matter", "Channel",
                               "Country pairs", "Use of the directory"]
    summary = {row[0]: row for row in book["Indicators"].iter_rows(values_only=True) if row}
    assert summary["A-4.1"][2] == 2 and summary["B-4.1"][2] == 1
    assert summary["A"][1:4] == (2, 1, 0.5) and summary["B"][1:4] == (2, 1, 0.5)
    months = {row[0]: row for row in book["Month"].iter_rows(min_row=2, values_only=True)}
    assert list(months) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert months["2025-03"][2:4] == (1, 0)  # B-4.1
    pairs = {(row[0], row[1]): row[10] for row in
             book["Country pairs"].iter_rows(min_row=2, values_only=True)}
    assert pairs == {("France", "Morocco"): 1, ("Spain", "Morocco"): 1,
                     ("France", "Tunisia"): 1, ("Spain", "Tunisia"): 1}


def test_the_command_line_gives_the_api_numbers(api, runner, scenario):
    reporter = api("reporter")
    for by in ("quarter", "month", "year", "country", "counterpart-country", "network",
               "matter", "channel", "country-pair"):
        result = runner.invoke(args=["indicators", "--from", "2025-01-01", "--to", "2025-06-30",
                                     "--by", by, "--format", "json"])
        assert result.exit_code == 0, result.output
        from_api = reporter.get(f"/api/v1/indicators?{PERIOD}&by={by}").json
        assert json.loads(result.output) == from_api, by
    result = runner.invoke(args=["indicators", "--from", "2025-01-01", "--to", "2025-06-30"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["group"] == "total" and rows[0]["A-4.1"] == "2" and rows[0]["B-4.1"] == "1"
    assert [row["group"] for row in rows[1:]] == ["2025-Q1", "2025-Q2"]


def test_the_command_line_refuses_bad_dates_in_one_line(runner):
    for args in (["--from", "2025-02-30", "--to", "2025-03-01"],
                 ["--from", "2025-03-01", "--to", "2025-02-01"]):
        result = runner.invoke(args=["indicators", *args])
        assert result.exit_code == 1
        assert result.output.startswith("Error: ")
        assert len(result.output.strip().splitlines()) == 1
