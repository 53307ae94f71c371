"""Filters, facet counts (checked against SQL), sorting and paging, on the shared directory."""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import ContactPoint, DirectoryUse, Membership, Network, Organisation
from directory.models.contact_point import contact_point_specialism


def sql_facets(app, ids: list[int] | None = None, **where) -> dict[str, dict[str, int]]:
    """What the facets must say, counted by the database over active entries."""
    cutoff = date.today() - timedelta(days=app.config["STALE_AFTER_DAYS"])
    with app.app_context():
        conditions = [ContactPoint.status != "archived"]
        if ids is not None:
            conditions.append(ContactPoint.id.in_(ids))
        if "country" in where:
            conditions.append(ContactPoint.country.in_(where["country"]))
        if "network" in where:
            conditions.append(ContactPoint.id.in_(
                select(Membership.contact_point_id).join(Network)
                .where(Network.slug.in_(where["network"]))))

        def grouped(column, *joins):
            query = select(column, func.count(func.distinct(ContactPoint.id))).select_from(
                ContactPoint)
            for target, on in joins:
                query = query.join(target, on) if on is not None else query.join(target)
            rows = db.session.execute(query.where(*conditions).group_by(column)).all()
            return {value: count for value, count in rows if count}

        facets = {
            "country": grouped(ContactPoint.country),
            "network": grouped(Network.slug, (Membership, Membership.contact_point_id
                                              == ContactPoint.id),
                               (Network, Network.id == Membership.network_id)),
            "specialism": grouped(contact_point_specialism.c.specialism_slug,
                                  (contact_point_specialism,
                                   contact_point_specialism.c.contact_point_id
                                   == ContactPoint.id)),
        }
        kinds = db.session.execute(
            select(Organisation.kind, func.count()).select_from(ContactPoint)
            .outerjoin(Organisation, Organisation.id == ContactPoint.organisation_id)
            .where(*conditions).group_by(Organisation.kind)).all()
        facets["kind"] = {kind or "none": count for kind, count in kinds}
        urgent = db.session.execute(select(ContactPoint.urgent, func.count())
                                    .where(*conditions).group_by(ContactPoint.urgent)).all()
        facets["urgent"] = {"1" if value else "0": count for value, count in urgent}
        verified = db.session.scalar(select(func.count()).select_from(ContactPoint).where(
            *conditions, ContactPoint.last_verified_on >= cutoff))
        total = db.session.scalar(select(func.count()).select_from(ContactPoint)
                                  .where(*conditions))
        facets["verified"] = {key: value for key, value in
                              (("1", verified), ("0", total - verified)) if value}
        # Languages are a JSON list: read the lists with SQL, count them here.
        languages = Counter()
        for (codes,) in db.session.execute(select(ContactPoint.languages).where(*conditions)):
            languages.update(set(codes or []))
        facets["language"] = dict(languages)
        db.session.rollback()
    return facets


def test_facets_without_a_query_equal_the_database_counts(directory, reader):
    app, _, _ = directory
    body = reader.search()
    assert body["facets"] == sql_facets(app)
    assert body["total"] == sum(body["facets"]["country"].values())


def test_facets_of_a_text_query_count_its_results(directory, reader):
    app, _, _ = directory
    body = reader.search(q="Haddad", per_page=100)
    assert 5 < body["total"] <= 100
    ids = [result["id"] for result in body["results"]]
    assert body["facets"] == sql_facets(app, ids)


def test_a_filter_keeps_its_own_counts_and_narrows_the_others(directory, reader):
    app, _, _ = directory
    body = reader.search(country=["MA", "TN"], network="carin")
    everything = sql_facets(app)
    in_countries = sql_facets(app, country=["MA", "TN"])
    in_carin = sql_facets(app, network=["carin"])
    both = sql_facets(app, country=["MA", "TN"], network=["carin"])
    assert body["total"] == both["network"]["carin"]
    # OR within a facet: the country facet still offers every country CARIN has...
    assert body["facets"]["country"] == in_carin["country"]
    # ... and the network facet every network present in those countries.
    assert body["facets"]["network"] == in_countries["network"]
    assert body["facets"]["specialism"] == both["specialism"]
    assert body["facets"]["language"] == both["language"]
    assert sum(everything["country"].values()) > body["total"]


@pytest.mark.parametrize(("params", "check"), [
    ({"country": "MA"}, lambda r: r["country"] == "MA"),
    ({"country": ["ma", "EG"]}, lambda r: r["country"] in ("MA", "EG")),
    ({"network": "carin"}, lambda r: "carin" in {m["network"] for m in r["memberships"]}),
    ({"network": ["carin", "emj"]},
     lambda r: {"carin", "emj"} & {m["network"] for m in r["memberships"]}),
    ({"specialism": "thb"}, lambda r: "thb" in r["specialisms"]),
    ({"specialism": ["thb", "som"]}, lambda r: {"thb", "som"} & set(r["specialisms"])),
    ({"language": "it"}, lambda r: "it" in r["languages"]),
    ({"language": ["it", "el"]}, lambda r: {"it", "el"} & set(r["languages"])),
    ({"kind": "fiu"}, lambda r: r["organisation"]["kind"] == "fiu"),
    ({"urgent": "1"}, lambda r: r["urgent"]),
    ({"urgent": "true"}, lambda r: r["urgent"]),
    ({"urgent": "0"}, lambda r: not r["urgent"]),
    ({"verified": "1"}, lambda r: not r["stale"]),
    ({"verified": "0"}, lambda r: r["stale"]),
    ({"country": "TN", "specialism": "thb", "q": "Olfa"},
     lambda r: r["country"] == "TN" and "thb" in r["specialisms"]),
])
def test_filters(reader, params, check):
    body = reader.search(per_page=100, **params)
    assert body["total"] > 0
    assert len(body["results"]) == min(100, body["total"])
    assert all(check(result) for result in body["results"])


def test_filter_totals_equal_sql(directory, reader):
    app, _, _ = directory
    facets = sql_facets(app)
    assert reader.search(country=["MA", "TN"])["total"] == (
        facets["country"]["MA"] + facets["country"]["TN"])
    assert reader.search(urgent="1")["total"] == facets["urgent"]["1"]
    assert reader.search(verified="1")["total"] == facets["verified"]["1"]
    assert reader.search(kind="none")["total"] == facets["kind"]["none"]
    assert reader.search(specialism="som")["total"] == facets["specialism"]["som"]


def test_bad_boolean_filter_is_400(reader):
    response = reader.get("/api/v1/search?urgent=perhaps")
    assert response.status_code == 400
    assert "urgent" in response.get_json()["error"]["fields"]


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def test_sort_by_name(reader):
    results = reader.search(sort="name", per_page=100)["results"]
    keys = [_folded(f"{r['family_name']} {r['given_name']}") for r in results]
    assert keys == sorted(keys)


def test_sort_by_country(reader):
    results = reader.search(sort="country", per_page=100, q="Haddad")["results"]
    countries = [r["country"] for r in results]
    assert countries == sorted(countries)
    assert len(set(countries)) > 2


def test_sort_by_last_verified_newest_first_never_verified_last(reader):
    body = reader.search(sort="last_verified", per_page=100, page=1)
    days = [r["last_verified_on"] for r in body["results"]]
    assert days == sorted(days, reverse=True)
    pages = (body["total"] + 99) // 100
    last = reader.search(sort="last_verified", per_page=100, page=pages)["results"]
    assert last[-1]["last_verified_on"] is None


def test_sort_applies_to_a_text_query_too(reader):
    by_name = reader.search(q="Mansouri", sort="name", per_page=100)["results"]
    keys = [_folded(f"{r['family_name']} {r['given_name']}") for r in by_name]
    assert keys == sorted(keys)


def test_paging_walks_every_result_once(reader):
    first = reader.search(q="Haddad", per_page=7)
    seen = []
    for page in range(1, (first["total"] + 6) // 7 + 1):
        body = reader.search(q="Haddad", per_page=7, page=page)
        assert body["page"] == page and body["per_page"] == 7
        assert body["total"] == first["total"]
        seen.extend(result["id"] for result in body["results"])
    assert len(seen) == len(set(seen)) == first["total"]
    beyond = reader.search(q="Haddad", per_page=7, page=1000)
    assert beyond["results"] == [] and beyond["total"] == first["total"]


def test_each_search_counts_one_use_per_network_filter(directory, reader):
    app, _, _ = directory

    def uses():
        with app.app_context():
            rows = db.session.execute(select(DirectoryUse.network, DirectoryUse.count).where(
                DirectoryUse.kind == "search", DirectoryUse.day == date.today())).all()
            db.session.rollback()
            return dict(rows)

    before = uses()
    reader.search(q="Haddad")
    reader.search(network=["emj", "carin"])
    after = uses()
    assert after.get("", 0) == before.get("", 0) + 1
    assert after["emj"] == before.get("emj", 0) + 1
    assert after["carin"] == before.get("carin", 0) + 1


def test_an_organisation_given_a_kind_later_is_reindexed_for_all_its_entries(api):
    admin = api("admin")

    def create(name, organisation):
        response = admin.post("/api/v1/contact-points", json={
            "family_name": name, "country": "TN", "emails": [f"{name.lower()}@kind.example"],
            "organisation": organisation,
            "memberships": [{"network": "emj", "role": "contact-point"}]})
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    first = create("Kindless", {"name": "Cellule tunisienne"})
    assert first["organisation"]["kind"] is None
    create("Kindful", {"name": "Cellule tunisienne", "kind": "fiu"})
    assert admin.get(f"/api/v1/contact-points/{first['id']}").get_json()[
        "organisation"]["kind"] == "fiu"
    body = admin.get("/api/v1/search?kind=fiu").get_json()
    assert body["total"] == 2
