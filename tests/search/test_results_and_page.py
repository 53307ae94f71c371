"""What each result carries, archived entries, the stale badge, and the page without JavaScript."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from search_support import PASSWORD, admin_user, sign_in, target_payload, text_of
from support import close_app

from directory import create_app
from directory.services import commit, contacts, schema, users


def test_a_result_carries_what_a_prosecutor_needs_in_the_api(directory, reader):
    _, ids, _ = directory
    result = reader.search(q="Mohamed Lahlou")["results"][0]
    assert result["id"] == ids["mohamed"]
    assert result["given_name"] == "Mohamed" and result["family_name"] == "Lahlou"
    assert result["native_name"] == "محمد لحلو"
    assert result["title"] == "Deputy Prosecutor General"
    assert result["organisation"]["name"] == "Parquet général de Rabat"
    assert result["organisation"]["kind"] == "prosecution-office"
    assert result["country"] == "MA" and result["city"] == "Rabat"
    assert result["memberships"] == [
        {"network": "emj", "role": "contact-point", "external_id": None},
        {"network": "eurojust", "role": "contact-point", "external_id": None}]
    assert result["specialisms"] == ["thb", "mla"]
    assert result["languages"] == ["ar", "fr"]
    assert result["emails"] == ["m.lahlou@justice.example.ma"]
    assert result["phones"] == [{"number": "+33100000000", "kind": "office"}]
    assert result["last_verified_on"] == date.today().isoformat()
    assert result["stale"] is False
    assert result["score"] > 0
    assert result["highlights"]["name"] == "<mark>Mohamed</mark> <mark>Lahlou</mark>"
    assert "version" in result and "status" in result


def test_a_result_carries_what_a_prosecutor_needs_on_the_page(directory, signed_in):
    page = signed_in.get("/?q=Mohamed+Lahlou").get_data(as_text=True)
    text = text_of(page)
    assert "<mark>Mohamed</mark> <mark>Lahlou</mark>" in page
    assert '<mark>محمد</mark> <mark>لحلو</mark>' in page
    for shown in ("Deputy Prosecutor General", "Parquet général de Rabat", "Rabat", "Morocco",
                  "EMJ", "Eurojust", "Trafficking in human beings", "Arabic", "French",
                  "Last verified"):
        assert shown in text, shown
    assert 'href="mailto:m.lahlou@justice.example.ma"' in page
    assert 'href="tel:+33100000000"' in page
    assert "1 contact point" in text


def test_the_page_speaks_french_and_arabic(directory, signed_in):
    french = text_of(signed_in.get("/?q=Lahlou", headers={"Accept-Language": "fr"})
                     .get_data(as_text=True))
    assert "Maroc" in french
    arabic = signed_in.get("/?q=Lahlou", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "المغرب" in arabic


def test_the_search_page_works_without_javascript(directory, signed_in, reader):
    page = signed_in.get("/").get_data(as_text=True)
    # The query box is a plain GET form: submitting it is a URL with ?q=.
    form = re.search(r'<form method="get" action="/" role="search"[^>]*>(.*?)</form>', page,
                     re.DOTALL)
    assert form and 'name="q"' in form.group(1) and 'type="submit"' in form.group(1)
    # The filters are a GET form of checkboxes with counts, and a submit button.
    filters = re.search(
        r'<aside class="facets".*?<form method="get" action="/#results">(.*?)</form>', page,
        re.DOTALL)
    assert filters
    assert re.search(r'type="checkbox"[^>]*name="country" value="MA"', filters.group(1))
    assert 'name="sort"' in filters.group(1) and 'type="submit"' in filters.group(1)
    # Submitting the filter form (what a signed_in without JavaScript does).
    response = signed_in.get("/?q=Haddad&country=MA&country=DZ&sort=name")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    cards = re.findall(r'<article class="result".*?</article>', html, re.DOTALL)
    expected = reader.search(q="Haddad", country=["MA", "DZ"])["total"]
    assert 0 < len(cards) == expected
    assert all(("Morocco" in card or "Algeria" in card) and "<mark>Haddad</mark>" in card
               for card in cards)
    # Only the script is an enhancement: the one there is ours, no external one.
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts and all(src.startswith("/static/") for src in scripts)


def test_the_page_shows_the_facet_counts_of_the_active_query(directory, reader, signed_in):
    body = reader.search(q="Haddad")
    page = signed_in.get("/?q=Haddad").get_data(as_text=True)
    for code, count in body["facets"]["country"].items():
        label = re.search(rf'name="country" value="{code}".*?<span class="count">\((\d+)\)',
                          page, re.DOTALL)
        assert label and int(label.group(1)) == count, code
    # 24/7 and verification show their "yes" value only; an unstated kind is labelled.
    assert 'name="urgent" value="0"' not in page and 'name="verified" value="0"' not in page
    everything = signed_in.get("/").get_data(as_text=True)
    assert 'name="urgent" value="1"' in everything
    assert 'name="kind" value="none"' in everything
    assert re.search(r'value="none"[^>]*>\s*<label[^>]*>Not stated', everything)


def test_checked_filters_stay_checked_and_paging_keeps_them(directory, signed_in):
    page = signed_in.get("/?country=MA&network=carin&per_page=2").get_data(as_text=True)
    assert re.search(r'name="country" value="MA" checked', page)
    assert re.search(r'name="network" value="carin" checked', page)
    nxt = re.search(r'<a rel="next" href="([^"]+)"', page)
    assert nxt
    link = nxt.group(1).replace("&amp;", "&")
    assert "country=MA" in link and "network=carin" in link and "page=2" in link
    second = signed_in.get(link)
    assert second.status_code == 200
    assert "Page 2 of" in second.get_data(as_text=True)


def test_search_needs_a_signed_in_user(directory):
    app, _, _ = directory
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/search?q=Lahlou").status_code == 401
    assert anonymous.get("/api/v1/suggest?q=Lahl").status_code == 401
    assert anonymous.get("/api/v1/find?country=MA&matter=thb").status_code == 401
    assert anonymous.get("/?q=Lahlou").status_code in (302, 401)


def test_archived_entries_never_appear_and_disappear_after_delete(api, make):
    archived = make.entry(family_name="Qaraqe", status="archived")
    live = make.entry(family_name="Qaraqe", given_name="Salim")
    admin = api("admin")
    body = admin.get("/api/v1/search?q=Qaraqe").get_json()
    assert [r["id"] for r in body["results"]] == [live]
    assert archived not in [r["id"] for r in admin.get("/api/v1/search?per_page=100")
                            .get_json()["results"]]
    assert admin.delete(f"/api/v1/contact-points/{live}").status_code == 200
    body = admin.get("/api/v1/search?q=Qaraqe").get_json()
    assert body["total"] == 0 and body["results"] == []
    assert body["facets"]["country"] == {}
    # Brought back, it is found again.
    response = admin.patch(f"/api/v1/contact-points/{live}", json={"status": "active"})
    assert response.status_code == 200
    assert admin.get("/api/v1/search?q=Qaraqe").get_json()["total"] == 1


@pytest.fixture
def stale_app(tmp_path, database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "DATABASE_URL": database_url, "INDEX_DIR": str(tmp_path / "index"),
                      "STALE_AFTER_DAYS": 30})
    with app.app_context():
        schema.init_db()
    yield app
    close_app(app)


def test_stale_follows_stale_after_days(stale_app):
    today = date.today()
    with stale_app.app_context():
        admin = admin_user()
        made = {}
        for name, verified in (("Recent", today - timedelta(days=29)),
                               ("Fortydays", today - timedelta(days=40)), ("Never", None)):
            payload = {**target_payload("olfa"), "family_name": name,
                       "emails": [f"{name.lower()}@stale.example"],
                       "last_verified_on": verified.isoformat() if verified else None}
            made[name] = contacts.create_contact_point(admin, payload).contact_point
        made = {name: entry.id for name, entry in made.items()}
        users.create_user(None, {"email": "stale@users.example", "role": "prosecutor",
                                 "password": PASSWORD})
        commit()
    client = sign_in(stale_app.test_client(), "stale@users.example")
    body = client.get("/api/v1/search?sort=name").get_json()
    stale = {r["family_name"]: r["stale"] for r in body["results"]}
    assert stale == {"Recent": False, "Fortydays": True, "Never": True}
    assert body["facets"]["verified"] == {"1": 1, "0": 2}
    verified = client.get("/api/v1/search?verified=1").get_json()
    assert [r["id"] for r in verified["results"]] == [made["Recent"]]
    page = client.get("/?sort=name").get_data(as_text=True)
    cards = re.findall(r'<article class="result".*?</article>', page, re.DOTALL)
    # By name: Fortydays, Never, Recent.
    assert [("badge-stale" in card) for card in cards] == [True, True, False]
    assert "Stale" in text_of(cards[0])
