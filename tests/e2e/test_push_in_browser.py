"""Update notices in Chromium: the opt-in posts the subscription; a push shows the neutral notice and
refreshes the saved pages. PushManager.subscribe is stubbed: no real push service is reachable here."""
import json
import uuid

import pytest

from webapp import create_app
from webapp.pages import SLUGS
from webapp.push import Subscription, db

from ..support.fake_push import FakePushService
from ..support.servers import LiveServer

STUB = """(() => {
  const subscription = %s;
  let current = null;
  const make = () => ({
    endpoint: subscription.endpoint,
    toJSON: () => subscription,
    unsubscribe: () => { current = null; return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function () { current = make(); return Promise.resolve(current); };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
})();"""


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
    on_message = page.locator(".js-push").get_attribute("data-i18n-on")
    state = page.locator(".js-push-state")
    assert state.get_attribute("role") == "status"
    assert state.text_content() == on_message
    assert stored(app) == [(subscription["endpoint"], "ar")]
    page.locator(".js-push-off").click()
    turn_on.wait_for()
    assert state.text_content() == page.locator(".js-push").get_attribute("data-i18n-off")
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


def registration_id(cdp, scope):
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    return registrations


def test_a_push_shows_the_neutral_notice_and_refreshes_saved_pages(context, setting):
    app, server, fake_push = setting
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    page.goto(server.url + "/en/updates")
    page.locator(".js-offline-state", has_text="Ready to work offline").wait_for(timeout=30_000)
    cdp = context.new_cdp_session(page)
    registrations = registration_id(cdp, server.url)
    page.wait_for_timeout(300)
    live = [r for r in registrations if not r["isDeleted"] and r["scopeURL"] == server.url + "/"]
    assert live, registrations
    asked_before = len(server.paths)
    shown = []
    for attempt in range(5):  # the first delivery can be missed while the worker starts
        tag = f"test-{uuid.uuid4().hex[:8]}"
        data = {"title": "New information in Waymark", "body": "Tap to see what changed.",
                "url": "/en/updates", "tag": tag, "lang": "en"}
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": server.url, "registrationId": live[0]["registrationId"], "data": json.dumps(data)})
        for _ in range(20):
            page.wait_for_timeout(250)
            shown = page.evaluate("""navigator.serviceWorker.ready.then((r) => r.getNotifications())
                .then((all) => all.map((n) => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))""")
            if any(n["tag"] == tag for n in shown):
                break
        if any(n["tag"] == tag for n in shown):
            break
    notice = next(n for n in shown if n["tag"] == tag)
    assert notice == {"title": "New information in Waymark", "body": "Tap to see what changed.", "tag": tag,
                      "url": "/en/updates"}
    refreshed = set(server.paths[asked_before:])
    assert {"/en/"} | {f"/en/{slug}" for slug in SLUGS} <= refreshed
