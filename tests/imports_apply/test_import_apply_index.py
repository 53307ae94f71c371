"""A big import rebuilds the index from the documents of the entries it has just written,
not from the database: those documents must be the ones the database would give."""

import copy

import pytest
from import_apply_support import write_csv
from werkzeug.datastructures import MultiDict

from directory.extensions import db
from directory.models import Organisation, User
from directory.services import commit, contacts, search, users
from directory.services import imports as import_service

HEADER = ["Ref", "Country", "Family name", "Given name", "Arabic name", "Title", "Authority",
          "Type of authority", "City", "E-mail", "Phone", "24/7", "Languages",
          "Areas of expertise", "Last verified"]
ROWS = [
    ["IX-1", "Morocco", "El Amrani", "Khadija", "خديجة العمراني", "Procureure",
     "  parquet   général de RABAT ", "Prosecution office", "Rabat",
     "k.elamrani@justice.ma.example; duty.rabat@justice.ma.example", "05 37 12 34 56", "yes",
     "arabe; français", "Traite des êtres humains; Extradition", "2026-03-01"],
    ["IX-2", "Tunisie", "Ben Salah", "Hédi", "", "Juge d'instruction", "Tribunal de Tunis", "",
     "", "h.bensalah@justice.tn.example", "+216 71 123 456", "", "anglais", "", ""],
    ["IX-3", "مصر", "Farouk", "Ahmed", "", "", "", "", "Cairo", "a.farouk@justice.eg.example",
     "", "no", "", "Blanchiment", "2025-12-31"],
]


@pytest.fixture
def rebuild_from_memory(monkeypatch):
    """Make three rows a big import (one that rebuilds the index rather than catching up)."""
    monkeypatch.setattr(import_service, "REBUILD_ABOVE", 0)


def test_documents_from_the_import_equal_those_read_back(app, make, tmp_path,
                                                          rebuild_from_memory):
    # Already there: an entry of another network (read from the database at the rebuild), and
    # the organisation the first row names, spaced and cased otherwise, with an Arabic name
    # and another kind than the list says.
    other = make.entry(family_name="Haddad", memberships=[{"network": "eurojust",
                                                           "role": "contact-point"}])
    with app.app_context():
        db.session.add(Organisation(name="Parquet général de Rabat", country="MA",
                                    native_name="النيابة العامة بالرباط", kind="fiu"))
        commit()
    path = write_csv(tmp_path / "list.csv", HEADER, ROWS)
    with app.app_context():
        report = import_service.apply(None, path, "emj")
        assert report.ok and report.counts["created"] == 3
        written = copy.deepcopy(report.documents)
        import_service.commit_import(report)
        read_back = search._documents(list(written))
        for entry_id, document in written.items():
            assert document == read_back[entry_id], entry_id
        assert written.keys() == read_back.keys()
        assert search.search_index().watermark() == search.latest_change()

    # What a reader sees: the new entries and the old one are all found, by what only the
    # database knew (the organisation's Arabic name) and by what only the list said.
    admin_id, admin = make.user("admin")
    with app.app_context():
        reader = db.session.get(User, admin_id)
        found = search.search_page(reader, MultiDict({"q": "النيابة العامة بالرباط"}))
        assert [item.family_name for item, _, _ in found.results] == ["El Amrani"]
        found = search.search_page(reader, MultiDict({"q": "Farouk"}))
        assert [item.family_name for item, _, _ in found.results] == ["Farouk"]
        found = search.search_page(reader, MultiDict({"q": "Haddad"}))
        assert found.results[0][0].id == other


def test_a_change_committed_after_the_import_is_not_lost_by_its_rebuild(
        app, make, tmp_path, rebuild_from_memory):
    """The rebuild takes the import's own documents as of its commit; an edit committed by
    someone else before the rebuild is applied by the next catch-up."""
    path = write_csv(tmp_path / "list.csv", HEADER, ROWS)
    with app.app_context():
        report = import_service.apply(None, path, "emj")
        assert report.ok
        entry_id = next(entry_id for entry_id, document in report.documents.items()
                        if document["family_name"] == "Farouk")
        db.session.commit()
        # Someone else's edit, between the import's commit and its rebuild.
        admin = users.create_user(None, {"email": "editor@users.example", "role": "admin",
                                         "password": "a long password 2026!"})
        contacts.update_contact_point(admin, entry_id, {"title": "Procureur général adjoint"})
        commit()
        search.rebuild(known=report.documents, watermark=report.watermark)
        search.catch_up()
        read_back = search._documents([entry_id])[entry_id]
        assert read_back["title"] == "Procureur général adjoint"
        found = search.search_page(admin, MultiDict({"q": "adjoint"}))
        assert [item.id for item, _, _ in found.results] == [entry_id]
