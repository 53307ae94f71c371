"""The import pages in French and Arabic: each problem and change in the reader's language,
whoever uploaded the list; the command line keeps English."""

from __future__ import annotations

import html
import re

import pytest
from import_apply_support import directory_state, run_id_of, run_import, upload, write_csv

FSI, PDI = "\u2068", "\u2069"
HEADER = ["Pays", "Nom", "Prénom", "Courriel"]


def page_text(response) -> str:
    """What a person reads: entities decoded, the invisible isolates of Arabic text removed."""
    return html.unescape(response.get_data(as_text=True)).replace(FSI, "").replace(PDI, "")


@pytest.fixture
def bad_list(tmp_path):
    return write_csv(tmp_path / "liste.csv", HEADER + ["Extra"], [
        ["Narnia", "Bennani", "Said", "said@justice.example", ""],
        ["Maroc", "Alaoui", "Amal", "said@justice.example", ""],
        ["Maroc", "Idrissi", "Omar", "omar@justice.example", ""],
    ])


def test_row_problems_are_shown_in_the_readers_language(app, login_as, bad_list):
    french = login_as("secretariat", networks=("emj",), locale="fr")
    run_id = run_id_of(upload(french, bad_list))
    page = page_text(french.get(f"/imports/{run_id}"))
    assert "pays inconnu\u00a0: 'Narnia'" in page
    assert "Annuaire EMJ" in page  # the network by its French name
    assert "l'adresse électronique said@justice.example figure déjà à la ligne 2" in page
    assert "unknown country" not in page and "is already on line" not in page

    # The same run read by an Arabic-speaking administrator, then by an English-speaking one:
    # the run keeps messages, not the uploader's text.
    arabic = page_text(login_as("admin", locale="ar").get(f"/imports/{run_id}"))
    assert "بلد غير معروف: 'Narnia'" in arabic
    assert "عنوان البريد الإلكتروني said@justice.example وارد بالفعل في السطر 2" in arabic
    english = page_text(login_as("admin", locale="en").get(f"/imports/{run_id}"))
    assert "unknown country: 'Narnia'" in english
    assert directory_state(app)["entries"] == 0


def test_rows_with_a_problem_are_counted_once_however_many_problems(login_as, tmp_path):
    listed = write_csv(tmp_path / "deux.csv", HEADER, [
        ["Narnia", "Bennani", "Said", "nobody"],
        ["Maroc", "Idrissi", "Omar", "omar@justice.example"],
    ])
    french = login_as("secretariat", networks=("emj",), locale="fr")
    page = page_text(french.get(f"/imports/{run_id_of(upload(french, listed))}"))
    assert re.search(r"Lignes comportant un problème</th><td>1</td>", page)
    assert "3 problèmes" in page  # unknown country, not an address, so no address


def test_problems_download_in_the_readers_language(login_as, bad_list):
    french = login_as("secretariat", networks=("emj",), locale="fr")
    run_id = run_id_of(upload(french, bad_list))
    rows = french.get(f"/imports/{run_id}/errors.csv").get_data(as_text=True).splitlines()
    assert rows[0].lstrip("\ufeff") == "line,column,message"
    assert rows[1] == "2,Pays,pays inconnu\u00a0: 'Narnia'"


def test_a_row_with_too_many_cells_names_the_whole_row_in_french(login_as, tmp_path):
    path = tmp_path / "decale.csv"
    path.write_text("Pays,Nom,Courriel\nMaroc,Bennani,said@justice.example,Rabat,extra\n",
                    encoding="utf-8")
    french = login_as("secretariat", networks=("emj",), locale="fr")
    page = page_text(french.get(f"/imports/{run_id_of(upload(french, path))}"))
    assert "(ligne entière)" in page
    assert "la ligne compte 5 cellules mais l'en-tête en compte 3" in page
    assert "(row)" not in page


def test_an_unusable_file_is_explained_in_arabic(app, login_as, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    arabic = login_as("secretariat", networks=("emj",), locale="ar")
    response = upload(arabic, path)
    assert response.status_code == 422
    text = page_text(response)
    assert "الملف photo.csv عبارة عن صورة PNG وليس جدول بيانات" in text
    assert "not a spreadsheet" not in text
    assert directory_state(app)["entries"] == 0


def test_the_changes_row_by_row_name_fields_and_values_in_french(app, login_as, tmp_path):
    header = [*HEADER, "Domaines", "Tél."]
    first = write_csv(tmp_path / "v1.csv", header, [[
        "Maroc", "Bennani", "Said", "said@justice.example", "thb", ""]])
    assert run_import(app, first, "emj")["status"] == "applied"
    second = write_csv(tmp_path / "v2.csv", header, [[
        "Maroc", "Bennani", "Saïd", "said@justice.example", "thb; som", "Mobile: 0612345678"]])
    french = login_as("secretariat", networks=("emj",), locale="fr")
    run_id = run_id_of(upload(french, second))
    page = page_text(french.get(f"/imports/{run_id}"))
    assert "Prénom\u00a0: Said → Saïd" in page
    assert ("Spécialités\u00a0: Traite des êtres humains → Traite des êtres humains, "
            "Trafic de migrants") in page
    assert "Téléphones\u00a0: — → +212612345678 (Portable)" in page
    download = french.get(f"/imports/{run_id}/changes.csv").get_data(as_text=True)
    assert "Prénom\u00a0: Said → Saïd" in download
    english = page_text(login_as("admin", locale="en").get(f"/imports/{run_id}"))
    assert "Given name: Said → Saïd" in english
    assert "Phones: — → +212612345678 (Mobile)" in english


def test_joining_a_network_names_the_role_by_its_french_label(app, login_as, tmp_path):
    listed = write_csv(tmp_path / "eurojust.csv", HEADER, [["Maroc", "Bennani", "Said",
                                                          "said@justice.example"]])
    assert run_import(app, listed, "eurojust")["status"] == "applied"
    emj = write_csv(tmp_path / "emj.csv", [*HEADER, "Type"], [[
        "Maroc", "Bennani", "Said", "said@justice.example", "Point de contact"]])
    french = login_as("secretariat", networks=("emj",), locale="fr")
    page = page_text(french.get(f"/imports/{run_id_of(upload(french, emj))}"))
    assert "rejoint le réseau en tant que Point de contact" in page
    assert "en tant que contact-point" not in page


def test_the_command_line_keeps_english(app, runner, login_as, bad_list):
    result = runner.invoke(args=["import", str(bad_list), "--network", "emj"])
    assert result.exit_code == 1
    assert "line 2, column Pays: unknown country: 'Narnia'" in result.output
    # The refused run is listed on the French import page as the command line's.
    page = page_text(login_as("admin", locale="fr").get("/imports"))
    assert "liste.csv" in page and "la ligne de commande" in page and "operator" not in page
