"""Phone-width screenshots of Waymark for the README (docs/screenshots/), taken with Playwright."""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.browser import launch_browser  # noqa: E402
from tests.support.servers import LiveServer  # noqa: E402
from webapp import create_app  # noqa: E402

SHOTS = {
    "home.png": "/en/",
    "get-help.png": "/en/get-help",
    "ar-get-help.png": "/ar/get-help",
    "ti-home.png": "/ti/",
    "zh-Hans-home.png": "/zh-Hans/",
}
OUT = ROOT / "docs" / "screenshots"


def main(shots=SHOTS):
    OUT.mkdir(parents=True, exist_ok=True)
    with LiveServer(create_app()) as server, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=1)
        for name, path in shots.items():
            page.goto(server.url + path)
            page.screenshot(path=str(OUT / name), full_page=False)
            print(f"wrote docs/screenshots/{name}")
        browser.close()


if __name__ == "__main__":
    main()
