"""Formula-safe cells: what every export neutralises, the importer reads back unchanged."""

from datetime import date

from imports.formulas import neutralise, restore
from imports.normalise import cell_text


def test_texts_a_spreadsheet_would_run_get_an_apostrophe():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+212537123456") == "'+212537123456"
    for text in ("-x", "@x", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Bennani") == "Bennani"
    assert neutralise("") == ""
    # Values that are not text (indicator figures, dates, empty cells) are left as they are.
    assert neutralise(-3) == -3 and neutralise(None) is None
    assert neutralise(date(2025, 1, 2)) == date(2025, 1, 2)


def test_the_importer_reads_a_neutralised_cell_as_what_it_stood_for():
    for text in ("=1+1", "+212537123456", "-2+3", "@Sum", "Bennani", "'quoted'", ""):
        assert restore(neutralise(text)) == text
        assert cell_text(neutralise(text)) == text.strip()
    assert restore("'Bennani") == "'Bennani"  # an apostrophe of the person's own
