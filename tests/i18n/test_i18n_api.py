"""The JSON API answers in the requester's language too; its codes and field names do not change."""

from __future__ import annotations

from datetime import date, timedelta

from i18n_support import FSI, PDI, plain

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def bad_contact(entry: int) -> dict:
    return {"contact_point_id": entry, "matter": "thb", "channel": "fax",
            "purpose": "pre-mla-advice", "occurred_on": TOMORROW}


def test_a_validation_error_in_french_through_accept_language(api, make):
    entry = make.entry()
    client = api("prosecutor")
    response = client.post("/api/v1/contact-events", json=bad_contact(entry),
                           headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"  # codes stay English
    assert error["message"] == "Certains champs ne sont pas valides."
    assert set(error["fields"]) == {"channel", "occurred_on"}  # so do field names
    assert error["fields"]["occurred_on"] == "Ne peut pas être une date future."
    assert error["fields"]["channel"].startswith("«\u00a0fax\u00a0» ne fait pas partie des "
                                                 "valeurs possibles\u00a0: email, phone")


def test_the_same_error_in_english_is_unchanged(api, make):
    entry = make.entry()
    response = api("prosecutor").post("/api/v1/contact-events", json=bad_contact(entry))
    error = response.get_json()["error"]
    assert error["message"] == "Some fields are not valid."
    assert error["fields"]["occurred_on"] == "Cannot be in the future."
    assert error["fields"]["channel"].startswith("'fax' is not one of email, phone")


def test_the_users_profile_language_is_used_for_a_token(api, make):
    entry = make.entry()
    client = api("prosecutor", locale="ar")
    response = client.post("/api/v1/contact-events", json=bad_contact(entry),
                           headers={"Accept-Language": "fr"})
    error = response.get_json()["error"]
    assert error["code"] == "validation_failed"
    assert error["message"] == "بعض الحقول غير صالحة."
    # The Latin value inside the Arabic sentence is isolated, as <bdi> would in a page.
    assert error["fields"]["channel"].startswith(f"«{FSI}fax{PDI}» ليست من القيم الممكنة: ")
    assert plain(error["fields"]["channel"]).startswith("«fax» ليست من القيم الممكنة: ")


def test_not_found_forbidden_and_unauthorized_are_translated(api, make, client):
    entry = make.entry()
    french = {"Accept-Language": "fr"}
    response = api("prosecutor").get("/api/v1/contact-points/999999", headers=french)
    assert response.status_code == 404
    assert response.get_json()["error"] == {
        "code": "not_found", "message": "Aucune fiche ne porte le numéro 999999.", "fields": {}}
    response = api("reporter", locale="ar").post("/api/v1/contact-events", json={
        "contact_point_id": entry, "matter": "thb", "channel": "email", "purpose": "other"})
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == "لا يسمح لك دورك بتسجيل الاتصالات الأولية."
    response = client.get("/api/v1/search?q=x", headers=french)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.get_json()["error"]["message"] == (
        "Connectez-vous, ou envoyez Authorization: Bearer TOKEN.")


def test_a_conflict_names_the_entry_in_the_requesters_language(api, make):
    make.entry(emails=["taken@prosecution.example"], memberships=[
        {"network": "emj", "role": "contact-point"}])
    admin = api("admin")
    payload = {"family_name": "Other", "country": "TN", "emails": ["taken@prosecution.example"],
               "memberships": [{"network": "emj", "role": "contact-point"}]}
    response = admin.post("/api/v1/contact-points", json=payload,
                           headers={"Accept-Language": "fr"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict"
    assert error["message"].startswith("Cette personne figure déjà dans l'annuaire sous la fiche")
