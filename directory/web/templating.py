"""Template filters and globals: labels in the page's language, dates, numbers, paging links."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import format_date as babel_format_date
from flask_babel import format_decimal, gettext

from directory import fields, vocabulary
from directory.services import contact_queries
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


def page_url(number: int) -> str:
    args = request.args.to_dict(flat=False)
    args["page"] = [str(number)]
    return url_for(request.endpoint, **args)


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
    app.add_template_global(has_endpoint)
    app.add_template_global(contact_queries.is_stale)
    app.add_template_global(fields.LABELS, "field_labels")
