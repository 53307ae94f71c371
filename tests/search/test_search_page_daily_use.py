"""The search page as it is used every day: filters in sight as chips, a chosen value kept in
its list, "Search everywhere", one name per result, phones as dialled, and the way back from
an entry to the same results (and on to a contact form about what was sought)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from search_support import text_of


def links(page: str, css_class: str) -> list[str]:
    return [html.unescape(href) for href in
            re.findall(rf'<a class="{css_class}" href="([^"]+)"', page)]


def test_filters_in_use_are_chips_that_take_them_away(directory, signed_in):
    page = signed_in.get("/?q=Lahlou&country=MA&network=emj").get_data(as_text=True)
    chips = links(page, "chip")
    assert len(chips) == 2
    text = text_of(page)
    assert "Country: Morocco" in text and "Network: EMJ Directory" in text
    for href in chips:
        query = parse_qs(urlsplit(href).query)
        assert query["q"] == ["Lahlou"] and urlsplit(href).fragment == "results"
        assert len(query.get("country", []) + query.get("network", [])) == 1
    # Clearing all keeps the words; the button says how many filters are on.
    assert links(page, "chip-clear") == ["/?q=Lahlou#results"]
    assert re.search(r"data-filters-toggle>Filters \(2\)</button>", page)
    plain = signed_in.get("/?q=Lahlou").get_data(as_text=True)
    assert 'class="chips"' not in plain and "data-filters-toggle>Filters</button>" in plain


def test_a_filter_that_leaves_nothing_stays_listed_and_offers_search_everywhere(
        directory, signed_in, reader):
    everywhere = reader.search(q="Lahlou")["total"]
    assert everywhere > 0
    page = signed_in.get("/?q=Lahlou&country=IT").get_data(as_text=True)
    assert "0 contact points" in text_of(page)
    # Italy stays in the country list, ticked, at 0.
    assert re.search(r'name="country" value="IT" checked>\s*<label[^>]*>Italy '
                     r'<span class="count">\(0\)</span>', page)
    assert "No contact point matches with these filters." in page
    assert re.search(rf'<a class="button button-secondary" href="/\?q=Lahlou#results">Search '
                     rf'everywhere</a> {everywhere} contact points? without the filters', page)
    # With nothing to offer more, no "Search everywhere".
    nobody = signed_in.get("/?q=Zzyzxqwv&country=IT").get_data(as_text=True)
    assert "Search everywhere" not in nobody


def test_one_name_heads_a_result_the_native_one_in_arabic(directory, signed_in):
    _, ids, _ = directory
    card = re.compile(rf'<article class="result" id="result-{ids["mohamed"]}".*?</article>',
                      re.DOTALL)
    english = card.search(signed_in.get("/?q=Lahlou").get_data(as_text=True)).group(0)
    heading = re.search(r'<h3[^>]*>(.*?)</h3>', english, re.DOTALL).group(1)
    assert text_of(heading).strip() == "Mohamed Lahlou"
    assert "محمد لحلو" in text_of(re.search(r'class="also-written">(.*?)</p>', english,
                                            re.DOTALL).group(1))
    arabic = card.search(signed_in.get("/?q=Lahlou", headers={"Accept-Language": "ar"})
                         .get_data(as_text=True)).group(0)
    heading = re.search(r'<h3[^>]*>(.*?)</h3>', arabic, re.DOTALL).group(1)
    assert text_of(heading).strip() == "محمد لحلو" and 'lang="ar"' in heading
    assert "Mohamed Lahlou" in text_of(re.search(r'class="also-written">(.*?)</p>', arabic,
                                                  re.DOTALL).group(1))


def test_phones_read_as_dialled_abroad_and_link_in_e164(directory, signed_in):
    page = signed_in.get("/?q=Mohamed+Lahlou").get_data(as_text=True)
    assert '<a class="reach" href="tel:+33100000000" dir="ltr">+33 1 00 00 00 00</a>' in page


def test_an_entry_leads_back_to_its_results(directory, signed_in):
    _, ids, _ = directory
    entry = ids["mohamed"]
    page = signed_in.get("/?q=Lahlou&country=MA&sort=name&page=1").get_data(as_text=True)
    href = html.unescape(re.search(rf'<a href="(/contact-points/{entry}\?[^"]+)"', page).group(1))
    view = signed_in.get(href).get_data(as_text=True)
    back = html.unescape(re.search(r'<p class="breadcrumb"><a href="([^"]+)">Back to the '
                                   r'results</a>', view).group(1))
    parts = urlsplit(back)
    assert parts.path == "/" and parts.fragment == f"result-{entry}"
    assert parse_qs(parts.query) == {"q": ["Lahlou"], "country": ["MA"], "sort": ["name"],
                                     "page": ["1"]}
    # Reached otherwise, the entry leads to the search page; foreign arguments are dropped.
    plain = signed_in.get(f"/contact-points/{entry}").get_data(as_text=True)
    assert '<p class="breadcrumb"><a href="/">Search</a></p>' in plain
    odd = signed_in.get(f"/contact-points/{entry}?search=next%3Dhttp%3A%2F%2Fevil.example"
                        ).get_data(as_text=True)
    assert '<p class="breadcrumb"><a href="/">Search</a></p>' in odd


def test_the_contact_form_arrives_with_the_matter_and_network_sought(directory, signed_in):
    _, ids, _ = directory
    entry = ids["mohamed"]  # in EMJ and Eurojust
    found = signed_in.get("/?find=1&country=MA&matter=thb").get_data(as_text=True)
    log = html.unescape(re.search(rf'href="(/contact-points/{entry}/log-contact[^"]*)"',
                                  found).group(1))
    assert log == f"/contact-points/{entry}/log-contact?matter=thb"
    form = signed_in.get(log).get_data(as_text=True)
    assert re.search(r'<option selected value="thb">|<option value="thb" selected>', form)
    assert re.search(r'<option selected value="emj">|<option value="emj" selected>', form)
    assert re.search(r'value="A"[^>]*checked|checked[^>]*value="A"', form)
    # From a search filtered by one network and one specialism, through the entry.
    page = signed_in.get("/?q=Lahlou&network=eurojust&specialism=mla").get_data(as_text=True)
    href = html.unescape(re.search(rf'<a href="(/contact-points/{entry}\?[^"]+)"', page).group(1))
    view = signed_in.get(href).get_data(as_text=True)
    log = html.unescape(re.search(rf'href="(/contact-points/{entry}/log-contact[^"]*)"',
                                  view).group(1))
    assert parse_qs(urlsplit(log).query) == {"matter": ["mla"], "network": ["eurojust"]}
    form = signed_in.get(log).get_data(as_text=True)
    assert re.search(r'<option selected value="eurojust">|<option value="eurojust" selected>',
                     form)


def test_find_a_counterpart_is_open_on_the_landing_page_only(directory, signed_in):
    landing = signed_in.get("/").get_data(as_text=True)
    assert '<details class="find-counterpart" open>' in landing
    searched = signed_in.get("/?q=Lahlou").get_data(as_text=True)
    assert '<details class="find-counterpart" >' in searched
    # Its countries: those with entries, grouped by region, in the reader's language.
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', landing, re.DOTALL)
    names = {label: re.findall(r'<option value="(\w\w)"', body) for label, body in groups}
    assert "MA" in names["Southern Partner Countries"] and "FR" in names["EU Member States"]
    assert not any("JP" in codes for codes in names.values())
    french = signed_in.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<optgroup label="Pays partenaires du Sud">' in french


def test_the_pages_own_arguments_never_steer_its_links(directory, signed_in):
    """A chip or 'back to the results' keeps unknown arguments as plain query arguments: an
    `_external` or `_anchor` in the address makes no absolute link and no other anchor."""
    _, ids, _ = directory
    page = signed_in.get("/?q=Lahlou&country=MA&_external=1&_anchor=x&_scheme=javascript"
                         ).get_data(as_text=True)
    chip = links(page, "chip")[0]
    assert chip.startswith("/?") and chip.endswith("#results")
    assert parse_qs(urlsplit(chip).query)["_external"] == ["1"]
    entry = ids["mohamed"]
    view = signed_in.get(f"/contact-points/{entry}?search=q%3DLahlou%26_external%3D1"
                         ).get_data(as_text=True)
    back = html.unescape(re.search(r'<p class="breadcrumb"><a href="([^"]+)"', view).group(1))
    assert back == f"/?q=Lahlou#result-{entry}"
