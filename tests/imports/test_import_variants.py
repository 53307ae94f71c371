"""Lists the importer has never seen: other headers, encodings, separators, and every error."""

from datetime import date

import openpyxl
import pytest

import imports
from imports import UnusableInput, parse_file

FRENCH = ("ID EMJ;Pays;Nom;Prénom;Courriel;Tél.;Langues;Domaines de compétence;"
          "Sous-groupe anti-traite;Dernière vérification")
GOOD_FR = ("EMJ-1;Maroc;Bennani;Saïd;said@justice.ma.example;05 37 25 73 67;arabe, français;"
           "Traite des êtres humains / Entraide judiciaire;Oui;01/06/2023")


def write(tmp_path, text, name="list.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def parse_text(tmp_path, text, network="emj", encoding="utf-8", name="list.csv"):
    return parse_file(write(tmp_path, text, name, encoding), network)


def errors_of(parsed):
    return [(error.line, error.column, str(error.message)) for error in parsed.errors]


# --- header spellings ------------------------------------------------------------------------

@pytest.mark.parametrize("header", [
    "Reference,Nation,Surname,Forename,E-mail address,Telephone,Working languages,Specialisms",
    "IDENTIFIANT,PAYS,NOM DE FAMILLE,PRENOM,ADRESSE ELECTRONIQUE,TELEPHONE,LANGUES,SPECIALITES",
    "id;country;last_name;first_name;email;phone;languages;areas_of_expertise",
    "Réf.,Pays :,Nom de famille,Prénom(s),Adresse e-mail,Tél,Langue(s),Domaines d'expertise",
    " External ID , COUNTRY , Family name , Given name , Mail , Phone number , Language "
    ", Expertise",
])
def test_header_spellings(tmp_path, header):
    delimiter = ";" if ";" in header else ","
    row = delimiter.join(["R-1", "Morocco", "Bennani", "Said", "Said@Justice.MA.example",
                          "+212 537 25 73 67", "Arabic", "mla"])
    parsed = parse_text(tmp_path, f"{header}\n{row}\n")
    assert errors_of(parsed) == []
    assert parsed.ignored_columns == []
    [result] = parsed.rows
    assert (result.external_id, result.country, result.family_name, result.given_name) == (
        "R-1", "MA", "Bennani", "Said")
    assert result.emails == ["said@justice.ma.example"]
    assert result.phones == [("+212537257367", "office")]
    assert (result.languages, result.specialisms) == (["ar"], ["mla"])
    assert set(parsed.columns) == {"external_id", "country", "family_name", "given_name",
                                   "emails", "phones", "languages", "specialisms"}


def test_every_canonical_column_by_some_name(tmp_path):
    header = ("Ref;Country;First name;Last name;Arabic name;Position;Authority;"
              "Type of organisation;City;Postal address;Email;Office phone;Mobile;24/7 phone;"
              "Languages;Expertise;Role;Available 24/7;Urgent instructions;Remarks;Verified on;"
              "Shoe size")
    row = ("X1;Tunisia;Leila;Ben Ali;ليلى بن علي;Procureure;Parquet de Tunis;Parquet;Tunis;"
           "1 rue de Rome\nTunis;l.benali@justice.tn.example;71 841 980;20 123 456;"
           "+216 71 000 111;ar/fr;Terrorism;Point de contact;Oui;Call the duty office first;"
           "Prefers e-mail;2024-02-29;42")
    parsed = parse_text(tmp_path, f"{header}\n\"{row.replace(chr(10), ' ')}\"\n".replace('"', ""))
    assert errors_of(parsed) == []
    assert parsed.ignored_columns == ["Shoe size"]
    [result] = parsed.rows
    assert result.native_name == "ليلى بن علي"
    assert result.title == "Procureure"
    assert result.organisation == "Parquet de Tunis"
    assert result.organisation_kind == "prosecution-office"
    assert result.city == "Tunis"
    assert result.phones == [("+21671841980", "office"), ("+21620123456", "mobile"),
                             ("+21671000111", "24-7")]
    assert result.languages == ["ar", "fr"]
    assert result.role == "contact-point"
    assert result.urgent is True
    assert result.urgent_instructions == "Call the duty office first"
    assert result.notes == "Prefers e-mail"
    assert result.last_verified == date(2024, 2, 29)


def test_single_name_column_is_split(tmp_path):
    text = ("Nom complet,Pays,Courriel\n"
            "DUPONT Marie,France,m.dupont@justice.fr.example\n"
            "Mohamed EL IDRISSI,Maroc,m.elidrissi@justice.ma.example\n"
            "\"Martin, Paul\",France,p.martin@justice.fr.example\n"
            "Maria de la Cruz,Espagne,m.cruz@justice.es.example\n")
    parsed = parse_text(tmp_path, text)
    assert errors_of(parsed) == []
    assert [(row.given_name, row.family_name) for row in parsed.rows] == [
        ("Marie", "Dupont"), ("Mohamed", "El Idrissi"), ("Paul", "Martin"),
        ("Maria", "de la Cruz")]


def test_nom_beside_prenom_is_the_family_name(tmp_path):
    parsed = parse_text(tmp_path,
                        "Nom;Prénom;Pays;Courriel\nDupont;Marie;FR;m@justice.fr.example\n")
    assert parsed.columns["family_name"] == "Nom"
    assert (parsed.rows[0].given_name, parsed.rows[0].family_name) == ("Marie", "Dupont")


def test_carin_role_spelled_out(tmp_path):
    text = ("Member,Type,Name,E-mail\n"
            "Spain,LE,PEÑA José,jose@justice.es.example\n"
            "France,Law enforcement,MARTIN Luc,luc@justice.fr.example\n"
            "Italy,Judiciaire,ROSSI Anna,anna@justice.it.example\n"
            "Malta,Services répressifs,BORG Paul,paul@justice.mt.example\n"
            "Greece,judicial,PAPADOPOULOS Nikos,nikos@justice.gr.example\n")
    parsed = parse_text(tmp_path, text, network="carin")
    assert errors_of(parsed) == []
    assert [row.role for row in parsed.rows] == [
        "law-enforcement", "law-enforcement", "judicial", "law-enforcement", "judicial"]
    assert parsed.rows[4].family_name == "Papadopoulos"


def test_emj_subgroup_column_in_english(tmp_path):
    text = ("Country;Surname;First name;Email;Anti-trafficking sub-group\n"
            "MA;Bennani;Said;said@justice.ma.example;Yes\n"
            "TN;Mansouri;Khaled;khaled@justice.tn.example;No\n"
            "DZ;Bouzid;Mohamed;mohamed@justice.dz.example;\n")
    parsed = parse_text(tmp_path, text)
    assert errors_of(parsed) == []
    assert [row.role for row in parsed.rows] == ["anti-trafficking-subgroup", "contact-point", None]


# --- encodings and separators ----------------------------------------------------------------

def test_utf16_tab_separated_excel_unicode_text(tmp_path):
    text = (FRENCH.replace(";", "\t") + "\r\n" + GOOD_FR.replace(";", "\t") + "\r\n"
            + "EMJ-2\tمصر\tالمصري\tأحمد\tahmed@justice.eg.example\t02 2806 3791\tar\tthb\tلا\t"
              "2024-01-15\r\n")
    parsed = parse_text(tmp_path, text, encoding="utf-16")  # with BOM, as Excel writes it
    assert errors_of(parsed) == []
    assert parsed.details == {"encoding": "utf-16-le", "delimiter": "\t"}
    assert parsed.rows[0].given_name == "Saïd"
    assert parsed.rows[1].country == "EG"
    assert parsed.rows[1].family_name == "المصري"
    assert parsed.rows[1].role == "contact-point"
    assert parsed.rows[1].phones == [("+20228063791", "office")]


def test_utf16_big_endian(tmp_path):
    parsed = parse_text(tmp_path, FRENCH + "\n" + GOOD_FR + "\n", encoding="utf-16-be")
    assert errors_of(parsed) == []  # no BOM: told apart by where the zero bytes are


def test_windows_1252_with_accented_names(tmp_path):
    text = ("Pays;Nom;Prénom;Courriel;Ville\r\n"
            "France;Gonçalves;Inès;ines@justice.fr.example;Besançon\r\n"
            "Belgique;Müller;Jérôme;jerome@justice.be.example;Liège\r\n"
            "Espagne;Peña;José;jose@justice.es.example;Cádiz\r\n")
    parsed = parse_text(tmp_path, text, encoding="cp1252")
    assert errors_of(parsed) == []
    assert parsed.details["encoding"] == "cp1252"
    assert [row.given_name for row in parsed.rows] == ["Inès", "Jérôme", "José"]
    assert [row.family_name for row in parsed.rows] == ["Gonçalves", "Müller", "Peña"]
    assert parsed.rows[2].city == "Cádiz"
    assert [row.country for row in parsed.rows] == ["FR", "BE", "ES"]


def test_windows_1256_arabic(tmp_path):
    text = "Pays;Nom;Prénom;Courriel\r\nالمغرب;بناني;سعيد;said@justice.ma.example\r\n"
    parsed = parse_text(tmp_path, text, encoding="cp1256")
    assert errors_of(parsed) == []
    assert parsed.details["encoding"] == "cp1256"
    assert (parsed.rows[0].family_name, parsed.rows[0].country) == ("بناني", "MA")


def test_utf8_without_bom(tmp_path):
    parsed = parse_text(tmp_path, FRENCH + "\n" + GOOD_FR + "\n")
    assert parsed.details["encoding"] == "utf-8"
    assert parsed.rows[0].given_name == "Saïd"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_separators(tmp_path, delimiter):
    cells = ["Country", "Surname", "First name", "Email", "Languages", "Expertise"]
    values = ["Morocco", "Bennani", "Said", "said@justice.ma.example", "Arabic, French",
              "THB; MLA"]
    quoted = [f'"{value}"' if delimiter in value or ";" in value or "," in value else value
              for value in values]
    parsed = parse_text(tmp_path, delimiter.join(cells) + "\n" + delimiter.join(quoted) + "\n")
    assert parsed.details["delimiter"] == delimiter
    assert errors_of(parsed) == []
    assert parsed.rows[0].languages == ["ar", "fr"]
    assert parsed.rows[0].specialisms == ["thb", "mla"]


@pytest.mark.parametrize("country, code", [
    ("المغرب", "MA"), ("مصر", "EG"), ("تونس", "TN"), ("الجزائر", "DZ"), ("لبنان", "LB"),
    ("الأردن", "JO"), ("فلسطين", "PS"), ("ليبيا", "LY"), ("Maroc", "MA"), ("ma", "MA"),
    ("Royaume du Maroc", "MA"), ("Égypte", "EG"), ("EGYPT", "EG"), ("Türkiye", "TR")])
def test_country_names(tmp_path, country, code):
    parsed = parse_text(tmp_path, f"Country;Name;Email\n{country};DUPONT Marie;m@justice.example\n")
    assert errors_of(parsed) == []
    assert parsed.rows[0].country == code


def test_arabic_country_sets_the_phone_region(tmp_path):
    parsed = parse_text(tmp_path, "البلد;اللقب;البريد الإلكتروني;الهاتف\n"
                                  "المغرب;بناني;said@justice.ma.example;0537257367\n")
    assert errors_of(parsed) == []
    assert parsed.rows[0].phones == [("+212537257367", "office")]


def test_quoted_newlines_keep_physical_line_numbers(tmp_path):
    text = ("Country,Surname,Email,Notes\n"
            "MA,Bennani,said@justice.ma.example,\"first line\nsecond line\nthird\"\n"
            "XX,Mansouri,khaled@justice.tn.example,\n")
    parsed = parse_text(tmp_path, text)
    assert parsed.rows[0].notes == "first line\nsecond line\nthird"
    assert errors_of(parsed) == [(5, "Country", "unknown country: 'XX'")]


def test_title_line_and_blank_rows_are_skipped(tmp_path):
    text = ("EMJ directory — June 2025;;;\n\n"
            "Pays;Nom;Prénom;Courriel\n"
            "Maroc;Bennani;Said;said@justice.ma.example\n"
            ";;;\n\n"
            "Atlantis;Mansouri;Khaled;khaled@justice.tn.example\n")
    parsed = parse_text(tmp_path, text)
    assert parsed.total_rows == 2
    assert errors_of(parsed) == [(7, "Pays", "unknown country: 'Atlantis'")]


# --- one error per bad value, all collected -------------------------------------------------

HEADER = ("ID;Pays;Nom;Prénom;Courriel;Tél.;Langues;Domaines;Type;Urgent;Mis à jour;"
          "Type d'organisation")


def row(**changes):
    values = {"id": "R1", "country": "Maroc", "family": "Bennani", "given": "Said",
              "email": "said@justice.ma.example", "phone": "0537257367", "languages": "ar",
              "specialisms": "thb", "role": "Point de contact", "urgent": "Non",
              "date": "01/06/2023", "kind": "Parquet"}
    values.update(changes)
    return ";".join(values.values())


@pytest.mark.parametrize("changes, column, message", [
    ({"email": "said(at)justice.ma.example"}, "Courriel", "not an e-mail address: "),
    ({"email": "said@justice.ma.example, nobody"}, "Courriel", "not an e-mail address: 'nobody'"),
    ({"country": "Narnia"}, "Pays", "unknown country: 'Narnia'"),
    ({"country": ""}, "Pays", "no country given"),
    ({"phone": "12"}, "Tél.", "not a phone number: '12'"),
    ({"phone": "call me"}, "Tél.", "not a phone number: 'call me'"),
    ({"languages": "arabe, klingon"}, "Langues", "unknown language: 'klingon'"),
    ({"specialisms": "THB / basket weaving"}, "Domaines", "unknown specialism: 'basket weaving'"),
    ({"role": "Chief"}, "Type", "unknown role 'Chief' for the network emj"),
    ({"urgent": "peut-être"}, "Urgent", "not yes or no: 'peut-être'"),
    ({"date": "31/02/2023"}, "Mis à jour", "not a date: '31/02/2023'"),
    ({"date": "2062-01-01"}, "Mis à jour", "the date 01/01/2062 is in the future"),
    ({"kind": "Bakery"}, "Type d'organisation", "unknown kind of organisation: 'Bakery'"),
    ({"family": ""}, "Nom", "no family name given"),
    ({"email": "", "id": ""}, "Courriel", "no e-mail address (nor an ID) given"),
    ({"family": "x" * 201}, "Nom", "is 201 characters long; at most 200 are allowed"),
])
def test_each_bad_value_is_a_row_error(tmp_path, changes, column, message):
    second = row(**{"id": "R2", "email": "b@justice.ma.example", **changes})
    parsed = parse_text(tmp_path, f"{HEADER}\n{row()}\n{second}\n")
    assert len(parsed.errors) == 1, errors_of(parsed)
    [error] = parsed.errors
    assert (error.line, error.column) == (3, column)
    assert message in str(error.message)
    assert [good.line for good in parsed.rows] == [2]
    assert parsed.total_rows == 2


def test_all_errors_of_a_row_are_reported(tmp_path):
    bad = row(email="x", phone="1", languages="zz", date="soon")
    parsed = parse_text(tmp_path, f"{HEADER}\n{bad}\n")
    assert [(error.line, error.column) for error in parsed.errors] == [
        (2, "Courriel"), (2, "Tél."), (2, "Langues"), (2, "Mis à jour")]
    assert parsed.rows == []


def test_repeated_id_and_email(tmp_path):
    parsed = parse_text(tmp_path, f"{HEADER}\n{row()}\n{row()}\n")
    assert errors_of(parsed) == [
        (3, "ID", "the ID 'R1' is already used on line 2"),
        (3, "Courriel", "the e-mail said@justice.ma.example is already on line 2")]


def test_unquoted_separator_inside_a_cell(tmp_path):
    parsed = parse_text(tmp_path, "Country,Name,Email\nMA,Bennani, Said,said@justice.ma.example\n")
    [error] = parsed.errors
    assert error.line == 2
    assert "must be in double quotes" in str(error.message)


def test_urgent_column_holding_a_number(tmp_path):
    parsed = parse_text(tmp_path, "Country;Name;Email;24/7\nMA;BENNANI Said;s@justice.ma.example;"
                                  "0661 23 45 67\n")
    assert errors_of(parsed) == []
    assert parsed.rows[0].urgent is True
    assert parsed.rows[0].phones == [("+212661234567", "24-7")]


def test_unknown_header_is_reported_not_guessed(tmp_path):
    parsed = parse_text(tmp_path, "Country;Name;Email;Favourite colour;Date of birth\n"
                                  "MA;BENNANI Said;s@justice.ma.example;blue;1970-01-01\n")
    assert parsed.ignored_columns == ["Favourite colour", "Date of birth"]
    assert errors_of(parsed) == []


# --- unusable files --------------------------------------------------------------------------

def unusable(path, network="emj", **options) -> str:
    with pytest.raises(UnusableInput) as caught:
        parse_file(path, network, **options)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("header, missing", [
    ("Nom;Prénom;Courriel", "no column for the country"),
    ("Pays;Prénom;Courriel", "no column for the family name"),
    ("Pays;Nom;Prénom;Tél.", "no column for the e-mail address"),
])
def test_missing_required_column(tmp_path, header, missing):
    message = unusable(write(tmp_path, f"{header}\nMaroc;Bennani;said@x.example\n"))
    assert missing in message
    assert message.startswith("list.csv has no column for")


def test_png_renamed_csv(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert unusable(path) == ("list.csv is a PNG image, not a spreadsheet: import a CSV or XLSX "
                              "file.")


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (b"\n\r\n  \n", "is empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003 workbook (.xls)"),
    (bytes(range(256)) * 40, "holds binary data"),
    (b"<html><body><table><tr><td>Pays</td></tr></table></body></html>", "is a web page"),
    (b"PK\x03\x04garbage", "damaged zip/XLSX"),
    (b"hello\nworld\n", "has no header row"),
])
def test_not_a_spreadsheet(tmp_path, content, expected):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    assert expected in unusable(path)


def test_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.truncate(imports.MAX_BYTES + 1)
    assert "the limit is 20 MB" in unusable(path)


def test_over_the_row_limit(tmp_path):
    lines = ["Pays;Nom;Courriel"] + [f"MA;N{i};n{i}@x.example" for i in range(100_001)]
    message = unusable(write(tmp_path, "\n".join(lines)))
    assert message == ("list.csv has more than 100,000 rows, the limit per import: split the "
                       "list into several files.")


def test_exactly_the_row_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(imports.readers, "MAX_ROWS", 3)
    lines = ["Pays;Nom;Courriel"] + [f"MA;N{i};n{i}@justice.ma.example" for i in range(3)]
    assert parse_file(write(tmp_path, "\n".join(lines)), "emj").total_rows == 3
    lines.append("MA;N4;n4@x.example")
    assert "more than 3 rows" in unusable(write(tmp_path, "\n".join(lines)))


def test_unclosed_quote(tmp_path):
    lines = ["Pays;Nom;Courriel", 'MA;"Bennani;said@x.example'] + ["MA;X;x@x.example"] * 300
    assert "line 2: a quote" in unusable(write(tmp_path, "\n".join(lines)))


def test_one_column_that_matches_nothing(tmp_path):
    assert "has no header row" in unusable(write(tmp_path, "Hello\nworld\nfoo\n"))


def test_wrong_sheet_name(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Contacts"
    workbook.save(tmp_path / "list.xlsx")
    assert unusable(tmp_path / "list.xlsx", sheet="Feuil1") == (
        "list.xlsx has no sheet named 'Feuil1'; its sheets are: 'Contacts'.")


def test_filename_shown_instead_of_the_temporary_path(tmp_path):
    path = tmp_path / "tmp1234"
    path.write_bytes(b"")
    with pytest.raises(UnusableInput, match="^EMJ June.csv is empty.$"):
        parse_file(path, "emj", filename="EMJ June.csv")


def test_unclosed_quote_near_the_end(tmp_path):
    text = 'Pays;Nom;Courriel\nMA;"Bennani;said@x.example\nMA;Alami;sara@x.example\n'
    assert unusable(write(tmp_path, text)) == (
        "list.csv, line 2: a quote (\") opens a cell that does not close; check the quotes on "
        "that line.")


def test_repeated_columns(tmp_path):
    """Several e-mail or phone columns are pooled; a second country column is not guessed at."""
    parsed = parse_text(tmp_path,
                        "Pays;Country;Nom;Courriel;E-mail 2;Tél.;Portable;Autre téléphone\n"
                        "Maroc;Tunisia;Bennani;a@justice.ma.example;B@justice.ma.example;"
                        "0537257367;0661234567;0537257368\n")
    assert errors_of(parsed) == []
    assert parsed.ignored_columns == ["Country"]
    assert parsed.columns["emails"] == "Courriel + E-mail 2"
    [result] = parsed.rows
    assert result.country == "MA"
    assert result.emails == ["a@justice.ma.example", "b@justice.ma.example"]
    assert result.phones == [("+212537257367", "office"), ("+212537257368", "office"),
                             ("+212661234567", "mobile")]


def test_error_in_a_pooled_column_names_that_column(tmp_path):
    parsed = parse_text(tmp_path, "Pays;Nom;Courriel;E-mail 2\nMaroc;Bennani;a@justice.ma.example;"
                                  "oops\n")
    message = "not an e-mail address: 'oops' (An email address must have an @-sign.)"
    assert errors_of(parsed) == [(2, "E-mail 2", message)]
