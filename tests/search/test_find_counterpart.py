"""Find a counterpart: country + matter, the networks that fit the matter first, then the user's
languages; and when nobody in that country has the matter, the country alone, said so."""

from __future__ import annotations

import pytest
from search_support import admin_user, bearer, sign_in, text_of

from directory.services import commit, contacts, users


@pytest.fixture
def speaker(app, client, make):
    """A prosecutor who speaks these languages, as (API client, e-mail)."""

    def build(languages=()):
        _, email = make.user("prosecutor")
        with app.app_context():
            # Set through the profile: users.create_user(languages=...) fails (reported).
            users.update_profile(users.find_user(email), {"languages": list(languages)})
            commit()
        headers = bearer(make.token(email))

        class Reader:
            def get(self, path, **kwargs):
                return client.get(path, headers=headers, **kwargs)

        return Reader(), email

    return build


@pytest.fixture
def lebanon(app):
    """Entries in Lebanon (and one elsewhere) with various networks, matters and languages,
    made through the service in one transaction."""
    roles = {"emj": "contact-point", "eurojust": "contact-point", "carin": "judicial"}
    people = {
        "carin_fr": ("Aoun", ["carin"], ["thb", "asset-recovery"], ["fr"], "LB"),
        "carin_it": ("Bitar", ["carin"], ["thb", "asset-recovery"], ["it"], "LB"),
        "emj_ar": ("Chidiac", ["emj"], ["thb"], ["ar"], "LB"),
        "eurojust_en": ("Daher", ["eurojust"], ["thb", "som"], ["en"], "LB"),
        "emj_fr": ("Eid", ["emj", "carin"], ["thb", "freezing-confiscation"], ["fr"], "LB"),
        "eurojust_fr_no_thb": ("Fares", ["eurojust"], ["mla"], ["fr"], "LB"),
        "elsewhere": ("Ghanem", ["emj"], ["thb"], ["fr"], "JO"),
        "archived": ("Hobeika", ["emj"], ["thb"], ["fr"], "LB"),
    }
    made = {}
    with app.app_context():
        admin = admin_user()
        for key, (name, networks, specialisms, languages, country) in people.items():
            contact_point = contacts.create_contact_point(admin, {
                "given_name": "Rami", "family_name": name, "country": country,
                "emails": [f"{name.lower()}@justice.example.lb"],
                "phones": [{"number": "+9611123456", "kind": "office"}],
                "specialisms": specialisms, "languages": languages,
                "status": "archived" if key == "archived" else "active",
                "memberships": [{"network": n, "role": roles[n]} for n in networks]}
            ).contact_point
            made[key] = contact_point.id
        commit()
    return made


def ids_of(body):
    return [result["id"] for result in body["results"]]


def test_thb_ranks_emj_and_eurojust_first_then_the_users_languages(speaker, lebanon):
    reader, _ = speaker(["fr"])
    response = reader.get("/api/v1/find?country=LB&matter=thb")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["broadened"] is False
    assert ids_of(body) == [
        lebanon["emj_fr"],       # fitting network and speaks French
        lebanon["emj_ar"],       # fitting networks, by name
        lebanon["eurojust_en"],
        lebanon["carin_fr"],     # other networks: French speakers first
        lebanon["carin_it"],
    ]
    assert body["total"] == 5
    assert {r["country"] for r in body["results"]} == {"LB"}


def test_asset_recovery_ranks_carin_first(speaker, lebanon):
    reader, _ = speaker(["it"])
    body = reader.get("/api/v1/find?country=LB&matter=asset-recovery").get_json()
    assert ids_of(body) == [lebanon["carin_it"], lebanon["carin_fr"]]
    body = reader.get("/api/v1/find?country=LB&matter=freezing-confiscation").get_json()
    assert ids_of(body) == [lebanon["emj_fr"]]


def test_country_and_matter_may_be_written_as_labels(speaker, lebanon):
    reader, _ = speaker(["fr"])
    for country, matter in (("Lebanon", "trafficking in human beings"), ("Liban", "thb"),
                            ("لبنان", "Traite des êtres humains")):
        body = reader.get("/api/v1/find", query_string={"country": country, "matter": matter})
        assert body.status_code == 200, (country, matter)
        assert ids_of(body.get_json())[0] == lebanon["emj_fr"]


def test_without_the_matter_in_the_country_falls_back_to_the_country(speaker, lebanon):
    reader, _ = speaker(["en"])
    body = reader.get("/api/v1/find?country=LB&matter=cryptocurrencies").get_json()
    assert body["broadened"] is True
    assert "cryptocurrencies" in body["notice"].lower() or "crypto" in body["notice"].lower()
    found = ids_of(body)
    assert set(found) == {v for k, v in lebanon.items() if k not in ("elsewhere", "archived")}
    # Cryptocurrencies fit CARIN: its members first, and among them nobody speaks English.
    carin = {lebanon["carin_fr"], lebanon["carin_it"], lebanon["emj_fr"]}
    assert set(found[:3]) == carin
    # Then the English speaker.
    assert found[3] == lebanon["eurojust_en"]


def test_extra_filters_and_paging_apply_to_a_find(speaker, lebanon):
    reader, _ = speaker(["fr"])
    body = reader.get("/api/v1/find?country=LB&matter=thb&language=fr").get_json()
    assert ids_of(body) == [lebanon["emj_fr"], lebanon["carin_fr"]]
    first = reader.get("/api/v1/find?country=LB&matter=thb&per_page=2&page=1").get_json()
    second = reader.get("/api/v1/find?country=LB&matter=thb&per_page=2&page=2").get_json()
    assert first["total"] == second["total"] == 5
    assert ids_of(first) + ids_of(second) == [
        lebanon["emj_fr"], lebanon["emj_ar"], lebanon["eurojust_en"], lebanon["carin_fr"]]
    # A filter that leaves nobody is not "nobody has the matter": no fallback then.
    none = reader.get("/api/v1/find?country=LB&matter=thb&language=de").get_json()
    assert none["total"] == 0 and none["broadened"] is False


@pytest.mark.parametrize("query", ["country=LB", "matter=thb", "country=Atlantis&matter=thb",
                                   "country=LB&matter=astrology", ""])
def test_find_needs_a_country_and_a_matter(speaker, query):
    response = speaker()[0].get(f"/api/v1/find?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"]


def test_find_on_the_page(client, speaker, lebanon):
    _, email = speaker(["fr"])
    sign_in(client, email)
    page = client.get("/?find=1&country=LB&matter=thb").get_data(as_text=True)
    text = text_of(page)
    order = [text.index(name) for name in ("Rami Eid", "Rami Chidiac", "Rami Daher",
                                             "Rami Aoun", "Rami Bitar")]
    assert order == sorted(order)
    assert "Ghanem" not in text and "Hobeika" not in text and "Fares" not in text
    # The find form keeps what was chosen.
    assert '<option value="LB" selected' in page
    assert '<option value="thb" selected' in page

    fallback = client.get("/?find=1&country=LB&matter=cryptocurrencies")
    assert fallback.status_code == 200
    text = text_of(fallback.get_data(as_text=True))
    assert "Nobody in Lebanon" in text
    assert "Rami Fares" in text

    missing = client.get("/?find=1&country=&matter=thb")
    assert missing.status_code == 400
    assert "Choose a country" in missing.get_data(as_text=True)


def test_a_country_with_nobody_offers_the_region_then_eurojust_liaison_prosecutors(
        app, speaker, lebanon, client):
    reader, email = speaker(["fr"])
    # Nobody in Syria: the contact points for the matter in the other Southern Partner
    # Countries (Lebanon, Jordan), said once.
    body = reader.get("/api/v1/find?country=SY&matter=thb").get_json()
    assert body["broadened"] is True and body["fallback"] == "region"
    assert "Nobody in Syria" in body["notice"] and "Southern Partner Countries" in body["notice"]
    found = set(ids_of(body))
    assert lebanon["elsewhere"] in found and lebanon["emj_ar"] in found
    assert lebanon["eurojust_fr_no_thb"] not in found and lebanon["archived"] not in found
    # Nobody in the region either (Portugal's region has no one): Eurojust's liaison
    # prosecutors.
    none = reader.get("/api/v1/find?country=PT&matter=thb").get_json()
    assert none["fallback"] == "nothing" and none["total"] == 0
    assert none["notice"] == "Nobody in Portugal is in the directory yet."
    with app.app_context():
        liaison, *_ = contacts.create_contact_point(admin_user(), {
            "given_name": "Paula", "family_name": "Liaison", "country": "US",
            "emails": ["p.liaison@eurojust.example"], "specialisms": ["mla"],
            "memberships": [{"network": "eurojust", "role": "liaison-prosecutor"}]})
        commit()
        liaison_id = liaison.id
    body = reader.get("/api/v1/find?country=PT&matter=thb").get_json()
    assert body["fallback"] == "liaison" and ids_of(body) == [liaison_id]
    assert "liaison prosecutors" in body["notice"]
    # On the page: the notice once, and no "No contact point matches" beside it.
    sign_in(client, email)
    page = text_of(client.get("/?find=1&country=PT&matter=thb").get_data(as_text=True))
    assert page.count("Nobody in Portugal") == 1 and "No contact point matches" not in page
    assert "Paula Liaison" in page
