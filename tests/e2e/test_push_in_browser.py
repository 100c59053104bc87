"""Update notices in Chromium: the opt-in posts the subscription; a push shows the neutral notice the server
builds and refreshes the saved pages; tapping it opens a Waymark page in place; removal forgets it all.
PushManager.subscribe is stubbed: no real push service is reachable here."""
import json
import uuid
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Error as PlaywrightError, expect

from webapp import create_app
from webapp.pages import SLUGS
from webapp.push import Subscription, db
from webapp.push.sending import payloads

from ..support.fake_push import FakePushService
from ..support.servers import LiveServer

# The browser keeps a subscription across pages: so does the stub (in sessionStorage, under a test key).
STUB = """(() => {
  const subscription = %s;
  const KEY = "test-push-subscribed";
  const make = () => ({
    endpoint: subscription.endpoint,
    toJSON: () => subscription,
    unsubscribe: () => { sessionStorage.removeItem(KEY); return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function () { sessionStorage.setItem(KEY, "1"); return Promise.resolve(make()); };
  PushManager.prototype.getSubscription = function () {
    return Promise.resolve(sessionStorage.getItem(KEY) ? make() : null);
  };
})();"""


TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def catalog_text(locale, msgid):
    """A string as the language's catalog has it: what the page must say, read without the app."""
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file)[msgid].string


def wait_for(page, condition, timeout=15):
    """Wait until `condition()` holds, checking again every 100 ms (letting the page's events in)."""
    for _ in range(int(timeout * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition(), "timed out"


def told_to_leave(tab, origin):
    """Whether `tab` has left Waymark or has been told to: it may be leaving at the very moment it is asked,
    and a page that is going away cannot answer, so that counts as not yet (the next check sees where it went)."""
    if not tab.url.startswith(origin):
        return True
    try:
        return tab.evaluate("window.exitMessages") == [{"type": "exit"}]
    except PlaywrightError as error:
        if "context was destroyed" not in str(error):
            raise
        return False


@pytest.fixture
def setting(tmp_path):
    with FakePushService() as fake_push:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'push.sqlite'}",
                          "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"), "PUSH_ALLOWED_ORIGINS": fake_push.origin})
        with LiveServer(app) as server:
            yield app, server, fake_push


def stored(app):
    with app.app_context():
        return [(s.endpoint, s.lang) for s in db.session.execute(db.select(Subscription)).scalars()]


def test_opt_in_and_out_post_and_delete_the_subscription(context, setting):
    app, server, fake_push = setting
    subscription = fake_push.subscribe("browser")
    context.add_init_script(STUB % json.dumps(subscription))
    context.add_init_script("""window.permissionRequests = 0;
      const ask = Notification.requestPermission.bind(Notification);
      Notification.requestPermission = () => { window.permissionRequests += 1; return ask(); };""")
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    page.goto(server.url + "/ar/updates")
    turn_on = page.locator(".js-push-on")
    turn_on.wait_for()
    # The explanation comes first; nothing is asked on page load.
    assert page.evaluate("window.permissionRequests") == 0
    assert stored(app) == []
    turn_on.click()
    page.locator(".js-push-off").wait_for()
    assert page.evaluate("window.permissionRequests") == 1
    state = page.locator(".js-push-state")
    assert state.get_attribute("role") == "status"
    expect(state).to_have_text(catalog_text("ar", "Update notices are on. You can turn them off here at any time."))
    assert stored(app) == [(subscription["endpoint"], "ar")]
    page.locator(".js-push-off").click()
    turn_on.wait_for()
    expect(state).to_have_text(catalog_text("ar", "Update notices are off."))
    assert stored(app) == []


def test_a_subscription_the_server_refuses_is_undone_in_the_browser(context, tmp_path):
    with FakePushService() as fake_push, FakePushService() as other_service:
        # The server allows only another push service, so it refuses this browser's subscription.
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'push.sqlite'}",
                          "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"),
                          "PUSH_ALLOWED_ORIGINS": other_service.origin})
        with LiveServer(app) as server:
            context.add_init_script(STUB % json.dumps(fake_push.subscribe("refused")))
            context.grant_permissions(["notifications"], origin=server.url)
            page = context.new_page()
            page.goto(server.url + "/en/updates")
            page.locator(".js-push-on").click()
            expect(page.locator(".js-push-state")).to_have_text(
                "Update notices could not be changed. Try again when you have a connection.")
            assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription())") is None
            expect(page.locator(".js-push-on")).to_be_visible()
            expect(page.locator(".js-push-off")).to_be_hidden()
            assert stored(app) == []


def test_a_blocked_permission_is_explained(context, setting):
    app, server, fake_push = setting
    context.add_init_script(STUB % json.dumps(fake_push.subscribe("blocked")))
    context.add_init_script("Notification.requestPermission = () => Promise.resolve('denied');")
    page = context.new_page()
    page.goto(server.url + "/en/updates")
    page.locator(".js-push-on").click()
    page.get_by_role("status").filter(has_text="blocked in your browser settings").wait_for()
    assert stored(app) == []


def live_registration(page, cdp, scope):
    """The id of the live worker registration for `scope`, from the DevTools events, once it is known."""
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    live = lambda: [r for r in registrations if not r["isDeleted"] and r["scopeURL"] == scope]  # noqa: E731
    wait_for(page, lambda: live())
    return live()[0]["registrationId"]


def shown_notices(page):
    return page.evaluate("""navigator.serviceWorker.ready.then((r) => r.getNotifications())
        .then((all) => all.map((n) => ({title: n.title, body: n.body, tag: n.tag, dir: n.dir, lang: n.lang,
                                        data: n.data})))""")


def push(page, cdp, server, registration, payload):
    """Delivers `payload` as the push service would, until the worker shows it (a first delivery can be
    missed while the worker starts); returns the notice shown."""
    tag = json.loads(payload)["tag"]
    for _ in range(5):
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": server.url, "registrationId": registration, "data": payload})
        try:
            wait_for(page, lambda: any(n["tag"] == tag for n in shown_notices(page)), timeout=5)
        except AssertionError:
            continue
        return next(n for n in shown_notices(page) if n["tag"] == tag)
    pytest.fail("the worker never showed the notice")


def test_a_push_shows_the_servers_notice_in_its_language_and_refreshes_saved_pages(context, setting):
    app, server, fake_push = setting
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    page.goto(server.url + "/ar/updates")
    page.locator(".js-offline-state", has_text=catalog_text("ar", "Ready to work offline. Every page in this language is saved on this device.")).wait_for(timeout=120_000)
    cdp = context.new_cdp_session(page)
    registration = live_registration(page, cdp, server.url + "/")
    asked_before = len(server.paths)
    with app.app_context():
        payload = payloads()["ar"]  # exactly what `flask push send` sends to an Arabic subscriber
    notice = push(page, cdp, server, registration, payload)
    assert notice["title"] == catalog_text("ar", "New information in Waymark")
    assert notice["body"] == catalog_text("ar", "Tap to see what changed.")
    assert (notice["lang"], notice["dir"]) == ("ar", "rtl")
    assert notice["data"]["url"] == "/ar/updates"
    refreshed = set(server.paths[asked_before:])
    assert {"/ar/"} | {f"/ar/{slug}" for slug in SLUGS} <= refreshed


def open_from_notice(context, page, notice):
    """What tapping the notice does (the worker's notificationclick handler, given the notice's data).
    Headless Chromium has no way to click a notification, so the handler's function is called in the worker."""
    worker = context.service_workers[0]
    worker.evaluate("(data) => openFromNotice(data)", notice["data"])


@pytest.mark.parametrize("sent_url, opens", [
    ("/ar/updates", "/ar/updates"),
    ("/ar/get-help", "/ar/get-help"),
    ("https://attacker.example/ar/updates", "/ar/updates"),
    ("//attacker.example/", "/ar/updates"),
    ("/api/push/subscriptions", "/ar/updates"),
    ("javascript:alert(1)", "/ar/updates"),
    ("/go", "/ar/updates"),
])
def test_tapping_a_notice_opens_only_a_waymark_page_in_place(context, setting, sent_url, opens):
    app, server, fake_push = setting
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    page.goto(server.url + "/ar/")
    page.locator(".js-offline-state", has_text=catalog_text("ar", "Ready to work offline. Every page in this language is saved on this device.")).wait_for(timeout=120_000)
    page.goto(server.url + "/ar/about")
    entries = page.evaluate("history.length")
    cdp = context.new_cdp_session(page)
    registration = live_registration(page, cdp, server.url + "/")
    notice = push(page, cdp, server, registration, json.dumps(
        {"title": "t", "body": "b", "url": sent_url, "tag": f"test-{uuid.uuid4().hex[:8]}", "lang": "ar"}))
    with page.expect_navigation():
        open_from_notice(context, page, notice)
    assert page.url == server.url + opens
    assert page.evaluate("history.length") == entries


def test_remove_waymark_forgets_the_subscription_closes_notices_and_tells_other_tabs(context, setting):
    app, server, fake_push = setting
    subscription = fake_push.subscribe("removed")
    context.add_init_script(STUB % json.dumps(subscription))
    context.add_init_script("""window.closedNotices = 0;
      const close = Notification.prototype.close;
      Notification.prototype.close = function () { window.closedNotices += 1; return close.call(this); };
      window.exitMessages = [];
      new BroadcastChannel("waymark-exit").onmessage = (event) => window.exitMessages.push(event.data);""")
    context.grant_permissions(["notifications"], origin=server.url)
    other = context.new_page()
    other.goto(server.url + "/en/get-help")
    page = context.new_page()
    page.goto(server.url + "/en/updates")
    page.locator(".js-offline-state", has_text="Ready to work offline").wait_for(timeout=120_000)
    page.locator(".js-push-on").click()
    page.locator(".js-push-off").wait_for()
    assert stored(app) == [(subscription["endpoint"], "en")]
    page.evaluate("navigator.serviceWorker.ready.then((r) => r.showNotification('New information in Waymark', {tag: 't'}))")
    wait_for(page, lambda: len(shown_notices(page)) == 1)
    page.evaluate("indexedDB.open('something')")
    page.goto(server.url + "/en/stay-safe-on-your-phone")
    # This tab's own leaving is the quick exit's (test_offline.py); here it only records that it was asked.
    page.evaluate("window.Waymark.exit = () => { window.leftWaymark = true; }")
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 1
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription()).then(Boolean)")
    deletes = []
    page.on("response", lambda response: response.request.method == "DELETE" and deletes.append(response.status))
    page.get_by_role("button", name="Remove Waymark from this device").click()
    wait_for(page, lambda: page.evaluate("window.leftWaymark === true"))
    # The page waits 2 s at most for the server (a signal that answers nothing must not keep the person);
    # the request itself goes on (keepalive), so the server's copy is gone soon after.
    wait_for(page, lambda: deletes == [204] and stored(app) == [])
    assert page.evaluate("window.closedNotices") == 1
    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    assert page.evaluate("indexedDB.databases().then((d) => d.length)") == 0
    # The other tab is told to leave (quick_exit.js makes it leave; then it is no longer on Waymark).
    wait_for(other, lambda: told_to_leave(other, server.url))
