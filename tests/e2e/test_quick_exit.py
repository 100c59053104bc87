"""Quick exit in Chromium: one history entry, no way Back, no Referer, with JavaScript on and off."""
import json

import pytest

from webapp import create_app

from ..support.browser import launch_browser
from ..support.servers import LiveServer, NeutralSite

STATUS = ".js-exit-status"


@pytest.fixture(scope="module")
def neutral():
    with NeutralSite() as site:
        yield site


@pytest.fixture(scope="module")
def waymark(neutral):
    app = create_app({"TESTING": True, "QUICK_EXIT_URL": neutral.exit_url})
    with LiveServer(app) as server:
        neutral.waymark_url = server.url + "/en/"
        yield server


@pytest.fixture
def arrived(page, neutral, waymark):
    """A person on some other site follows a link to Waymark."""
    neutral.requests.clear()
    page.goto(neutral.origin + "/before")
    page.click("#to-waymark")
    page.wait_for_url(waymark.url + "/en/")
    return page


def history_length(page):
    return page.evaluate("history.length")


def test_reading_pages_adds_nothing_to_history_and_exit_cannot_be_undone(arrived, neutral, waymark):
    page = arrived
    start = history_length(page)
    for name, path in [("Numbers to call for help", "/en/get-help"), ("Waymark", "/en/"),
                       ("Signs that someone is being exploited", "/en/spot-the-signs"), ("Waymark", "/en/"),
                       ("If you are worried about someone", "/en/worried-about-someone")]:
        page.get_by_role("link", name=name, exact=True).first.click()
        page.wait_for_url(waymark.url + path)
        assert history_length(page) == start
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(neutral.exit_url)
    assert history_length(page) == start
    page.go_back()
    assert page.url == neutral.origin + "/before"
    exit_requests = [referer for path, referer in neutral.requests if path.startswith("/weather")]
    assert exit_requests == [None]


def test_three_shift_presses_exit_and_each_is_announced(page, neutral, waymark):
    page.goto(waymark.url + "/en/get-help")
    page.keyboard.press("Shift")
    assert page.locator(STATUS).text_content() == "Shift, press 2 more times to exit."
    assert page.locator(STATUS).get_attribute("role") == "status"
    page.keyboard.press("Shift")
    assert page.locator(STATUS).text_content() == "Shift, press 1 more time to exit."
    page.keyboard.press("Shift")
    page.wait_for_url(neutral.exit_url)


def test_shift_as_part_of_typing_does_not_exit(page, waymark):
    page.goto(waymark.url + "/en/get-help")
    for _ in range(3):
        page.keyboard.press("Shift+A")
    page.wait_for_timeout(300)
    assert page.url == waymark.url + "/en/get-help"


def test_another_key_starts_the_count_again(page, waymark):
    page.goto(waymark.url + "/en/get-help")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("ArrowDown")
    assert page.locator(STATUS).text_content() == ""
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == waymark.url + "/en/get-help"
    assert page.locator(STATUS).text_content() == "Shift, press 2 more times to exit."


def test_presses_more_than_five_seconds_apart_do_not_exit(page, waymark):
    page.clock.install()
    page.goto(waymark.url + "/en/get-help")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.run_for(5_001)
    assert page.locator(STATUS).text_content() == "Exit this page expired."
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == waymark.url + "/en/get-help"
    assert page.locator(STATUS).text_content() == "Shift, press 2 more times to exit."


def test_nothing_readable_stays_while_the_neutral_site_is_slow(page, neutral, waymark):
    page.goto(waymark.url + "/en/get-help")
    # Playwright waits for a pending navigation before it evaluates anything, so the page reports on
    # itself, through the console, while the neutral site takes 3 seconds to answer.
    samples = []
    page.on("console", lambda message: samples.append(message.text))
    page.evaluate("""setInterval(() => console.log(JSON.stringify({
        title: document.title,
        bodyVisible: document.body.checkVisibility({visibilityProperty: true}),
        path: location.pathname,
    })), 200)""")
    neutral.delay = 3
    try:
        page.get_by_role("link", name="Exit this page").click(no_wait_after=True)
        page.wait_for_url(neutral.exit_url, timeout=10_000)
    finally:
        neutral.delay = 0
    while_leaving = [json.loads(text) for text in samples if text.startswith("{")]
    assert len(while_leaving) >= 5, "the page did not report while the neutral site was loading"
    assert all(s == {"title": "", "bodyVisible": False, "path": "/en/get-help"} for s in while_leaving), while_leaving


@pytest.mark.parametrize("keep_back_forward_cache", [True, False], ids=["bfcache-restore", "reload-on-back"])
def test_a_waymark_page_reached_by_back_after_exit_leaves_again(playwright_instance, neutral, waymark,
                                                                keep_back_forward_cache):
    browser = launch_browser(playwright_instance, keep_back_forward_cache=keep_back_forward_cache)
    page = browser.new_page()
    # Two Waymark entries in history, as when a person opened two pages by typing their addresses.
    page.goto(waymark.url + "/en/")
    page.goto(waymark.url + "/en/get-help")
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(neutral.exit_url)
    page.go_back()
    page.wait_for_url(neutral.exit_url)
    assert page.url == neutral.exit_url
    browser.close()


def test_coming_back_on_purpose_after_an_exit_shows_waymark(page, neutral, waymark):
    page.goto(waymark.url + "/en/get-help")
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(neutral.exit_url)
    page.goto(waymark.url + "/en/")
    page.wait_for_timeout(300)
    assert page.url == waymark.url + "/en/"
    assert page.locator("h1").is_visible()


def test_without_javascript_the_link_exits_through_the_redirect_route(browser, neutral, waymark):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    neutral.requests.clear()
    page.goto(waymark.url + "/en/get-help")
    link = page.get_by_role("link", name="Exit this page")
    assert link.get_attribute("href") == "/go"
    page.on("response", lambda r: r.url.endswith("/go") and statuses.append(r.status))
    statuses = []
    link.click()
    page.wait_for_url(neutral.exit_url)
    assert statuses == [303]
    assert [referer for path, referer in neutral.requests if path.startswith("/weather")] == [None]
    context.close()


def test_exit_is_the_second_tab_stop_and_thumb_sized_on_a_phone(browser, waymark):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(waymark.url + "/en/spot-the-signs")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Exit this page"
    box = page.get_by_role("link", name="Exit this page").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    # Fixed within reach of a thumb: at the bottom of the screen, and still there after scrolling.
    assert box["y"] + box["height"] > 740 - 100
    page.mouse.wheel(0, 2000)
    box_after = page.get_by_role("link", name="Exit this page").bounding_box()
    assert box_after == box
    context.close()


# Headless Chromium cannot be an installed app: emulate its display mode, and report window.close().
INSTALLED_APP = """
  const realMatchMedia = window.matchMedia.bind(window);
  window.matchMedia = (query) => query.includes('display-mode: standalone')
    ? { matches: true, media: query, addEventListener() {}, removeEventListener() {} } : realMatchMedia(query);
  window.close = () => console.log('window.close');
"""


def test_in_an_installed_app_with_one_history_entry_exit_closes_the_window(context, neutral, waymark):
    context.add_init_script(INSTALLED_APP)
    opener = context.new_page()
    opener.goto(neutral.origin + "/before")
    # A window opened fresh on Waymark, as the installed icon opens one: one entry in its history.
    with context.expect_page() as opened:
        opener.evaluate(f"window.open('{waymark.url}/en/get-help', '_blank', 'noopener')")
    page = opened.value
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.wait_for_load_state()
    assert page.evaluate("history.length") == 1
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(neutral.exit_url)
    assert "window.close" in messages


def test_in_an_installed_app_with_history_exit_replaces_instead_of_closing(context, neutral, waymark):
    context.add_init_script(INSTALLED_APP)
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(neutral.origin + "/before")
    page.goto(waymark.url + "/en/get-help")
    page.get_by_role("link", name="Exit this page").click()
    page.wait_for_url(neutral.exit_url)
    assert "window.close" not in messages
