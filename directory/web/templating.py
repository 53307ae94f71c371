"""Template filters and globals: labels in the page's language, dates, numbers, paging links,
names and phones as people read them, and the way back to the search an entry was found by."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import phonenumbers
from babel.lists import format_list
from flask import Flask, current_app, request, url_for
from flask_babel import format_date as babel_format_date
from flask_babel import format_decimal, format_percent, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from directory import fields, vocabulary
from directory.extensions import current_locale
from directory.services import audit, contact_queries, search

ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
# What of the search page's address an entry's links carry, so that its reader comes back to
# the same results (query, filters, sort, page) or logs a contact about the matter they sought.
SEARCH_ARGS = ("q", *search.FILTERS, "sort", "page", "find", "matter")


def labels(terms) -> str:
    """`a · b` of objects that have a label(locale) method (specialisms, roles, networks)."""
    locale = current_locale()
    return " · ".join(term.label(locale) for term in terms)


def join_list(items) -> str:
    """"Arabic, French and English" in the page's language (والفرنسية in Arabic)."""
    items = [str(item) for item in items]
    return format_list(items, locale=current_locale()) if items else ""


def language_label(code: str) -> str:
    return vocabulary.label("language", code, current_locale())


def specialism_label(slug: str) -> str:
    return vocabulary.label("specialism", slug, current_locale())


def facet_label(facet: str, value: str, networks: dict, specialisms: dict) -> str:
    locale = current_locale()
    if facet == "country":
        return vocabulary.country_name(value, locale)
    if facet == "network":
        return networks[value].label(locale) if value in networks else value
    if facet == "specialism":
        return specialisms[value].label(locale) if value in specialisms else value
    if facet == "language":
        return language_label(value)
    if facet == "kind":
        if value == "none":
            return gettext("Not stated")
        return vocabulary.label("organisation_kind", value, locale)
    if facet == "urgent":
        return gettext("Available 24/7") if value == "1" else gettext("Not available 24/7")
    if facet == "verified":
        return (gettext("Verified in the last 12 months") if value == "1"
                else gettext("Not verified in the last 12 months"))
    return value


def url_with_args(endpoint: str, **changes) -> str:
    """The address of `endpoint` with this request's query arguments, `changes` applied (None
    drops one). The arguments go into the query string, never into url_for's keywords, where
    `_external`, `_anchor`, `_scheme` would steer the link and a repeated name would break it."""
    args = MultiDict(request.args)
    for name, value in changes.items():
        args.poplist(name)
        if value is not None:
            args[name] = str(value)
    path_values = request.view_args if endpoint == request.endpoint else {}
    base = url_for(endpoint, **(path_values or {}))
    query = urlencode(list(args.items(multi=True)))
    return f"{base}?{query}" if query else base


def page_url(number: int) -> str:
    return url_with_args(request.endpoint, page=number)


# The search page's filters, in the order shown, with their titles.
FACET_TITLES = {"country": _l("Country"), "network": _l("Network"),
                "specialism": _l("Specialism"), "language": _l("Language"),
                "kind": _l("Kind of organisation"), "urgent": _l("Availability"),
                "verified": _l("Verification")}


def _own_filters() -> set[str]:
    """The filters "find a counterpart" sets from its own form, not from the filter list."""
    return {"country", "specialism"} if request.args.get("find") == "1" else set()


def _search_address(args: list[tuple[str, str]], anchor: str) -> str:
    """The search page with these query arguments, at `anchor` (arguments in the query
    string, never url_for's keywords: see url_with_args)."""
    query = urlencode(args)
    return f"{url_for('search.index')}{'?' + query if query else ''}#{anchor}"


def search_without(name: str | None = None, value: str | None = None) -> str:
    """The search page without one filter value, or without every filter (name None), back
    at its first page and at the results."""
    own = _own_filters()
    kept = [(key, item) for key, item in request.args.items(multi=True)
            if key != "page" and not (key in search.FILTERS and key not in own
                                      and (name is None or (key, item) == (name, value)))]
    return _search_address(kept, "results")


def active_filters(networks: dict, specialisms: dict) -> list[tuple[str, str, str]]:
    """(filter title, value label, the search without it) of each filter in use."""
    own = _own_filters()
    return [(str(FACET_TITLES[name]), facet_label(name, value, networks, specialisms),
             search_without(name, value))
            for name in FACET_TITLES if name not in own
            for value in request.args.getlist(name) if value]


def phone(number: str) -> str:
    """An E.164 number as people read and dial it: +212 5 37 12 34 56."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@dataclass
class Names:
    """One name to head an entry, and the other ways it is written."""

    heading: Markup
    also: list[Markup] = field(default_factory=list)


def _bdi(name: Markup) -> Markup:
    """A name isolated from the text around it, marked Arabic when it is written in Arabic."""
    if ARABIC_SCRIPT.search(name.striptags()):
        return Markup('<bdi lang="ar">{}</bdi>').format(name)
    return Markup("<bdi>{}</bdi>").format(name)


def entry_names(contact_point, highlights: dict | None = None) -> Names:
    """The Latin name heads an entry, the native-script one in Arabic; the other and the
    variants are "also written". `highlights`: the search's marked-up name fields, whose
    "name" holds the Latin name and its variants joined by " · "."""
    highlights = highlights or {}
    if highlights.get("name") and contact_point.display_name:
        latin, *variants = (Markup(part) for part in highlights["name"].split(" · "))
    else:
        latin = escape(contact_point.display_name) if contact_point.display_name else None
        variants = [escape(variant) for variant in contact_point.name_variants or []]
    native = None
    if contact_point.native_name:
        native = Markup(highlights["native_name"]) if highlights.get("native_name") else escape(
            contact_point.native_name)
    first, second = (native, latin) if current_locale() == "ar" and native else (latin, native)
    names: list[Markup] = []
    for name in (first, second, *variants):
        if name and name.striptags() not in {known.striptags() for known in names}:
            names.append(name)
    return Names(heading=_bdi(names[0]) if names else Markup(""),
                 also=[_bdi(name) for name in names[1:]])


def _search_context() -> MultiDict:
    """The search the page was reached from: the search page's own arguments, or, on an
    entry's pages, the `search` argument its link carried."""
    if request.endpoint == "search.index":
        source = request.args
    else:
        source = MultiDict(parse_qsl(request.args.get("search", "")))
    return MultiDict([(name, value) for name in SEARCH_ARGS for value in source.getlist(name)
                      if value])


def entry_url(contact_point_id: int) -> str:
    """An entry's address, carrying the search it was found by."""
    trail = urlencode(list(_search_context().items(multi=True)))
    return url_for("contacts.view", contact_point_id=contact_point_id, search=trail or None)


def results_url(contact_point_id: int) -> str | None:
    """Back from an entry to the results it was found in, at its own card; None when the
    entry was not reached from a search."""
    context = _search_context()
    if not context:
        return None
    return _search_address(list(context.items(multi=True)), f"result-{contact_point_id}")


def log_url(contact_point_id: int) -> str:
    """"Log an initial contact" about what the user was looking for: the matter of "find a
    counterpart" or the only specialism they filtered by, and the only network."""
    context = _search_context()
    matter = context.get("matter") if context.get("find") == "1" else None
    specialisms, networks = context.getlist("specialism"), context.getlist("network")
    if matter is None and len(specialisms) == 1:
        matter = specialisms[0]
    return url_for("events.log", contact_point_id=contact_point_id, matter=matter,
                   network=networks[0] if len(networks) == 1 else None)


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def init_app(app: Flask) -> None:
    app.add_template_filter(labels)
    app.add_template_filter(language_label)
    app.add_template_filter(specialism_label)
    app.add_template_filter(lambda value: babel_format_date(value, "medium") if value else "",
                            "format_date")
    app.add_template_filter(lambda value: format_decimal(value), "format_number")
    app.add_template_filter(lambda value: format_percent(value), "format_percent")
    app.add_template_filter(phone)
    app.add_template_filter(join_list)
    app.add_template_global(audit.action_label, "audit_action")
    app.add_template_global(audit.field_labels, "audit_fields")
    app.add_template_global(facet_label)
    app.add_template_global(entry_names)
    app.add_template_global(search_without)
    app.add_template_global(active_filters)
    app.add_template_global(FACET_TITLES, "facet_titles")
    app.add_template_global(entry_url)
    app.add_template_global(results_url)
    app.add_template_global(log_url)
    app.add_template_global(page_url)
    app.add_template_global(url_with_args)
    app.add_template_global(has_endpoint)
    app.add_template_global(contact_queries.is_stale)
    app.add_template_global(fields.LABELS, "field_labels")
