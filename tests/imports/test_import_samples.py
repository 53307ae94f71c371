"""The networks' sample lists in tests/data parse as the README says they must."""

from datetime import date

import pytest
from samples import SAMPLES, WITH_ERRORS

from imports import parse_file


def by_id(parsed):
    return {row.external_id: row for row in parsed.rows}


@pytest.fixture(scope="module")
def parsed():
    return {network: parse_file(path, network) for network, path in SAMPLES.items()}


@pytest.mark.parametrize("network, rows", [("emj", 117), ("eurojust", 190), ("carin", 105)])
def test_sample_parses_without_errors(parsed, network, rows):
    result = parsed[network]
    assert [str(error) for error in result.errors] == []
    assert result.total_rows == rows
    assert len(result.rows) == rows
    assert result.ignored_columns == []


def test_emj_french_list(parsed):
    result = parsed["emj"]
    assert result.details == {"encoding": "utf-8-sig", "delimiter": ";"}
    assert result.columns["emails"] == "Courriel"
    assert result.columns["subgroup"] == "Sous-groupe anti-traite"
    row = by_id(result)["EMJ-1000"]
    assert row.line == 2
    assert (row.given_name, row.family_name, row.native_name) == ("Said", "Bennani", "سعيد بناني")
    assert row.country == "MA"  # "Maroc"
    assert row.phones == [("+212537257367", "office")]  # "05 37 25 73 67" in Morocco
    assert row.languages == ["ar", "fr"]  # "arabe, français"
    assert row.specialisms == ["extradition", "cybercrime"]  # "Extradition / Cybercriminalité"
    assert row.role == "contact-point"  # Sous-groupe anti-traite: Non
    assert row.last_verified == date(2023, 6, 1)  # 01/06/2023, day first
    assert row.emails == ["said.bennani@justice.ma.example"]
    assert by_id(result)["EMJ-1020"].role == "anti-trafficking-subgroup"  # Oui
    assert by_id(result)["EMJ-1001"].country == "DZ"  # "Algérie"
    assert by_id(result)["EMJ-1001"].phones == [("+21321589737", "office")]
    roles = {row.role for row in result.rows}
    assert roles == {"contact-point", "anti-trafficking-subgroup"}


def test_emj_list_with_errors_names_exactly_lines_4_8_11():
    result = parse_file(WITH_ERRORS, "emj")
    assert sorted({error.line for error in result.errors}) == [4, 8, 11]
    messages = {error.line: (error.column, str(error.message)) for error in result.errors}
    assert messages[4][0] == "Courriel"
    assert "said.bennani(at)justice.ma.example" in messages[4][1]
    assert messages[8] == ("Pays", "unknown country: 'Atlantis'")
    assert messages[11] == ("Tél.", "not a phone number: '12'")
    assert len(result.errors) == 3  # no knock-on error for line 8's national phone number
    assert result.total_rows == 12  # lines 2 to 13
    assert str(result.errors[0]).startswith("line 4, column Courriel: not an e-mail address")


def test_eurojust_english_list(parsed):
    result = parsed["eurojust"]
    row = by_id(result)["EJ01-00000"]
    assert row.emails == ["said.bennani@justice.ma.example",
                          "said.bennani.duty@justice.ma.example"]  # capitals, two in a cell
    assert row.phones == [("+212537257367", "office"), ("+212537257399", "mobile")]
    assert row.languages == ["ar", "fr"]
    assert row.last_verified == date(2023, 6, 1)
    assert by_id(result)["EJ01-00008"].role == "liaison-prosecutor"
    assert by_id(result)["EJ01-00010"].role == "national-desk"
    assert by_id(result)["EJ01-00008"].phones[0] == ("+33140602814", "office")
    assert by_id(result)["EJ01-00011"].given_name == "Jörg"
    assert {row.role for row in result.rows} == {"contact-point", "national-desk",
                                                 "liaison-prosecutor"}
    assert all(email == email.lower() for row in result.rows for email in row.emails)


def test_carin_workbook(parsed):
    result = parsed["carin"]
    assert result.format == "xlsx"
    assert result.details == {"sheet": "Contacts"}
    assert result.columns["full_name"] == "Name"
    assert result.columns["country"] == "Member"
    rows = by_id(result)
    assert (rows["C0006"].given_name, rows["C0006"].family_name) == ("Khadijah", "Zaytuni")
    assert rows["C0006"].role == "judicial"
    assert rows["C0006"].phones == [("+9611293917", "office")]  # 009611293917
    assert rows["C0006"].last_verified == date(2026, 3, 12)  # an Excel date cell
    assert rows["C0006"].specialisms == ["freezing-confiscation", "economic-crime",
                                         "cryptocurrencies"]
    assert (rows["C0007"].given_name, rows["C0007"].family_name) == ("Abdulqadir", "Al-Mansouri")
    assert (rows["C0009"].given_name, rows["C0009"].family_name) == ("José", "Peña")
    assert rows["C0009"].role == "law-enforcement"  # LE
    assert rows["C0009"].languages == ["es", "en"]


def test_same_person_has_the_same_name_in_every_list(parsed):
    """CARIN's capitals are title-cased, so the lists agree on Al-Mansouri of Palestine."""
    emj = {row.emails[0]: row for row in parsed["emj"].rows}
    carin = by_id(parsed["carin"])["C0007"]
    twin = emj[carin.emails[0]]
    assert (twin.given_name, twin.family_name) == (carin.given_name, carin.family_name)


def test_all_three_lists_describe_300_people_in_412_memberships(parsed):
    rows = [row for result in parsed.values() for row in result.rows]
    assert sum(result.total_rows for result in parsed.values()) == 117 + 190 + 105
    assert len({row.emails[0] for row in rows}) == 300
    # People linked by any shared address (Eurojust adds duty mailboxes as second e-mails).
    parent: dict[str, str] = {}

    def root(email):
        while parent.setdefault(email, email) != email:
            email = parent[email]
        return email

    for row in rows:
        for email in row.emails:
            parent[root(email)] = root(row.emails[0])
    assert len({root(email) for row in rows for email in row.emails}) == 300
    assert len({row.country for row in rows}) == 20
