"""Is this happening to me? in Chromium: any "yes" shows help in a status region, "no" to all still names the
Helpline, a version for someone else; and nothing is left behind: no request, no storage, no change of address
or history, answers gone on reload, on a back-forward-cache restore and on the exit. By keyboard alone, and
without JavaScript."""
import json

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import TimeoutError, expect

from ..support.browser import launch_browser

PATH = "/{lang}/check-your-situation"
RESULT = ".js-check-result"
# From ../shared/CONTENT.md, not from the page: the numbers any "yes" must offer.
CALL_999 = "tel:999"
CALL_HELPLINE = "tel:+448000121700"
HELPLINE_DISPLAY = "08000 121 700"
# The quick exit's neutral site (webapp/config.py's default): held by a route, never reached.
NEUTRAL = "https://www.bbc.co.uk/weather"

# Each question as asked of "you" and of "this person", and what a "yes" to it can mean (issue 14).
QUESTIONS = [
    ("Are you stopped from leaving your work or the place where you live?",
     "Is this person stopped from leaving their work or the place where they live?",
     "Not being free to leave is one of the main signs of modern slavery."),
    ("Does someone else keep your passport or ID card?",
     "Does someone else keep this person's passport or ID card?",
     "Keeping someone's passport or ID card is a way of controlling them."),
    ("Do you have a debt you can never pay off?",
     "Does this person have a debt they can never pay off?",
     "A debt that can never be paid off is often used to keep people working."),
    ("Has anyone threatened you or your family?",
     "Has anyone threatened this person or their family?",
     "Threats to a person or their family are a way of controlling them."),
    ("Do you get little or no pay for your work?",
     "Does this person get little or no pay for their work?",
     "Working for little or no pay can be a sign of forced labour."),
    ("Do you live where you work?",
     "Does this person live where they work?",
     "Living where you work can make it hard to leave or to ask for help."),
    ("Does someone else speak for you, or tell you what to say?",
     "Does someone else speak for this person, or tell them what to say?",
     "When someone else does the talking, it can be a sign that a person is being controlled."),
    ("Are you made to commit crimes, such as growing cannabis, selling drugs or begging?",
     "Is this person made to commit crimes, such as growing cannabis, selling drugs or begging?",
     "Being made to commit crimes is a form of modern slavery. It is called criminal exploitation."),
    ("Does someone take you to and from work at odd times of day or night?",
     "Does someone take this person to and from work at odd times of day or night?",
     "Being taken to and from work by someone else, at odd times, can be a sign of control."),
    ("Are you hurt, or not given enough food?",
     "Is this person hurt, or not given enough food?",
     "Injuries, or not getting enough food, can be signs of abuse and exploitation."),
]
YES_ME = "Your answers can be signs of modern slavery. You do not have to be sure to ask for help."
YES_OTHER = "Your answers can be signs that this person is being exploited. You do not have to be sure to ask for help."
DO_NOT_TELL = "Do not tell the person, and do not confront anyone."
NO_ME = ("You answered no to every question. If something still feels wrong, the Helpline can talk it through with "
         "you. %(helpline)s")
NO_OTHER = ("You answered no to every question. If you are still worried about this person, the Helpline can talk "
            "it through with you. %(helpline)s")
# One language per script and direction: Latin, Arabic (right to left), Ethiopic, Han.
ONE_PER_SCRIPT = ["en", "ar", "ti", "zh-Hans"]


def translator(lang):
    """The page language's text for an English string, read straight from its catalog (English when the
    catalog has no finished translation, as the app shows it)."""
    if lang == "en":
        return lambda text: text
    with open(f"translations/{lang.replace('-', '_')}/LC_MESSAGES/messages.po", "rb") as file:
        done = {message.id: message.string for message in read_po(file)
                if message.id and message.string and not message.fuzzy}
    return lambda text: done.get(text, text)


def before_number(sentence):
    """The words of a sentence that ends with a call link, without the number."""
    return sentence.split("%(helpline)s")[0].strip()


@pytest.fixture(scope="module")
def bfcache_browser(playwright_instance):
    # The back-forward cache, which Playwright turns off unless told not to (the session's browser has it off,
    # so there Back reloads the page from history, giving its fields back).
    browser = launch_browser(playwright_instance, keep_back_forward_cache=True)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    # The worker is blocked except where a test says otherwise: it has nothing to do with the answers.
    context = browser.new_context(service_workers="block")
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def open_questions(page, server, lang="en"):
    page.goto(server.url + PATH.format(lang=lang))
    # Shown by the script once it has run.
    expect(page.locator(".js-check-answers").first).to_be_visible()
    return page


def answer(page, number, value):
    page.locator(f'input[name="q{number}"][value="{value}"]').check()


def meanings_shown(page):
    return page.locator(f"{RESULT} .js-result-meanings li")


def call_links(locator):
    return sorted(locator.locator('a[href^="tel:"]').evaluate_all("(links) => links.map((a) => a.getAttribute('href'))"))


def test_any_yes_shows_the_help_the_helpline_and_999_and_what_that_answer_can_mean(page, live_server):
    open_questions(page, live_server)
    result = page.locator(RESULT)
    assert result.get_attribute("role") == "status"
    expect(result).to_be_empty()
    # With the script, the help waits for an answer: the list's own meanings and help are hidden.
    expect(page.locator(".js-check-static")).to_be_hidden()
    expect(page.get_by_text(QUESTIONS[3][2])).to_be_hidden()

    answer(page, 4, "yes")
    expect(result.get_by_role("heading", name="What your answers can mean")).to_be_visible()
    expect(result).to_contain_text(YES_ME)
    expect(meanings_shown(page)).to_have_text([QUESTIONS[3][2]])
    assert call_links(result) == sorted([CALL_999, CALL_HELPLINE])
    expect(result.get_by_role("link", name=f"Call the Modern Slavery Helpline, {HELPLINE_DISPLAY}")).to_be_visible()
    expect(result.get_by_role("link", name="Call the police in an emergency, 999")).to_be_visible()

    # Each "yes" adds its meaning, in the questions' order; a "yes" changed to "no" takes its meaning away.
    answer(page, 2, "yes")
    answer(page, 3, "no")
    expect(meanings_shown(page)).to_have_text([QUESTIONS[1][2], QUESTIONS[3][2]])
    answer(page, 4, "no")
    expect(meanings_shown(page)).to_have_text([QUESTIONS[1][2]])
    answer(page, 2, "no")
    expect(result).to_be_empty()


def test_no_to_every_question_says_the_helpline_can_still_talk_it_through(page, live_server):
    open_questions(page, live_server)
    result = page.locator(RESULT)
    for number in range(1, len(QUESTIONS)):
        answer(page, number, "no")
    expect(result).to_be_empty()  # not every question is answered yet
    answer(page, len(QUESTIONS), "no")
    expect(result).to_contain_text(before_number(NO_ME))
    assert call_links(result) == [CALL_HELPLINE]
    expect(meanings_shown(page)).to_have_count(0)


# Counts the times the region's content is replaced: a screen reader reads a status region again each time.
COUNT_CHANGES = """() => {
  window.regionChanges = 0;
  new MutationObserver(() => { window.regionChanges += 1; })
    .observe(document.querySelector('.js-check-result'), {childList: true, subtree: true, characterData: true});
}"""


def test_the_status_region_changes_only_when_what_it_says_changes(page, live_server):
    open_questions(page, live_server)
    page.evaluate(COUNT_CHANGES)
    changes = lambda: page.evaluate("window.regionChanges")  # noqa: E731 (observer callbacks have run by now)
    answer(page, 1, "yes")
    expect(meanings_shown(page)).to_have_count(1)
    assert changes() == 1
    # The same help, the same meanings: nothing is read again.
    answer(page, 2, "no")
    answer(page, 3, "no")
    answer(page, 1, "yes")
    assert changes() == 1
    answer(page, 5, "yes")
    expect(meanings_shown(page)).to_have_count(2)
    assert changes() == 2


@pytest.mark.parametrize("lang", ONE_PER_SCRIPT)
def test_the_someone_else_version_asks_about_this_person_and_answers_for_them(page, live_server, lang):
    _ = translator(lang)
    open_questions(page, live_server, lang)
    legends = page.locator(".js-check-question legend")
    result = page.locator(RESULT)
    expect(legends).to_have_text([_(me) for me, _other, _meaning in QUESTIONS], use_inner_text=True)

    page.get_by_role("radio", name=_("Someone else"), exact=True).check()
    expect(legends).to_have_text([_(other) for _me, other, _meaning in QUESTIONS], use_inner_text=True)
    answer(page, 1, "yes")
    expect(result).to_contain_text(_(YES_OTHER))
    expect(result).to_contain_text(_(DO_NOT_TELL))
    expect(meanings_shown(page)).to_have_text([_(QUESTIONS[0][2])])
    assert call_links(result) == sorted([CALL_999, CALL_HELPLINE])

    # Back to "me": the questions and the help speak to the person again.
    page.get_by_role("radio", name=_("Me"), exact=True).check()
    expect(legends).to_have_text([_(me) for me, _other, _meaning in QUESTIONS], use_inner_text=True)
    expect(result).to_contain_text(_(YES_ME))
    expect(result).not_to_contain_text(_(DO_NOT_TELL))

    page.get_by_role("radio", name=_("Someone else"), exact=True).check()
    for number in range(1, len(QUESTIONS) + 1):
        answer(page, number, "no")
    expect(result).to_contain_text(before_number(_(NO_OTHER)))
    assert call_links(result) == [CALL_HELPLINE]


def answer_some(page):
    page.get_by_role("radio", name="Someone else", exact=True).check()
    answer(page, 1, "yes")
    answer(page, 2, "no")
    expect(meanings_shown(page)).to_have_count(1)


ANSWERS_LEFT = """() => ({
  checked: [...document.querySelectorAll('.js-check input:checked')].map((input) => input.name + '=' + input.value),
  result: document.querySelector('.js-check-result').textContent.trim(),
  forOther: [...document.querySelectorAll('.js-for-other')].filter((text) => !text.hidden).length,
})"""
NOTHING_LEFT = {"checked": ["who=me"], "result": "", "forOther": 0}


def test_answers_are_cleared_when_back_loads_the_page_again(page, live_server):
    """A reload, as Chromium does it. Chromium gives no fields back on a plain reload (page.reload() or
    location.reload(), measured), but on Back without the back-forward cache (off in this browser, as when a
    phone is short of memory) it loads the page again from history and gives the fields back, unless told not to."""
    open_questions(page, live_server)
    answer_some(page)
    page.goto(live_server.url + "/en/get-help")
    page.go_back()
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "back_forward"
    expect(page.locator(".js-check-answers").first).to_be_visible()
    assert page.evaluate(ANSWERS_LEFT) == NOTHING_LEFT


RESTORES = "addEventListener('pageshow', (event) => console.log('pageshow persisted=' + event.persisted));"


def test_answers_are_cleared_when_the_page_comes_back_from_the_back_forward_cache(bfcache_browser, live_server, request):
    context = bfcache_browser.new_context(service_workers="block")
    request.addfinalizer(context.close)
    context.add_init_script(RESTORES)
    page = context.new_page()
    open_questions(page, live_server)
    answer_some(page)
    page.goto(live_server.url + "/en/get-help")
    # Chromium repeats a restored page's earlier console messages ("persisted=false" from its first load).
    try:
        with page.expect_console_message(lambda message: message.text == "pageshow persisted=true", timeout=10_000):
            page.go_back(wait_until="commit")  # a restored page has no load event
    except TimeoutError:
        raise AssertionError("the page was not restored from the back-forward cache") from None
    assert page.evaluate(ANSWERS_LEFT) == NOTHING_LEFT


# Once the exit has been clicked (a listener on window runs after the exit's own, on document), the page
# reports what is left of the answers, again and again while the old document is still there. Playwright's own
# evaluate would wait for the pending navigation.
REPORT_AFTER_CLICK = """addEventListener('click', () => {
  const report = () => console.log('left ' + JSON.stringify((ANSWERS_LEFT)()));
  report();
  setInterval(report, 100);
}, {once: true});""".replace("ANSWERS_LEFT", ANSWERS_LEFT)


def test_the_exit_clears_the_answers_before_the_neutral_site_answers(page, live_server):
    held = []
    page.route(NEUTRAL, lambda route: held.append(route))
    samples = []  # (whether the neutral site's answer was held by then, what was left)
    page.on("console", lambda message: message.text.startswith("left ") and samples.append(
        (bool(held), json.loads(message.text.removeprefix("left ")))))
    open_questions(page, live_server)
    answer_some(page)
    page.evaluate(REPORT_AFTER_CLICK)
    page.get_by_role("link", name="Exit this page").click(no_wait_after=True)
    while not [left for while_held, left in samples if while_held]:
        page.wait_for_event("console", timeout=10_000)
    assert [left for _, left in samples] == [NOTHING_LEFT] * len(samples)
    held[0].fulfill(body="<!doctype html><title>Weather</title>", content_type="text/html")
    page.wait_for_url(NEUTRAL)


SCRIPTS_SETTLED = """() => {
  const panel = document.querySelector('.js-offline');
  return !panel.hidden && document.querySelector('.js-offline-state').textContent === panel.dataset.i18nReady;
}"""
STORED = """async () => ({
  local: Object.entries(localStorage), session: Object.entries(sessionStorage), cookie: document.cookie,
  databases: (await indexedDB.databases()).map((database) => database.name).sort(),
  cached: (await Promise.all((await caches.keys()).map(async (name) =>
    (await (await caches.open(name)).keys()).map((request) => name + ' ' + request.url)))).flat().sort(),
  url: location.href, history: history.length,
})"""


def test_answering_sends_and_stores_nothing(browser, live_server):
    # With the service worker running (its requests are the context's too), once it has saved the language.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(live_server.url + PATH.format(lang="en"))
        page.wait_for_function(SCRIPTS_SETTLED, timeout=120_000)
        before = page.evaluate(STORED)
        requests = []
        context.on("request", lambda request: requests.append(request.url))

        page.get_by_role("radio", name="Someone else", exact=True).check()
        answer(page, 1, "yes")
        answer(page, 4, "yes")
        page.locator('input[name="q2"][value="no"]').focus()
        page.keyboard.press("Enter")  # Enter in a radio group submits nothing
        expect(meanings_shown(page)).to_have_count(2)
        # As a browser that submits a form on Enter would: the form must stay where it is.
        page.evaluate("document.querySelector('.js-check').requestSubmit()")
        for number in range(1, len(QUESTIONS) + 1):
            answer(page, number, "no")
        expect(page.locator(RESULT)).to_contain_text(before_number(NO_OTHER))
        page.get_by_role("button", name="Clear my answers").click()
        expect(page.locator(RESULT)).to_be_empty()

        # A request the page makes last: once it is seen, any request answering made before it has been seen.
        with context.expect_event("request", lambda request: "/after-answering" in request.url):
            page.evaluate("fetch('/after-answering').catch(() => {})")
        assert [url for url in requests if "/after-answering" not in url] == []
        after = page.evaluate(STORED)
        assert after == before
        assert after["url"] == live_server.url + PATH.format(lang="en")
        assert after["local"] == after["session"] == [] and after["cookie"] == ""
        assert context.cookies() == []
    finally:
        context.close()


def focused(page):
    """What has the focus; it must show a visible outline, clear of the fixed exit bar."""
    state = page.evaluate("""() => {
      const e = document.activeElement;
      const style = getComputedStyle(e);
      return {
        name: e.type === 'radio' ? e.name + '=' + e.value : e.textContent.trim(),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        underTheBar: e.getBoundingClientRect().bottom > document.querySelector('.exit-bar').getBoundingClientRect().top,
        inTheQuestions: Boolean(e.closest('.js-check')),
      };
    }""")
    if state["inTheQuestions"]:
        assert state["outline"] and not state["underTheBar"], state
    return state["name"]


def checked(page):
    return page.evaluate("[...document.querySelectorAll('.js-check input:checked')].map((i) => i.name + '=' + i.value)")


def test_every_answer_is_reached_and_chosen_by_keyboard_alone(page, live_server):
    open_questions(page, live_server)
    for _ in range(30):
        page.keyboard.press("Tab")
        if focused(page) == "who=me":
            break
    else:
        raise AssertionError("Tab never reached the choice of who the questions are about")
    page.keyboard.press("ArrowDown")
    assert checked(page) == ["who=other"]
    expect(page.locator(".js-for-other").first).to_be_visible()
    for number in range(1, len(QUESTIONS) + 1):
        page.keyboard.press("Tab")
        assert focused(page) == f"q{number}=yes"
        page.keyboard.press("Space")
        assert f"q{number}=yes" in checked(page)
        # The arrow keys move within a question, choosing as they go.
        page.keyboard.press("ArrowDown")
        assert f"q{number}=no" in checked(page)
        if number % 2:
            page.keyboard.press("ArrowUp")
            assert f"q{number}=yes" in checked(page)
    expect(meanings_shown(page)).to_have_count(len(QUESTIONS) // 2)
    page.keyboard.press("Tab")
    assert focused(page) == "Clear my answers"
    page.keyboard.press("Enter")
    expect(page.locator(RESULT)).to_be_empty()
    assert checked(page) == ["who=me"]


def test_without_javascript_the_page_is_the_list_with_each_meaning_and_the_numbers(browser, live_server):
    context = browser.new_context(java_script_enabled=False, service_workers="block")
    try:
        page = context.new_page()
        page.goto(live_server.url + PATH.format(lang="en"))
        items = page.locator(".js-check-question")
        expect(items).to_have_text([f"{me} {meaning}" for me, _other, meaning in QUESTIONS], use_inner_text=True)
        expect(page.get_by_role("radio")).to_have_count(0)  # hidden ones are not counted by role
        expect(page.get_by_role("button", name="Clear my answers")).to_be_hidden()
        expect(page.locator(RESULT)).to_be_empty()
        help_now = page.locator(".js-check-static")
        expect(help_now).to_be_visible()
        assert call_links(help_now) == sorted([CALL_999, CALL_HELPLINE])
        expect(help_now.get_by_role("link", name=f"Call the Modern Slavery Helpline, {HELPLINE_DISPLAY}")).to_be_visible()
    finally:
        context.close()
