"""Lists the importer has never seen: other headers, encodings, separators, Arabic country
names, missing columns; and what a second list changes (merge rules, conflicts, missing)."""

import pytest
from import_apply_support import directory_state, run_import, write_csv
from sqlalchemy import select

from directory.extensions import db
from directory.models import ContactPoint, Email
from directory.services import commit, contact_json, contact_queries, contacts, users

HEADER_FR = ["Réf.", "PAYS", "Nom de famille", "Prénoms", "Courriel", "Téléphone", "Fonction",
             "Langues", "Domaines"]
ROWS_FR = [
    ["V-1", "المغرب", "El Amrani", "Khadija", "k.elamrani@justice.ma.example", "05 37 12 34 56",
     "Procureure", "arabe; français", "Traite des êtres humains"],
    ["V-2", "Tunisie", "Ben Salah", "Hédi", "h.bensalah@justice.tn.example", "71 123 456",
     "Juge d'instruction", "arabe, français", "Entraide judiciaire / Extradition"],
    ["V-3", "مصر", "Farouk", "Ahmed", "a.farouk@justice.eg.example", "+20 2 2345 6789",
     "Prosecutor", "anglais", "Blanchiment"],
]


def entry_by_email(app, email):
    with app.app_context():
        cp = db.session.scalars(contact_queries.contact_point_query().join(ContactPoint.emails)
                                .where(Email.address == email)).first()
        return contact_json.contact_point_json(cp) if cp else None


@pytest.mark.parametrize("delimiter, encoding", [
    (";", "utf-8-sig"), (",", "utf-8"), ("\t", "utf-16"), (";", "cp1252"),
])
def test_encodings_separators_and_arabic_countries(app, tmp_path, delimiter, encoding):
    rows = ROWS_FR if encoding != "cp1252" else [
        [cell.replace("المغرب", "Maroc").replace("مصر", "Egypte") for cell in row]
        for row in ROWS_FR]
    path = write_csv(tmp_path / "list.csv", HEADER_FR, rows, delimiter, encoding)
    outcome = run_import(app, path, "emj")
    assert outcome["errors"] == [] and outcome["status"] == "applied"
    assert outcome["counts"]["created"] == 3
    khadija = entry_by_email(app, "k.elamrani@justice.ma.example")
    assert khadija["country"] == "MA"
    assert khadija["phones"] == [{"number": "+212537123456", "kind": "office"}]
    assert khadija["specialisms"] == ["thb"]
    assert khadija["memberships"] == [{"network": "emj", "role": "contact-point",
                                       "external_id": "V-1"}]
    assert entry_by_email(app, "a.farouk@justice.eg.example")["country"] == "EG"


def test_missing_columns_change_nothing_they_do_not_name(app, tmp_path):
    run_import(app, write_csv(tmp_path / "full.csv", HEADER_FR, ROWS_FR), "emj")
    # A second list without phone, languages and specialisms columns, with a new title.
    slim = write_csv(tmp_path / "slim.csv", ["ID", "Country", "Surname", "E-mail", "Title"],
                     [["V-1", "MA", "El Amrani", "k.elamrani@justice.ma.example",
                       "Procureure générale"]])
    outcome = run_import(app, slim, "emj")
    assert outcome["counts"]["updated"] == 1 and outcome["counts"]["unchanged"] == 0
    khadija = entry_by_email(app, "k.elamrani@justice.ma.example")
    assert khadija["title"] == "Procureure générale"
    assert khadija["given_name"] == "Khadija"  # no given-name column: kept
    assert khadija["phones"] and khadija["languages"] == ["ar", "fr"]
    assert khadija["version"] == 2


def test_required_column_missing_is_unusable(app, tmp_path):
    path = write_csv(tmp_path / "nocountry.csv", ["Surname", "E-mail"], [["X", "x@y.example"]])
    outcome = run_import(app, path, "emj")
    assert outcome["unusable"] and "country" in outcome["unusable"]
    assert directory_state(app)["entries"] == 0


def test_second_network_adds_membership_and_merges_lists(app, tmp_path):
    run_import(app, write_csv(tmp_path / "emj.csv", HEADER_FR, ROWS_FR), "emj")
    eurojust = write_csv(tmp_path / "ej.csv",
                         ["Ref", "Country", "Type", "First name", "Last name", "Email address",
                          "Mobile", "Languages spoken"],
                         [["EJ-9", "Morocco", "National Desk", "Khadija", "El Amrani",
                           "K.ELAMRANI@justice.ma.example; khadija.duty@justice.ma.example",
                           "+212 661 23 45 67", "English"]])
    outcome = run_import(app, eurojust, "eurojust")
    assert outcome["counts"]["memberships_added"] == 1 and outcome["counts"]["created"] == 0
    khadija = entry_by_email(app, "k.elamrani@justice.ma.example")
    assert khadija["emails"] == ["k.elamrani@justice.ma.example", "khadija.duty@justice.ma.example"]
    assert {p["number"] for p in khadija["phones"]} == {"+212537123456", "+212661234567"}
    assert khadija["languages"] == ["ar", "fr", "en"]
    assert {(m["network"], m["role"], m["external_id"]) for m in khadija["memberships"]} == {
        ("emj", "contact-point", "V-1"), ("eurojust", "national-desk", "EJ-9")}
    # Both lists again: nothing moves, whatever order.
    before = directory_state(app)["versions"]
    run_import(app, tmp_path / "emj.csv", "emj")
    run_import(app, eurojust, "eurojust")
    assert directory_state(app)["versions"] == before


def test_a_network_removes_what_it_had_listed(app, tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADER_FR, ROWS_FR)
    run_import(app, path, "emj")
    rows = [list(row) for row in ROWS_FR]
    rows[0][7] = "arabe"  # French no longer listed
    rows[0][5] = ""  # phone cell emptied
    outcome = run_import(app, write_csv(tmp_path / "b.csv", HEADER_FR, rows), "emj")
    assert outcome["counts"]["updated"] == 1
    khadija = entry_by_email(app, "k.elamrani@justice.ma.example")
    assert khadija["languages"] == ["ar"]
    assert khadija["phones"] == []


def test_manual_correction_survives_reimport_of_an_unchanged_list(app, tmp_path):
    path = write_csv(tmp_path / "a.csv", HEADER_FR, ROWS_FR)
    run_import(app, path, "emj")
    entry_id = entry_by_email(app, "k.elamrani@justice.ma.example")["id"]
    with app.app_context():
        admin = users.create_user(None, {"email": "a@users.example", "role": "admin",
                                         "password": "correct horse battery"})
        contacts.update_contact_point(admin, entry_id, {"title": "Avocate générale"})
        commit()
    outcome = run_import(app, path, "emj")
    assert outcome["counts"]["unchanged"] == 3
    assert entry_by_email(app, "k.elamrani@justice.ma.example")["title"] == "Avocate générale"


def test_conflicts_are_row_errors_and_nothing_is_written(app, tmp_path):
    run_import(app, write_csv(tmp_path / "a.csv", HEADER_FR, ROWS_FR), "emj")
    rows = [
        # line 2: the ID of Khadija with the e-mail of Hédi
        ["V-1", "Maroc", "El Amrani", "Khadija", "h.bensalah@justice.tn.example", "", "", "", ""],
        # line 3: e-mails of two different people
        ["V-7", "Maroc", "X", "Y", "a.farouk@justice.eg.example; k.elamrani@justice.ma.example",
         "", "", "", ""],
        # line 4: a new person, fine on its own
        ["V-8", "Maroc", "Nouveau", "Nadia", "n.nouveau@justice.ma.example", "", "", "", ""],
    ]
    outcome = run_import(app, write_csv(tmp_path / "b.csv", HEADER_FR, rows), "emj")
    assert outcome["status"] == "refused"
    assert [error.split(":")[0] for error in outcome["errors"]] == [
        "line 2, column Courriel", "line 3, column Courriel"]
    assert "belongs to entry" in outcome["errors"][0]
    assert "different entries" in outcome["errors"][1]
    assert entry_by_email(app, "n.nouveau@justice.ma.example") is None


def test_two_rows_for_one_entry_is_an_error(app, tmp_path):
    run_import(app, write_csv(tmp_path / "a.csv", HEADER_FR, ROWS_FR), "emj")
    rows = [ROWS_FR[0], ["", "Maroc", "El Amrani", "K.", "k.elamrani@justice.ma.example", "",
                         "", "", ""]]
    rows[0] = [*ROWS_FR[0][:4], "khadija.other@justice.ma.example", *ROWS_FR[0][5:]]
    outcome = run_import(app, write_csv(tmp_path / "b.csv", HEADER_FR, rows), "emj")
    assert outcome["status"] == "refused"
    entry_id = entry_by_email(app, "k.elamrani@justice.ma.example")["id"]
    assert outcome["errors"] == [
        f"line 3, column Courriel: describes the same entry ({entry_id}) as line 2"]


def test_missing_entries_reported_then_archived_with_the_option(app, tmp_path):
    run_import(app, write_csv(tmp_path / "a.csv", HEADER_FR, ROWS_FR), "emj")
    # Hédi is also in Eurojust's list: missing from EMJ's, he only leaves EMJ.
    run_import(app, write_csv(tmp_path / "ej.csv", ["Ref", "Country", "Last name", "Email"],
                              [["EJ-2", "TN", "Ben Salah", "h.bensalah@justice.tn.example"]]),
               "eurojust")
    short = write_csv(tmp_path / "short.csv", HEADER_FR, ROWS_FR[:1])
    reported = run_import(app, short, "emj")
    assert reported["counts"]["missing"] == 2 and reported["counts"]["archived"] == 0
    assert entry_by_email(app, "a.farouk@justice.eg.example")["status"] == "active"
    archived = run_import(app, short, "emj", archive_missing=True)
    assert archived["counts"]["archived"] == 1
    assert archived["counts"]["memberships_removed"] == 1
    assert entry_by_email(app, "a.farouk@justice.eg.example")["status"] == "archived"
    hedi = entry_by_email(app, "h.bensalah@justice.tn.example")
    assert hedi["status"] == "active"
    assert [m["network"] for m in hedi["memberships"]] == ["eurojust"]
    # Back on the list: active again, and a member again.
    back = run_import(app, write_csv(tmp_path / "all.csv", HEADER_FR, ROWS_FR), "emj")
    assert back["counts"]["updated"] == 1 and back["counts"]["memberships_added"] == 1
    assert entry_by_email(app, "a.farouk@justice.eg.example")["status"] == "active"


def test_versions_move_only_for_changed_entries(app, tmp_path):
    run_import(app, write_csv(tmp_path / "a.csv", HEADER_FR, ROWS_FR), "emj")
    rows = [list(row) for row in ROWS_FR]
    rows[1][6] = "Premier juge d'instruction"
    run_import(app, write_csv(tmp_path / "b.csv", HEADER_FR, rows), "emj")
    with app.app_context():
        versions = dict(db.session.execute(
            select(ContactPoint.family_name, ContactPoint.version)).all())
    assert versions == {"El Amrani": 1, "Ben Salah": 2, "Farouk": 1}
