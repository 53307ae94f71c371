"""`make screenshots`: the main pages in English, French and Arabic, at desktop width and on a
360 px wide phone, into docs/screenshots/NAME-LANGUAGE-SIZE.png.

It starts the same live server as the browser tests (live_server.py: synthetic demo data, a few
named entries) and drives Debian's Chromium (/usr/bin/chromium; `apt-get install chromium`).
Each shot is the visible screen, not the whole page, so that every PNG stays small.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

# Run as a script: the shared test helpers (tests/support.py) are importable as under pytest.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from browser_support import LANGUAGES, ROOT, choose_language, sign_in, upload_list
from live_server import CHROMIUM, CHROMIUM_ARGS, running_server
from playwright.sync_api import sync_playwright

OUT = ROOT / "docs" / "screenshots"
# The browser's own locale too, for the date fields it draws.
BROWSER_LOCALES = {"en": "en-GB", "fr": "fr-FR", "ar": "ar"}
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
# name -> (who, path, what to press first where it shows); {import_preview} is a list uploaded
# by the secretariat, not confirmed.
SHOTS = {
    "search": ("prosecutor", "/?q=Mohamed", None),
    "search-filters": ("prosecutor", "/?q=Benali&country=MA", "[data-filters-toggle]"),
    "find-a-counterpart": ("prosecutor", "/?find=1&country=TN&matter=freezing-confiscation",
                           None),
    "entry": ("prosecutor", "/contact-points/{lahlou}", None),
    "log-contact": ("prosecutor", "/contact-points/{lahlou}/log-contact", None),
    "my-contacts": ("admin", "/my-contacts", None),
    "indicators": ("reporter", "/reports/indicators", None),
    "import-preview": ("secretariat", "{import_preview}", None),
    "admin-users": ("admin", "/admin/users", None),
}


def upload_a_list(browser, server) -> str:
    """The preview of the EMJ sample list, as the secretariat sees it before confirming."""
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    sign_in(page, "secretariat", "en")
    path = upload_list(page, "emj_directory.csv")
    context.close()
    return path


def main() -> int:
    if not CHROMIUM.exists():
        print(f"Chromium is not installed at {CHROMIUM}: apt-get install -y chromium",
              file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="counterpart-screenshots-") as folder, \
            running_server(Path(folder), demo_entries=300) as server, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        paths = {**server.entries, "import_preview": upload_a_list(browser, server)}
        for language in LANGUAGES:
            for size, viewport in SIZES.items():
                contexts = {}
                for name, (role, path, press) in SHOTS.items():
                    if role not in contexts:
                        context = browser.new_context(base_url=server.url, viewport=viewport,
                                                      locale=BROWSER_LOCALES[language])
                        contexts[role] = context.new_page()
                        sign_in(contexts[role], role, language)
                    page = contexts[role]
                    page.goto(path.format(**paths))
                    choose_language(page, language)
                    if press and page.locator(press).is_visible():
                        page.click(press)
                    target = OUT / f"{name}-{language}-{size}.png"
                    page.screenshot(path=str(target), animations="disabled", caret="hide")
                    written.append(target)
                for page in contexts.values():
                    page.context.close()
        browser.close()
    for target in written:
        print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
