"""Installable and offline-first, in Chromium: after one visit every page of the language opens with no signal."""
import pytest

from webapp import create_app
from webapp.pages import SLUGS

from ..support.browser import launch_options
from ..support.servers import LiveServer, NeutralSite

ENGLISH_PAGES = ["/en/"] + [f"/en/{slug}" for slug in SLUGS]
READY = "Ready to work offline"


@pytest.fixture
def server():
    """A Waymark of its own per test: workers and caches from one test must not leak into another."""
    with LiveServer(create_app({"TESTING": True})) as live:
        yield live


def wait_until_saved(page):
    page.locator(".js-offline-state", has_text=READY).wait_for(timeout=30_000)


def worker_version(page):
    """The version of the worker that controls the page, asked through a message."""
    return page.evaluate("""() => new Promise((resolve) => {
        navigator.serviceWorker.addEventListener("message", (event) => {
            if (event.data.type === "status") resolve(event.data.version);
        });
        navigator.serviceWorker.controller.postMessage({type: "status"});
    })""")


def test_chromium_reports_no_installability_error(playwright_instance, server, tmp_path):
    # A plain context always answers "in-incognito"; a persistent one is a real profile.
    context = playwright_instance.chromium.launch_persistent_context(str(tmp_path), **launch_options(playwright_instance))
    page = context.new_page()
    page.goto(server.url + "/en/")
    wait_until_saved(page)
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == server.url + "/en/manifest.webmanifest"
    assert manifest["errors"] == []
    context.close()


def test_after_one_visit_every_page_opens_offline(context, server):
    page = context.new_page()
    page.goto(server.url + "/en/")
    wait_until_saved(page)
    # The saved copy is complete: only now does the person lose the connection.
    context.set_offline(True)
    asked_while_offline = len(server.paths)
    for path in ENGLISH_PAGES:
        page.goto(server.url + path)
        assert page.locator("h1").count() == 1, path
        assert page.locator('a[href="tel:+448000121700"]').count() >= 1, path
    # A lite address opens the saved standard page of the same slug.
    page.goto(server.url + "/en/lite/get-help")
    assert page.locator("h1").text_content() == "Numbers to call for help"
    # A page never saved shows the offline page, with the numbers to call.
    page.goto(server.url + "/en/no-such-page")
    assert page.locator("h1").text_content() == "You are offline"
    assert page.locator('a[href="tel:999"]').count() >= 1
    assert len(server.paths) == asked_while_offline, server.paths[asked_while_offline:]


def test_with_the_server_down_saved_pages_still_open(context):
    with LiveServer(create_app({"TESTING": True})) as server:
        page = context.new_page()
        page.goto(server.url + "/en/get-help")
        wait_until_saved(page)
        server.stop()
        for path in ("/en/", "/en/what-happens-when-you-call", "/en/stay-safe-on-your-phone"):
            page.goto(server.url + path)
            assert page.locator("h1").count() == 1, path
        page.goto(server.url + "/en/no-such-page")
        assert page.locator("h1").text_content() == "You are offline"


def test_save_data_downloads_nothing_until_asked(context, server):
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setDataSaverOverride", {"dataSaverEnabled": True})
    page.goto(server.url + "/en/get-help")
    button = page.get_by_role("button", name="Save for offline use")
    button.wait_for()
    assert page.locator(".js-offline-size").text_content().startswith("Download size: about")
    page.wait_for_timeout(1_000)
    other_pages = [path for path in server.paths if path.startswith("/en/") and path != "/en/get-help"
                   and not path.endswith("manifest.webmanifest")]
    assert other_pages == []
    button.click()
    wait_until_saved(page)
    saved = {path for path in server.paths if path.startswith("/en/")}
    assert set(ENGLISH_PAGES) <= saved
    assert page.get_by_role("status").filter(has_text=READY).count() == 1


def test_another_language_can_be_saved_from_the_picker(context, server):
    offered = create_app({"TESTING": True}).extensions["waymark_languages"]
    other = next((tag for tag in offered if tag != "en"), None)
    if other is None:
        pytest.fail("only English is offered; the picker has nothing else to save")
    page = context.new_page()
    page.goto(server.url + "/en/")
    wait_until_saved(page)
    page.locator(".language-picker summary").click()
    page.locator(f'.js-save-language[data-lang="{other}"]').click()
    page.get_by_role("status").filter(has_text="That language is saved").wait_for(timeout=30_000)
    context.set_offline(True)
    page.goto(server.url + f"/{other}/get-help")
    assert page.evaluate("document.documentElement.lang") == other
    assert page.locator('a[href="tel:+448000121700"]').count() >= 1


def test_a_new_version_waits_until_the_person_accepts_it(context):
    with LiveServer(create_app({"TESTING": True, "RELEASE": "one"})) as server:
        page = context.new_page()
        page.goto(server.url + "/en/")
        wait_until_saved(page)
        first = worker_version(page)
        server.switch(create_app({"TESTING": True, "RELEASE": "two"}))
        page.reload()
        banner = page.locator(".js-update")
        banner.wait_for(timeout=30_000)
        assert page.get_by_role("status").filter(has_text="A new version is ready.").count() == 1
        # The old worker still controls the page, and both caches exist.
        assert worker_version(page) == first
        assert len(page.evaluate("caches.keys()")) == 2
        with page.expect_navigation():
            banner.get_by_role("button", name="Update now").click()
        page.locator("h1").wait_for()
        second = worker_version(page)
        assert second != first
        assert page.evaluate("caches.keys()") == [f"waymark-{second}"]
        # The saved language came along into the new cache.
        context.set_offline(True)
        page.goto(server.url + "/en/under-18")
        assert page.locator("h1").text_content() == "If you are under 18"


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


def test_quick_exit_leaves_the_app_offline(context):
    with NeutralSite() as neutral, LiveServer(create_app({"TESTING": True, "QUICK_EXIT_URL": neutral.exit_url})) as server:
        page = context.new_page()
        page.goto(server.url + "/en/get-help")
        wait_until_saved(page)
        context.set_offline(True)
        navigations = []
        page.on("request", lambda request: request.is_navigation_request() and navigations.append(request.url))
        # Offline the neutral site cannot load, but the browser has left Waymark for it.
        page.get_by_role("link", name="Exit this page").click(no_wait_after=True)
        page.wait_for_timeout(1_000)
        assert navigations[-1] == neutral.exit_url
        assert not page.url.startswith(server.url)
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
