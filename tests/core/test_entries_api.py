"""Maintaining entries through the JSON API: shapes, normalisation, duplicates, versions."""

from __future__ import annotations

from datetime import date, timedelta

from directory.models import ContactPoint, Membership, Organisation

TODAY = date.today().isoformat()
LONG_AGO = (date.today() - timedelta(days=400)).isoformat()


def payload(**values):
    body = {"given_name": "Marie", "family_name": "Dupont", "country": "FR",
            "emails": ["Marie.Dupont@Justice.Example"],
            "phones": [{"number": "01 44 77 63 00", "kind": "office"},
                       {"number": "06 12 34 56 78", "kind": "mobile"},
                       {"number": "+212 537-12-34-56", "kind": "24-7"}],
            "languages": ["fr", "en"], "specialisms": ["thb", "mla"],
            "organisation": {"name": "Parquet de Paris", "kind": "prosecution-office"},
            "memberships": [{"network": "eurojust", "role": "national-desk",
                             "external_id": "EJ-42"}]}
    body.update(values)
    return body


def test_create_answers_the_full_shape(api):
    response = api("admin").post("/api/v1/contact-points", json=payload(
        native_name="ماري دوبون", name_variants=["Marie Dupond"], title="Procureure",
        city="Paris", address="4 boulevard du Palais", urgent=True,
        urgent_instructions="Call the 24/7 line.", notes="Prefers e-mail.",
        last_verified_on=TODAY))
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"].endswith(f"/api/v1/contact-points/{body['id']}")
    assert set(body) == {
        "id", "given_name", "family_name", "native_name", "name_variants", "title",
        "organisation", "country", "city", "address", "emails", "phones", "languages",
        "specialisms", "urgent", "urgent_instructions", "notes", "status", "last_verified_on",
        "stale", "version", "memberships"}
    assert body["organisation"]["name"] == "Parquet de Paris"
    assert body["organisation"]["kind"] == "prosecution-office"
    assert body["memberships"] == [
        {"network": "eurojust", "role": "national-desk", "external_id": "EJ-42"}]
    assert (body["status"], body["version"], body["stale"]) == ("active", 1, False)
    assert body["native_name"] == "ماري دوبون" and body["urgent"] is True
    assert api("admin").get(f"/api/v1/contact-points/{body['id']}").json == body


def test_national_phones_are_stored_in_e164_with_the_entrys_country(api):
    client = api("admin")
    created = client.post("/api/v1/contact-points", json=payload()).json
    assert created["phones"] == [
        {"number": "+33144776300", "kind": "office"},
        {"number": "+33612345678", "kind": "mobile"},
        {"number": "+212537123456", "kind": "24-7"}]
    # A national number in a patch is read with the entry's country...
    patched = client.patch(f"/api/v1/contact-points/{created['id']}",
                           json={"phones": [{"number": "01 53 71 53 71"}]}).json
    assert patched["phones"] == [{"number": "+33153715371", "kind": "office"}]
    # ...or with the new country when the same patch moves the entry.
    moved = client.patch(f"/api/v1/contact-points/{created['id']}",
                         json={"country": "MA", "phones": [{"number": "0537123456"}]}).json
    assert moved["country"] == "MA"
    assert moved["phones"] == [{"number": "+212537123456", "kind": "office"}]


def test_emails_are_lower_cased_and_deduplicated(api):
    created = api("admin").post("/api/v1/contact-points", json=payload(
        emails=["Marie.Dupont@Justice.Example", "marie.dupont@justice.example",
                "MD@Justice.Example"])).json
    assert created["emails"] == ["marie.dupont@justice.example", "md@justice.example"]


def test_codes_and_organisation_are_normalised(api, count_rows):
    client = api("admin")
    first = client.post("/api/v1/contact-points", json=payload(country="fr", languages=["FR"]))
    assert first.status_code == 201
    assert (first.json["country"], first.json["languages"]) == ("FR", ["fr"])
    # The same organisation name in the same country is the same organisation.
    second = client.post("/api/v1/contact-points", json=payload(
        emails=["other@justice.example"], organisation={"name": "parquet de  PARIS"},
        memberships=[{"network": "emj", "role": "contact-point"}]))
    assert second.status_code == 201
    assert second.json["organisation"]["id"] == first.json["organisation"]["id"]
    third = client.post("/api/v1/contact-points", json=payload(
        emails=["third@justice.example"], organisation={"id": first.json["organisation"]["id"]},
        memberships=[{"network": "carin", "role": "judicial"}]))
    assert third.json["organisation"]["name"] == "Parquet de Paris"
    assert count_rows(Organisation) == 1


def test_an_existing_email_without_a_new_network_is_a_409_naming_the_entry(api, make):
    client = api("admin")
    entry_id = make.entry(emails=["amina@justice.example"])
    response = client.post("/api/v1/contact-points", json=payload(
        emails=["AMINA@justice.example"], memberships=[{"network": "emj"}]))
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "conflict"
    assert str(entry_id) in error["message"]
    assert error["existing_id"] == entry_id
    assert "emails" in error["fields"]
    assert client.get("/api/v1/contact-points").json["total"] == 1


def test_an_existing_email_with_a_new_network_becomes_a_membership(api, make, count_rows):
    client = api("secretariat", networks=("carin",))
    entry_id = make.entry(emails=["amina@justice.example"])
    response = client.post("/api/v1/contact-points", json=payload(
        emails=["Amina@Justice.Example"],
        memberships=[{"network": "carin", "role": "judicial", "external_id": "C-9"}]))
    # 202: the membership is added, the payload's other details are proposed to EMJ.
    assert response.status_code == 202, response.json
    assert response.json["id"] == entry_id
    assert response.json["memberships"] == [
        {"network": "emj", "role": "contact-point", "external_id": None},
        {"network": "carin", "role": "judicial", "external_id": "C-9"}]
    assert response.json["version"] == 2
    assert count_rows(ContactPoint) == 1 and count_rows(Membership) == 2
    # The person's details are the existing entry's, not the new payload's.
    assert response.json["family_name"] != "Dupont"
    assert response.json["proposal"]["changes"]["family_name"]["to"] == "Dupont"


def test_an_email_of_another_entry_is_refused_in_a_patch(api, make):
    client = api("admin")
    make.entry(emails=["taken@justice.example"])
    entry_id = make.entry(emails=["mine@justice.example"])
    response = client.patch(f"/api/v1/contact-points/{entry_id}",
                            json={"emails": ["Taken@Justice.Example"]})
    assert response.status_code == 409
    assert "taken@justice.example" in response.json["error"]["message"]
    assert client.get(f"/api/v1/contact-points/{entry_id}").json["emails"] == [
        "mine@justice.example"]


def test_a_networks_external_id_belongs_to_one_entry(api, make):
    client = api("admin")
    first = make.entry(memberships=[{"network": "carin", "role": "judicial",
                                     "external_id": "C-1"}])
    response = client.post("/api/v1/contact-points", json=payload(
        memberships=[{"network": "carin", "role": "judicial", "external_id": "C-1"}]))
    assert response.status_code == 409
    assert response.json["error"]["existing_id"] == first
    # The same id in another network is someone else's business.
    other = client.post("/api/v1/contact-points", json=payload(
        memberships=[{"network": "emj", "external_id": "C-1"}]))
    assert other.status_code == 201


# --- versions ----------------------------------------------------------------------------

def test_patch_with_the_current_version_bumps_it(api, make):
    client = api("admin")
    entry_id = make.entry()
    response = client.patch(f"/api/v1/contact-points/{entry_id}",
                            json={"city": "Rabat", "version": 1})
    assert response.status_code == 200
    assert (response.json["city"], response.json["version"]) == ("Rabat", 2)
    # A patch that changes nothing keeps the version.
    same = client.patch(f"/api/v1/contact-points/{entry_id}", json={"city": "Rabat"})
    assert same.json["version"] == 2


def test_patch_with_a_stale_version_is_a_409_and_changes_nothing(api, make):
    client = api("admin")
    entry_id = make.entry()
    assert client.patch(f"/api/v1/contact-points/{entry_id}",
                        json={"city": "Rabat", "version": 1}).status_code == 200
    stale = client.patch(f"/api/v1/contact-points/{entry_id}",
                         json={"city": "Casablanca", "version": 1})
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "conflict"
    assert "version" in stale.json["error"]["fields"]
    entry = client.get(f"/api/v1/contact-points/{entry_id}").json
    assert (entry["city"], entry["version"]) == ("Rabat", 2)


def test_a_stale_if_match_header_is_a_409(api, make):
    client = api("admin")
    entry_id = make.entry()
    client.patch(f"/api/v1/contact-points/{entry_id}", json={"city": "Rabat"})
    response = client.patch(f"/api/v1/contact-points/{entry_id}", json={"city": "Fès"},
                            headers={"If-Match": '"1"'})
    assert response.status_code == 409
    assert client.get(f"/api/v1/contact-points/{entry_id}").json["city"] == "Rabat"


def test_archive_and_verify_with_a_stale_version_are_409(api, make):
    client = api("admin")
    entry_id = make.entry(last_verified_on=LONG_AGO)
    client.patch(f"/api/v1/contact-points/{entry_id}", json={"city": "Rabat"})
    assert client.delete(f"/api/v1/contact-points/{entry_id}",
                         json={"version": 1}).status_code == 409
    assert client.post(f"/api/v1/contact-points/{entry_id}/verify?version=1").status_code == 409
    entry = client.get(f"/api/v1/contact-points/{entry_id}").json
    assert (entry["status"], entry["last_verified_on"], entry["version"]) == (
        "active", LONG_AGO, 2)


# --- archive, verify, stale ----------------------------------------------------------------

def test_archive_hides_the_entry_from_the_listing(api, make):
    client = api("admin")
    kept, archived = make.entry(), make.entry()
    response = client.delete(f"/api/v1/contact-points/{archived}")
    assert response.status_code == 200 and response.json["status"] == "archived"
    listing = client.get("/api/v1/contact-points").json
    assert (listing["total"], [row["id"] for row in listing["results"]]) == (1, [kept])
    assert [row["id"] for row in client.get(
        "/api/v1/contact-points?status=archived").json["results"]] == [archived]
    assert client.get(f"/api/v1/contact-points/{archived}").json["status"] == "archived"


def test_archived_entries_are_not_found_by_search(api, make):
    client = api("prosecutor")
    archived = make.entry(family_name="Zerhouni")
    api("admin").delete(f"/api/v1/contact-points/{archived}")
    assert client.get("/api/v1/search?q=Zerhouni").json["total"] == 0


def test_verify_sets_today_and_clears_stale(api, make):
    client = api("admin")
    entry_id = make.entry(last_verified_on=LONG_AGO)
    before = client.get(f"/api/v1/contact-points/{entry_id}").json
    assert before["stale"] is True
    response = client.post(f"/api/v1/contact-points/{entry_id}/verify")
    assert response.status_code == 200
    assert (response.json["last_verified_on"], response.json["stale"]) == (TODAY, False)
    assert response.json["version"] == before["version"] + 1


def test_never_verified_is_stale(api, make):
    entry_id = make.entry(last_verified_on=None)
    assert api("admin").get(f"/api/v1/contact-points/{entry_id}").json["stale"] is True


def test_listing_filters_and_pages(api, make):
    client = api("reporter")
    emj = [make.entry(country="MA") for _ in range(3)]
    carin = make.entry(country="TN", phones=[],
                       memberships=[{"network": "carin", "role": "judicial"}])
    by_network = client.get("/api/v1/contact-points?network=carin").json
    assert [row["id"] for row in by_network["results"]] == [carin]
    by_country = client.get("/api/v1/contact-points?country=ma").json
    assert [row["id"] for row in by_country["results"]] == emj
    both = client.get("/api/v1/contact-points?country=MA&country=TN").json
    assert both["total"] == 4
    page = client.get("/api/v1/contact-points?per_page=2&page=2").json
    assert (page["total"], page["page"], page["per_page"]) == (4, 2, 2)
    assert [row["id"] for row in page["results"]] == [emj[2], carin]


def test_archived_entries_are_hidden_from_readers_as_on_the_pages(api, make, login_as):
    entry_id = make.entry()
    api("admin").delete(f"/api/v1/contact-points/{entry_id}")
    reader = api("prosecutor")
    for path in (f"/api/v1/contact-points/{entry_id}",
                 f"/api/v1/contact-points/{entry_id}/vcard"):
        assert reader.get(path).status_code == 404
    assert reader.get("/api/v1/contact-points?status=archived").status_code == 403
    browser = login_as("reporter")
    assert browser.get(f"/contact-points/{entry_id}").status_code == 404
    assert browser.get(f"/contact-points/{entry_id}/vcard").status_code == 404
    # Those who maintain the entry still see it, to restore it.
    maintainer = api("secretariat", networks=("emj",))
    assert maintainer.get(f"/api/v1/contact-points/{entry_id}").json["status"] == "archived"
    restored = maintainer.patch(f"/api/v1/contact-points/{entry_id}", json={"status": "active"})
    assert restored.status_code == 200
    assert reader.get(f"/api/v1/contact-points/{entry_id}").status_code == 200
