"""Accessibility: axe-core on every page, language and view, with JavaScript on and off, and the checks
axe cannot make (keyboard order, focus, reflow, targets, motion, reading level, names).

"JavaScript off" blocks Waymark's own scripts (axe-core itself needs JavaScript to run), so the page is
exactly what a browser without JavaScript shows, except that <noscript> text is not rendered.
"""
import re

import pytest
import textstat
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from webapp.pages import SLUGS

from ..support.site import every_page, offered_languages

AXE = Axe()
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
           "resultTypes": ["violations"]}
ENHANCED_CONTRAST = {"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}, "resultTypes": ["violations"]}
ALL_PAGES = every_page() + every_page(lite=True)
ENGLISH = every_page(tags=["en"]) + every_page(lite=True, tags=["en"])


def axe_violations(page, options=WCAG_AA):
    results = AXE.run(page, options=options).response["violations"]
    return [f"{violation['id']}: {[node['target'] for node in violation['nodes'][:3]]}" for violation in results]


@pytest.fixture(scope="module", params=["javascript-on", "javascript-off"])
def a11y_page(request, browser):
    context = browser.new_context(service_workers="block")
    if request.param == "javascript-off":
        context.route(re.compile(r".*/static/gen/.*\.js$"), lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("tag, path", ALL_PAGES)
def test_axe_finds_no_wcag_violation(a11y_page, live_server, tag, path):
    a11y_page.goto(live_server.url + path)
    assert axe_violations(a11y_page) == [], path


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("tag, path", ENGLISH + [("ar", "/ar/get-help"), ("ti", "/ti/")])
def test_text_contrast_is_at_least_7_to_1(browser, live_server, scheme, tag, path):
    context = browser.new_context(color_scheme=scheme, service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + path)
    assert axe_violations(page, ENHANCED_CONTRAST) == [], f"{path} ({scheme})"
    context.close()


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/lite/get-help", "/en/updates"])
def test_forced_colors_keeps_controls_visible_and_contrast(browser, live_server, path):
    context = browser.new_context(forced_colors="active", service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + path)
    assert axe_violations(page, ENHANCED_CONTRAST) == [], path
    # Buttons and call links keep a visible edge when the system paints all backgrounds the same.
    for selector in (".js-quick-exit", 'main a[href^="tel:"]'):
        if page.locator(selector).count() == 0:
            continue
        element = page.locator(selector).first
        border = element.evaluate("(e) => getComputedStyle(e).borderTopStyle + ' ' + getComputedStyle(e).borderTopWidth")
        if "/lite/" not in path:
            assert border.startswith("solid") and not border.endswith(" 0px"), (selector, border)
    context.close()


@pytest.mark.parametrize("tag, path", every_page(tags=["en", "ar"]) + every_page(lite=True, tags=["en"]))
def test_skip_link_then_exit_are_the_first_tab_stops(page, live_server, tag, path):
    page.goto(live_server.url + path)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/go"


FOCUS_STATE = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  const bar = document.querySelector('.exit-bar');
  const barTop = bar ? bar.getBoundingClientRect().top : Infinity;
  return {
    tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    hidden: !e.closest('.exit-bar') && box.bottom > barTop + 1,
    body: e === document.body,
  };
}"""


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/stay-safe-on-your-phone", "/ar/get-help", "/en/lite/"])
def test_every_control_is_reached_by_tab_with_a_visible_focus_never_under_the_exit_bar(browser, live_server, path):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    # Let the scripts settle first: once the worker answers, they show or hide the save buttons.
    page.goto(live_server.url + path, wait_until="networkidle")
    page.wait_for_timeout(500)
    page.locator("details").evaluate_all("(all) => all.forEach((d) => d.open = true)")
    controls = page.locator("a[href], button:visible, summary").count()
    seen = 0
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state["body"]:
            break
        seen += 1
        assert state["outline"], f"{path}: no visible focus on {state}"
        assert not state["hidden"], f"{path}: focus hidden under the exit bar: {state}"
    assert seen >= controls - 1, f"{path}: reached {seen} of {controls} controls"
    context.close()


@pytest.mark.parametrize("language", offered_languages(), ids=lambda language: language.tag)
def test_no_page_scrolls_sideways_at_320_by_640(browser, live_server, language):
    context = browser.new_context(viewport={"width": 320, "height": 640}, service_workers="block")
    page = context.new_page()
    for tag, path in every_page(tags=[language.tag]) + every_page(lite=True, tags=[language.tag]):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
    context.close()


CLIPPED = """() => [...document.querySelectorAll('body *')].filter((e) => {
  if (e.closest('.visually-hidden')) return false;
  const style = getComputedStyle(e);
  const clips = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
  return clips && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
}).map((e) => e.tagName + '.' + e.className)"""


@pytest.mark.parametrize("tag, path", every_page(tags=["en"]))
def test_at_200_percent_text_nothing_is_clipped(browser, live_server, tag, path):
    context = browser.new_context(viewport={"width": 640, "height": 800}, bypass_csp=True, service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + path)
    page.add_style_tag(content="html { font-size: 200% !important; }")
    assert page.evaluate(CLIPPED) == [], path
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
    context.close()


TARGETS = """() => [...document.querySelectorAll('a[href], button, summary')].filter((e) => e.getClientRects().length)
  .filter((e) => !e.closest('.visually-hidden') && !e.classList.contains('skip-link'))
  .map((e) => {
    const box = e.getBoundingClientRect();
    const inline = getComputedStyle(e).display === 'inline' && e.closest('p, li') !== null;
    return {href: e.getAttribute('href') || e.tagName, w: box.width, h: box.height, inline,
            call: (e.getAttribute('href') || '').startsWith('tel:') || e.classList.contains('js-quick-exit')};
  })"""


@pytest.mark.parametrize("tag, path", every_page(tags=["en", "ti"]) + every_page(lite=True, tags=["en"]))
def test_targets_are_big_enough(browser, live_server, tag, path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + path)
    for target in page.evaluate(TARGETS):
        if target["call"]:
            assert target["w"] >= 44 and target["h"] >= 44, (path, target)
        elif not target["inline"]:  # links inside a sentence are exempt (WCAG 2.5.8)
            assert target["w"] >= 24 and target["h"] >= 24, (path, target)
    context.close()


def test_nothing_moves_with_reduced_motion(browser, live_server):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    for path in ("/en/", "/en/get-help", "/en/updates"):
        page.goto(live_server.url + path)
        moving = page.evaluate("""() => [...document.querySelectorAll('*')].filter((e) => {
            const s = getComputedStyle(e);
            return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0 || s.scrollBehavior === 'smooth';
        }).map((e) => e.tagName)""")
        assert moving == [] and page.evaluate("document.getAnimations().length") == 0, path
    context.close()


def readable_text(client, path):
    html = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    main = html.find("main")
    for hidden in main.select(".visually-hidden"):
        hidden.decompose()
    blocks = []
    for element in main.find_all(["p", "li", "h1", "h2", "h3"]):
        if element.find(["p", "li"]):
            continue
        text = " ".join(element.get_text(" ").split())
        if text:
            # A heading or list item is a sentence of its own for a reader.
            blocks.append(text if text[-1] in ".?!:" else text + ".")
    return " ".join(blocks)


@pytest.mark.parametrize("slug", ["home", *SLUGS])
def test_english_guidance_reads_at_grade_7_or_below(client, slug):
    text = readable_text(client, "/en/" if slug == "home" else f"/en/{slug}")
    assert textstat.flesch_kincaid_grade(text) <= 7, slug


@pytest.mark.parametrize("language", offered_languages(), ids=lambda language: language.tag)
def test_titles_are_unique_and_in_the_page_language(client, language):
    titles = {}
    for tag, path in every_page(tags=[language.tag]):
        html = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
        titles[path] = html.title.get_text(strip=True)
    assert len(set(titles.values())) == len(titles), titles
    if language.tag != "en":
        english = {path: BeautifulSoup(client.get("/en/" + path.split("/", 2)[2]).get_data(as_text=True),
                                       "html.parser").title.get_text(strip=True) for path in titles}
        same = [path for path in titles if titles[path] == english[path]]
        assert same == [], f"titles left in English: {same}"


NAMES = """async () => {
  const controls = [...document.querySelectorAll('a[href], button, summary')].filter((e) => e.getClientRects().length);
  return controls.map((e) => ({visible: (e.innerText || '').replace(/\\s+/g, ' ').trim(), href: e.getAttribute('href')}));
}"""


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/updates", "/en/stay-safe-on-your-phone", "/en/lite/get-help"])
def test_names_make_sense_alone_and_contain_the_visible_text(page, live_server, path):
    page.goto(live_server.url + path, wait_until="networkidle")
    # The scripts reveal controls (install, save, notices) once the worker is ready: let them settle, then
    # list the visible controls before reading the accessibility tree, so the tree has every one of them.
    page.wait_for_timeout(500)
    controls = page.evaluate(NAMES)
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    names = [node["name"]["value"] for node in nodes
             if node.get("role", {}).get("value") in ("link", "button", "DisclosureTriangle")
             and node.get("name", {}).get("value")]
    for control in controls:
        if not control["visible"]:
            continue
        assert any(control["visible"].lower() in name.lower() for name in names), control
    calls = [name for name in names if re.search(r"\d{3}", name)]
    assert calls and all(name.lower().startswith("call ") for name in calls), calls
    assert not [name for name in names if name.strip().lower() in ("call", "click here", "here", "link")]
