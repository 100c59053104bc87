"""Installable and offline-first, in Chromium: after one visit every page of the language opens with no signal,
on a signal that answers nothing, and in the lite view; saving is quick, once, and only when allowed."""
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from webapp import create_app
from webapp.pages import SLUGS

from ..support.browser import launch_options
from ..support.catalogs import languages_file
from ..support.gunicorn import Gunicorn
from ..support.servers import LiveServer, NeutralSite

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_PAGES = ["/en/"] + [f"/en/{slug}" for slug in SLUGS]
READY = "Ready to work offline"
OFFLINE_TITLE = "You are offline"


@pytest.fixture
def server():
    """A Waymark of its own per test: workers and caches from one test must not leak into another."""
    with LiveServer(create_app({"TESTING": True})) as live:
        yield live


def headings(app, paths):
    """Each page's h1 as the server sends it online: what the saved copy must show offline."""
    client = app.test_client()
    return {path: BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser").h1.get_text() for path in paths}


# The first /sw.js of a server renders and compresses every page of every language: slow on a busy machine.
FIRST_SAVE_MS = 120_000


def wait_until_saved(page):
    page.locator(".js-offline-state", has_text=READY).wait_for(timeout=FIRST_SAVE_MS)


def wait_for(page, condition, timeout=10):
    """Wait until `condition()` holds, checking the state again every 100 ms (letting the page's events in)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def worker_version(page):
    """The version of the worker that controls the page, asked through a message."""
    return page.evaluate("""() => new Promise((resolve) => {
        navigator.serviceWorker.addEventListener("message", (event) => {
            if (event.data.type === "status") resolve(event.data.version);
        });
        navigator.serviceWorker.controller.postMessage({type: "status"});
    })""")


def saved_addresses(page):
    """Every address in Waymark's caches, as paths."""
    return page.evaluate("""async () => {
        const paths = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) paths.push(new URL(request.url).pathname);
        }
        return paths;
    }""")


def pages_fetched(server, start=0):
    """Page addresses the server was asked for since `start` (the worker's update checks of /sw.js aside:
    Chromium makes them from the browser itself, outside the page's offline emulation)."""
    return [path for path in server.paths[start:] if path != "/sw.js"]


def open_saving_data(context, server):
    """/en/get-help in the full view with Save-Data on, once its "Save for offline use" button shows: the
    button shows once the worker has answered the page's status message, which starts any save."""
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setDataSaverOverride", {"dataSaverEnabled": True})
    page.goto(server.url + "/en/get-help?view=full")
    button = page.get_by_role("button", name="Save for offline use")
    button.wait_for(timeout=FIRST_SAVE_MS)
    return page, button


def updates_file(tmp_path, title):
    """A copy of the updates data with one more (newest) item, so the Updates page shows `title`."""
    path = tmp_path / f"updates-{abs(hash(title))}.toml"
    path.write_text((ROOT / "content" / "updates.toml").read_text() +
                    f'\n[[update]]\ndate = 2026-12-01\ntitle = "{title}"\nparagraphs = ["{title}."]\n')
    return str(path)


def test_chromium_reports_no_installability_error(playwright_instance, server, tmp_path):
    # A plain context always answers "in-incognito"; a persistent one is a real profile.
    context = playwright_instance.chromium.launch_persistent_context(str(tmp_path), **launch_options(playwright_instance))
    try:
        page = context.new_page()
        page.goto(server.url + "/en/")
        wait_until_saved(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == server.url + "/en/manifest.webmanifest"
        assert manifest["errors"] == []
    finally:
        context.close()


def test_after_one_visit_every_page_opens_offline(context, server):
    online = headings(server.app, ENGLISH_PAGES)
    page = context.new_page()
    page.goto(server.url + "/en/")
    wait_until_saved(page)
    # The saved copy is complete: only now does the person lose the connection.
    context.set_offline(True)
    asked_while_offline = len(server.paths)
    for path in ENGLISH_PAGES:
        response = page.goto(server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").text_content() == online[path], path
    # A lite address opens the saved page of the same slug.
    for lite, plain in (("/en/lite/get-help", "/en/get-help"), ("/en/lite/", "/en/")):
        page.goto(server.url + lite)
        assert page.locator("h1").text_content() == online[plain], lite
    # A page never saved shows the offline page, with the numbers to call and the exit.
    page.goto(server.url + "/en/no-such-page")
    assert page.locator("h1").text_content() == OFFLINE_TITLE
    assert page.locator('a[href="tel:999"]').count() >= 1
    assert page.get_by_role("link", name="Exit this page").get_attribute("href") == "/go"
    assert pages_fetched(server, asked_while_offline) == []


def test_with_the_server_down_saved_pages_still_open(context):
    with LiveServer(create_app({"TESTING": True})) as server:
        paths = ("/en/", "/en/what-happens-when-you-call", "/en/stay-safe-on-your-phone")
        online = headings(server.app, paths)
        page = context.new_page()
        page.goto(server.url + "/en/get-help")
        wait_until_saved(page)
        server.stop()
        for path in paths:
            assert page.goto(server.url + path).status == 200, path
            assert page.locator("h1").text_content() == online[path], path
        page.goto(server.url + "/en/no-such-page")
        assert page.locator("h1").text_content() == OFFLINE_TITLE


def test_addresses_without_their_own_page_open_a_saved_one(context, server):
    """Offline, "/" and "/en" open the saved home page; a language never saved opens the saved language's page."""
    online = headings(server.app, ["/en/", "/en/get-help"])
    page = context.new_page()
    page.goto(server.url + "/en/")
    wait_until_saved(page)
    context.set_offline(True)
    for address in ("/", "/en", "/en/lite"):
        assert page.goto(server.url + address).status == 200, address
        assert page.locator("h1").text_content() == online["/en/"], address
        expect(page.get_by_role("link", name="Exit this page")).to_have_attribute("href", "/go")
    page.goto(server.url + "/ar/get-help")
    assert page.locator("h1").text_content() == online["/en/get-help"]


def test_with_nothing_saved_the_offline_answer_still_has_the_numbers_and_the_exit(context, server):
    page, _ = open_saving_data(context, server)
    context.set_offline(True)
    page.goto(server.url + "/en/about")
    assert page.locator("h1").text_content() == OFFLINE_TITLE
    assert page.locator('a[href="tel:999"]').count() == 1
    assert page.get_by_role("link", name="Exit this page").get_attribute("href") == "/go"


def test_save_data_downloads_nothing_until_asked(context, server):
    server.switch(Recorder(server.app, delay=0.3))  # slow enough to see the progress bar while it shows
    page, button = open_saving_data(context, server)
    assert page.locator(".js-offline-size").text_content().startswith("Download size: about")
    assert [path for path in saved_addresses(page) if not path.startswith("/static/")] == []
    other_pages = [path for path in server.paths if path.startswith("/en/") and path != "/en/get-help"
                   and not path.endswith("manifest.webmanifest")]
    assert other_pages == []
    button.focus()
    page.keyboard.press("Enter")
    # The button hides itself; focus goes to the message that replaced it, which names the progress bar.
    expect(button).to_be_hidden()
    state = page.locator(".js-offline-state")
    expect(state).to_be_focused()
    expect(page.get_by_role("progressbar")).to_have_accessible_name("Saving the pages for offline use.")
    wait_until_saved(page)
    saved = {path for path in server.paths if path.startswith("/en/")}
    assert set(ENGLISH_PAGES) <= saved
    assert page.get_by_role("status").filter(has_text=READY).count() == 1


def test_another_language_can_be_saved_from_the_picker(context, server):
    offered = server.app.extensions["waymark_languages"]
    if "ar" not in offered:
        pytest.fail("Arabic is not offered; the picker test saves it")
    online = headings(server.app, ["/ar/get-help"])
    page = context.new_page()
    page.goto(server.url + "/en/")
    wait_until_saved(page)
    page.locator(".language-picker summary").click()
    page.locator('.js-save-language[data-lang="ar"]').click()
    # The button hides itself; focus stays in its list item, on the language's link.
    expect(page.locator('.language-picker a[hreflang="ar"]')).to_be_focused()
    page.get_by_role("status").filter(has_text="That language is saved").wait_for(timeout=FIRST_SAVE_MS)
    context.set_offline(True)
    page.goto(server.url + "/ar/get-help")
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.locator("h1").text_content() == online["/ar/get-help"]


class Recorder:
    """WSGI middleware: how many pages the worker fetches at once, and how often each, each made slower."""

    def __init__(self, app, delay):
        self.app, self.delay = app, delay
        self.lock = threading.Lock()
        self.in_flight = self.most_at_once = 0
        self.saves = []

    def __call__(self, environ, start_response):
        saving = environ.get("QUERY_STRING") == "view=full"
        if not saving:
            return self.app(environ, start_response)
        with self.lock:
            self.saves.append(environ["PATH_INFO"])
            self.in_flight += 1
            self.most_at_once = max(self.most_at_once, self.in_flight)
        try:
            time.sleep(self.delay)
            return list(self.app(environ, start_response))
        finally:
            with self.lock:
                self.in_flight -= 1


def test_pages_are_saved_several_at_once_and_once_however_many_tabs(context, server):
    recorder = Recorder(server.app, delay=0.4)
    server.switch(recorder)
    first, second = context.new_page(), context.new_page()
    first.goto(server.url + "/en/")
    second.goto(server.url + "/en/get-help")
    wait_until_saved(first)
    wait_until_saved(second)
    assert sorted(recorder.saves) == sorted(path for path in ENGLISH_PAGES)
    assert 4 <= recorder.most_at_once <= 6


def test_online_the_network_answer_is_shown_not_the_saved_copy(context, server, tmp_path):
    page = context.new_page()
    page.goto(server.url + "/en/updates")
    wait_until_saved(page)
    server.switch(create_app({"TESTING": True, "UPDATES_FILE": updates_file(tmp_path, "Fresh news from the server")}))
    page.goto(server.url + "/en/updates")
    expect(page.get_by_role("heading", name="Fresh news from the server")).to_be_visible()


class Stalled:
    """WSGI middleware: answers only after `delay` seconds, like a weak signal."""

    def __init__(self, app, delay):
        self.app, self.delay = app, delay

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] != "/sw.js":
            time.sleep(self.delay)
        return self.app(environ, start_response)


def test_a_slow_network_shows_the_saved_copy_and_its_late_answer_is_saved_for_next_time(context, server, tmp_path):
    page = context.new_page()
    page.goto(server.url + "/en/updates")
    wait_until_saved(page)
    version = worker_version(page)
    newer = create_app({"TESTING": True, "UPDATES_FILE": updates_file(tmp_path, "News that came late")})
    server.switch(Stalled(newer, delay=8))
    # The saved copy, well before the network's answer (8 s).
    page.goto(server.url + "/en/about", timeout=6_000)
    page.goto(server.url + "/en/updates", timeout=6_000)
    assert page.get_by_role("heading", name="News that came late").count() == 0
    # The late answer replaces the saved copy: the next visit without a signal shows it.
    wait_for(page, lambda: page.evaluate("""(name) => caches.open(name).then((cache) => cache.match("/en/updates"))
        .then((r) => r.text()).then((html) => html.includes("News that came late"))""", f"waymark-{version}"), timeout=30)
    context.set_offline(True)
    page.goto(server.url + "/en/updates")
    expect(page.get_by_role("heading", name="News that came late")).to_be_visible()


def test_on_a_network_that_answers_nothing_a_saved_page_opens_within_6_seconds(context, tmp_path):
    # gunicorn as `make run` starts it, offering English and Arabic only: its worker renders and compresses
    # every page it offers to build /sw.js, and the hanging network is the same in every language.
    languages, _ = languages_file(tmp_path / "languages.toml", ["en", "ar"])
    with Gunicorn(env={"WAYMARK_LANGUAGES_FILE": str(languages)}) as server:
        page = context.new_page()
        page.goto(server.url + "/en/")
        wait_until_saved(page)
        home = page.locator("h1").text_content()
        online = page.goto(server.url + "/en/get-help")
        heading = page.locator("h1").text_content()
        assert online.status == 200
        server.hang()
        page.goto(server.url + "/en/what-happens-when-you-call", timeout=6_000)
        page.goto(server.url + "/en/get-help", timeout=6_000)
        assert page.locator("h1").text_content() == heading
        # An address with no page of its own opens the saved home page just as soon.
        page.goto(server.url + "/", timeout=6_000)
        assert page.locator("h1").text_content() == home


def test_a_new_version_waits_until_the_person_accepts_it_in_every_tab(context):
    with LiveServer(create_app({"TESTING": True, "RELEASE": "one"})) as server:
        page = context.new_page()
        page.goto(server.url + "/en/")
        wait_until_saved(page)
        other = context.new_page()
        other.goto(server.url + "/en/get-help")
        first = worker_version(page)
        server.switch(create_app({"TESTING": True, "RELEASE": "two"}))
        page.reload()
        banner = page.locator(".js-update")
        banner.wait_for(timeout=FIRST_SAVE_MS)
        assert page.get_by_role("status").filter(has_text="A new version is ready.").count() == 1
        # The old worker still controls the page, and both caches exist.
        assert worker_version(page) == first
        assert len(page.evaluate("caches.keys()")) == 2
        other.reload()
        other_banner = other.locator(".js-update")
        other_banner.wait_for()
        with page.expect_navigation(), other.expect_navigation():
            banner.get_by_role("button", name="Update now").click()
        page.locator("h1").wait_for()
        second = worker_version(page)
        assert second != first
        assert page.evaluate("caches.keys()") == [f"waymark-{second}"]
        # The other tab reloaded into the new release: no banner, and its button is not left doing nothing.
        other.locator("h1").wait_for()
        expect(other_banner).to_be_hidden()
        assert worker_version(other) == second
        # The saved language came along into the new cache.
        context.set_offline(True)
        page.goto(server.url + "/en/under-18")
        assert page.locator("h1").text_content() == "If you are under 18"


def test_quick_exit_leaves_the_app_offline(context):
    with NeutralSite() as neutral, LiveServer(create_app({"TESTING": True, "QUICK_EXIT_URL": neutral.exit_url})) as server:
        page = context.new_page()
        page.goto(server.url + "/en/get-help")
        wait_until_saved(page)
        context.set_offline(True)
        navigations = []
        page.on("request", lambda request: request.is_navigation_request() and navigations.append(request.url))
        # Offline the neutral site cannot load, but the browser has left Waymark for it.
        with page.expect_request(neutral.exit_url):
            page.get_by_role("link", name="Exit this page").click(no_wait_after=True)
        wait_for(page, lambda: not page.url.startswith(server.url))
        # The no-JavaScript route, answered by the worker with the same redirect.
        navigations.clear()
        page.goto(server.url + "/en/")
        answers = []
        page.on("response", lambda response: answers.append((response.url, response.status, response.from_service_worker,
                                                              response.headers.get("location"))))
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
            page.goto(server.url + "/go")
        assert (server.url + "/go", 303, True, neutral.exit_url) in answers
        assert navigations[-1] == neutral.exit_url


def test_lite_view_saves_only_when_asked_and_then_opens_offline(context, server):
    online = headings(server.app, ["/en/", "/en/get-help", "/en/under-18"])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setDataSaverOverride", {"dataSaverEnabled": True})
    page.goto(server.url + "/en/lite/get-help")
    button = page.get_by_role("button", name="Save for offline use")
    button.wait_for()
    # Nothing is downloaded or registered before the person asks.
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    assert [path for path in server.paths if path != "/en/lite/get-help"] == []
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".js-offline-state")).to_be_focused()
    page.get_by_role("status").filter(has_text=READY).wait_for(timeout=FIRST_SAVE_MS)
    context.set_offline(True)
    # The lite address, and the standard address that Save-Data answers with the lite view, open offline.
    for address, plain in (("/en/lite/get-help", "/en/get-help"), ("/en/lite/", "/en/"), ("/en/under-18", "/en/under-18")):
        assert page.goto(server.url + address).status == 200, address
        assert page.locator("h1").text_content() == online[plain], address
        expect(page.get_by_role("link", name="Exit this page")).to_be_visible()


class NewerBundles:
    """WSGI middleware: pages as a newer release would send them (their bundles renamed), while /sw.js stays
    this release's worker: the moment between a deployment and the browser's next check for a new worker."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"].startswith(("/static/", "/sw.js")):
            return self.app(environ, start_response)
        environ["HTTP_ACCEPT_ENCODING"] = "identity"
        captured = {}

        def keep(status, headers, exc_info=None):
            captured.update(status=status, headers=[(k, v) for k, v in headers if k.lower() != "content-length"])

        body = b"".join(self.app(environ, keep)).replace(b"/static/gen/app.", b"/static/gen/app.newer")
        start_response(captured["status"], captured["headers"] + [("Content-Length", str(len(body)))])
        return [body]


def test_no_saved_page_names_assets_that_are_not_saved(context, server):
    page, button = open_saving_data(context, server)
    server.switch(NewerBundles(server.app))
    button.click()
    page.get_by_role("status").filter(has_text="could not be saved").wait_for(timeout=30_000)
    mixed = page.evaluate("""async () => {
        const mixed = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                const html = await (await cache.match(request)).text();
                for (const bundle of html.match(/\\/static\\/gen\\/[^"' >]+/g) || []) {
                    if (!(await cache.match(bundle))) mixed.push([new URL(request.url).pathname, bundle]);
                }
            }
        }
        return mixed;
    }""")
    assert mixed == []


def test_remove_waymark_leaves_nothing_behind(context):
    with NeutralSite() as neutral, LiveServer(create_app({"TESTING": True, "QUICK_EXIT_URL": neutral.exit_url})) as server:
        page = context.new_page()
        page.goto(server.url + "/en/stay-safe-on-your-phone")
        wait_until_saved(page)
        page.evaluate("localStorage.setItem('something', '1')")
        page.get_by_role("button", name="Remove Waymark from this device").click()
        page.wait_for_url(neutral.exit_url)
        # Look from a Waymark address that runs no script (an image), so nothing registers again.
        page.goto(server.url + "/static/icons/icon-192.png")
        assert page.evaluate("caches.keys()") == []
        assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
        assert page.evaluate("localStorage.length") == 0
