"""Every page in Chromium: no console error, nothing from another site, no cookie, no sideways scroll at 200% text."""
from urllib.parse import urlsplit

import pytest

from webapp.pages import SLUGS

PATHS = ["/en/"] + [f"/en/{slug}" for slug in SLUGS]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def phone_context(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context
    context.close()


@pytest.mark.parametrize("path", PATHS)
def test_page_opens_cleanly(phone_context, live_server, path):
    page = phone_context.new_page()
    errors, foreign = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    origin = urlsplit(live_server.url).netloc
    page.on("request", lambda request: urlsplit(request.url).netloc not in (origin, "") and foreign.append(request.url))
    response = page.goto(live_server.url + path)
    assert response.status == 200
    page.wait_for_load_state("load")
    assert page.locator("h1").count() == 1
    assert errors == [], f"{path}: console errors {errors}"
    assert foreign == [], f"{path}: requests to other sites {foreign}"
    assert phone_context.cookies() == []
    page.close()


@pytest.mark.parametrize("tag", ["en", "ar", "ti", "zh-Hans"])  # one language per script and direction
def test_neither_the_pages_nor_the_worker_ask_another_site(browser, live_server, tag):
    context = browser.new_context()
    origin = urlsplit(live_server.url).netloc
    seen = []
    # The context's requests include those the service worker makes itself (its saves), which page.on misses.
    context.on("request", lambda request: seen.append(request.url))
    page = context.new_page()
    for path in [f"/{tag}/"] + [f"/{tag}/{slug}" for slug in SLUGS]:
        page.goto(live_server.url + path)
    for _ in range(1200):  # the first /sw.js renders every page of every language: slow on a busy machine
        if page.evaluate("(url) => caches.match(url).then(Boolean)", f"/{tag}/manifest.webmanifest"):
            break
        page.wait_for_timeout(100)
    saves = [url for url in seen if url.endswith("?view=full")]
    assert len(saves) >= len(SLUGS), "the worker's own requests were not seen"
    assert [url for url in seen if urlsplit(url).netloc not in (origin, "")] == []
    context.close()


# Call links and the exit at least 44 x 44 on a phone, every page in English and Tigrinya and the lite view:
# tests/accessibility/ (test_targets_are_big_enough).


def scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


# No sideways scroll at 320 x 640, every page, language and view: tests/accessibility/ checks it.


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/stay-safe-on-your-phone"])
def test_no_sideways_scroll_with_text_at_200_percent(browser, live_server, path):
    # As if the person set their browser's text size to double: the stylesheet sizes everything in rem.
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + path)
    page.add_style_tag(content="html { font-size: 200% !important; }")
    assert not scrolls_sideways(page), path
    exit_link = page.get_by_role("link", name="Exit this page")
    box = exit_link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    context.close()
