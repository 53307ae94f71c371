"""XLSX workbooks: values as Excel stores them, and the attacks a workbook can carry."""

import os
import re
import struct
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from imports import UnusableInput, parse_file, readers, xlsx

HEADER = ["CARIN ID", "Member", "Type", "Name", "E-mail", "Telephone", "Languages", "Expertise",
          "Last verified", "24/7"]
ROW = ["C1", "Morocco", "LE", "BENNANI Said", "said@justice.ma.example", "00212537257367",
       "ar, fr", "Asset recovery", datetime(2025, 10, 15), "No"]


def workbook(path, rows, title="Contacts", extra_sheets=()):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for values in rows:
        sheet.append(values)
    for name, sheet_rows, state in extra_sheets:
        other = book.create_sheet(name)
        other.sheet_state = state
        for values in sheet_rows:
            other.append(values)
    book.save(path)
    return path


def rezip(source, target, replace=None, add=None, drop=()):
    """Copy a workbook's zip, replacing, adding or dropping parts."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename in drop:
                continue
            new.writestr(item.filename, replace.get(item.filename, old.read(item.filename)))
        for name, content in add.items():
            new.writestr(name, content)
    return target


def unusable(path, **options) -> str:
    with pytest.raises(UnusableInput) as caught:
        parse_file(path, "carin", **options)
    assert "\n" not in str(caught.value)
    return str(caught.value)


@pytest.fixture
def plain(tmp_path):
    return workbook(tmp_path / "plain.xlsx", [HEADER, ROW])


def test_plain_workbook(plain):
    parsed = parse_file(plain, "carin")
    assert parsed.errors == []
    [row] = parsed.rows
    assert (row.line, row.given_name, row.family_name, row.role) == (2, "Said", "Bennani",
                                                                     "law-enforcement")
    assert row.phones == [("+212537257367", "office")]
    assert row.last_verified == date(2025, 10, 15)
    assert row.urgent is False


def test_excel_typed_values(tmp_path):
    """Numbers lose their '+' or '00' in Excel; serial dates and booleans arrive as such."""
    rows = [HEADER,
            ["C1", "MA", "Judicial", "BENNANI Said", "a@justice.ma.example", 212537257367,
             "ar", "Asset recovery", 45078, True],
            ["C2", "MA", "Judicial", "ALAMI Sara", "b@justice.ma.example", 537257368.0,
             "ar", "Asset recovery", date(2024, 1, 2), 0],
            [None] * 10,
            ["C3", "MA", "Judicial", "IDRISSI Omar", "c@justice.ma.example", "#N/A",
             "ar", "Asset recovery", "2024-01-02", "x"]]
    parsed = parse_file(workbook(tmp_path / "typed.xlsx", rows), "carin")
    first, second = parsed.rows
    assert first.phones == [("+212537257367", "office")]
    assert first.last_verified == date(2023, 6, 1)
    assert first.urgent is True
    assert second.phones == [("+212537257368", "office")]
    assert second.last_verified == date(2024, 1, 2)
    assert second.urgent is False
    assert [(error.line, error.column, str(error.message)) for error in parsed.errors] == [
        (5, "Telephone", "shows the Excel error #N/A; correct the cell")]


def test_formula_cells_are_refused_per_cell(tmp_path):
    rows = [HEADER, ROW, ["C2", "Morocco", "LE", "ALAMI Sara", '=LOWER("SARA@JUSTICE.MA.EXAMPLE")',
                          "0537257368", "ar", "Asset recovery", "=TODAY()", "No"]]
    parsed = parse_file(workbook(tmp_path / "formulas.xlsx", rows), "carin")
    assert [(error.line, error.column) for error in parsed.errors] == [
        (3, "E-mail"), (3, "Last verified")]
    assert str(parsed.errors[0].message).startswith(
        "holds a formula: =LOWER(\"SARA@JUSTICE.MA.EXAMPLE\"); the importer takes values only")
    assert [row.line for row in parsed.rows] == [2]


def test_formula_in_an_ignored_column_does_not_matter(tmp_path):
    rows = [HEADER + ["Check"], ROW + ["=LEN(D2)"]]
    parsed = parse_file(workbook(tmp_path / "ignored.xlsx", rows), "carin")
    assert parsed.errors == []
    assert parsed.ignored_columns == ["Check"]


def test_sheet_choice(tmp_path):
    path = workbook(tmp_path / "sheets.xlsx", [["Read me first"]], title="Notes",
                    extra_sheets=[("Contacts", [HEADER, ROW], "visible")])
    assert "has no header row" in unusable(path)
    assert len(parse_file(path, "carin", sheet="Contacts").rows) == 1
    assert len(parse_file(path, "carin", sheet="contacts").rows) == 1


def test_hidden_first_sheet_is_skipped(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Lookup"
    book.active.append(["codes"])
    book.active.sheet_state = "hidden"
    sheet = book.create_sheet("Contacts")
    sheet.append(HEADER)
    sheet.append(ROW)
    book.save(tmp_path / "hidden.xlsx")
    assert len(parse_file(tmp_path / "hidden.xlsx", "carin").rows) == 1


def test_openpyxl_warnings_do_not_escape(plain, tmp_path):
    """openpyxl warns about a stylesheet without styles (as some tools write them); the suite
    turns warnings into errors, so the reader must keep them in."""
    empty = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    target = rezip(plain, tmp_path / "nostyles.xlsx", replace={"xl/styles.xml": empty})
    with pytest.warns(UserWarning, match="no stylesheet"):
        openpyxl.load_workbook(target, read_only=True).close()
    assert len(parse_file(target, "carin").rows) == 1


def test_lying_dimension_is_ignored(plain, tmp_path):
    with zipfile.ZipFile(plain) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', sheet)
    assert "XFD1048576" in sheet
    target = rezip(plain, tmp_path / "dimension.xlsx",
                   replace={"xl/worksheets/sheet1.xml": sheet})
    assert len(parse_file(target, "carin").rows) == 1


# --- refused workbooks -------------------------------------------------------------------------

def test_macro_workbook_with_vba_project(plain, tmp_path):
    target = rezip(plain, tmp_path / "macros.xlsm", add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    assert unusable(target) == ("macros.xlsm contains macros (a macro-enabled workbook): macros "
                                "are refused; save it as a plain .xlsx workbook or as CSV.")


def test_macro_enabled_content_type(plain, tmp_path):
    with zipfile.ZipFile(plain) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace("spreadsheetml.sheet.main+xml",
                          "ms-excel.sheet.macroEnabled.main+xml")
    assert "macroEnabled" in types
    target = rezip(plain, tmp_path / "renamed.xlsx", replace={"[Content_Types].xml": types})
    assert "macro-enabled workbook (.xlsm)" in unusable(target)


def test_zip_bomb_by_compression_ratio(plain, tmp_path):
    with zipfile.ZipFile(plain) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    bomb = sheet + b"<!--" + b" " * (30 * 1024 * 1024) + b"-->"
    target = rezip(plain, tmp_path / "bomb.xlsx", replace={"xl/worksheets/sheet1.xml": bomb})
    assert target.stat().st_size < 200_000
    assert "(a zip bomb): refused" in unusable(target)


def test_zip_bomb_by_declared_size(plain, tmp_path):
    """A small part whose directory entry claims 2 GB: refused before anything is unpacked."""
    data = bytearray(plain.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46: entry + 46 + name_length] == name:
            struct.pack_into("<I", data, entry + 24, 0x7FFFFFFF)
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    assert entry != -1
    target = tmp_path / "declared.xlsx"
    target.write_bytes(bytes(data))
    assert "(a zip bomb): refused" in unusable(target)


def test_total_uncompressed_size_limit(plain, monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNCOMPRESSED", 10_000)
    assert "over the limit of 0 MB" in unusable(plain)


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&xxe;</workbook>"""


def test_billion_laughs_sheet(plain, tmp_path):
    target = rezip(plain, tmp_path / "laughs.xlsx",
                   replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    assert unusable(target) == (
        "laughs.xlsx declares XML entities or a DTD in xl/worksheets/sheet1.xml (an XML attack "
        "or a damaged file): refused.")


def test_external_entity_in_any_part(plain, tmp_path):
    target = rezip(plain, tmp_path / "xxe.xlsx", replace={"docProps/core.xml": XXE})
    assert "declares XML entities or a DTD in docProps/core.xml" in unusable(target)


def test_entity_attack_in_utf16_part(plain, tmp_path):
    part = BILLION_LAUGHS.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    target = rezip(plain, tmp_path / "utf16.xlsx",
                   replace={"xl/worksheets/sheet1.xml": part.encode("utf-16")})
    assert "declares XML entities" in unusable(target)


@pytest.mark.parametrize("parts, expected", [
    ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<a/>"},
     "is an OpenDocument file (.ods)"),
    ({"word/document.xml": b"<a/>", "[Content_Types].xml": b"<a/>"}, "is a Word document"),
    ({"readme.txt": b"hello"}, "is a zip archive, not an Excel workbook"),
])
def test_other_zip_files(tmp_path, parts, expected):
    target = tmp_path / "upload.xlsx"
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    assert expected in unusable(target)


def test_row_limit_in_a_workbook(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 2)
    rows = [HEADER] + [[f"C{i}"] + ROW[1:4] + [f"p{i}@justice.ma.example"] for i in range(3)]
    assert "has more than 2 rows" in unusable(workbook(tmp_path / "long.xlsx", rows))


# --- workbooks as Excel and other tools write them ---------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade(path, sheet_xml, shared=None, styles=None, workbook_pr="", prefix=""):
    """A minimal workbook written part by part, as Excel (shared strings, styles) would."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/></Types>'),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'),
        "xl/workbook.xml": (
            f'<{p}workbook {xmlns} xmlns:r="{RELS}">{workbook_pr}<{p}sheets>'
            f'<{p}sheet name="Chart" sheetId="3" r:id="rId9"/>'
            f'<{p}sheet name="Feuil1" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId9" Type="{RELS}/chartsheet" Target="chartsheets/c.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{RELS}/styles" Target="/xl/styles.xml"/>'
            '</Relationships>'),
        "xl/worksheets/sheet1.xml": f"<{p}worksheet {xmlns}><{p}sheetData>{sheet_xml}"
                                    f"</{p}sheetData></{p}worksheet>",
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{shared or ""}</sst>',
        "xl/styles.xml": styles or (
            f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
            '</numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/>'
            '<xf numFmtId="49"/></cellXfs></styleSheet>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def strings(*texts):
    return "".join(f"<si><t>{text}</t></si>" for text in texts)


def test_excel_shared_strings_rich_text_and_date_styles(tmp_path):
    shared = (strings("Pays", "Nom", "Courriel", "Mis à jour", "Maroc")
              + "<si><r><t>BEN</t></r><r><rPr><b/></rPr><t>NANI Said</t></r>"
                "<rPh><t>ベンナニ</t></rPh></si>"
              + strings("said@justice.ma.example"))
    sheet = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
             '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
             '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>5</v></c>'
             '<c r="C3" t="s"><v>6</v></c><c r="D3" s="1"><v>45078</v></c></row>'
             '<row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4" t="inlineStr"><is><t>ALAMI Sara</t>'
             '</is></c><c r="C4" t="str"><f>LOWER("S@X.EXAMPLE")</f><v>s@x.example</v></c>'
             '<c r="D4" s="2"><v>45079.5</v></c></row>')
    parsed = parse_file(handmade(tmp_path / "excel.xlsx", sheet, shared), "emj")
    assert parsed.details == {"sheet": "Feuil1"}  # the chart sheet is not a worksheet
    [row] = parsed.rows
    assert (row.line, row.given_name, row.family_name) == (3, "Said", "Bennani")
    assert row.last_verified == date(2023, 6, 1)
    assert [(error.line, error.column) for error in parsed.errors] == [(4, "Courriel")]
    assert "formula: =LOWER" in str(parsed.errors[0].message)


def test_date1904_prefixed_namespace_and_cells_without_references(tmp_path):
    sheet = ("<x:row><x:c t=\"inlineStr\"><x:is><x:t>Country</x:t></x:is></x:c>"
             "<x:c t=\"inlineStr\"><x:is><x:t>Name</x:t></x:is></x:c>"
             "<x:c t=\"inlineStr\"><x:is><x:t>Email</x:t></x:is></x:c>"
             "<x:c t=\"inlineStr\"><x:is><x:t>Verified</x:t></x:is></x:c></x:row>"
             "<x:row><x:c t=\"inlineStr\"><x:is><x:t>MA</x:t></x:is></x:c>"
             "<x:c t=\"inlineStr\"><x:is><x:t>BENNANI Said</x:t></x:is></x:c>"
             "<x:c t=\"inlineStr\"><x:is><x:t>s@justice.ma.example</x:t></x:is></x:c>"
             "<x:c s=\"1\"><x:v>43616</x:v></x:c></x:row>")
    path = handmade(tmp_path / "mac.xlsx", sheet, workbook_pr='<x:workbookPr date1904="1"/>',
                    prefix="x")
    parsed = parse_file(path, "carin")
    assert parsed.errors == []
    assert parsed.rows[0].line == 2
    assert parsed.rows[0].last_verified == date(2023, 6, 1)  # 43616 days after 1904-01-01


def test_text_formatted_numbers_and_booleans(tmp_path):
    sheet = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Country</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>Name</t></is></c><c r="C1" t="inlineStr"><is>'
             '<t>Email</t></is></c><c r="D1" t="inlineStr"><is><t>Phone</t></is></c>'
             '<c r="E1" t="inlineStr"><is><t>Urgent</t></is></c></row>'
             '<row r="2"><c r="A2" t="inlineStr"><is><t>MA</t></is></c><c r="B2" t="inlineStr"><is>'
             '<t>BENNANI Said</t></is></c><c r="C2" t="inlineStr"><is><t>s@justice.ma.example</t>'
             '</is></c><c r="D2" s="3"><v>2.12537257367E11</v></c><c r="E2" t="b"><v>1</v></c>'
             '<c r="XFD2" t="inlineStr"><is><t>far away</t></is></c></row>')
    parsed = parse_file(handmade(tmp_path / "types.xlsx", sheet), "carin")
    assert parsed.errors == []
    assert parsed.rows[0].phones == [("+212537257367", "office")]
    assert parsed.rows[0].urgent is True


def test_dangling_shared_string(tmp_path):
    sheet = '<row r="1"><c r="A1" t="s"><v>7</v></c></row>'
    assert "shared string '7'" in unusable(handmade(tmp_path / "dangling.xlsx", sheet))


# --- hostile workbooks: what fits in a small zip but not in memory -----------------------------

SHARED_HEADER = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
                 '<c r="C1" t="s"><v>2</v></c></row>')


def test_shared_strings_are_capped_in_number(tmp_path):
    """A million and one distinct texts (a 3 MB file): refused before the sheet is read, with a
    message that names the limit."""
    shared = strings("Country", "Name", "Email") + "".join(
        f"<si><t>{number}</t></si>" for number in range(xlsx.MAX_SHARED_STRINGS - 2))
    path = handmade(tmp_path / "many.xlsx", SHARED_HEADER, shared)
    assert path.stat().st_size < readers.MAX_BYTES
    assert unusable(path) == (
        "many.xlsx is refused: it holds more than 1,000,000 different texts (shared strings), "
        "the limit per import; split the list into several files.")


def test_shared_strings_are_capped_in_total_size(tmp_path, monkeypatch):
    """Texts that add up to more characters than an import keeps in memory: a few long random
    strings (they compress badly, so no zip check sees them)."""
    monkeypatch.setattr(xlsx, "MAX_SHARED_CHARACTERS", 3_000_000)
    noise = os.urandom(4_000_000).translate(bytes(ord("a") + byte % 26 for byte in range(256)))
    shared = strings("Country", "Name", "Email") + "".join(
        f"<si><t>{noise[start:start + 500_000].decode()}</t></si>"
        for start in range(0, len(noise), 500_000))
    path = handmade(tmp_path / "long.xlsx", SHARED_HEADER, shared)
    assert unusable(path) == (
        "long.xlsx is refused: its texts (shared strings) add up to more than 3 million "
        "characters, the limit per import; split the list into several files.")


def test_the_shared_strings_of_a_normal_list_are_read(tmp_path):
    shared = strings("Country", "Name", "Email", "MA", "BENNANI Said", "said@justice.ma.example")
    sheet = SHARED_HEADER + ('<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c>'
                             '<c r="C2" t="s"><v>5</v></c></row>')
    parsed = parse_file(handmade(tmp_path / "normal.xlsx", sheet, shared), "carin")
    assert parsed.errors == [] and parsed.rows[0].family_name == "Bennani"


def test_compression_ratio_of_the_whole_archive(plain, tmp_path):
    """Many parts, each under the size from which a part's own ratio is checked, that together
    unpack to a thousand times the archive: a bomb all the same."""
    padding = {f"xl/media/padding{number}.bin": b"\0" * (readers.RATIO_FROM - 1)
               for number in range(60)}
    target = rezip(plain, tmp_path / "spread.xlsx", add=padding)
    with zipfile.ZipFile(target) as archive:
        assert all(item.file_size <= readers.RATIO_FROM for item in archive.infolist())
    message = unusable(target)
    assert message.startswith("spread.xlsx unpacks to 60.") and "(a zip bomb): refused." in message
    assert "a workbook compresses at most 200 times" in message
