"""Forms people fill every day: an e-mail that is missing says so plainly, languages are a list
of checkboxes named in the reader's language, a saved account says so in the language just
chosen, and the user list names networks."""

from __future__ import annotations

import re

from support import page_token


def test_an_empty_e_mail_asks_for_one(login_as):
    admin = login_as("admin")
    response = admin.post("/admin/users/new", data={
        "csrf_token": page_token(admin, "/admin/users/new"), "email": "", "name": "X",
        "role": "prosecutor", "country": "", "active": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter an e-mail address." in page and "is not a valid e-mail address" not in page
    wrong = admin.post("/admin/users/new", data={
        "csrf_token": page_token(admin, "/admin/users/new"), "email": "someone", "name": "X",
        "role": "prosecutor", "country": "", "active": "y"}).get_data(as_text=True)
    assert "&#39;someone&#39; is not a valid e-mail address." in wrong


def test_languages_are_checkboxes_in_the_readers_language_the_ticked_first(app, login_as):
    browser = login_as("prosecutor", locale="fr")
    browser.post("/account", data={
        "profile-csrf_token": page_token(browser, "/account"), "profile-name": "Rania",
        "profile-locale": "fr", "profile-languages": ["it", "ar"]})
    page = browser.get("/account").get_data(as_text=True)
    assert "<select multiple" not in page
    box = re.search(r'<fieldset class="field checkbox-list" id="profile-languages".*?</fieldset>',
                    page, re.DOTALL).group(0)
    assert "<legend>Mes langues de travail</legend>" in box
    options = re.findall(r'<input( checked)? id="profile-languages-\d+" name="profile-languages" '
                         r'type="checkbox" value="(\w+)">\s*<label[^>]*>([^<]+)</label>', box)
    assert len(options) > 150
    # The ticked ones first, then every language by its French name in French order.
    assert [(checked, code) for checked, code, _ in options[:2]] == [(" checked", "ar"),
                                                                       (" checked", "it")]
    names = [name for _, _, name in options[2:]]
    assert "Anglais" in names and "English" not in names
    assert names.index("Espagnol") < names.index("Éwé") < names.index("Finnois")
    # The box to narrow the list waits for the script (hidden without it).
    assert re.search(r'<div class="list-filter" data-list-filter="profile-languages-options" '
                     r'hidden>\s*<label for="profile-languages-filter">', box)


def test_the_entry_form_lists_languages_as_checkboxes(login_as, make):
    entry = make.entry(languages=["ar", "fr"])
    page = login_as("admin").get(f"/contact-points/{entry}/edit").get_data(as_text=True)
    assert re.search(r'<input checked id="languages-\d+" name="languages" type="checkbox" '
                     r'value="ar">', page)
    assert 'id="languages-filter"' in page and "<select multiple" not in page


def test_the_account_is_saved_in_the_language_just_chosen(login_as):
    browser = login_as("prosecutor")
    response = browser.post("/account", data={
        "profile-csrf_token": page_token(browser, "/account"), "profile-name": "Rania",
        "profile-locale": "ar", "profile-languages": []}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert 'lang="ar"' in page and "تم حفظ حسابك." in page
    assert "Your account is saved." not in page


def test_the_user_list_names_networks(login_as):
    admin = login_as("admin")
    login_as("secretariat", networks=["emj", "carin"])
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "EMJ Directory · CARIN contact points" in page
    assert "emj, carin" not in page and ">emj<" not in page
