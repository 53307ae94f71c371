"""The users' journeys end to end in a real browser, in English and in Arabic (chosen with the
header's language buttons). The assertions look at the page's structure and data, not at its
wording, so they hold once the interface is translated."""

from __future__ import annotations

import csv
import io
import re
import time
from email import message_from_bytes, policy

import pytest
from browser_support import (
    PASSWORD,
    SAMPLES,
    assert_accessible,
    choose_language,
    number,
    sign_in,
    upload_list,
)

JOURNEY_LANGUAGES = ("en", "ar")

# What each language's prosecutor looks for: typed text, the person, their country, and the
# namesake in another country the filter must leave out.
SEARCHES = {
    "en": {"typed": "Lahlou", "entry": "lahlou", "name": "Sanaa Lahlou", "country": "MA",
           "namesake": "Karim Lahlou", "matter": "thb"},
    "ar": {"typed": "Gharbi", "entry": "gharbi", "name": "Walid Gharbi", "country": "TN",
           "namesake": "Mounir Gharbi", "matter": "freezing-confiscation",
           "suggested": "وليد الغربي"},  # suggestions name people in Arabic script first
}


def result_names(page) -> list[str]:
    """Every name the results show: the heading's and the "also written" ones (in Arabic
    the heading is the native-script name)."""
    names = page.locator(".result .result-name a, .result .also-written bdi")
    return [name.strip() for name in names.all_inner_texts()]


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_prosecutor_searches_opens_an_entry_and_logs_a_contact(language, page, live_server):
    wanted = SEARCHES[language]
    sign_in(page, "prosecutor", language)
    page.goto("/")

    # As they type, suggestions appear under the box (the script is there).
    page.locator("#q").press_sequentially(wanted["typed"], delay=40)
    suggestion = page.locator("#suggestions [role=option]",
                              has_text=wanted.get("suggested", wanted["name"]))
    suggestion.wait_for()
    assert page.get_attribute("#q", "aria-expanded") == "true"
    assert_accessible(page, f"search with suggestions open ({language})")

    # Enter submits the search: both namesakes, then the country filter keeps one.
    with page.expect_navigation():
        page.press("#q", "Enter")
    assert wanted["name"] in result_names(page)
    assert wanted["namesake"] in result_names(page)
    page.check(f"aside.facets input[name=country][value={wanted['country']}]")
    with page.expect_navigation():
        page.click("aside.facets button[type=submit]")
    assert f"country={wanted['country']}" in page.url
    entry = live_server.entries[wanted["entry"]]
    assert wanted["name"] in result_names(page) and wanted["namesake"] not in result_names(page)
    assert page.locator(".result").count() == 1

    # The entry, then "Log an initial contact".
    with page.expect_navigation():
        page.click(f"#result-{entry} .result-name a")
    assert wanted["name"] in page.inner_text("main .entry-header")
    with page.expect_navigation():
        page.click(".actions a[href$='/log-contact']")
    assert page.get_attribute("html", "lang") == language
    page.select_option("#matter", wanted["matter"])
    page.check("input[name=channel][value=phone]")
    page.select_option("#purpose", "pre-mla-advice")
    with page.expect_navigation():
        page.click("form.log-contact-form button[type=submit]")

    # A success message, and the contact first in My contacts.
    assert "/my-contacts" in page.url
    assert page.locator(".notice-success").is_visible()
    first_row = page.locator(".events-table tbody tr").first
    assert first_row.locator(f"a[href='/contact-points/{live_server.entries[wanted['entry']]}']"
                             ).count() == 1


def _import_counts(page) -> dict[str, int]:
    """The preview's counts table, by row position: rows, created, updated, ... errors."""
    cells = page.locator("table.counts tbody tr td").all_inner_texts()
    return {"rows": number(cells[0]), "created": number(cells[1]), "updated": number(cells[2]),
            "memberships": number(cells[3]), "unchanged": number(cells[4]),
            "errors": number(cells[-1])}


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_secretariat_uploads_a_list_previews_it_and_confirms_it(language, page):
    sign_in(page, "secretariat", language)
    with page.expect_navigation():
        page.click("nav a[href='/imports']")
    page.select_option("#network", "emj")
    page.set_input_files("#file", str(SAMPLES / "emj_directory.csv"))
    with page.expect_navigation():
        page.click("main form[enctype] button[type=submit]")

    # The preview: counts that add up to the rows of the file, and nothing written yet.
    assert page.get_attribute("html", "lang") == language
    counts = _import_counts(page)
    data_rows = len((SAMPLES / "emj_directory.csv").read_text(encoding="utf-8-sig")
                    .strip().splitlines()) - 1
    assert counts["rows"] == data_rows
    assert counts["errors"] == 0
    assert counts["created"] + counts["updated"] + counts["memberships"] + counts["unchanged"] \
        == data_rows
    assert_accessible(page, f"import preview ({language})")

    # Confirm; the report page follows the import until it is applied.
    with page.expect_navigation():
        page.click("main form[action$='/confirm'] button[type=submit]")
    for _ in range(60):
        if not page.locator("#import-progress").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    assert page.locator("main form[action$='/confirm']").count() == 0
    assert page.locator("table.counts").count() == 1
    assert_accessible(page, f"import applied ({language})")

    # The people of the list are in the directory now.
    page.goto("/?q=said.bennani%40justice.ma.example")
    assert "Said Bennani" in result_names(page)


STALE = {"en": ("stale_en", "Kettani"), "ar": ("stale_ar", "Dabbagh")}


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_secretariat_reverifies_a_stale_entry(language, page, live_server):
    key, family_name = STALE[language]
    link = f"a[href='/contact-points/{live_server.entries[key]}']"
    sign_in(page, "secretariat", language)
    with page.expect_navigation():
        page.click("nav a[href='/contact-points/stale']")
    row = page.locator("main table tbody tr", has=page.locator(link))
    assert row.count() == 1
    with page.expect_navigation():
        row.locator("form[action$='/verify'] button").click()
    assert page.locator(".notice-success").is_visible()
    assert page.locator("main table tbody tr", has=page.locator(link)).count() == 0

    # Its entry no longer carries the stale badge.
    page.goto("/?q=" + family_name)
    with page.expect_navigation():
        page.click(f"#result-{live_server.entries[key]} .result-name a")
    assert page.locator("main .badge-stale").count() == 0


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_reporter_opens_the_indicators_and_downloads_the_csv(language, page):
    sign_in(page, "reporter", language)
    with page.expect_navigation():
        page.click("nav a[href='/reports/indicators']")
    a41 = number(page.inner_text("dd[data-indicator='A-4.1']"))
    b41 = number(page.inner_text("dd[data-indicator='B-4.1']"))
    assert a41 > 0  # the demo data's contacts

    with page.expect_download() as info:
        page.click("form[action*='/reports/indicators.csv'] button")
    download = info.value
    assert re.fullmatch(r"indicators-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d-[a-z-]+\.csv",
                        download.suggested_filename)
    with open(download.path(), encoding="utf-8") as handle:
        text = handle.read()
    assert text.startswith("\ufeff")  # so that Excel reads the UTF-8 labels
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["group", "label", "A-4.1", "B-4.1"]
    total = rows[1]
    assert total[0] == "total"
    assert (int(total[2]), int(total[3])) == (a41, b41)
    if language == "ar":
        assert total[1] == "المجموع"
    # The other rows are the breakdown: they add up to the total.
    assert sum(int(row[2]) for row in rows[2:]) == a41


def _invitation_link(outbox, email: str) -> str:
    """The link of the invitation mailed to `email`, read back from the server's .eml files
    (they are written once the request that created the user has committed)."""
    for _ in range(100):
        for path in sorted(outbox.glob("*.eml")) if outbox.is_dir() else []:
            message = message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == email:
                text = message.get_body(preferencelist=("plain",)).get_content()
                return re.search(r"https?://\S+/invitation/\S+", text).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no invitation to {email} in {outbox}")


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_admin_invites_a_user_who_chooses_their_password_from_the_mail(language, page,
                                                                      new_context, live_server):
    email = f"new.prosecutor.{language}@browser.example"
    sign_in(page, "admin", language)
    with page.expect_navigation():
        page.click("nav a[href='/admin/users']")
    with page.expect_navigation():
        page.click("main a[href='/admin/users/new']")
    page.fill("#email", email)
    page.fill("#name", "Nouvelle Procureure")
    page.select_option("#role", "prosecutor")
    page.select_option("#country", "TN")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    # No password is shown to the admin: the new user is invited by mail.
    assert page.locator("main code").count() == 0
    with page.expect_navigation():
        page.click("main a.button")  # back to the users
    assert page.url.endswith("/admin/users")
    assert page.locator("main table tbody tr", has_text=email).count() == 1

    # The new user follows the link of the invitation, elsewhere, and chooses their password.
    link = _invitation_link(live_server.outbox, email)
    assert link.startswith(live_server.url)
    other = new_context().new_page()
    other.goto(link)
    other.fill("#password", "a passphrase of my very own")
    other.fill("#confirmation", "a passphrase of my very own")
    with other.expect_navigation():
        other.click("main form button[type=submit]")
    assert other.url.endswith("/login")
    other.fill("#email", email)
    other.fill("#password", "a passphrase of my very own")
    with other.expect_navigation():
        other.click("main form button[type=submit]")
    other.goto("/")
    assert other.locator("nav .nav-list").count() == 1
    assert other.locator("#q").count() == 1
    # The link worked once.
    again = new_context().new_page()
    again.goto(link)
    assert again.locator("#password").count() == 0


def test_keyboard_alone_searches_and_opens_an_entry(page):
    sign_in(page, "prosecutor", "en")
    page.goto("/")
    # The skip link comes first and leads into the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("Lahlou")
    page.locator("#suggestions [role=option]").first.wait_for()
    # Arrow down through the suggestions (the focus stays in the box), Escape closes them;
    # then Enter submits the search.
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#q", "aria-activedescendant") == "suggestion-0"
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "q"
    assert page.get_attribute("#q", "aria-expanded") == "false"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=Lahlou" in page.url

    # Tab on to the first result; its focus is visible; Enter opens it.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.result-name')"):
            break
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {text: e.textContent.trim(), outline: s.outlineStyle, width: s.outlineWidth}; }""")
    assert "Lahlou" in focused["text"]
    assert focused["outline"] == "solid" and focused["width"] == "3px"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Lahlou" in page.inner_text("main h1")


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_the_error_summary_takes_the_focus_on_an_invalid_form(language, page, live_server):
    page.goto("/login")
    choose_language(page, language)
    page.fill("#email", "someone@browser.example")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    # Its link leads to the field.
    page.click(".error-summary a[href='#password']")
    assert page.evaluate("document.activeElement.id") == "password"

    sign_in(page, "prosecutor", language)
    page.goto(f"/contact-points/{live_server.entries['lahlou']}/log-contact")
    page.fill("#occurred_on", "2999-01-01")
    with page.expect_navigation():
        page.click("form.log-contact-form button[type=submit]")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")


def test_password_fields_accept_a_pasted_password(page, context, live_server):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto("/login")
    page.fill("#email", "prosecutor@browser.example")
    page.evaluate("text => navigator.clipboard.writeText(text)", PASSWORD)
    page.focus("#password")
    page.keyboard.press("ControlOrMeta+V")
    assert page.input_value("#password") == PASSWORD
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("nav .nav-list").count() == 1
    assert page.locator("img[src*=captcha], iframe, [class*=captcha]").count() == 0


NARROW_PAGES = ["/", "/?q=Lahlou", "/contact-points/{lahlou}", "/contact-points/{lahlou}/edit",
                "/contact-points/{gharbi}/log-contact", "/my-contacts", "/reports/indicators",
                "/contact-points/stale", "/imports", "/admin/users", "/admin/users/new",
                "/account"]


@pytest.mark.parametrize("language", JOURNEY_LANGUAGES)
def test_a_360_pixel_wide_phone_needs_no_horizontal_scrolling(language, new_context,
                                                               live_server):
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in(page, "admin", language)
    preview = upload_list(page, "emj_directory_with_errors.csv")
    too_wide = {}
    for path in [*NARROW_PAGES, preview]:
        page.goto(path.format(**live_server.entries))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
        # Narrow tables scroll sideways: the keyboard must reach them too.
        assert_accessible(page, f"{path} at 360 px ({language})")
    assert not too_wide, f"wider than 360 px ({language}): {too_wide}"
