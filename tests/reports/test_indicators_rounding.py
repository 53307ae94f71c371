"""One rounding, from the counts, everywhere: 18 established of 33 initiated is 54.5% (the
exact fraction is 54.545...%) on the page, in the CSV and XLSX files, in the API and on the
command line; and the charts: none for an empty period, mirrored right to left."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from reports_support import logged
from support import download

from directory.services.indicators import rate
from directory.web.reports.charts import bar_chart

PERIOD = "from=2025-01-01&to=2025-12-31"


@pytest.mark.parametrize(("established", "initiated", "expected"), [
    (18, 33, 0.545), (1, 16, 0.063), (2, 3, 0.667), (1, 8, 0.125), (0, 7, 0.0), (5, 5, 1.0)])
def test_a_rate_is_the_exact_fraction_rounded_once_half_up(established, initiated, expected):
    assert rate(established, initiated) == expected
    assert rate(0, 0) is None


@pytest.fixture
def eighteen_of_thirty_three(api, make):
    """33 plan-A contacts in 2025, 18 of them established."""
    entry = make.entry(country="MA")
    prosecutor = api("prosecutor", country="FR")
    for number in range(33):
        logged(prosecutor, entry, occurred_on=f"2025-03-{number % 28 + 1:02d}",
               established=number < 18, idempotency_key=f"k{number}")
    return entry


def test_page_csv_xlsx_api_and_command_line_agree(login_as, api, runner,
                                                  eighteen_of_thirty_three):
    reporter = login_as("reporter")
    page = reporter.get(f"/reports/indicators?{PERIOD}&by=quarter").get_data(as_text=True)
    plan_a = re.search(r'<th scope="row">Plan A</th>(.*?)</tr>', page, re.DOTALL).group(1)
    assert "54.5%" in plan_a and "54.6%" not in page

    rows = list(csv.DictReader(io.StringIO(download(
        reporter, f"/reports/indicators.csv?{PERIOD}&by=quarter").get_data(as_text=True)
        .lstrip("\ufeff"))))
    assert rows[0]["A rate"] == "0.545" and rows[0]["rate"] == "0.545"

    book = load_workbook(io.BytesIO(download(
        reporter, f"/reports/indicators.xlsx?{PERIOD}&by=quarter").data))
    summary = {row[0]: row for row in book["Indicators"].iter_rows(values_only=True) if row}
    assert summary["A"][1:4] == (33, 18, 0.545)

    body = api("reporter").get(f"/api/v1/indicators?{PERIOD}&by=quarter").get_json()
    assert body["plans"]["A"]["rate"] == 0.545 and body["totals"]["rate"] == 0.545

    result = runner.invoke(args=["indicators", "--from", "2025-01-01", "--to", "2025-12-31",
                                 "--format", "json"])
    assert json.loads(result.output)["plans"]["A"]["rate"] == 0.545


def test_an_empty_period_draws_no_chart(login_as, eighteen_of_thirty_three):
    page = login_as("reporter").get("/reports/indicators?from=2001-01-01&to=2001-12-31"
                                    ).get_data(as_text=True)
    assert "<svg" not in page
    assert "No initial contact in this period." in page
    # The period with contacts has its charts.
    page = login_as("reporter").get(f"/reports/indicators?{PERIOD}").get_data(as_text=True)
    assert 'id="chart-plans"' in page and 'id="chart-breakdown"' in page


def _bars(svg: str) -> list[tuple[float, float]]:
    """(x, width) of each bar; the legend's squares (at y=4) left out."""
    return [(float(x), float(width)) for x, y, width in re.findall(
        r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"', svg) if y != "4"]


def test_charts_are_mirrored_right_to_left():
    groups = [("2025 Q1", [33, 18]), ("2025 Q2", [10, 0])]
    ltr = _bars(bar_chart("c", "t", "d", ["A", "B"], groups))
    rtl = _bars(bar_chart("c", "t", "d", ["A", "B"], groups, rtl=True))
    assert len({x for x, _ in ltr}) == 1  # every bar starts at the labels, on the left
    assert len({round(x + width, 1) for x, width in rtl}) == 1  # and on the right
    assert [width for _, width in ltr] == [width for _, width in rtl]
    assert bar_chart("c", "t", "d", ["A", "B"], [("2025 Q1", [0, 0])]) is None


def test_labels_of_months_and_networks_read_in_the_page_language(login_as, make, api):
    entry = make.entry(country="MA")
    logged(api("prosecutor"), entry, occurred_on="2025-03-05")
    secretariat = login_as("secretariat", networks=["emj"])
    page = secretariat.get(f"/reports/indicators?{PERIOD}&by=month",
                           headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Annuaire EMJ" in page and "emj." not in page  # the scope names the network
    assert "mars 2025" in page  # not 2025-03
