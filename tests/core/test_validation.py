"""Every validation error of the contact-point JSON: a 4xx naming the field, nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from directory.models import AuditEntry, ContactPoint, Email, Membership, Organisation, Phone

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def valid_payload(**values):
    payload = {
        "given_name": "Karim", "family_name": "Mansouri", "country": "TN",
        "organisation": {"name": "Parquet de Sfax", "kind": "prosecution-office"},
        "emails": ["karim.mansouri@justice.example"],
        "phones": [{"number": "71 123 456", "kind": "office"}],
        "languages": ["ar", "fr"], "specialisms": ["som"],
        "last_verified_on": date.today().isoformat(),
        "memberships": [{"network": "emj", "role": "contact-point", "external_id": "EMJ-7"}],
    }
    payload.update(values)
    return payload


INVALID = [
    # (field named in the error, the payload's overrides)
    ("emails", {"emails": ["not-an-address"]}),
    ("emails", {"emails": ["karim@"]}),
    ("emails", {"emails": "karim@@justice.example"}),
    ("emails", {"emails": [42]}),
    ("emails", {"emails": {"address": "k@justice.example"}}),
    ("phones", {"phones": [{"number": "12", "kind": "office"}]}),
    ("phones", {"phones": [{"number": "call me maybe", "kind": "office"}]}),
    ("phones", {"phones": [{"number": "+212 5 37", "kind": "office"}]}),
    ("phones", {"phones": [{"number": "71 123 456", "kind": "fax"}]}),
    ("phones", {"phones": [{"number": "71 123 456", "kind": ["office"]}]}),
    ("phones", {"phones": [{"number": 71123456, "kind": "office"}]}),
    ("phones", {"phones": [{"kind": "office"}]}),
    ("phones", {"phones": [["71 123 456"]]}),
    ("phones", {"phones": 71123456}),
    ("country", {"country": "XX"}),
    ("country", {"country": "Atlantis"}),
    ("country", {"country": ""}),
    ("country", {"country": None}),
    ("country", {"country": 212}),
    ("country", {"country": ["TN"]}),
    ("languages", {"languages": ["xx"]}),
    ("languages", {"languages": ["Klingon"]}),
    ("languages", {"languages": [1]}),
    ("languages", {"languages": {"ar": True}}),
    ("specialisms", {"specialisms": ["astrology"]}),
    ("specialisms", {"specialisms": [None]}),
    ("specialisms", {"specialisms": 3}),
    ("memberships", {"memberships": [{"network": "interpol", "role": "contact-point"}]}),
    ("memberships", {"memberships": [{"network": "emj", "role": "chief"}]}),
    ("memberships", {"memberships": [{"network": "emj", "role": ["contact-point"]}]}),
    ("memberships", {"memberships": [{"role": "contact-point"}]}),
    ("memberships", {"memberships": ["emj"]}),
    ("memberships", {"memberships": {"network": "emj"}}),
    ("memberships", {"memberships": [{"network": "emj", "external_id": ["x"]}]}),
    ("memberships", {"memberships": [{"network": "emj"}, {"network": "emj"}]}),
    ("last_verified_on", {"last_verified_on": "2024-13-45"}),
    ("last_verified_on", {"last_verified_on": "last week"}),
    ("last_verified_on", {"last_verified_on": 20240101}),
    ("last_verified_on", {"last_verified_on": TOMORROW}),
    ("last_verified_on", {"last_verified_on": "2999-01-01"}),
    ("family_name", {"family_name": "x" * 201}),
    ("family_name", {"family_name": ""}),
    ("family_name", {"family_name": "   "}),
    ("family_name", {"family_name": None}),
    ("family_name", {"family_name": 7}),
    ("given_name", {"given_name": "x" * 201}),
    ("given_name", {"given_name": ["Karim"]}),
    ("native_name", {"native_name": "ك" * 301}),
    ("title", {"title": "t" * 301}),
    ("city", {"city": "c" * 201}),
    ("address", {"address": "a" * 501}),
    ("notes", {"notes": "n" * 5001}),
    ("notes", {"notes": {"text": "hello"}}),
    ("urgent_instructions", {"urgent_instructions": "u" * 2001}),
    ("name_variants", {"name_variants": [1, 2]}),
    ("name_variants", {"name_variants": 5}),
    ("urgent", {"urgent": "maybe"}),
    ("urgent", {"urgent": 2}),
    ("urgent", {"urgent": [True]}),
    ("status", {"status": "deleted"}),
    ("status", {"status": ["active"]}),
    ("organisation", {"organisation": 5}),
    ("organisation", {"organisation": [1]}),
    ("organisation", {"organisation": {"id": 99999}}),
    ("organisation", {"organisation": {"id": "one"}}),
    ("organisation", {"organisation": {"kind": "court"}}),
    ("organisation", {"organisation": {"name": "Tribunal de Tunis", "kind": "tribunal-ish"}}),
    ("organisation", {"organisation": {"name": "o" * 301}}),
    ("nickname", {"nickname": "Kiko"}),
    ("phone", {"phone": "+21671123456"}),
]


def assert_error(response, status: int, field: str):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.json["error"]
    assert set(error) >= {"code", "message", "fields"}
    assert isinstance(error["message"], str) and error["message"]
    assert field in error["fields"], error
    assert error["fields"][field]


@pytest.mark.parametrize(("field", "overrides"), INVALID,
                         ids=[f"{field}-{i}" for i, (field, _) in enumerate(INVALID)])
def test_create_refuses_invalid_field(api, field, overrides, count_rows):
    client = api("admin")
    before = {model: count_rows(model) for model in (ContactPoint, Organisation, Email, Phone,
                                                     Membership, AuditEntry)}
    response = client.post("/api/v1/contact-points", json=valid_payload(**overrides))
    assert_error(response, 422, field)
    assert response.json["error"]["code"] == "validation_failed"
    after = {model: count_rows(model) for model in before}
    assert after == before
    assert client.get("/api/v1/contact-points").json["total"] == 0


@pytest.mark.parametrize(("field", "overrides"), INVALID,
                         ids=[f"{field}-{i}" for i, (field, _) in enumerate(INVALID)])
def test_patch_refuses_invalid_field(api, make, field, overrides):
    client = api("admin")
    entry_id = make.entry(country="TN", phones=[])
    before = client.get(f"/api/v1/contact-points/{entry_id}").json
    response = client.patch(f"/api/v1/contact-points/{entry_id}", json=overrides)
    assert_error(response, 422, field)
    assert client.get(f"/api/v1/contact-points/{entry_id}").json == before


def test_every_bad_field_is_named_at_once(api):
    response = api("admin").post("/api/v1/contact-points", json=valid_payload(
        emails=["nope"], country="XX", languages=["xx"], specialisms=["astrology"],
        last_verified_on=TOMORROW, nickname="K"))
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) >= {
        "emails", "country", "languages", "specialisms", "last_verified_on", "nickname"}


def test_a_refused_entry_leaves_no_organisation_behind(api, count_rows):
    client = api("admin")
    audit_entries = count_rows(AuditEntry)
    response = client.post("/api/v1/contact-points", json=valid_payload(
        organisation={"name": "Brand new prosecution office", "kind": "prosecution-office"},
        specialisms=["astrology"]))
    assert response.status_code == 422
    assert count_rows(Organisation) == 0 and count_rows(ContactPoint) == 0
    assert count_rows(AuditEntry) == audit_entries
    # A later, valid entry with that organisation creates it exactly once.
    created = client.post("/api/v1/contact-points", json=valid_payload(
        organisation={"name": "Brand new prosecution office"}))
    assert created.status_code == 201
    assert count_rows(Organisation) == 1


def test_a_refused_duplicate_leaves_no_organisation_behind(api, make, count_rows):
    client = api("admin")
    make.entry(emails=["taken@justice.example"])
    organisations = count_rows(Organisation)
    response = client.post("/api/v1/contact-points", json=valid_payload(
        emails=["taken@justice.example"], memberships=[{"network": "emj"}],
        organisation={"name": "Yet another office"}))
    assert response.status_code == 409
    assert count_rows(Organisation) == organisations


@pytest.mark.parametrize("body", [b"{not json", b'{"family_name": "A",}', b"", b"\xff\xfe{",
                                  b"[1, 2", b"null"])
@pytest.mark.parametrize("method", ["post", "patch"])
def test_malformed_json_is_a_400(api, make, count_rows, body, method):
    client = api("admin")
    entry_id = make.entry()
    before = client.get(f"/api/v1/contact-points/{entry_id}").json
    path = "/api/v1/contact-points" + (f"/{entry_id}" if method == "patch" else "")
    response = getattr(client, method)(path, data=body, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "bad_request"
    assert "JSON" in response.json["error"]["message"]
    assert client.get(f"/api/v1/contact-points/{entry_id}").json == before
    assert count_rows(ContactPoint) == 1


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "true", '[{"family_name": "A"}]'])
def test_a_body_that_is_not_an_object_is_a_400(api, body):
    response = api("admin").post("/api/v1/contact-points", data=body,
                                 content_type="application/json")
    assert response.status_code == 400
    assert "object" in response.json["error"]["message"]
    assert api("admin").get("/api/v1/contact-points").json["total"] == 0


def test_a_body_sent_as_a_form_is_refused(api):
    response = api("admin").post("/api/v1/contact-points", data={"family_name": "Mansouri"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_a_bad_version_type_is_named(api, make):
    client = api("admin")
    entry_id = make.entry()
    response = client.patch(f"/api/v1/contact-points/{entry_id}",
                            json={"city": "Oujda", "version": "one"})
    assert_error(response, 422, "version")
    assert client.get(f"/api/v1/contact-points/{entry_id}").json["city"] is None


def test_unknown_entry_is_a_json_404(api):
    client = api("admin")
    for response in (client.get("/api/v1/contact-points/999"),
                     client.patch("/api/v1/contact-points/999", json={"city": "x"}),
                     client.delete("/api/v1/contact-points/999"),
                     client.post("/api/v1/contact-points/999/verify"),
                     client.get("/api/v1/contact-points/999/vcard")):
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=501", "per_page=-1"])
def test_bad_paging_is_a_400(api, query):
    response = api("admin").get(f"/api/v1/contact-points?{query}")
    assert response.status_code == 400
    assert response.json["error"]["fields"]


# --- the form shows the same errors, above the form and by each field ----------------------

def test_the_entry_form_lists_service_errors_above_the_form(login_as, count_rows):
    from core_support import page_token

    browser = login_as("admin")
    response = browser.post("/contact-points/new", data={
        "csrf_token": page_token(browser, "/contact-points/new"), "given_name": "Karim",
        "family_name": "", "country": "TN", "emails": "not-an-address",
        "office_phones": "12", "organisation_name": "Parquet de Sfax",
        "organisation_kind": "", "status": "active", "last_verified_on": TOMORROW,
        "member-emj": "1", "role-emj": "contact-point"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    for anchor in ("#family_name", "#emails", "#office_phones", "#last_verified_on"):
        assert anchor in summary, anchor
    assert 'aria-invalid="true"' in page
    assert count_rows(ContactPoint) == 0 and count_rows(Organisation) == 0
