"""Template filters and globals: labels in the page's language, dates, numbers, paging links."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, current_app, request, url_for
from flask_babel import format_date as babel_format_date
from flask_babel import format_decimal, gettext
from werkzeug.datastructures import MultiDict

from directory import vocabulary
from directory.services import contacts
from directory.web.i18n import current_locale


def labels(terms) -> str:
    """`a · b` of objects that have a label(locale) method (specialisms, roles, networks)."""
    locale = current_locale()
    return " · ".join(term.label(locale) for term in terms)


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
        return vocabulary.label("organisation_kind", value, locale)
    if facet == "urgent":
        return gettext("Available 24/7")
    if facet == "verified":
        return gettext("Verified in the last 12 months")
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


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def init_app(app: Flask) -> None:
    app.add_template_filter(labels)
    app.add_template_filter(language_label)
    app.add_template_filter(specialism_label)
    app.add_template_filter(lambda value: babel_format_date(value, "medium") if value else "",
                            "format_date")
    app.add_template_filter(lambda value: format_decimal(value), "format_number")
    app.add_template_global(facet_label)
    app.add_template_global(page_url)
    app.add_template_global(url_with_args)
    app.add_template_global(has_endpoint)
    app.add_template_global(contacts.is_stale)
