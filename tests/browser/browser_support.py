"""What the browser tests share: the users, the named entries, signing in, choosing the
language with the header's buttons, and axe-core (vendored in vendor/, never from a CDN)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from support import remember_authenticator, totp_code

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "data"  # the networks' sample lists
PASSWORD = "correct horse battery staple"
LANGUAGES = ("en", "fr", "ar")
# Who signs in: one user per role (the secretariat maintains EMJ).
USERS = {
    "prosecutor": ("prosecutor@browser.example", ["--country", "FR", "--name", "Claire Martin"]),
    "secretariat": ("secretariat@browser.example", ["--network", "emj", "--country", "ES",
                                                    "--name", "Lucía Ortega"]),
    "reporter": ("reporter@browser.example", ["--name", "Paolo Conti"]),
    "admin": ("admin@browser.example", ["--name", "Administrator"]),
}

# Named entries the journeys look for; none of these family names is in the demo data.
ENTRIES = {
    "lahlou": {"given_name": "Sanaa", "family_name": "Lahlou", "native_name": "سناء لحلو",
               "country": "MA", "city": "Rabat", "title": "Deputy prosecutor general",
               "emails": ["sanaa.lahlou@justice.ma.example"],
               "phones": [{"number": "05 37 71 22 10", "kind": "office"}],
               "languages": ["ar", "fr", "en"], "specialisms": ["thb", "som"],
               "memberships": [{"network": "emj", "role": "contact-point"}]},
    "lahlou_fr": {"given_name": "Karim", "family_name": "Lahlou", "country": "FR",
                  "city": "Marseille", "emails": ["karim.lahlou@justice.fr.example"],
                  "languages": ["fr", "ar"], "specialisms": ["thb"],
                  "memberships": [{"network": "emj", "role": "contact-point"}]},
    "gharbi": {"given_name": "Walid", "family_name": "Gharbi", "native_name": "وليد الغربي",
               "country": "TN", "city": "Tunis", "emails": ["walid.gharbi@justice.tn.example"],
               "phones": [{"number": "71 561 440", "kind": "office"}],
               "languages": ["ar", "fr"], "specialisms": ["freezing-confiscation"],
               "memberships": [{"network": "emj", "role": "contact-point"}]},
    "gharbi_be": {"given_name": "Mounir", "family_name": "Gharbi", "country": "BE",
                  "city": "Bruxelles", "emails": ["mounir.gharbi@just.be.example"],
                  "languages": ["fr", "nl"], "specialisms": ["freezing-confiscation"],
                  "memberships": [{"network": "emj", "role": "contact-point"}]},
    "stale_en": {"given_name": "Mehdi", "family_name": "Kettani", "country": "MA",
                 "emails": ["mehdi.kettani@justice.ma.example"], "languages": ["ar", "fr"],
                 "specialisms": ["thb"], "last_verified_on": "2020-03-02",
                 "memberships": [{"network": "emj", "role": "contact-point"}]},
    "stale_ar": {"given_name": "Rania", "family_name": "Dabbagh", "native_name": "رانيا الدباغ",
                 "country": "EG", "emails": ["rania.dabbagh@justice.eg.example"],
                 "languages": ["ar", "en"], "specialisms": ["thb"],
                 "last_verified_on": "2020-03-01",
                 "memberships": [{"network": "emj", "role": "contact-point"}]},
    # Namesakes the suggestions must tell apart, found by "Abd el ka".
    "hamrouche_dz": {"given_name": "Abdelkader", "family_name": "Hamrouche",
                     "native_name": "عبد القادر حمروش", "country": "DZ", "city": "Oran",
                     "title": "Public prosecutor", "emails": ["a.hamrouche@justice.dz.example"],
                     "languages": ["ar", "fr"], "specialisms": ["som"],
                     "memberships": [{"network": "emj", "role": "contact-point"}]},
    "hamrouche_fr": {"given_name": "Abdelkader", "family_name": "Hamrouche", "country": "FR",
                     "city": "Lyon", "title": "Liaison magistrate",
                     "emails": ["abdelkader.hamrouche@justice.fr.example"],
                     "languages": ["fr", "ar"], "specialisms": ["som"],
                     "memberships": [{"network": "eurojust", "role": "contact-point"}]},
}
for _values in ENTRIES.values():
    _values.setdefault("last_verified_on", date.today().isoformat())



# The two screens of the daily-use tests, and what a search page's result cards measure on
# one: the height of each card, and how many whole cards fit the 800 px below the first.
DESK = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
CARDS = """() => {
  const cards = [...document.querySelectorAll('.result')];
  const boxes = cards.map(card => card.getBoundingClientRect());
  const top = boxes.length ? boxes[0].top : 0;
  return {heights: boxes.map(box => box.height),
          within800: boxes.filter(box => box.bottom - top <= 800).length};
}"""


# Signing in, switching language, and checking a page with axe-core -------------------------

def sign_in(page, role: str, language: str | None = None) -> None:
    """Sign in through the login form, then the second factor as its owner would: the code
    of the authenticator app, or, the first time for an admin or a secretariat, the enrolment
    (the app scans the otpauth:// URI shown). Then choose the language with the header's
    buttons."""
    email = USERS[role][0] if role in USERS else role
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if page.url.endswith("/login/code"):
        page.fill("#code", totp_code(email))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    elif page.url.endswith("/account/two-factor"):
        remember_authenticator(email, page.content())
        page.fill("#code", totp_code(email))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        with page.expect_navigation():
            page.click("main a.button")  # "I have kept them: continue"
    # Attached rather than visible: on a phone the menu waits behind its "Menu" button.
    page.wait_for_selector("nav[aria-label] .nav-list", state="attached")
    if language:
        choose_language(page, language)


def choose_language(page, language: str) -> None:
    if page.get_attribute("html", "lang") != language:
        with page.expect_navigation():
            page.click(f"form.language-switch button[value={language}]")
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")


AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """axe-core's violations of the WCAG 2.0/2.1/2.2 A and AA rules on the page as it is."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                    resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(n => ({target: n.target.join(" "),
                                        summary: n.failureSummary, html: n.html}))}));
        }""", AXE_TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(page, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, (f"axe-core found {len(violations)} violation(s) on "
                            f"{where or page.url}:\n{describe(violations)}")


def number(text: str) -> int:
    """A formatted count as an int, whatever the language's digits and separators."""
    digits = text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789"))
    return int(re.sub(r"\D", "", digits) or 0)


def upload_list(page, sample: str, network: str = "emj") -> str:
    """Upload one of the networks' sample lists on /imports; the path of its preview."""
    page.goto("/imports")
    page.select_option("#network", network)
    page.set_input_files("#file", str(SAMPLES / sample))
    with page.expect_navigation():
        page.click("main form[enctype] button[type=submit]")
    return "/" + page.url.split("/", 3)[3]
