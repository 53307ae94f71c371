"""Search over the directory, and keeping the index a faithful projection of the database.

The database is the source of truth. Every write appends to the change sequence; after the
commit, `catch_up` applies every change above the index's watermark. If the index is busy or
the process dies first, the next catch-up (on the next write or search) applies it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, cached_property
from typing import Any

from flask import current_app
from flask_babel import get_locale, gettext, ngettext
from sqlalchemy import select

from directory import vocabulary
from directory.extensions import db
from directory.models import (
    Change,
    ChangeCounter,
    ContactPoint,
    Email,
    Membership,
    Network,
    Organisation,
    Specialism,
    User,
)
from directory.models.contact_point import contact_point_specialism
from directory.services import usage
from directory.services.contact_json import contact_points_json
from directory.services.contact_queries import contact_point_query, stale_after_days
from directory.services.errors import ServiceError, Unavailable
from index import Hit, IndexUnavailable, LockBusy, QueryTooLong, SearchIndex, SearchQuery

log = logging.getLogger(__name__)
FILTERS = ("country", "network", "specialism", "language", "kind", "urgent", "verified")
SORTS = ("relevance", "name", "country", "last_verified")
MAX_QUERY = 200
MAX_PER_PAGE = 100
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def search_index() -> SearchIndex:
    """The process's one SearchIndex (one searcher per process, refreshed after writes)."""
    index = current_app.extensions.get("counterpart_index")
    if index is None:
        index = SearchIndex(current_app.config["INDEX_DIR"],
                            lock_timeout=float(current_app.config["INDEX_LOCK_TIMEOUT"]),
                            vocabulary_terms=vocabulary_terms())
        current_app.extensions["counterpart_index"] = index
    return index


@cache
def vocabulary_terms() -> dict[str, dict[str, str]]:
    """Label -> code of countries, specialisms and languages (en, fr, ar, synonyms, code), given
    once to the index: it matches these words through the codes instead of indexing the labels
    in every document."""
    terms: dict[str, dict[str, str]] = {}
    for name, table in (("country", vocabulary.countries()), ("language", vocabulary.languages()),
                        ("specialism", vocabulary.SPECIALISMS)):
        labels = terms[name] = {}
        for term in table.values():
            for label in (term.slug, term.en, term.fr, term.ar, *term.synonyms):
                if label:
                    labels.setdefault(vocabulary.fold(label), term.slug)
    return terms


def _labels(terms: dict[str, Any], codes: list[str]) -> str:
    return " ".join(f"{terms[code].en} {terms[code].fr} {terms[code].ar}"
                    for code in codes if code in terms)


def _documents(ids: list[int] | None = None, after_id: int = 0,
               limit: int | None = None) -> dict[int, dict[str, Any]]:
    """The plain documents the index stores, for the given entries or for the `limit`
    entries after `after_id`; archived entries are left out.

    Read with five plain queries per batch rather than through the ORM: a full reindex of
    100,000 entries spends its time here.
    """
    query = (select(ContactPoint.id, ContactPoint.given_name, ContactPoint.family_name,
                    ContactPoint.native_name, ContactPoint.name_variants, ContactPoint.title,
                    ContactPoint.city, ContactPoint.country, ContactPoint.languages,
                    ContactPoint.notes, ContactPoint.urgent, ContactPoint.last_verified_on,
                    ContactPoint.status, Organisation.name, Organisation.native_name,
                    Organisation.kind)
             .outerjoin(Organisation, Organisation.id == ContactPoint.organisation_id)
             .where(ContactPoint.status != "archived"))
    if ids is not None:
        query = query.where(ContactPoint.id.in_(ids))
    else:
        query = query.where(ContactPoint.id > after_id).order_by(ContactPoint.id).limit(limit)
    countries, languages = vocabulary.countries(), vocabulary.languages()
    documents: dict[int, dict[str, Any]] = {}
    for (entry_id, given, family, native, variants, title, city, country, spoken, notes,
         urgent, verified, status, organisation, organisation_native, kind
         ) in db.session.execute(query):
        term = countries.get(country)
        documents[entry_id] = {
            "id": entry_id, "given_name": given or "", "family_name": family or "",
            "native_name": native or "", "name_variants": list(variants or []),
            "title": title or "", "organisation": organisation or "",
            "organisation_native": organisation_native or "", "city": city or "",
            "country": country, "country_names": f"{term.en} {term.fr} {term.ar}" if term else "",
            "specialisms": [], "specialism_labels": "",
            "languages": list(spoken or []), "language_labels": _labels(languages, spoken or []),
            "emails": [], "notes": notes or "", "networks": [], "roles": [],
            "kind": kind or "", "urgent": bool(urgent), "last_verified_on": verified,
            "status": status,
        }
    if not documents:
        return documents
    found = list(documents)
    for entry_id, address in db.session.execute(
            select(Email.contact_point_id, Email.address)
            .where(Email.contact_point_id.in_(found)).order_by(Email.position)):
        documents[entry_id]["emails"].append(address)
    for entry_id, network, role in db.session.execute(
            select(Membership.contact_point_id, Network.slug, Membership.role)
            .join(Network, Network.id == Membership.network_id)
            .where(Membership.contact_point_id.in_(found)).order_by(Membership.id)):
        documents[entry_id]["networks"].append(network)
        documents[entry_id]["roles"].append(role)
    specialisms = {row.slug: row for row in db.session.scalars(select(Specialism))}
    for entry_id, slug in db.session.execute(
            select(contact_point_specialism.c.contact_point_id,
                   contact_point_specialism.c.specialism_slug)
            .where(contact_point_specialism.c.contact_point_id.in_(found))):
        documents[entry_id]["specialisms"].append(slug)
    for document in documents.values():
        document["specialism_labels"] = " ".join(
            f"{specialisms[slug].label_en} {specialisms[slug].label_fr} "
            f"{specialisms[slug].label_ar}" for slug in document["specialisms"])
    return documents


def latest_change() -> int:
    return db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1)) or 0


def catch_up(batch: int = 2000) -> int:
    """Apply every committed change above the index's watermark; returns the new watermark.

    A busy writer lock is not an error: the changes wait in the database for the next call.
    """
    index = search_index()
    if not index.exists():
        rebuild()
        return index.watermark()
    mark = index.watermark()
    try:
        while True:
            rows = db.session.execute(
                select(Change.seq, Change.contact_point_id).where(Change.seq > mark)
                .order_by(Change.seq).limit(batch)
            ).all()
            if not rows:
                break
            last_seq = {contact_point_id: seq for seq, contact_point_id in rows}
            documents = _documents(list(last_seq))
            changes = sorted(
                (seq, contact_point_id, documents.get(contact_point_id))
                for contact_point_id, seq in last_seq.items()
            )
            # The batch's highest seq must be recorded even if its entry repeated earlier.
            if changes[-1][0] != rows[-1][0]:
                changes.append((rows[-1][0], rows[-1][1], documents.get(rows[-1][1])))
            mark = index.apply(changes)
    except LockBusy:
        log.info("Search index busy; changes above %s wait for the next catch-up.", mark)
    db.session.rollback()  # end the read transaction; nothing was written
    return mark


def catch_up_quietly() -> None:
    """After a commit: bring the index up to date, never failing the request that wrote."""
    try:
        catch_up()
    except IndexUnavailable as error:
        log.warning("Search index unavailable after a write: %s", str(error))


def iter_documents(batch: int = 2000) -> Iterator[dict[str, Any]]:
    last_id = 0
    while True:
        documents = _documents(after_id=last_id, limit=batch)
        if not documents:
            return
        yield from documents.values()
        last_id = max(documents)


def rebuild() -> int:
    """Build a fresh index from the database in a new directory and swap it in."""
    watermark = latest_change()  # read first: changes made during the build re-apply later
    search_index().rebuild(iter_documents(), watermark)
    db.session.rollback()
    return watermark


@dataclass
class SearchPage:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    # "Find a counterpart" only: what was asked, and whether the matter had to be dropped
    # because nobody in that country has it.
    country: str | None = None
    matter: str | None = None
    broadened: bool = False

    @cached_property
    def results(self) -> list[tuple[ContactPoint, float, dict[str, str]]]:
        """(entry, score, highlights) in the index's order, for pages; archived ones left out."""
        ids = [hit.id for hit in self.hits]
        rows = {row.id: row for row in db.session.scalars(
            contact_point_query().where(ContactPoint.id.in_(ids)))}
        return [(rows[hit.id], hit.score, hit.highlights) for hit in self.hits
                if hit.id in rows and rows[hit.id].status != "archived"]

    @property
    def notice(self) -> str | None:
        if not self.broadened:
            return None
        locale = str(get_locale() or "en")
        country = vocabulary.country_name(self.country, locale)
        matter = vocabulary.SPECIALISMS[self.matter].label(locale)
        return gettext("Nobody in %(country)s has %(matter)s among their specialisms in the "
                       "directory; showing every contact point in %(country)s, those of the "
                       "networks that fit the matter first.", country=country, matter=matter)

    def as_json(self) -> dict[str, Any]:
        bodies = contact_points_json([hit.id for hit in self.hits])
        body = {
            "total": self.total, "page": self.page, "per_page": self.per_page,
            "results": [
                {**bodies[hit.id], "score": round(hit.score, 4), "highlights": hit.highlights}
                for hit in self.hits
                if hit.id in bodies and bodies[hit.id]["status"] != "archived"
            ],
            "facets": self.facets,
        }
        if self.matter is not None:
            body.update(country=self.country, matter=self.matter, broadened=self.broadened)
            if self.broadened:
                body["notice"] = self.notice
        return body


def parse_request(args: Any) -> SearchQuery:
    """Read a search from query-string-like args (a MultiDict); ServiceError on bad input."""
    text = (args.get("q") or "").strip()
    if len(text) > MAX_QUERY:
        raise ServiceError(ngettext("The search is too long: at most %(num)s character, this "
                                    "one has %(length)s.", "The search is too long: at most "
                                    "%(num)s characters, this one has %(length)s.", MAX_QUERY,
                                    length=len(text)), {"q": ngettext("At most %(num)s character.", "At most %(num)s characters.", MAX_QUERY)})
    filters = {}
    for name in FILTERS:
        values = [value.strip() for value in args.getlist(name) if value and value.strip()]
        if name == "country":
            values = [value.upper() for value in values]
        if name in ("urgent", "verified"):
            # The facet's own values, "1" and "0", and the usual spellings of yes and no.
            flags = set()
            for value in values:
                if value.lower() in TRUE_WORDS:
                    flags.add("1")
                elif value.lower() in FALSE_WORDS:
                    flags.add("0")
                else:
                    raise ServiceError(gettext("%(name)s is 1 (yes) or 0 (no), not "
                                               "'%(value)s'.", name=name, value=value[:20]),
                                       {name: gettext("Use 1 or 0.")})
            values = sorted(flags)
        if values:
            filters[name] = values
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        raise ServiceError(gettext("'%(value)s' is not a sort; use one of %(choices)s.",
                                   value=sort, choices=", ".join(SORTS)),
                           {"sort": gettext("Unknown sort.")})
    page = _positive_int(args.get("page"), "page", 1)
    per_page = _positive_int(args.get("per_page"), "per_page", 20)
    if per_page > MAX_PER_PAGE:
        raise ServiceError(gettext("%(name)s is at most %(maximum)s.", name="per_page",
                                   maximum=MAX_PER_PAGE), {"per_page": gettext("Too large.")})
    return SearchQuery(text=text, filters=filters, sort=sort, page=page, per_page=per_page)


def _positive_int(value: Any, name: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ServiceError(gettext("%(name)s must be a whole number.", name=name),
                           {name: gettext("Not a number.")}) from None
    if number < 1:
        raise ServiceError(gettext("%(name)s must be 1 or more.", name=name),
                           {name: gettext("Must be 1 or more.")})
    return number


def search(actor: User, request: SearchQuery, count_use: bool = True) -> SearchPage:
    """Run a search: ids from the index, rows from the database in the index's order."""
    _catch_up_before_search()
    try:
        result = search_index().search(replace(
            request, today=date.today(), stale_days=stale_after_days()))
    except QueryTooLong:
        raise ServiceError(ngettext("The search is too long: at most %(num)s character.",
                                    "The search is too long: at most %(num)s characters.",
                                    MAX_QUERY), {"q": ngettext("At most %(num)s character.", "At most %(num)s characters.", MAX_QUERY)}) from None
    except IndexUnavailable as error:
        raise _unavailable(error) from None
    if count_use:
        usage.count("search", request.filters.get("network") or [""])
    return SearchPage(total=result.total, page=request.page, per_page=request.per_page,
                      hits=result.hits, facets=result.facets)


def _catch_up_before_search() -> None:
    """Apply what other processes (or a process that died after its commit) left pending.

    A busy lock only delays (the search answers from the index as it is); an index that cannot
    be read or updated is reported, rather than answering from a copy that no longer follows
    the database.
    """
    index = search_index()
    try:
        if not index.exists() or latest_change() > index.watermark():
            catch_up()
    except IndexUnavailable as error:
        db.session.rollback()
        log.warning("Search index unavailable: %s", str(error))
        raise _unavailable(error) from None


def _unavailable(error: IndexUnavailable) -> Unavailable:
    return Unavailable(gettext("Search is unavailable for a moment: the search index needs "
                               "rebuilding (an administrator runs `counterpart reindex`).")
                       + " " + str(error))


def find_counterpart(actor: User, country: str, matter: str,
                     request: SearchQuery | None = None) -> SearchPage:
    """Country + matter: contact points across networks, those of the networks that fit the
    matter first, then those who speak the user's languages.

    Further filters, text, sort and paging come with ``request``. If nobody in the country has
    the matter at all, the matter is dropped (``broadened``) rather than showing nothing.
    """
    code = vocabulary.lookup("country", country)
    slug = matter if matter in vocabulary.SPECIALISMS else vocabulary.lookup("specialism", matter)
    errors = {}
    if code is None:
        errors["country"] = gettext("Choose a country.")
    if slug is None:
        errors["matter"] = gettext("Choose a matter.")
    if errors:
        raise ServiceError(gettext("Choose a country and a matter."), errors)
    request = request or SearchQuery()
    extra = {key: values for key, values in request.filters.items()
             if key not in ("country", "specialism")}
    asked = replace(request, filters={**extra, "country": [code], "specialism": [slug]},
                    boost_networks=list(vocabulary.NETWORKS_FOR_MATTER.get(slug, ())),
                    boost_languages=list(actor.languages or []))
    found = search(actor, asked)
    # Nothing found: if the user's own filters or words are the cause, say nothing more; if
    # nobody in the country has the matter, show the country, the fitting networks first.
    if found.total == 0 and (not (extra or asked.text) or _nobody_has(actor, code, slug)):
        found = search(actor, replace(asked, filters={**extra, "country": [code]}),
                       count_use=False)
        found.broadened = True
    found.country, found.matter = code, slug
    return found


def _nobody_has(actor: User, country: str, specialism: str) -> bool:
    probe = search(actor, SearchQuery(filters={"country": [country], "specialism": [specialism]},
                                        per_page=1), count_use=False)
    return probe.total == 0


def suggest(text: str, limit: int = 8) -> list[dict[str, Any]]:
    """As-you-type: the best few names for a partial query."""
    if not text:
        return []
    try:
        return [{"id": contact_point_id, "name": name}
                for contact_point_id, name in search_index().suggest(text, limit)]
    except IndexUnavailable:
        return []
