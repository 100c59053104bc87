"""Accessibility: axe-core on every page, language and view, with JavaScript on and off, and the checks
axe cannot make (keyboard order, focus, reflow, targets, motion, reading level, names).

"Without scripts" blocks Waymark's own scripts (axe-core itself needs JavaScript to run), so the page is
exactly what a browser without JavaScript shows, except that <noscript> text is not rendered. "With the
scripts running" lets the service worker run too, and waits until the page's language is saved, so the
offline panel, the save buttons and the update-notice opt-in are audited as a person sees them.
"""
import re

import pytest
import textstat
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from webapp.pages import SLUGS

from ..support.site import card_pages, every_page, offered_languages

AXE = Axe()
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
           "resultTypes": ["violations"]}
# In the languages outside ONE_PER_SCRIPT, the rules whose answer cannot change with the words: every
# language has the same colours (one stylesheet; 7:1 is tested below in light, dark and forced colours) and the
# same control sizes (tested below). They are most of axe's time on a page.
WCAG_AA_LANGUAGE_RULES = {**WCAG_AA, "rules": {"color-contrast": {"enabled": False}, "target-size": {"enabled": False}}}
ENHANCED_CONTRAST = {"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}, "resultTypes": ["violations"]}
# Every page of every language in the standard view; the lite view, whose words are the same, in one language
# of each kind of script and direction.
ONE_PER_SCRIPT = ["en", "ar", "ti", "zh-Hans", "hi", "ta", "th", "bg"]
# The cards' pages: each language's card and discreet card in every language; the sheet, which holds all 36
# cards in each language's version (only its frame differs), in one language per script and direction, since
# auditing its 36 cards takes several times as long as a page.
ALL_PAGES = every_page() + every_page(lite=True, tags=ONE_PER_SCRIPT) + card_pages(sheet_tags=ONE_PER_SCRIPT)
ENGLISH = every_page(tags=["en"]) + every_page(lite=True, tags=["en"])


SCRIPTS_SETTLED = """() => {
  const panel = document.querySelector('.js-offline');
  const state = document.querySelector('.js-offline-state');
  return !panel || (!panel.hidden && state.textContent === panel.dataset.i18nReady);
}"""


def open_with_scripts_settled(page, url):
    """Open `url` with the service worker allowed and wait until the page's language is saved: by then the
    scripts have shown every control they reveal (offline panel, save buttons, push opt-in)."""
    page.goto(url)
    page.wait_for_function(SCRIPTS_SETTLED, timeout=60_000)


def axe_violations(page, options=WCAG_AA):
    results = AXE.run(page, options=options).response["violations"]
    return [f"{violation['id']}: {[node['target'] for node in violation['nodes'][:3]]}" for violation in results]


@pytest.fixture(scope="module")
def page_without_scripts(browser):
    context = browser.new_context(service_workers="block")
    context.route(re.compile(r".*/static/gen/.*\.js$"), lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def page_with_scripts(browser):
    # The worker runs, so the scripts reveal all they add; one context, so each language is saved once.
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("tag, path", ALL_PAGES)
def test_axe_finds_no_wcag_violation(page_without_scripts, live_server, tag, path):
    # Every page, language and view as it first arrives: text, structure and language can differ by language.
    page_without_scripts.goto(live_server.url + path)
    rules = WCAG_AA if tag in ONE_PER_SCRIPT else WCAG_AA_LANGUAGE_RULES
    assert axe_violations(page_without_scripts, rules) == [], path


# With the scripts running, one language per script and direction: the scripts add the same controls in
# every language (the offline panel, save buttons, push opt-in, Remove Waymark), translated.
SCRIPT_PAGES = every_page(tags=["en", "ar", "ti", "zh-Hans", "hi"]) + every_page(lite=True, tags=["en"])


@pytest.mark.parametrize("tag, path", SCRIPT_PAGES)
def test_axe_finds_no_wcag_violation_with_the_scripts_running(page_with_scripts, live_server, tag, path):
    page = page_with_scripts
    if "/lite/" in path:
        page.goto(live_server.url + path)
    else:
        open_with_scripts_settled(page, live_server.url + path)
        assert page.locator(".js-offline").is_visible(), f"{path}: the scripts revealed nothing to audit"
    page.locator("details").evaluate_all("(all) => all.forEach((d) => d.open = true)")
    assert axe_violations(page) == [], path


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("tag, path", ENGLISH + [("ar", "/ar/get-help"), ("ti", "/ti/"), ("en", "/en/card"), ("ar", "/ar/cards")])
def test_text_contrast_is_at_least_7_to_1(browser, live_server, scheme, tag, path):
    context = browser.new_context(color_scheme=scheme, service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + path)
    assert axe_violations(page, ENHANCED_CONTRAST) == [], f"{path} ({scheme})"
    context.close()


BORDERS = """(selector) => [...document.querySelectorAll(selector)].filter((e) => e.checkVisibility({visibilityProperty: true}))
  .map((e) => {
    const style = getComputedStyle(e);
    const sides = ['Top', 'Right', 'Bottom', 'Left'];
    return {control: e.outerHTML.slice(0, 80),
            edge: sides.every((side) => style['border' + side + 'Style'] !== 'none' && parseFloat(style['border' + side + 'Width']) >= 1)};
  })"""
# How many of each the standard and the lite view must show at least, so a control that disappears fails
# rather than passing unchecked (the lite view has no buttons and no language list).
FORCED_COLOR_CONTROLS = {".js-quick-exit": (1, 1), "a.call": (1, 1), "summary": (1, 0), "button": (1, 0)}


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/updates", "/ar/get-help", "/en/lite/", "/en/lite/get-help",
                                  "/ar/lite/get-help"])
def test_forced_colors_keeps_controls_visible_and_contrast(browser, live_server, path):
    context = browser.new_context(forced_colors="active")
    page = context.new_page()
    if "/lite/" in path:
        page.goto(live_server.url + path)
    else:
        open_with_scripts_settled(page, live_server.url + path)
        page.locator("details").evaluate_all("(all) => all.forEach((d) => d.open = true)")
    assert axe_violations(page, ENHANCED_CONTRAST) == [], path
    # Calls, the exit, buttons and the language list keep a visible edge when the system paints all
    # backgrounds the same.
    for selector, (standard, lite) in FORCED_COLOR_CONTROLS.items():
        controls = page.evaluate(BORDERS, selector)
        assert len(controls) >= (lite if "/lite/" in path else standard), f"{path}: no {selector} to check"
        assert [control for control in controls if not control["edge"]] == [], (path, selector)
    context.close()


@pytest.mark.parametrize("tag, path", every_page(tags=["en", "ar"]) + every_page(lite=True, tags=["en"]))
def test_skip_link_then_exit_are_the_first_tab_stops(page, live_server, tag, path):
    page.goto(live_server.url + path)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/go"


# A stable name for an element: its path from <body>, so each control reached can be told apart.
ELEMENT_PATH = """(e) => {
  const parts = [];
  for (; e && e !== document.body; e = e.parentElement) {
    parts.unshift(e.tagName + ':' + [...e.parentElement.children].indexOf(e));
  }
  return parts.join('/');
}"""

FOCUS_STATE = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  const bar = document.querySelector('.exit-bar');
  const barTop = bar ? bar.getBoundingClientRect().top : Infinity;
  return {
    path: e === document.body ? null : (PATH)(e),
    tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    hidden: !e.closest('.exit-bar') && box.bottom > barTop + 1,
  };
}""".replace("(PATH)", "(" + ELEMENT_PATH + ")")

TAB_STOPS = """() => [...document.querySelectorAll('a[href], button, summary, input, select, textarea, [tabindex]')]
  .filter((e) => e.tabIndex >= 0 && e.checkVisibility({visibilityProperty: true}) && !e.closest('[inert]'))
  .map(PATH)""".replace("PATH", ELEMENT_PATH)


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/stay-safe-on-your-phone", "/en/updates", "/ar/get-help",
                                  "/ti/", "/en/lite/", "/ar/lite/get-help"])
def test_every_control_is_reached_by_tab_with_a_visible_focus_never_under_the_exit_bar(browser, live_server, path):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    if "/lite/" in path:
        page.goto(live_server.url + path)
    else:
        open_with_scripts_settled(page, live_server.url + path)
    page.locator("details").evaluate_all("(all) => all.forEach((d) => d.open = true)")
    expected = page.evaluate(TAB_STOPS)
    reached = []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state["path"] is None:
            break
        assert state["path"] not in reached, f"{path}: Tab came back to {state} before leaving the page"
        reached.append(state["path"])
        assert state["outline"], f"{path}: no visible focus on {state}"
        assert not state["hidden"], f"{path}: focus hidden under the exit bar: {state}"
    missing = [control for control in expected if control not in reached]
    assert missing == [], f"{path}: Tab never reached {len(missing)} of {len(expected)} controls: {missing[:3]}"
    context.close()


@pytest.mark.parametrize("language", offered_languages(), ids=lambda language: language.tag)
def test_no_page_scrolls_sideways_at_320_by_640(browser, live_server, language):
    context = browser.new_context(viewport={"width": 320, "height": 640}, service_workers="block")
    page = context.new_page()
    sheet = [language.tag] if language.tag in ONE_PER_SCRIPT else []
    for tag, path in every_page(tags=[language.tag]) + every_page(lite=True, tags=[language.tag]) + \
            card_pages(tags=[language.tag], sheet_tags=sheet):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
    context.close()


CLIPPED = """() => [...document.querySelectorAll('body *')].filter((e) => {
  if (e.closest('.visually-hidden')) return false;
  const style = getComputedStyle(e);
  const clips = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY);
  return clips && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
}).map((e) => e.tagName + '.' + e.className)"""


COVERED_BY_THE_BAR = """() => {
  window.scrollTo(0, document.documentElement.scrollHeight);
  const bar = document.querySelector('.exit-bar');
  if (!bar) return null;
  const last = [...document.querySelectorAll('body *')].filter((e) => !e.closest('.exit-bar, .visually-hidden')
    && e.getClientRects().length && e.textContent.trim() && !e.children.length).pop();
  const lastBottom = last.getBoundingClientRect().bottom, barTop = bar.getBoundingClientRect().top;
  return lastBottom > barTop + 1 ? {last: last.outerHTML.slice(0, 60), lastBottom, barTop} : null;
}"""


@pytest.mark.parametrize("tag, path", every_page(tags=["en", "ar", "ti", "zh-Hans"]) + every_page(lite=True, tags=["en", "ar"]))
def test_at_200_percent_text_nothing_is_clipped_or_under_the_exit_bar(browser, live_server, tag, path):
    context = browser.new_context(viewport={"width": 640, "height": 800}, bypass_csp=True, service_workers="block")
    page = context.new_page()
    page.goto(live_server.url + path)
    page.add_style_tag(content="html { font-size: 200% !important; }")
    assert page.evaluate(CLIPPED) == [], path
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
    # Scrolled to the end, the last words of the page are above the fixed exit bar, not under it.
    assert page.evaluate(COVERED_BY_THE_BAR) is None, path
    context.close()


TARGETS = """() => [...document.querySelectorAll('a[href], button, summary')].filter((e) => e.getClientRects().length)
  .filter((e) => !e.closest('.visually-hidden') && !e.classList.contains('skip-link'))
  .map((e) => {
    const box = e.getBoundingClientRect();
    // WCAG 2.5.8 exempts a target inside a sentence: an inline link whose block has text besides the link.
    const block = e.parentElement.closest('p, li, dd, td');
    const inline = getComputedStyle(e).display === 'inline' && block !== null
      && block.textContent.replace(/\\s+/g, '') !== e.textContent.replace(/\\s+/g, '');
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


MOVING = """() => [...document.querySelectorAll('*')].flatMap((e) => [e, ...['::before', '::after'].map((p) => [e, p])])
  .filter((item) => {
    const s = Array.isArray(item) ? getComputedStyle(item[0], item[1]) : getComputedStyle(item);
    const longest = (list) => Math.max(...list.split(',').map((value) => parseFloat(value) || 0));
    return s.animationName.split(',').some((name) => name.trim() !== 'none')
      || longest(s.transitionDuration) > 0 || longest(s.animationDuration) > 0 || s.scrollBehavior === 'smooth';
  }).map((item) => Array.isArray(item) ? item[0].tagName + item[1] : item.tagName + '.' + item.className)"""


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/updates", "/ar/stay-safe-on-your-phone"])
def test_nothing_moves_with_reduced_motion(browser, live_server, path):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    open_with_scripts_settled(page, live_server.url + path)
    # With everything the scripts and the person can open: the language list and the update banner.
    page.locator("details").evaluate_all("(all) => all.forEach((d) => d.open = true)")
    page.evaluate("document.querySelector('.js-update').hidden = false")
    assert page.evaluate(MOVING) == [], path
    assert page.evaluate("document.getAnimations().length") == 0, path
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
    for tag, path in every_page(tags=[language.tag]) + card_pages(tags=[language.tag]):
        html = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
        titles[path] = html.title.get_text(strip=True)
    assert len(set(titles.values())) == len(titles), titles
    if language.tag != "en":
        english = {path: BeautifulSoup(client.get("/en/" + path.split("/", 2)[2]).get_data(as_text=True),
                                       "html.parser").title.get_text(strip=True) for path in titles}
        same = [path for path in titles if titles[path] == english[path]]
        assert same == [], f"titles left in English: {same}"


CONTROLS = "a[href], button, summary"
VISIBLE_TEXT = """(all) => all.map((e) => ({
  shown: e.checkVisibility({visibilityProperty: true}),
  visible: (e.innerText || '').replace(/\\s+/g, ' ').trim(), html: e.outerHTML.slice(0, 80)}))"""


def own_names(page):
    """Each visible control with its visible text and its own accessible name, read from Chromium's tree."""
    controls = page.locator(CONTROLS).evaluate_all(VISIBLE_TEXT)
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node_ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": CONTROLS})["nodeIds"]
    assert len(node_ids) == len(controls)
    named = []
    for control, node_id in zip(controls, node_ids):
        if not control["shown"]:
            continue
        ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False})["nodes"]
        own = next(node for node in ax if node.get("backendDOMNodeId")) if ax else {}
        named.append({**control, "name": own.get("name", {}).get("value", "")})
    return named


@pytest.mark.parametrize("path", ["/en/", "/en/get-help", "/en/updates", "/en/stay-safe-on-your-phone", "/en/lite/get-help",
                                  "/ar/get-help"])
def test_names_make_sense_alone_and_contain_the_visible_text(page, live_server, path):
    if "/lite/" in path:
        page.goto(live_server.url + path)
    else:
        open_with_scripts_settled(page, live_server.url + path)
    controls = own_names(page)
    assert controls
    # WCAG 2.5.3: a person who says what they see ("click Get help") must be able to name the control.
    mismatched = [control for control in controls
                  if control["visible"] and control["visible"].lower() not in control["name"].lower()]
    assert mismatched == [], f"{path}: {mismatched[:3]}"
    names = [control["name"] for control in controls]
    assert not [control for control in controls if not control["name"].strip()], f"{path}: a control without a name"
    calls = [control["name"] for control in controls if "tel:" in control["html"]]
    assert calls and all(re.match(r"\S.*, [\d ]+$", name) for name in calls), calls
    assert not [name for name in names if name.strip().lower() in ("call", "click here", "here", "link", "more")]
    # axe's own check of the same rule, which it does not run by default (it is marked experimental).
    mismatch = {"runOnly": {"type": "rule", "values": ["label-content-name-mismatch"]}, "resultTypes": ["violations"]}
    assert axe_violations(page, mismatch) == [], path
