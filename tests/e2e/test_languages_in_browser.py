"""Languages in Chromium: right-to-left mirrors, the picker works by keyboard."""
import pytest

# That the machine has a font for each script is checked once, when the browser starts (tests/conftest.py).
# No sideways scroll at 320 px in Arabic, Tigrinya, Chinese and every other language: tests/accessibility/.


@pytest.mark.parametrize("tag", ["ar", "fa", "ur"])
def test_right_to_left_puts_the_exit_in_the_mirrored_corner(browser, live_server, tag):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + f"/{tag}/get-help")
    centre = lambda box: box["x"] + box["width"] / 2  # noqa: E731
    assert centre(page.locator(".js-quick-exit").bounding_box()) < 360 / 2, "right-to-left: the exit sits left"
    page.goto(live_server.url + "/en/get-help")
    assert centre(page.locator(".js-quick-exit").bounding_box()) > 360 / 2
    context.close()


def test_choice_arrows_point_the_way_the_text_reads(page, live_server):
    page.goto(live_server.url + "/ar/")
    arrow = page.evaluate("getComputedStyle(document.querySelector('.choice'), '::after').content")
    assert "←" in arrow
    page.goto(live_server.url + "/en/")
    assert "→" in page.evaluate("getComputedStyle(document.querySelector('.choice'), '::after').content")


def test_the_language_picker_works_by_keyboard(page, live_server):
    page.goto(live_server.url + "/en/get-help")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator(".language-picker").get_attribute("open") is not None
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "ti":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + "/ti/get-help"
    assert page.evaluate("document.documentElement.lang") == "ti"
