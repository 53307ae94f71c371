"""The networks' sample lists, copied into tests/data/ so that a clone alone runs the suite.

Importable as `samples` from any test module (pytest puts the tests folder on sys.path).
"""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SAMPLES = {
    "emj": DATA / "emj_directory.csv",
    "eurojust": DATA / "eurojust_contact_points.csv",
    "carin": DATA / "carin_contact_points.xlsx",
}
WITH_ERRORS = DATA / "emj_directory_with_errors.csv"
