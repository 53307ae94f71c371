"""Search over the directory, and keeping the index a faithful projection of the database.

The database is the source of truth. Every write appends to the change sequence; after the
commit, `catch_up` applies every change above the index's watermark. If the index is busy or
the process dies first, the next catch-up (on the next write or search) applies it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, cached_property
from typing import Any

from flask import current_app
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from directory import vocabulary
from directory.extensions import current_locale, db
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
from directory.services.contact_writes import EntryWrite
from directory.services.errors import ServiceError, Unavailable
from directory.services.numbers import whole_number
from index import (
    FACET_FIELDS,
    MAX_QUERY,
    SORTS,
    Hit,
    IndexUnavailable,
    LockBusy,
    QueryTooLong,
    SearchIndex,
    SearchQuery,
)

log = logging.getLogger(__name__)
# The filters a reader may set are the index's facets; MAX_QUERY and SORTS are the index's too.
FILTERS = FACET_FIELDS
MAX_PER_PAGE = 100
SUGGESTIONS = 8
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


def _labels(terms: dict[str, Any], codes: Iterable[str]) -> str:
    return " ".join(f"{terms[code].en} {terms[code].fr} {terms[code].ar}"
                    for code in codes if code in terms)


class Projection:
    """How an entry becomes the plain document the index stores: the one place that says it,
    for entries read from the database (`_documents`) and for those an import has just
    written (`new_entry_documents`)."""

    def __init__(self):
        self.countries, self.languages = vocabulary.countries(), vocabulary.languages()
        self.specialisms = {row.slug: row for row in db.session.scalars(select(Specialism))}
        # The same few countries, languages and specialisms come back entry after entry.
        self.labels: dict[tuple[str, tuple[str, ...]], str] = {}

    def _labels(self, vocabulary_name: str, codes: tuple[str, ...]) -> str:
        """The codes' labels in the three languages, one text for the index to analyse."""
        key = (vocabulary_name, codes)
        if key not in self.labels:
            if vocabulary_name == "specialism":
                self.labels[key] = " ".join(
                    f"{self.specialisms[slug].label_en} {self.specialisms[slug].label_fr} "
                    f"{self.specialisms[slug].label_ar}" for slug in codes)
            else:
                terms = self.countries if vocabulary_name == "country" else self.languages
                self.labels[key] = _labels(terms, codes)
        return self.labels[key]

    def document(self, entry_id: int, fields: dict[str, Any],
                 organisation: tuple[str | None, str | None, str | None] | None,
                 emails: list[str], memberships: list[tuple[str, str]],
                 specialisms: list[str]) -> dict[str, Any]:
        """`fields`: the entry's own columns; `organisation`: (name, native name, kind);
        `memberships`: (network slug, role) in the order they were made."""
        spoken = list(fields.get("languages") or [])
        specialisms = sorted(specialisms)  # a set: read back in the database's order
        name, native, kind = organisation or (None, None, None)
        return {
            "id": entry_id, "given_name": fields.get("given_name") or "",
            "family_name": fields.get("family_name") or "",
            "native_name": fields.get("native_name") or "",
            "name_variants": list(fields.get("name_variants") or []),
            "title": fields.get("title") or "", "organisation": name or "",
            "organisation_native": native or "", "city": fields.get("city") or "",
            "country": fields["country"],
            "country_names": self._labels("country", (fields["country"],)),
            "specialisms": specialisms,
            "specialism_labels": self._labels("specialism", tuple(specialisms)),
            "languages": spoken, "language_labels": self._labels("language", tuple(spoken)),
            "emails": emails, "notes": fields.get("notes") or "",
            "networks": [slug for slug, _ in memberships],
            "roles": [role for _, role in memberships], "kind": kind or "",
            "urgent": bool(fields.get("urgent")),
            "last_verified_on": fields.get("last_verified_on"),
            "status": fields.get("status") or "active",
        }


_ENTRY_COLUMNS = ("given_name", "family_name", "native_name", "name_variants", "title", "city",
                  "country", "languages", "notes", "urgent", "last_verified_on", "status")


def _documents(ids: list[int] | None = None, after_id: int = 0,
               limit: int | None = None) -> dict[int, dict[str, Any]]:
    """The plain documents the index stores, for the given entries or for the `limit`
    entries after `after_id`; archived entries are left out.

    Read with four plain queries per batch rather than through the ORM: a full reindex of
    100,000 entries spends its time here.
    """
    table = ContactPoint.__table__
    query = (select(table.c.id, *(table.c[name] for name in _ENTRY_COLUMNS),
                    Organisation.name, Organisation.native_name, Organisation.kind)
             .outerjoin(Organisation, Organisation.id == table.c.organisation_id)
             .where(table.c.status != "archived"))
    if ids is not None:
        query = query.where(table.c.id.in_(ids))
    else:
        query = query.where(table.c.id > after_id).order_by(table.c.id).limit(limit)
    entries = {row[0]: row for row in db.session.execute(query)}
    if not entries:
        return {}
    found = list(entries)
    emails: dict[int, list[str]] = {entry_id: [] for entry_id in found}
    for entry_id, address in db.session.execute(
            select(Email.contact_point_id, Email.address)
            .where(Email.contact_point_id.in_(found)).order_by(Email.position)):
        emails[entry_id].append(address)
    memberships: dict[int, list[tuple[str, str]]] = {entry_id: [] for entry_id in found}
    for entry_id, network, role in db.session.execute(
            select(Membership.contact_point_id, Network.slug, Membership.role)
            .join(Network, Network.id == Membership.network_id)
            .where(Membership.contact_point_id.in_(found)).order_by(Membership.id)):
        memberships[entry_id].append((network, role))
    specialisms: dict[int, list[str]] = {entry_id: [] for entry_id in found}
    for entry_id, slug in db.session.execute(
            select(contact_point_specialism.c.contact_point_id,
                   contact_point_specialism.c.specialism_slug)
            .where(contact_point_specialism.c.contact_point_id.in_(found))):
        specialisms[entry_id].append(slug)
    projection = Projection()
    last = len(_ENTRY_COLUMNS) + 1
    return {entry_id: projection.document(
                entry_id, dict(zip(_ENTRY_COLUMNS, row[1:last], strict=True)),
                tuple(row[last:]) if row[last] is not None else None,
                emails[entry_id], memberships[entry_id], specialisms[entry_id])
            for entry_id, row in entries.items()}


def new_entry_documents(writes: list[EntryWrite],
                        organisations: dict[int, tuple[str, str | None, str | None]]
                        ) -> dict[int, dict[str, Any]]:
    """The documents of entries `write_entries` has just created, from what it wrote;
    `organisations`: id → (name, native name, kind) as stored."""
    projection = Projection()
    documents = {}
    for write in writes:
        fields = {name: new for name, (_, new) in write.changes.items()}
        verified = fields.get("last_verified_on")
        fields["last_verified_on"] = date.fromisoformat(verified) if verified else None
        organisation = fields.get("organisation")
        documents[write.entry_id] = projection.document(
            write.entry_id, fields, organisations[organisation["id"]] if organisation else None,
            list(fields.get("emails") or []),
            [(slug, after["role"]) for slug, (_, after) in write.memberships.items() if after],
            list(fields.get("specialisms") or []))
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


def iter_documents(batch: int = 2000,
                   known: dict[int, dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
    """Every active entry's document, in id order; those in `known` are not read again (and
    are let go as they are given, for the index writer's memory)."""
    if not known:
        last_id = 0
        while documents := _documents(after_id=last_id, limit=batch):
            yield from documents.values()
            last_id = max(documents)
        return
    table = ContactPoint.__table__
    last_id = 0
    while ids := db.session.scalars(
            select(table.c.id).where(table.c.status != "archived", table.c.id > last_id)
            .order_by(table.c.id).limit(batch)).all():
        unknown = [entry_id for entry_id in ids if entry_id not in known]
        read = _documents(unknown) if unknown else {}
        for entry_id in ids:
            document = known.pop(entry_id, None) or read.get(entry_id)
            if document is not None:  # archived since the ids were read
                yield document
        last_id = ids[-1]


def rebuild(known: dict[int, dict[str, Any]] | None = None,
            watermark: int | None = None) -> int:
    """Build a fresh index from the database in a new directory and swap it in.

    `known`, `watermark`: the documents of entries the caller has just written and the change
    sequence as its commit left it; they are not read back (an import of a new list spent a
    tenth of its time reading them). Changes committed since by others are above
    `watermark`, so the next catch-up applies them."""
    if watermark is None or known is None:
        known, watermark = None, latest_change()  # read first: later changes re-apply
    search_index().rebuild(iter_documents(known=known), watermark)
    db.session.rollback()
    return watermark


# Why "find a counterpart" shows other people than those asked for (SearchPage.fallback).
FALLBACKS = ("country", "region", "liaison", "nothing")
REGION_LABELS = {"eu": _l("EU Member States"), "south": _l("Southern Partner Countries"),
                 None: _l("Other countries")}


@dataclass
class SearchPage:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    # "Find a counterpart" only: what was asked, and why others are shown instead (FALLBACKS):
    # nobody in the country has the matter ("country": everyone in the country), or the
    # country has nobody at all (the region's contact points for the matter, else Eurojust's
    # liaison prosecutors, else "nothing").
    country: str | None = None
    matter: str | None = None
    fallback: str | None = None
    # The search page only: when filters leave nothing, how many the same search finds
    # without them ("Search everywhere").
    unfiltered_total: int | None = None

    @property
    def broadened(self) -> bool:
        return self.fallback is not None

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
        """Why the people shown are not exactly those asked for, said once."""
        if self.fallback is None:
            return None
        locale = current_locale()
        country = vocabulary.country_name(self.country, locale)
        matter = vocabulary.label("specialism", self.matter or "", locale)
        if self.fallback == "country":
            return gettext("Nobody in %(country)s has %(matter)s among their specialisms in "
                           "the directory; showing every contact point in %(country)s, those "
                           "of the networks that fit the matter first.", country=country,
                           matter=matter)
        if self.fallback == "region":
            return gettext("Nobody in %(country)s is in the directory yet. The nearest "
                           "alternatives: the contact points for %(matter)s in the other "
                           "%(region)s.", country=country, matter=matter,
                           region=str(REGION_LABELS[vocabulary.region_of(self.country)]))
        if self.fallback == "liaison":
            return gettext("Nobody in %(country)s is in the directory yet. Eurojust's liaison "
                           "prosecutors can help you find the right authority there.",
                           country=country)
        return gettext("Nobody in %(country)s is in the directory yet.", country=country)

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
            body.update(country=self.country, matter=self.matter, broadened=self.broadened,
                        fallback=self.fallback)
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
                                    length=len(text)),
                           {"q": ngettext("At most %(num)s character.",
                                          "At most %(num)s characters.", MAX_QUERY)})
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
    page = whole_number(args.get("page"), "page", 1)
    per_page = whole_number(args.get("per_page"), "per_page", 20, MAX_PER_PAGE)
    return SearchQuery(text=text, filters=filters, sort=sort, page=page, per_page=per_page)


def search(actor: User,  # noqa: ARG001 - every role searches all active entries today
           request: SearchQuery, count_use: bool = True) -> SearchPage:
    """Run a search: ids from the index, rows from the database in the index's order."""
    _catch_up_before_search()
    try:
        result = search_index().search(replace(
            request, today=date.today(), stale_days=stale_after_days()))
    except QueryTooLong:
        raise ServiceError(ngettext("The search is too long: at most %(num)s character.",
                                    "The search is too long: at most %(num)s characters.",
                                    MAX_QUERY),
                           {"q": ngettext("At most %(num)s character.",
                                          "At most %(num)s characters.", MAX_QUERY)}) from None
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
                     request: SearchQuery | None = None, count_use: bool = True) -> SearchPage:
    """Country + matter: contact points across networks, those of the networks that fit the
    matter first, then those who speak the user's languages.

    Further filters, text, sort and paging come with ``request``. If nobody in the country has
    the matter at all, the matter is dropped rather than showing nothing; if the country has
    nobody at all, the nearest alternatives are shown (``SearchPage.fallback`` says which).
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
    found = search(actor, asked, count_use)
    # Nothing found: if the user's own filters or words are the cause, say nothing more; if
    # nobody in the country has the matter, show the country, the fitting networks first.
    if found.total == 0 and (not (extra or asked.text) or _nobody_has(actor, code, slug)):
        found = search(actor, replace(asked, filters={**extra, "country": [code]}),
                       count_use=False)
        found.fallback = "country"
        if found.total == 0 and not (extra or asked.text):
            found = _nearest(actor, code, asked)
    found.country, found.matter = code, slug
    return found


def _nobody_has(actor: User, country: str, specialism: str) -> bool:
    probe = search(actor, SearchQuery(filters={"country": [country], "specialism": [specialism]},
                                        per_page=1), count_use=False)
    return probe.total == 0


def _nearest(actor: User, country: str, asked: SearchQuery) -> SearchPage:
    """A country with nobody in the directory: the contact points for the matter in the rest
    of its region, else Eurojust's liaison prosecutors, who know where to turn."""
    region = vocabulary.region_of(country)
    if region is not None:
        others = sorted(vocabulary.REGIONS[region] - {country})
        found = search(actor, replace(asked, filters={**asked.filters, "country": others}),
                       count_use=False)
        if found.total:
            found.fallback = "region"
            return found
    ids = list(db.session.scalars(
        select(ContactPoint.id).join(Membership).join(Network)
        .where(Network.slug == "eurojust", Membership.role == "liaison-prosecutor",
               ContactPoint.status == "active")
        .order_by(ContactPoint.family_name, ContactPoint.given_name, ContactPoint.id)))
    start = (asked.page - 1) * asked.per_page
    return SearchPage(total=len(ids), page=asked.page, per_page=asked.per_page,
                      hits=[Hit(id=entry_id, score=0.0, highlights={})
                            for entry_id in ids[start:start + asked.per_page]],
                      facets={}, fallback="liaison" if ids else "nothing")


def search_page(actor: User, args: Any) -> SearchPage:
    """What the search page shows for its query arguments: a search, or "find a counterpart"
    (find=1 with country and matter). A filter in use keeps its value listed, at 0 if need
    be; when the filters leave nothing, `unfiltered_total` says what the words alone find."""
    wanted = parse_request(args)
    find = args.get("find") == "1"

    def run(query: SearchQuery, count_use: bool = True) -> SearchPage:
        if find:
            return find_counterpart(actor, args.get("country", ""), args.get("matter", ""),
                                    query, count_use)
        return search(actor, query, count_use)

    page = run(wanted)
    own = {"country", "specialism"} if find else set()
    chosen = {name: values for name, values in wanted.filters.items() if name not in own}
    for name, values in chosen.items():
        for value in values:
            page.facets.setdefault(name, {}).setdefault(value, 0)
    if page.total == 0 and chosen:
        kept = {name: values for name, values in wanted.filters.items() if name in own}
        page.unfiltered_total = run(replace(wanted, filters=kept, per_page=1),
                                    count_use=False).total
    return page


def find_countries(actor: User,
                   chosen: str | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The countries "find a counterpart" offers: those with entries, and the `chosen` one, by
    region ((region label, [(code, name)]), names in the reader's language and order)."""
    try:
        codes = set(search(actor, SearchQuery(per_page=1), count_use=False).facets.get(
            "country", {}))
    except Unavailable:
        codes = set()
    if chosen in vocabulary.countries():
        codes.add(chosen)
    locale = current_locale()
    groups: dict[str | None, list[tuple[str, str]]] = {region: [] for region in REGION_LABELS}
    for code in codes:
        groups[vocabulary.region_of(code)].append((code, vocabulary.country_name(code, locale)))
    return [(str(REGION_LABELS[region]), sorted(names, key=lambda item: vocabulary.fold(item[1])))
            for region, names in groups.items() if names]


def suggest(request: SearchQuery, locale: str, limit: int = SUGGESTIONS) -> dict[str, Any]:
    """As-you-type: the best few people for a partial query, each once, with a second line that
    tells namesakes apart (title · organisation · country in the reader's language), and the
    total the search itself would show ("See all N results"): the request's filters apply.

    A search that cannot run answers no suggestions rather than an error: the search itself,
    when the reader submits, says what is wrong.
    """
    try:
        _catch_up_before_search()
        found = search_index().suggest(replace(
            request, page=1, per_page=limit, sort="relevance", today=date.today(),
            stale_days=int(current_app.config["STALE_AFTER_DAYS"])))
    except (IndexUnavailable, Unavailable):
        found = None
    if found is None or not found.hits:
        return {"suggestions": [], "total": 0, "see_all": "",
                "status": gettext("No suggestions: press Enter to search.")}
    rows = {row.id: row for row in db.session.scalars(
        select(ContactPoint).where(ContactPoint.id.in_([hit.id for hit in found.hits])))}
    # Each person once, in the index's order; archived meanwhile: left out.
    people = [rows[i] for i in dict.fromkeys(hit.id for hit in found.hits)
              if i in rows and rows[i].status != "archived"]
    suggestions = [{"id": row.id, "name": _name_for(row, locale),
                    "details": _details(row, locale)} for row in people]
    _tell_apart(suggestions, people, locale)
    return {
        "suggestions": suggestions,
        "total": found.total,
        "see_all": ngettext("See all %(num)s result", "See all %(num)s results", found.total),
        "status": ngettext("%(num)s suggestion; use the up and down arrows to choose.",
                           "%(num)s suggestions; use the up and down arrows to choose.",
                           len(suggestions)),
    }


def _name_for(contact_point: ContactPoint, locale: str) -> str:
    """One name: the native-script one first for a reader of Arabic, else the Latin one."""
    latin, native = contact_point.display_name, contact_point.native_name or ""
    if locale == "ar":
        return native or latin
    return latin or native


def _details(contact_point: ContactPoint, locale: str) -> list[str]:
    """Title, organisation and country, in the reader's language where the directory has it."""
    organisation = contact_point.organisation
    organisation_name = None
    if organisation is not None:
        organisation_name = (organisation.native_name if locale == "ar" else None) \
            or organisation.name
    country = vocabulary.country_name(contact_point.country, locale)
    return [part for part in (contact_point.title, organisation_name, country) if part]


def _tell_apart(suggestions: list[dict[str, Any]], people: list[ContactPoint],
                locale: str) -> None:  # fmt: skip
    """Namesakes whose title, organisation and country are all the same get their city, then
    their networks."""
    for more in (lambda row: row.city,
                 lambda row: ", ".join(membership.network.label(locale)
                                       for membership in row.memberships)):  # fmt: skip
        signatures = Counter((item["name"], *item["details"]) for item in suggestions)
        for item, row in zip(suggestions, people, strict=True):
            extra = more(row)
            if signatures[(item["name"], *item["details"])] > 1 and extra:
                item["details"].append(extra)
