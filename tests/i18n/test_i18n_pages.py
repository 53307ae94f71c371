"""Pages in English, French and Arabic: who chooses the language, and what the pages then say."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.support import Translations
from i18n_support import PASSWORD, form_token, html_tag, meta_token
from markupsafe import escape
from sqlalchemy import select
from wtforms.i18n import messages_path

from directory.extensions import db
from directory.models import User


def shows(page: str, text: str) -> bool:
    """The text is on the page, whether it came from a template (as is) or a value (escaped)."""
    return text in page or str(escape(text)) in page


def wtforms_says(language: str, english: str) -> str:
    """WTForms' own catalogue, which Flask-WTF uses for its built-in messages."""
    return Translations.load(messages_path(), [language], domain="wtforms").gettext(english)


# --- who chooses the language -------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "lang", "direction", "heading"), [
    (None, "en", "ltr", "Sign in to Counterpart"),
    ("en-GB,en;q=0.9", "en", "ltr", "Sign in to Counterpart"),
    ("fr-FR,fr;q=0.9,en;q=0.5", "fr", "ltr", "Se connecter à Counterpart"),
    ("ar-MA,ar;q=0.9", "ar", "rtl", "تسجيل الدخول إلى Counterpart"),
    ("de-DE,de;q=0.9", "en", "ltr", "Sign in to Counterpart"),  # not offered: English
])
def test_the_login_page_speaks_the_browsers_language(visitor, accept, lang, direction, heading):
    page = visitor(accept).get("/login").get_data(as_text=True)
    assert html_tag(page) == f'<html lang="{lang}" dir="{direction}">'
    assert f"<h1>{heading}</h1>" in page


def test_the_login_page_in_french_and_arabic_is_translated_throughout(visitor):
    french = visitor("fr").get("/login").get_data(as_text=True)
    for text in ("Se connecter", "Mot de passe", "Courriel", "Aller au contenu principal",
                 "données à caractère personnel"):
        assert shows(french, text), text
    arabic = visitor("ar").get("/login").get_data(as_text=True)
    for text in ("تسجيل الدخول", "كلمة المرور", "البريد الإلكتروني",
                 "الانتقال إلى المحتوى الرئيسي"):
        assert text in arabic, text
    for english in ("Sign in", "Password", "Skip to main content"):
        assert english not in arabic and english not in french, english


def test_the_users_profile_language_wins_over_the_browser(login_as):
    browser = login_as("prosecutor", language="ar", locale="fr")
    page = browser.get("/").get_data(as_text=True)
    assert html_tag(page) == '<html lang="fr" dir="ltr">'
    assert "Rechercher dans l&#39;annuaire" in page or "Rechercher dans l'annuaire" in page


def test_without_a_profile_language_the_browser_decides(login_as):
    browser = login_as("prosecutor", language="ar")
    assert html_tag(browser.get("/").get_data(as_text=True)) == '<html lang="ar" dir="rtl">'


def test_the_language_buttons_set_a_cookie_before_signing_in(visitor):
    browser = visitor("fr")
    page = browser.get("/login").get_data(as_text=True)
    assert 'lang="ar"' in page and ">العربية</button>" in page  # the button names itself
    response = browser.post("/language", data={"csrf_token": form_token(page), "code": "ar",
                                               "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "lang=ar" in response.headers["Set-Cookie"]
    page = browser.get("/login").get_data(as_text=True)
    assert html_tag(page) == '<html lang="ar" dir="rtl">'  # the choice beats the browser


def test_the_language_buttons_keep_the_choice_in_the_profile(app, login_as, visitor):
    browser = login_as("prosecutor", language="en")
    token = meta_token(browser.get("/").get_data(as_text=True))
    response = browser.post("/language", data={"csrf_token": token, "code": "fr", "next": "/"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == browser.email)).one()
        assert user.locale == "fr"
    # Signing in again elsewhere, with an English browser: the profile's French.
    other = visitor("en")
    page = other.get("/login").get_data(as_text=True)
    other.post("/login", data={"email": browser.email, "password": PASSWORD,
                               "csrf_token": form_token(page)})
    assert html_tag(other.get("/").get_data(as_text=True)) == '<html lang="fr" dir="ltr">'


def test_an_unknown_language_code_is_refused(visitor):
    browser = visitor()
    page = browser.get("/login").get_data(as_text=True)
    response = browser.post("/language", data={"csrf_token": form_token(page), "code": "de"})
    assert response.status_code == 400


# --- messages and form errors -------------------------------------------------------------------

def test_a_form_error_in_french_from_wtforms_and_from_the_service(visitor, make):
    browser = visitor("fr")
    page = browser.get("/login").get_data(as_text=True)
    response = browser.post("/login", data={"csrf_token": form_token(page)})
    page = response.get_data(as_text=True)
    assert "Il y a un problème" in page
    assert shows(page, wtforms_says("fr", "This field is required."))
    assert wtforms_says("fr", "This field is required.") != "This field is required."
    _, email = make.user("prosecutor")
    response = browser.post("/login", data={"csrf_token": form_token(page), "email": email,
                                            "password": "not the password"})
    assert shows(response.get_data(as_text=True),
                 "L'adresse électronique ou le mot de passe est incorrect.")


def test_a_validation_error_of_the_service_on_a_french_page(login_as, make):
    entry = make.entry()
    browser = login_as("prosecutor", language="fr")
    page = browser.get(f"/contact-points/{entry}/log-contact").get_data(as_text=True)
    assert "Enregistrer un contact initial" in page
    assert "Date du contact" in page  # a form label
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = browser.post(f"/contact-points/{entry}/log-contact", data={
        "csrf_token": form_token(page), "occurred_on": tomorrow, "matter": "thb", "plan": "",
        "network": "emj", "channel": "email", "purpose": "pre-mla-advice", "note": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Il y a un problème" in page
    assert "Ne peut pas être une date future." in page
    assert "Cannot be in the future." not in page


def test_flash_messages_are_in_the_users_language(login_as, make):
    entry = make.entry()
    browser = login_as("prosecutor", language="ar")
    page = browser.get(f"/contact-points/{entry}/log-contact").get_data(as_text=True)
    browser.post(f"/contact-points/{entry}/log-contact", data={
        "csrf_token": form_token(page), "occurred_on": date.today().isoformat(),
        "matter": "thb", "plan": "", "network": "emj", "channel": "email",
        "purpose": "pre-mla-advice", "note": ""})
    page = browser.get("/my-contacts").get_data(as_text=True)
    assert "تم تسجيل الاتصال الأوّلي." in page
    assert "اتصال واحد مسجّل." in page  # one contact: the Arabic singular, without a figure
    assert "<th scope=\"col\">النظير</th>" in page  # "Counterpart": the person, not the app


def test_error_pages_are_translated(login_as):
    browser = login_as("prosecutor", language="fr")
    response = browser.get("/contact-points/999999")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<h1>Introuvable</h1>" in page
    assert shows(page, "Aucune fiche ne porte le numéro 999999.")


def test_english_pages_are_unchanged(login_as, make):
    entry = make.entry()
    browser = login_as("prosecutor")
    page = browser.get(f"/contact-points/{entry}").get_data(as_text=True)
    assert html_tag(page) == '<html lang="en" dir="ltr">'
    for text in ("How to reach them", "Log an initial contact", "Last verified", "Morocco"):
        assert text in page


# --- vocabulary labels, dates, numbers ----------------------------------------------------------

@pytest.mark.parametrize(("language", "country", "specialism", "network", "phone_kind"), [
    ("en", "Morocco", "Trafficking in human beings", "EMJ Directory", "Office"),
    ("fr", "Maroc", "Traite des êtres humains", "Annuaire EMJ", "Bureau"),
    ("ar", "المغرب", "الاتجار بالبشر", "دليل العدالة الأورومتوسطية", "المكتب"),
])
def test_vocabulary_labels_are_in_the_pages_language(login_as, make, language, country,
                                                       specialism, network, phone_kind):
    entry = make.entry(country="MA", specialisms=["thb"])
    browser = login_as("prosecutor", language=language)
    page = browser.get(f"/contact-points/{entry}").get_data(as_text=True)
    for label in (country, specialism, network, phone_kind):
        assert shows(page, label), label
    results = browser.get("/?q=Haddad").get_data(as_text=True)
    assert shows(results, country) and shows(results, specialism)


@pytest.mark.parametrize(("language", "shown"), [
    ("en", "Jan 31, 2025"), ("fr", "31 janv. 2025"), ("ar", None)])
def test_dates_are_written_the_languages_way(login_as, make, language, shown):
    from babel.dates import format_date

    shown = shown or format_date(date(2025, 1, 31), "medium", locale="ar")
    entry = make.entry(last_verified_on="2025-01-31")
    browser = login_as("prosecutor", language=language)
    page = browser.get(f"/contact-points/{entry}").get_data(as_text=True)
    assert shown in page


def test_the_report_writes_dates_numbers_and_rates_in_french(login_as, api, make):
    from babel.numbers import format_percent

    entry = make.entry()
    logger = api("prosecutor")
    assert logger.post("/api/v1/contact-events", json={
        "contact_point_id": entry, "matter": "thb", "channel": "email",
        "purpose": "pre-mla-advice", "established": True}).status_code == 201
    reporter = login_as("reporter", language="fr")
    year = date.today().year
    page = reporter.get(f"/reports/indicators?from={year}-01-01&to={year}-12-31").get_data(
        as_text=True)
    assert f"Indicateurs du 1 janv. {year} au 31 déc. {year}" in page
    assert format_percent(1, "#,##0.0%", locale="fr") in page  # 100,0 %
    assert "100.0%" not in page
    assert "Nombre de contacts initiaux" in page and "Contacts établis" in page
    quarter = (date.today().month - 1) // 3 + 1
    assert f"T{quarter} {year}" in page  # quarters as French writes them (2025 Q1 in English)


def test_numbers_are_grouped_the_languages_way(app):
    from babel.numbers import format_decimal
    from flask import render_template_string

    shown = {}
    for language in ("en", "fr", "ar"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            shown[language] = render_template_string("{{ 1234567|format_number }}")
        assert shown[language] == format_decimal(1234567, locale=language)
    assert shown["en"] == "1,234,567" and shown["fr"] != shown["en"]


# --- right to left --------------------------------------------------------------------------------

def test_latin_values_are_isolated_in_arabic_pages(login_as, make):
    entry = make.entry(given_name="Amina", family_name="Haddad", emails=["a.haddad@just.example"],
                       phones=[{"number": "+212537123456", "kind": "office"}])
    browser = login_as("prosecutor", language="ar")
    page = browser.get(f"/contact-points/{entry}").get_data(as_text=True)
    assert '<bdi>Amina Haddad</bdi>' in page
    assert 'href="mailto:a.haddad@just.example" dir="ltr"' in page
    assert 'href="tel:+212537123456" dir="ltr"' in page
    results = browser.get("/?q=Haddad").get_data(as_text=True)
    assert 'dir="ltr">a.haddad@just.example</a>' in results
