"""Exports: CSV, XLSX (every cell text) and vCard; neutralised cells; who may export; audit."""

import csv
import io

import openpyxl
import pytest
import vobject
from import_apply_support import SAMPLES, directory_state, import_samples, run_import
from sqlalchemy import select
from support import download

from directory.extensions import db
from directory.models import AuditEntry


@pytest.fixture
def loaded(app, make):
    import_samples(app)
    make.entry(given_name="=HYPERLINK(\"http://evil.example\")", family_name="@Sum",
               title="-2+3", notes="\tTabbed", emails=["formula@prosecution.example"])
    return app


def get_as(client, auth, make, role, path, networks=()):
    """The page or, for /exports, the export (a POST with the page's CSRF token)."""
    _, email = make.user(role, networks=networks)
    auth.login(email)
    response = download(client, path) if path.startswith("/exports") else client.get(path)
    auth.logout()
    return response


def test_csv_export_of_a_network(loaded, client, auth, make):
    response = get_as(client, auth, make, "secretariat", "/exports?format=csv&network=emj",
                      networks=("emj",))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert len(body) == 118  # 117 imported + the factory's entry (an EMJ member)
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    phones = [row[header.index("Phone")] for row in body if row[header.index("Phone")]]
    assert phones and all(phone.startswith("'+") for phone in phones)
    evil = next(row for row in body if "formula@prosecution.example" in row)
    assert evil[header.index("Given name")] == "'=HYPERLINK(\"http://evil.example\")"
    assert evil[header.index("Family name")] == "'@Sum"
    assert evil[header.index("Title")] == "'-2+3"
    said = next(row for row in body if row[header.index("ID")] == "EMJ-1000")
    assert said[header.index("Native name")] == "سعيد بناني"


def test_xlsx_export_every_cell_is_text(loaded, client, auth, make):
    response = get_as(client, auth, make, "admin", "/exports?format=xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = workbook.active
    rows = list(sheet.iter_rows())
    assert len(rows) == 1 + 301
    for row in rows:
        for cell in row:
            if cell.value is None:
                continue
            assert cell.data_type == "s", (cell.coordinate, cell.value)
            assert isinstance(cell.value, str)
            assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    header = [cell.value for cell in rows[0]]
    ids = [row[header.index("Entry")].value for row in rows[1:]]
    assert all(isinstance(value, str) and value.isdigit() for value in ids)


def test_vcard_export_parses(loaded, client, auth, make):
    response = get_as(client, auth, make, "secretariat", "/exports?format=vcard&network=carin",
                      networks=("carin",))
    assert response.status_code == 200
    cards = list(vobject.readComponents(response.get_data(as_text=True)))
    assert len(cards) == 105
    assert all(card.fn.value for card in cards)
    assert any(tel.value.startswith("tel:+") for card in cards
               for tel in card.contents.get("tel", []))


def test_export_of_the_current_search(loaded, client, auth, make):
    response = get_as(client, auth, make, "secretariat",
                      "/exports?format=csv&search=1&q=&country=MA", networks=("emj",))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows and {row["Country"] for row in rows} == {"MA"}
    assert all("emj" in row["Networks"] for row in rows)  # a secretariat: its networks only


def test_an_export_needs_a_post_from_our_pages(loaded, client, auth, make):
    _, email = make.user("admin")
    auth.login(email)
    assert client.get("/exports?format=csv").status_code == 405  # a link cannot start one
    forged = client.post("/exports?format=csv", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert download(client, "/exports?format=csv").status_code == 200


def test_search_page_offers_the_export_to_those_allowed(loaded, client, auth, make):
    page = get_as(client, auth, make, "admin", "/?q=Bennani").get_data(as_text=True)
    assert "Export these results" in page and "search=1" in page
    page = get_as(client, auth, make, "prosecutor", "/?q=Bennani").get_data(as_text=True)
    assert "Export these results" not in page


@pytest.mark.parametrize("role, networks, path, status", [
    ("prosecutor", (), "/exports?format=csv", 403),
    ("reporter", (), "/exports?format=csv&network=emj", 403),
    ("secretariat", ("emj",), "/exports?format=csv&network=carin", 403),
    ("secretariat", ("emj",), "/exports?format=csv&network=emj", 200),
    ("admin", (), "/exports?format=vcard&network=carin", 200),
    ("admin", (), "/exports?format=pdf", 400),
])
def test_who_may_export(app, client, auth, make, role, networks, path, status):
    run_import(app, SAMPLES["carin"], "carin")
    assert get_as(client, auth, make, role, path, networks=networks).status_code == status


def test_exports_are_audited(loaded, client, auth, make):
    get_as(client, auth, make, "admin", "/exports?format=csv&network=emj")
    with app_context(loaded):
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert entry.changes["format"] == [None, "csv"]
        assert entry.changes["entries"] == [None, 118]
        assert entry.actor.startswith("admin")


def app_context(app):
    return app.app_context()


def test_cli_export(loaded, runner, tmp_path):
    target = tmp_path / "carin.xlsx"
    result = runner.invoke(args=["export", "--format", "xlsx", "--network", "carin",
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Exported 105 entries" in result.output
    assert openpyxl.load_workbook(target).active.max_row == 106
    vcf = tmp_path / "all.vcf"
    assert runner.invoke(args=["export", "--format", "vcard", "-o", str(vcf)]).exit_code == 0
    assert len(list(vobject.readComponents(vcf.read_text()))) == 301


def test_an_export_imports_back_unchanged(loaded, runner, tmp_path):
    """Neutralised cells ('+212…) are read back by the importer: export, re-import, no change."""
    before = directory_state(loaded)
    for output in ("csv", "xlsx"):
        target = tmp_path / f"emj.{output}"
        assert runner.invoke(args=["export", "--format", output, "--network", "emj",
                                   "-o", str(target)]).exit_code == 0
        outcome = run_import(loaded, target, "emj")
        assert outcome["errors"] == [], outcome["errors"][:3]
        counts = outcome["counts"]
        assert counts["created"] == 0 and counts["missing"] == 0
        assert counts["updated"] == 0, [c for c in outcome["changes"]][:3]
    assert directory_state(loaded)["versions"] == before["versions"]
