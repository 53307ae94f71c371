"""The pages: logging a contact from an entry in seconds, and "My contacts"."""

from __future__ import annotations

import re
from datetime import date

from events_support import form_token, hidden_value, log_form


def test_the_entry_page_and_search_results_offer_logging(login_as, make):
    entry = make.entry()
    browser = login_as("prosecutor")
    page = browser.get(f"/contact-points/{entry}").get_data(as_text=True)
    assert f'href="/contact-points/{entry}/log-contact"' in page
    reporter = login_as("reporter")
    assert "/log-contact" not in reporter.get(f"/contact-points/{entry}").get_data(as_text=True)


def test_the_form_is_filled_for_the_common_case(login_as, make):
    entry = make.entry()  # one network (emj), one specialism (thb)
    browser = login_as("prosecutor")
    response = browser.get(f"/contact-points/{entry}/log-contact")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'value="{date.today().isoformat()}"' in page  # the date: today
    assert re.search(r'<option selected value="emj">|<option value="emj" selected>', page)
    assert re.search(r'<option selected value="thb">|<option value="thb" selected>', page)
    assert re.search(r'checked[^>]*value="A"|value="A"[^>]*checked', page)  # plan from matter
    assert "Do not write case details" in page
    assert len(hidden_value(page, "idempotency_key")) >= 32
    assert "style=" not in page and "<script>" not in page  # the CSP allows neither


def test_logging_from_the_page(login_as, make, count_events):
    entry = make.entry(country="LB", phones=[])
    browser = login_as("prosecutor", country="IT")
    response = browser.post(f"/contact-points/{entry}/log-contact", data=log_form(
        browser, entry, note="Asked about the 24/7 line.", established="y"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/my-contacts#event-")
    page = browser.get("/my-contacts").get_data(as_text=True)
    assert "The initial contact is logged." in page
    assert "Lebanon" in page
    assert count_events(counterpart_country="LB", requesting_country="IT", plan="A",
                        established=True) == 1


def test_a_double_click_logs_one_contact(login_as, make, count_events):
    entry = make.entry()
    browser = login_as("prosecutor")
    data = log_form(browser, entry)
    first = browser.post(f"/contact-points/{entry}/log-contact", data=data)
    second = browser.post(f"/contact-points/{entry}/log-contact", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count_events() == 1
    assert "already logged" in browser.get("/my-contacts").get_data(as_text=True)
    # A new form is a new key: a second contact the same day is counted.
    browser.post(f"/contact-points/{entry}/log-contact", data=log_form(browser, entry))
    assert count_events() == 2


def test_without_javascript_the_plan_comes_from_the_matter(login_as, make, count_events):
    entry = make.entry(memberships=[{"network": "carin", "role": "judicial"}],
                       specialisms=["asset-recovery"])
    browser = login_as("prosecutor")
    response = browser.post(f"/contact-points/{entry}/log-contact", data=log_form(
        browser, entry, matter="asset-recovery", plan="", network=""))
    assert response.status_code == 302
    assert count_events(plan="B", network="carin", matter="asset-recovery") == 1


def test_errors_are_summarised_and_nothing_is_logged(login_as, make, count_events):
    entry = make.entry()
    browser = login_as("prosecutor")
    data = log_form(browser, entry, occurred_on="2999-01-01", matter="", purpose="",
                    note="x" * 501)
    response = browser.post(f"/contact-points/{entry}/log-contact", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    for field in ("occurred_on", "matter", "purpose", "note"):
        assert f'href="#{field}"' in page, field
    assert 'aria-invalid="true"' in page
    assert hidden_value(page, "idempotency_key") == data["idempotency_key"]  # kept
    assert count_events() == 0


def test_who_may_use_the_pages(login_as, make):
    entry = make.entry()
    reporter = login_as("reporter")
    assert reporter.get(f"/contact-points/{entry}/log-contact").status_code == 403
    assert reporter.get("/my-contacts").status_code == 403
    assert "/my-contacts" not in reporter.get("/").get_data(as_text=True)
    for role in ("prosecutor", "secretariat", "admin"):
        browser = login_as(role)
        assert browser.get(f"/contact-points/{entry}/log-contact").status_code == 200, role
        assert 'href="/my-contacts"' in browser.get("/").get_data(as_text=True), role


def test_an_archived_entry_cannot_be_logged(login_as, make, api):
    entry = make.entry()
    api("admin").delete(f"/api/v1/contact-points/{entry}")
    browser = login_as("prosecutor")
    response = browser.get(f"/contact-points/{entry}/log-contact")
    assert response.status_code == 409
    assert "archived" in response.get_data(as_text=True)
    assert browser.get("/contact-points/99999/log-contact").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(login_as, make, count_events):
    entry = make.entry()
    browser = login_as("prosecutor")
    data = log_form(browser, entry)
    del data["csrf_token"]
    assert browser.post(f"/contact-points/{entry}/log-contact", data=data).status_code == 400
    assert count_events() == 0


def _event_id(browser, entry) -> int:
    response = browser.post(f"/contact-points/{entry}/log-contact", data=log_form(browser, entry))
    return int(response.headers["Location"].rsplit("-", 1)[1])


def test_mark_established_later_and_void_from_my_contacts(login_as, make, count_events):
    entry = make.entry()
    browser = login_as("prosecutor")
    event_id = _event_id(browser, entry)
    page = browser.get("/my-contacts").get_data(as_text=True)
    prefix = f"established-{event_id}-"
    response = browser.post(f"/my-contacts/{event_id}/established", data={
        f"{prefix}csrf_token": form_token(page, prefix),
        f"{prefix}established_on": date.today().isoformat()})
    assert response.status_code == 302
    assert count_events(established=True) == 1

    page = browser.get("/my-contacts").get_data(as_text=True)
    prefix = f"void-{event_id}-"
    token = form_token(page, prefix)
    response = browser.post(f"/my-contacts/{event_id}/void", data={
        f"{prefix}csrf_token": token, f"{prefix}reason": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and f'href="#{prefix}reason"' in page
    assert count_events(voided=True) == 0

    response = browser.post(f"/my-contacts/{event_id}/void", data={
        f"{prefix}csrf_token": token, f"{prefix}reason": "Wrong counterpart."})
    assert response.status_code == 302
    page = browser.get("/my-contacts").get_data(as_text=True)
    assert "Voided" in page and "Wrong counterpart." in page
    assert count_events(voided=True, void_reason="Wrong counterpart.") == 1
    # Another prosecutor cannot void it.
    other = login_as("prosecutor")
    other_page = other.get("/my-contacts").get_data(as_text=True)
    assert f"event-{event_id}" not in other_page
