"""axe-core finds no violation of the WCAG 2.0, 2.1 and 2.2 A and AA rules on any page, in
English, French and Arabic: the pages as a signed-in admin sees them (the admin sees every page),
the login page as anyone sees it, and forms in their invalid state with the error summary."""

from __future__ import annotations

import pytest
from browser_support import LANGUAGES, assert_accessible, choose_language, sign_in, upload_list

# name -> path (entries by their key in browser_support.ENTRIES, as {key}).
PAGES = {
    "search-results": "/?q=Lahlou",
    "search-many": "/?q=&country=MA",
    "search-filters-leave-nothing": "/?q=Lahlou&country=IT&language=de",
    "find-a-counterpart": "/?find=1&country=TN&matter=freezing-confiscation",
    "find-in-an-empty-country": "/?find=1&country=SY&matter=thb",
    "entry": "/contact-points/{lahlou}",
    "entry-from-a-search": "/contact-points/{lahlou}?search=q%3DLahlou%26country%3DMA",
    "entry-edit": "/contact-points/{lahlou}/edit",
    "entry-with-proposal": "/contact-points/{shared}",
    "proposals": "/proposals",
    "entry-new": "/contact-points/new",
    "stale": "/contact-points/stale",
    "log-contact": "/contact-points/{gharbi}/log-contact",
    "my-contacts": "/my-contacts",
    "indicators": "/reports/indicators",
    "indicators-empty-period": "/reports/indicators?from=2001-01-01&to=2001-12-31",
    "imports": "/imports",
    "import-preview": "{import_preview}",
    "admin-users": "/admin/users",
    "admin-new-user": "/admin/users/new",
    "admin-networks": "/admin/networks",
    "admin-specialisms": "/admin/specialisms",
    "account": "/account",
    "not-found": "/contact-points/987654",
    "erase": "/contact-points/{gharbi}/erase",
    "forgot-password": "/password/forgot",
    "expired-reset-link": "/password/reset/expired-or-forged",
    "freshness": "/freshness",
    "freshness-network": "/freshness/networks/emj",
    "report-outdated": "/contact-points/{lahlou}/report",
}


@pytest.fixture(scope="module")
def admin_state(browser, browser_context_args, live_server, tmp_path_factory):
    """The admin's signed-in session, saved once; and a previewed import to look at."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    sign_in(page, "admin", "en")
    preview = upload_list(page, "emj_directory_with_errors.csv")
    path = tmp_path_factory.mktemp("axe") / "admin.json"
    context.storage_state(path=str(path))
    context.close()
    return {"storage_state": str(path), "import_preview": preview}


@pytest.fixture(scope="module")
def admin_page(browser, browser_context_args, admin_state):
    """One signed-in page for every check: the pages are visited language by language."""
    context = browser.new_context(**browser_context_args,
                                  storage_state=admin_state["storage_state"])
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(("language", "name"),
                         [(language, name) for language in LANGUAGES for name in PAGES])
def test_page_has_no_wcag_violation(language, name, admin_page, admin_state, live_server):
    path = PAGES[name].format(**live_server.entries, import_preview=admin_state["import_preview"])
    admin_page.goto(path)
    choose_language(admin_page, language)
    assert_accessible(admin_page, f"{name} ({language}, {path})")


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_page_and_its_errors_have_no_wcag_violation(language, page):
    page.goto("/login")
    with page.expect_navigation():
        page.click(f"form.language-switch button[value={language}]")
    assert page.get_attribute("html", "lang") == language
    assert_accessible(page, f"login ({language})")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page, f"login with errors ({language})")


@pytest.mark.parametrize("language", LANGUAGES)
def test_invalid_forms_have_no_wcag_violation(language, new_context, admin_state, live_server):
    page = new_context(storage_state=admin_state["storage_state"]).new_page()
    page.goto("/admin/users/new")
    choose_language(page, language)
    page.fill("#email", "not an address")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page, f"new user with errors ({language})")
    page.goto(f"/contact-points/{live_server.entries['gharbi']}/log-contact")
    page.fill("#occurred_on", "2999-01-01")
    page.click("main form.log-contact-form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page, f"log contact with errors ({language})")
