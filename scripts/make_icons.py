"""Draws Waymark's app icons (static/icons/) and the manifest's screenshots (static/screenshots/) in Chromium.

Run once when the icon or the pages' look changes: `.venv/bin/python scripts/make_icons.py`. The files are
committed, so the app itself never needs this script.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.browser import launch_browser  # noqa: E402
from tests.support.servers import LiveServer  # noqa: E402
from webapp import create_app  # noqa: E402

ICONS = ROOT / "static" / "icons"
SCREENSHOTS = ROOT / "static" / "screenshots"
SIGNPOST = '<path d="M47 18h6v66h-6z M30 28h34l8 8-8 8H30z M70 50H36l-8 8 8 8h34z" fill="#fff"/>'


def icon_html(size, maskable):
    # A maskable icon fills the square and keeps the signpost inside the central safe zone (80%).
    if maskable:
        body = f'<rect width="100" height="100" fill="#00552b"/><g transform="translate(15 15) scale(.7)">{SIGNPOST}</g>'
    else:
        body = f'<rect width="100" height="100" rx="18" fill="#00552b"/>{SIGNPOST}'
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="{size}" height="{size}">{body}</svg>'
    return f"<!doctype html><style>html,body{{margin:0;background:transparent}}svg{{display:block}}</style>{svg}"


def main():
    ICONS.mkdir(exist_ok=True)
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        for size in (192, 512):
            for maskable in (False, True):
                page = browser.new_page(viewport={"width": size, "height": size})
                page.set_content(icon_html(size, maskable))
                name = f"icon-{'maskable-' if maskable else ''}{size}.png"
                page.screenshot(path=str(ICONS / name), omit_background=not maskable)
                page.close()
                print(f"wrote static/icons/{name}")
        with LiveServer(create_app()) as server:
            for name, viewport in (("narrow.png", (360, 740)), ("wide.png", (1280, 800))):
                page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
                page.goto(server.url + "/en/")
                page.screenshot(path=str(SCREENSHOTS / name))
                page.close()
                print(f"wrote static/screenshots/{name}")
        browser.close()


if __name__ == "__main__":
    main()
