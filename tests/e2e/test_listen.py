"""Listen in Chromium: shown only with a voice of the device for the page's language; reads what a person sees in
<main>, block by block, numbers digit by digit; and any exit, leaving the page or the Stop button silences it.

Debian's Chromium has no voices, so each test stands in for the device's speech: FAKE_SPEECH replaces
`speechSynthesis` with voices the test chooses, records every `speak` and `cancel` (with what the page looked
like at that moment), and ends an utterance only when the test says so.
"""
import json
import time
import tomllib

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from webapp import create_app
from webapp.config import Config

from ..support.servers import LiveServer, NeutralSite

CONTROLS = ".js-listen-controls"
MARKED = ".is-being-read"

FAKE_SPEECH = """
(() => {
  const config = CONFIG;
  const documentId = Math.random().toString(36).slice(2);
  const log = [];
  const record = (kind, details) => {
    const entry = Object.assign({
      kind, document: documentId, path: location.pathname,
      // What a person could see when it happened: the exit hides the page and blanks the title.
      pageHidden: document.documentElement.classList.contains("is-exiting") || !document.body
        || document.body.hidden || document.title === "",
      visibility: document.visibilityState,
    }, details);
    log.push(entry);
    // Sent at once, so a record made as the exit starts arrives though the page then leaves.
    if (window.recordSpeech) window.recordSpeech(entry);
    // Playwright drops a report from a page that is already being replaced (pagehide): the next page of the
    // tab, on the same origin, finds it here.
    try {
      const kept = JSON.parse(sessionStorage.getItem("test-speech-log") || "[]");
      sessionStorage.setItem("test-speech-log", JSON.stringify(kept.concat([entry])));
    } catch (error) { /* storage off: the binding's records remain */ }
  };
  const fire = (target, type, details) => {
    const event = new Event(type);
    Object.assign(event, details || {});
    target.dispatchEvent(event);
    if (typeof target["on" + type] === "function") target["on" + type](event);
  };

  class Utterance extends EventTarget {
    constructor(text) {
      super();
      Object.assign(this, {text: text || "", lang: "", voice: null, rate: 1, pitch: 1, volume: 1,
                           onstart: null, onend: null, onerror: null});
    }
  }

  class Synthesis extends EventTarget {
    constructor() {
      super();
      // The device's voices: one list for every page, or a list per language (the address's first part).
      const voices = config.voices;
      this.voices = Array.isArray(voices) ? voices : voices[location.pathname.split("/")[1]] || [];
      this.queue = [];
      this.current = null;
      this.started = 0;
      this.onvoiceschanged = null;
    }
    get speaking() { return this.current !== null; }
    get pending() { return this.queue.length > 0; }
    get paused() { return false; }
    getVoices() { return this.voices.slice(); }
    speak(utterance) {
      record("speak", {text: utterance.text, lang: utterance.lang, voice: utterance.voice && utterance.voice.name});
      this.queue.push(utterance);
      if (!this.current) this.next();
    }
    next() {
      const utterance = this.current = this.queue.shift() || null;
      if (!utterance) return;
      setTimeout(() => {
        if (this.current !== utterance) return;
        this.started += 1;
        fire(utterance, "start");
      });
    }
    // The test's "this utterance has been said".
    finish() {
      const utterance = this.current;
      this.current = null;
      if (utterance) fire(utterance, "end");
      // The page may have spoken again on "end".
      if (!this.current) this.next();
    }
    // As Safari does: a cancelled utterance ends (Chrome fails it), so a reader must not take "end" as
    // "go on" when the page is leaving.
    cancel() {
      record("cancel", {});
      const cancelled = [this.current].concat(this.queue).filter(Boolean);
      this.current = null;
      this.queue = [];
      setTimeout(() => cancelled.forEach((utterance) => fire(utterance, "end")));
    }
    pause() {}
    resume() {}
    setVoices(voices) {
      this.voices = voices;
      fire(this, "voiceschanged");
    }
  }

  const synthesis = new Synthesis();
  Object.defineProperty(window, "speechSynthesis", {value: synthesis, configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance, configurable: true});
  window.fakeSpeech = {synthesis, log};
})();
"""


def voice(lang, name=None, local=True, default=False):
    kind = "local" if local else "network"
    return {"name": name or f"{kind} {lang}", "lang": lang, "localService": local, "default": default,
            "voiceURI": name or f"{kind} {lang}"}


def spelled(number):
    """A phone number as the requirement says it is read: digit by digit, a pause between its groups."""
    return ", ".join(" ".join(group) for group in number.split())


def shown_numbers():
    """Each number as a page shows it (the content data, not the script), with how it must be said."""
    with open(Config.HELPLINES_FILE, "rb") as file:
        lines = tomllib.load(file)
    displays = [entry["display"] for entry in _entries(lines)]
    return {display: spelled(display) for display in displays}


def _entries(data):
    if isinstance(data, dict):
        if "display" in data:
            yield data
        for value in data.values():
            yield from _entries(value)
    elif isinstance(data, list):
        for value in data:
            yield from _entries(value)


def translated(lang, text):
    """`text` as the page's catalog has it (English where not yet translated), read from the .po itself."""
    if lang == "en":
        return text
    with open(f"translations/{lang.replace('-', '_')}/LC_MESSAGES/messages.po", "rb") as file:
        strings = {message.id: message.string for message in read_po(file) if message.id}
    return strings.get(text) or text


class Speech:
    """Every speak and cancel of every page of a context, as the pages reported them."""

    def __init__(self, context, voices):
        self.records = []
        context.expose_binding("recordSpeech", lambda source, entry: self.records.append(entry))
        context.add_init_script(FAKE_SPEECH.replace("CONFIG", json.dumps({"voices": voices})))

    def wait_for(self, page, condition, message, seconds=10):
        """Waits for the records to reach a state; the page is pumped so its reports arrive."""
        deadline = time.monotonic() + seconds
        while not condition(self.records):
            assert time.monotonic() < deadline, f"{message}: {self.records}"
            page.wait_for_timeout(50)


@pytest.fixture(scope="module")
def neutral():
    with NeutralSite() as site:
        yield site


@pytest.fixture(scope="module")
def waymark(neutral):
    with LiveServer(create_app({"TESTING": True, "QUICK_EXIT_URL": neutral.exit_url})) as server:
        yield server


@pytest.fixture
def new_context(browser):
    contexts = []

    def make(voices, **options):
        context = browser.new_context(service_workers="block", **options)
        contexts.append(context)
        return context, Speech(context, voices)

    yield make
    for context in contexts:
        context.close()


def open_page(context, address, decision):
    page = context.new_page()
    page.goto(address)
    expect(page.locator(CONTROLS)).to_have_attribute("data-listen", decision)
    return page


# Put into <main> before reading: nothing of it is seen, so nothing of it may be said. (Styles are set through
# the CSSOM: the page's CSP refuses style attributes.)
UNSEEN = """
const main = document.querySelector("main");
main.insertAdjacentHTML("beforeend", `
  <p hidden>unseen-hidden</p>
  <p aria-hidden="true">unseen-aria-hidden</p>
  <p>Seen words. <span class="visually-hidden">unseen-visually-hidden</span></p>
  <p class="test-display-none">unseen-display-none</p>
  <p class="test-visibility-hidden">unseen-visibility-hidden</p>
  <details><summary>Seen summary</summary><p>unseen-closed-details</p></details>
  <p><label>Seen label <input value="unseen-input"></label> <button type="button">unseen-button</button>
     <textarea>unseen-textarea</textarea> <select><option>unseen-option</option></select></p>`);
main.querySelector(".test-display-none").style.display = "none";
main.querySelector(".test-visibility-hidden").style.visibility = "hidden";
"""

# What a person sees in <main>, a line per block, once the unseen and the controls are taken out and each
# call button's number is written as it must be said. Done to the page after it has been read. innerText puts
# each item of a flex box on a line of its own, where a person reads one line (a choice whose title holds
# English words, in a span of their own): those boxes are laid out as blocks first, which shows the same line.
SEEN_LINES = """
(numbers) => {
  const main = document.querySelector("main");
  main.querySelectorAll("*").forEach((element) => {
    if (getComputedStyle(element).display === "flex") element.style.display = "block";
  });
  main.querySelectorAll(".visually-hidden, [hidden], [aria-hidden='true'], input, textarea, select, button")
    .forEach((element) => element.remove());
  main.querySelectorAll("a.call bdi").forEach((number) => { number.textContent = numbers[number.textContent]; });
  return main.innerText.split("\\n").map((line) => line.replace(/\\s+/g, " ").trim()).filter(Boolean);
}
"""

# The marked block as a person sees it: without its visually hidden text, its number as it must be said.
MARKED_TEXT = """
(numbers) => {
  const marked = [...document.querySelectorAll(".is-being-read")];
  return marked.map((element) => {
    const copy = element.cloneNode(true);
    copy.querySelectorAll(".visually-hidden").forEach((part) => part.remove());
    const bdis = copy.matches("a.call") ? [copy.querySelector("bdi")] : [...copy.querySelectorAll("a.call bdi")];
    bdis.forEach((number) => { number.textContent = numbers[number.textContent]; });
    return copy.textContent.replace(/\\s+/g, " ").trim();
  });
}
"""


@pytest.mark.parametrize("lang, slug, voices", [
    ("en", "get-help", [voice("fr-FR"), voice("en-GB", local=False), voice("en_GB")]),
    ("ar", "", [voice("ar-SA")]),
], ids=["en", "ar"])
def test_listen_reads_what_a_person_sees_in_main_block_by_block(new_context, waymark, lang, slug, voices):
    context, speech = new_context(voices)
    page = open_page(context, f"{waymark.url}/{lang}/{slug}", "ready")
    chosen = voices[-1]
    numbers = shown_numbers()
    listen, stop = translated(lang, "Listen"), translated(lang, "Stop reading")
    exit_text = page.locator(".js-quick-exit").inner_text()
    page.evaluate(UNSEEN)
    button = page.get_by_role("button", name=listen)
    expect(button).to_be_visible()
    # By keyboard, as a person without a mouse would; focus stays where the person put it.
    button.focus()
    page.keyboard.press("Enter")
    said = []
    while True:
        # Each block is said after the one before it has been said.
        page.wait_for_function("n => fakeSpeech.synthesis.started === n || !fakeSpeech.synthesis.current",
                               arg=len(said) + 1)
        spoken = [entry for entry in page.evaluate("fakeSpeech.log") if entry["kind"] == "speak"]
        if len(spoken) == len(said):
            break
        utterance = spoken[-1]
        said.append(utterance["text"])
        assert utterance["voice"] == chosen["name"] and utterance["lang"].replace("_", "-") == \
            chosen["lang"].replace("_", "-"), utterance
        expect(page.locator(CONTROLS).get_by_role("button")).to_have_text(stop)
        assert page.evaluate("document.activeElement.matches('.js-listen')"), "focus moved"
        assert page.evaluate(MARKED_TEXT, numbers) == [utterance["text"]], "the marked block is not the one said"
        page.evaluate("fakeSpeech.synthesis.finish()")
    expect(page.locator(CONTROLS).get_by_role("button")).to_have_text(listen)
    expect(page.locator(MARKED)).to_have_count(0)
    assert page.evaluate("document.activeElement.matches('.js-listen')"), "focus moved"

    seen = page.evaluate(SEEN_LINES, numbers)
    assert said == [line for line in seen if line != listen]
    assert not [text for text in said if "unseen" in text or exit_text in text]
    assert "Seen summary" in said and "Seen label" in said
    if lang == "en":
        assert "0 8 0 0 0, 1 2 1, 7 0 0" in said, "the helpline is not read in its digit groups"


AXE_RULES = [{"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
              "resultTypes": ["violations"]},
             {"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}, "resultTypes": ["violations"]}]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_while_reading_the_button_and_the_marked_block_pass_axe(new_context, waymark, scheme):
    # The accessibility suite's Chromium has no voice, so it never sees the button shown or a block marked.
    context, speech = new_context([voice("en-GB")], color_scheme=scheme)
    page = open_page(context, f"{waymark.url}/en/", "ready")
    page.locator(CONTROLS).get_by_role("button").click()
    # Read on to the first list item, which holds a call button, on the grey of the "Are you safe now?" box:
    # normal-sized text, as most blocks are (a heading's large text needs less contrast).
    for said in range(1, 10):
        page.wait_for_function("n => fakeSpeech.synthesis.started === n", arg=said)
        if page.evaluate("document.querySelector('.is-being-read').matches('li')"):
            break
        page.evaluate("fakeSpeech.synthesis.finish()")
    expect(page.locator(f"li{MARKED}")).to_have_count(1)
    axe = Axe()
    for rules in AXE_RULES:
        violations = axe.run(page, options=rules).response["violations"]
        assert not violations, [(v["id"], [node["target"] for node in v["nodes"][:3]]) for v in violations]


def test_the_button_stops_reading(new_context, waymark):
    context, speech = new_context([voice("en-GB")])
    page = open_page(context, f"{waymark.url}/en/get-help", "ready")
    button = page.locator(CONTROLS).get_by_role("button")
    button.click()
    page.wait_for_function("fakeSpeech.synthesis.started === 1")
    expect(button).to_have_text("Stop reading")
    button.click()
    expect(button).to_have_text("Listen")
    expect(page.locator(MARKED)).to_have_count(0)
    log = page.evaluate("fakeSpeech.log")
    assert [entry["kind"] for entry in log] == ["speak", "cancel"], log
    # The cancelled utterance ends (as in Safari): that is no reason to read on.
    page.evaluate("new Promise((done) => setTimeout(done))")
    page.evaluate("new Promise((done) => setTimeout(done))")
    assert [entry["kind"] for entry in page.evaluate("fakeSpeech.log")] == ["speak", "cancel"]
    expect(button).to_have_text("Listen")


# For each page language: the voices the device has, and the one that must read (None: no Listen button).
# Every voice is local unless it says otherwise. The first set is the device's at load; the rest arrive later
# through "voiceschanged", each after a state that differs from the one expected, so each decision is seen.
MATCHES = {
    "en": [
        ([voice("en-GB", local=False)], None),
        ([], None),
        ([voice("fr-FR"), voice("en-US", local=False)], None),
        ([voice("en_GB")], "local en_GB"),
        ([voice("en-US", local=False), voice("de-DE"), voice("en-us")], "local en-us"),
    ],
    "ti": [
        ([voice("en-GB"), voice("en-US", default=True)], None),
        ([voice("am-ET"), voice("ar-ER")], None),
        ([voice("ti-ER")], "local ti-ER"),
    ],
    "zh-Hans": [
        ([voice("zh-TW"), voice("zh-HK"), voice("cmn-Hant-TW")], None),
        ([voice("zh")], None),
        ([voice("zh-CN")], "local zh-CN"),
        ([voice("zh-SG")], "local zh-SG"),
        ([voice("cmn-Hans-CN")], "local cmn-Hans-CN"),
        ([voice("zh_CN")], "local zh_CN"),
        ([voice("zh-TW"), voice("zh-CN")], "local zh-CN"),
    ],
    "zh-Hant": [
        ([voice("zh-CN")], None),
        ([voice("cmn-Hans-CN"), voice("zh-SG"), voice("zh")], None),
        ([voice("zh-TW")], "local zh-TW"),
        ([voice("zh-HK")], "local zh-HK"),
        ([voice("zh-MO")], "local zh-MO"),
        ([voice("cmn-Hant-TW")], "local cmn-Hant-TW"),
        ([voice("zh-CN"), voice("zh_TW")], "local zh_TW"),
    ],
    "fa-AF": [
        ([voice("ps-AF"), voice("ar-SA"), voice("fa-IR", local=False)], None),
        ([voice("fa-IR")], "local fa-IR"),
    ],
    "fil": [
        ([voice("en-PH")], None),
        ([voice("fil-PH")], "local fil-PH"),
        ([voice("tl-PH")], "local tl-PH"),
    ],
    "ckb": [
        ([voice("ku-TR"), voice("ku")], None),
        ([voice("ckb-IQ")], "local ckb-IQ"),
    ],
    "ku": [
        ([voice("ckb-IQ"), voice("ckb")], None),
        ([voice("ku-TR")], "local ku-TR"),
    ],
    "pa": [
        ([voice("pa-PK"), voice("pa-Arab"), voice("pa-Arab-PK"), voice("ur-PK")], None),
        ([voice("pa-IN")], "local pa-IN"),
        ([voice("pa-Guru-IN")], "local pa-Guru-IN"),
    ],
}
# A voice that fits each page language, to step through between two sets that must both give no button.
FITS = {"en": "en-GB", "ti": "ti-ER", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "fa-AF": "fa-AF", "fil": "fil-PH",
        "ckb": "ckb-IQ", "ku": "ku-TR", "pa": "pa-IN"}


# The device's voices change (as when voices arrive after the page, with "voiceschanged"), first to a set that
# gives the other decision, so a decision not taken again cannot pass for the right one; then what Listen
# decides, and the voice it reads with when it is shown.
CHANGE_VOICES = """
async ([before, voices]) => {
  const controls = document.querySelector(".js-listen-controls");
  const button = controls.querySelector("button");
  const settled = () => new Promise((done) => setTimeout(done));
  fakeSpeech.synthesis.setVoices(before);
  await settled();
  const result = {before: controls.getAttribute("data-listen")};
  fakeSpeech.synthesis.setVoices(voices);
  await settled();
  Object.assign(result, {decision: controls.getAttribute("data-listen"), shown: controls.checkVisibility()});
  if (result.shown) {
    const from = fakeSpeech.log.length;
    button.click();
    const said = fakeSpeech.log.slice(from).find((entry) => entry.kind === "speak");
    result.voice = said ? said.voice : null;
    button.click();
    await settled();
  }
  return result;
}
"""


def test_listen_is_shown_only_with_a_local_voice_of_the_page_language(new_context, waymark):
    first_voices = {lang: cases[0][0] for lang, cases in MATCHES.items()}
    assert all(expected is None for _, ((_, expected), *_) in MATCHES.items()), "each starts with no fitting voice"
    context, speech = new_context(first_voices)
    page = context.new_page()
    for lang, ((_, _), *later) in MATCHES.items():
        # The offline page has Listen too, where the device has a voice.
        page.goto(f"{waymark.url}/{lang}/offline")
        controls = page.locator(CONTROLS)
        expect(controls).to_have_attribute("data-listen", "no-voice")
        expect(controls).to_be_hidden()
        for voices, expected in later:
            before = [voice(FITS[lang])] if expected is None else []
            result = page.evaluate(CHANGE_VOICES, [before, voices])
            case = (lang, [v["name"] for v in voices])
            assert result["before"] == ("ready" if expected is None else "no-voice"), case
            if expected is None:
                assert result == {"before": "ready", "decision": "no-voice", "shown": False}, case
            else:
                assert result == {"before": "no-voice", "decision": "ready", "shown": True, "voice": expected}, case
        expect(controls.get_by_role("button")).to_have_text(translated(lang, "Listen"))


def reading(context, speech, address):
    """A page of `context` reading aloud, its first block started and not yet said."""
    page = open_page(context, address, "ready")
    page.locator(CONTROLS).get_by_role("button").click()
    page.wait_for_function("fakeSpeech.synthesis.started === 1")
    speech.wait_for(page, lambda records: any(r["kind"] == "speak" for r in records), "nothing was said")
    return page


def assert_silenced_before_hidden(speech, page, document):
    """The first cancel after speaking began came while the page could still be seen, and nothing was said after."""
    def cancelled(records):
        mine = [r for r in records if r["document"] == document]
        first_speak = next(i for i, r in enumerate(mine) if r["kind"] == "speak")
        return any(r["kind"] == "cancel" for r in mine[first_speak:])
    # A cancel made later, as the page is replaced (pagehide), never arrives: Playwright drops it.
    speech.wait_for(page, cancelled, "the exit did not cancel speech while the page was still there")
    mine = [r for r in speech.records if r["document"] == document]
    first_speak = next(i for i, r in enumerate(mine) if r["kind"] == "speak")
    after = mine[first_speak + 1:]
    cancel = next(r for r in after if r["kind"] == "cancel")
    assert not cancel["pageHidden"], "the page was hidden before speech stopped"
    assert not [r for r in after[after.index(cancel):] if r["kind"] == "speak"], "something was said after the exit"


def document_of(page):
    return page.evaluate("fakeSpeech.log[0].document")


def exit_by_click(page, other):
    page.get_by_role("link", name="Exit this page").click(no_wait_after=True)


def exit_by_shift(page, other):
    for _ in range(3):
        page.keyboard.press("Shift")


def exit_in_another_tab(page, other):
    other.get_by_role("link", name="Exit this page").click(no_wait_after=True)


@pytest.mark.parametrize("leave", [exit_by_click, exit_by_shift, exit_in_another_tab],
                         ids=["click", "shift-three-times", "another-tab"])
def test_the_exit_stops_speech_before_anything_else(new_context, waymark, neutral, leave):
    context, speech = new_context([voice("en-GB")])
    page = reading(context, speech, f"{waymark.url}/en/get-help")
    other = open_page(context, f"{waymark.url}/en/", "ready") if leave is exit_in_another_tab else None
    document = document_of(page)
    # The neutral site answers slowly, so the page is still there to say more if anything let it.
    neutral.delay = 1
    try:
        leave(page, other)
        page.wait_for_url(neutral.exit_url)
    finally:
        neutral.delay = 0
    assert_silenced_before_hidden(speech, page, document)


def test_leaving_the_page_stops_speech(new_context, waymark):
    context, speech = new_context([voice("en-GB")])
    page = reading(context, speech, f"{waymark.url}/en/get-help")
    document = document_of(page)
    page.locator("footer").get_by_role("link", name="About Waymark and our sources").click()
    page.wait_for_url(f"{waymark.url}/en/about")
    expect(page.locator(CONTROLS)).to_have_attribute("data-listen", "ready")
    kept = page.evaluate("JSON.parse(sessionStorage.getItem('test-speech-log'))")
    left = [record["kind"] for record in kept if record["document"] == document]
    assert left[-1] == "cancel", f"leaving the page did not stop speech: {left}"
    expect(page.locator(CONTROLS).get_by_role("button")).to_have_text("Listen")


def test_the_lite_view_has_no_listen(client):
    for address in ["/en/lite/", "/en/lite/get-help", "/ar/lite/offline"]:
        page = client.get(address).get_data(as_text=True)
        assert "js-listen" not in page and "Stop reading" not in page, address
