"""Suggestions under the search box, in a real browser at 1280 and 360 px, in English and
Arabic: one row per person with a second line that tells namesakes apart, a last row leading to
all the results, the ARIA combobox keyboard pattern and a status line for screen readers."""

from __future__ import annotations

import pytest
from browser_support import assert_accessible, number, sign_in

from index.analysis import name_keys, skeleton, words

ABDELKADER = skeleton("abdelkader")
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
CASES = [(language, size) for language in ("en", "ar") for size in SIZES]
# How each language names the people and places of the named entries (browser_support.ENTRIES).
SHOWN = {
    "en": {"sanaa": "Sanaa Lahlou", "morocco": "Morocco", "france": "France",
           "algeria": "Algeria"},
    "ar": {"sanaa": "سناء لحلو", "morocco": "المغرب", "france": "فرنسا",
           "algeria": "الجزائر"},
}


@pytest.fixture(params=CASES, ids=[f"{language}-{size}" for language, size in CASES])
def typing(request, new_context):
    """A signed-in prosecutor's search page in the case's language and size, and a function
    that types into the box and returns the options once they are shown."""
    language, size = request.param
    page = new_context(viewport=SIZES[size]).new_page()
    sign_in(page, "prosecutor", language)
    page.goto("/")

    def type_in(text: str):
        page.fill("#q", "")
        page.locator("#q").press_sequentially(text, delay=30)
        page.wait_for_selector("#suggestions:not([hidden]) [role=option]")
        page.wait_for_function("(text) => document.querySelector('#q').value === text", arg=text)
        return page.locator("#suggestions [role=option]")

    return page, language, type_in


def rows(options) -> list[tuple[str, str]]:
    """(name, second line) of each person's option, the last ("See all") left out."""
    found = []
    for index in range(options.count() - 1):
        option = options.nth(index)
        details = option.locator(".suggestion-details")
        found.append((option.locator(".suggestion-name").inner_text().strip(),
                      details.inner_text().strip() if details.count() else ""))
    return found


def test_namesakes_are_told_apart_by_their_second_line(typing, live_server):
    page, language, type_in = typing
    shown = SHOWN[language]
    options = type_in("Lahlou")
    people = dict(rows(options))
    # Sanaa in Morocco, Karim in France: the same family name, each row says who and where.
    assert shown["morocco"] in people[shown["sanaa"]]
    assert shown["france"] in people["Karim Lahlou"]
    assert len(people) == len(rows(options))  # each person once
    assert page.get_attribute("#q", "aria-expanded") == "true"
    # The list of options is named by the search box's label.
    label = page.get_attribute("#suggestions", "aria-labelledby")
    assert label and page.locator(f"#{label}").evaluate("node => node.htmlFor") == "q"
    # The list stays within a phone's width.
    box = page.locator("#suggestions").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1
    assert_accessible(page, f"suggestions open ({language}, {page.viewport_size['width']} px)")


def test_a_name_typed_in_parts_brings_that_name(typing, live_server):
    _, language, type_in = typing
    shown = SHOWN[language]
    found = rows(type_in("Abd el ka"))
    # Every row is an Abdelkader, however written (Abdulqadir, Abd El Kader, عبد القادر).
    assert found and all(ABDELKADER in name_keys(words(name)) for name, _ in found), found
    # The two Abdelkader Hamrouche: one row each, their second lines differ.
    hamrouches = [line for name, line in found if "Hamrouche" in name or "حمروش" in name]
    assert len(hamrouches) == 2 and hamrouches[0] != hamrouches[1], found
    assert any(shown["algeria"] in line for line in hamrouches)
    assert any(shown["france"] in line for line in hamrouches)


def test_the_last_row_leads_to_all_the_results_it_counts(typing, live_server):
    page, language, type_in = typing
    options = type_in("Lahlou")
    see_all = options.last
    total = page.request.get("/api/v1/search?q=Lahlou").json()["total"]
    suggested = page.request.get("/api/v1/suggest?q=Lahlou").json()
    assert suggested["total"] == total
    assert see_all.inner_text().strip() == suggested["see_all"]
    if language == "en":
        assert number(see_all.inner_text()) == total
    with page.expect_navigation():
        see_all.click()
    assert "q=Lahlou" in page.url


def test_the_keyboard_moves_through_the_options_and_enter_opens_one(typing, live_server):
    page, _, type_in = typing
    options = type_in("Lahlou")
    count = options.count()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    # The focus stays in the box; the second option is the active one.
    assert page.evaluate("document.activeElement.id") == "q"
    second = options.nth(1)
    assert page.get_attribute("#q", "aria-activedescendant") == second.get_attribute("id")
    assert second.get_attribute("aria-selected") == "true"
    assert options.nth(0).get_attribute("aria-selected") == "false"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # back in the box: nothing chosen
    assert page.get_attribute("#q", "aria-activedescendant") is None
    for _ in range(count + 2):  # the last option stays chosen
        page.keyboard.press("ArrowDown")
    assert page.get_attribute("#q", "aria-activedescendant") == options.last.get_attribute("id")
    page.keyboard.press("ArrowUp")
    chosen = options.nth(count - 2)
    wanted = chosen.get_attribute("data-href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(wanted)


def test_screen_readers_hear_how_many_suggestions_there_are(typing, live_server):
    page, language, type_in = typing
    options = type_in("Lahlou")
    status = page.locator("#suggestions ~ [role=status]")
    page.wait_for_function(
        "() => document.querySelector('#suggestions ~ [role=status]').textContent.length > 0")
    text = status.inner_text()
    people = options.count() - 1
    if language == "en":
        assert text == f"{people} suggestions; use the up and down arrows to choose."
    else:
        assert "suggestion" not in text and text
    # Escape closes the list; the status line is still there for the next search.
    page.keyboard.press("Escape")
    assert page.locator("#suggestions").is_hidden()
    assert page.get_attribute("#q", "aria-expanded") == "false"
