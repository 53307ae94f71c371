"""An entry's JSON is the same wherever it comes from: one entry, the listing, a search."""

from datetime import date, timedelta


def test_search_results_carry_the_same_entry_json_as_the_entry_itself(api, make):
    admin = api("admin")
    entry_id = make.entry(
        given_name="Nadia", family_name="Zerrouki", native_name="نادية زروقي",
        name_variants=["Nadia Zerouki"], title="Procureure", city="Alger",
        address="Rue des Frères, Alger", country="DZ",
        organisation={"name": "Parquet général d'Alger", "kind": "prosecution-office"},
        emails=["nadia.zerrouki@justice.example", "duty@justice.example"],
        phones=[{"number": "021 12 34 56", "kind": "office"},
                {"number": "+213 550 12 34 56", "kind": "mobile"}],
        languages=["ar", "fr"], specialisms=["som", "thb", "mla"], urgent=True,
        urgent_instructions="Call the duty line.", notes="Prefers e-mail.",
        last_verified_on=(date.today() - timedelta(days=400)).isoformat(),
        memberships=[{"network": "emj", "role": "anti-trafficking-subgroup", "external_id": "E-9"},
                     {"network": "carin", "role": "judicial", "external_id": None}])
    single = admin.get(f"/api/v1/contact-points/{entry_id}").json
    assert single["stale"] is True and single["organisation"]["kind"] == "prosecution-office"

    def found():
        body = admin.get("/api/v1/search?q=Zerrouki").json
        result = next(r for r in body["results"] if r["id"] == entry_id)
        return {k: v for k, v in result.items() if k not in ("score", "highlights")}

    assert found() == single
    listed = admin.get("/api/v1/contact-points?country=DZ").json["results"]
    assert next(r for r in listed if r["id"] == entry_id) == single

    # After a change (a new version) and after verification, searches show the new state.
    changed = admin.patch(f"/api/v1/contact-points/{entry_id}",
                          json={"title": "Procureure générale", "version": single["version"]})
    assert changed.status_code == 200
    verified = admin.post(f"/api/v1/contact-points/{entry_id}/verify").json
    assert found() == verified and verified["title"] == "Procureure générale"
    assert verified["stale"] is False
