"""Languages in Chromium: scripts render with real fonts, right-to-left mirrors, the picker works by keyboard."""
import pytest

# The script's font that Chromium must find for each language (Debian's fonts-noto-core and fonts-noto-cjk).
SCRIPT_FONTS = {"ti": "Ethiopic", "am": "Ethiopic", "ar": "Arabic", "fa": "Arabic", "ur": "Nastaliq",
                "hi": "Devanagari", "zh-Hans": "CJK"}


# No sideways scroll at 320 px in Arabic, Tigrinya, Chinese and every other language: tests/accessibility/.


@pytest.mark.parametrize("tag, script", SCRIPT_FONTS.items())
def test_script_renders_with_a_font_that_has_it(page, live_server, tag, script):
    page.goto(live_server.url + f"/{tag}/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    heading = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": heading})["fonts"]
    families = [font["familyName"] for font in fonts]
    assert any(script in family for family in families), families


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
