"""How much of the search page a screen shows, in Debian's Chromium: the height of a result
card and how many cards fit 800 px at 1280 x 800, and where the first result starts at
360 x 740, in English and Arabic. The figures in the README come from here:

    .venv/bin/python tests/browser/measure_results.py

It starts the same live server as `make screenshots` (300 synthetic demo entries).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

# Run as a script: the shared test helpers (tests/support.py) are importable as under pytest.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from browser_support import CARDS, DESK, PHONE, sign_in
from live_server import CHROMIUM, CHROMIUM_ARGS, running_server
from playwright.sync_api import sync_playwright

SEARCHES = ("/", "/?q=Mohamed", "/?country=MA")


def main() -> int:
    if not CHROMIUM.exists():
        print(f"Chromium is not installed at {CHROMIUM}: apt-get install -y chromium",
              file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="counterpart-measure-") as folder, \
            running_server(Path(folder), demo_entries=300) as server, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        print("language  screen    search          cards  mean px  max px  in 800 px  "
              "first result at")
        for language in ("en", "ar"):
            for viewport in (DESK, PHONE):
                context = browser.new_context(base_url=server.url, viewport=viewport)
                page = context.new_page()
                sign_in(page, "prosecutor", language)
                for path in SEARCHES:
                    page.goto(path)
                    cards = page.evaluate(CARDS)
                    heights = cards["heights"]
                    first = page.evaluate("document.querySelector('.result')"
                                          ".getBoundingClientRect().top + scrollY")
                    print(f"{language:<9} {viewport['width']:>4} px   {path:<15} "
                          f"{len(heights):>5}  {statistics.mean(heights):>7.0f}  "
                          f"{max(heights):>6.0f}  {cards['within800']:>9}  {first:>10.0f} px")
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
