"""Push: the subscription API, its checks, and sending real Web Push to a fake push service on loopback.

The storage tests run on SQLite and on PostgreSQL (tests/support/postgresql.py starts one, or fails).
"""
import datetime
import io
import json
import os
import socket
import threading
import time
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy
from cryptography.hazmat.primitives import serialization
from flask_babel import force_locale, gettext

from webapp import create_app
from webapp.push import Subscription, db, retry_delay

from ..support.catalogs import languages_file
from ..support.fake_push import FakePushService, b64url, browser_keys
from ..support.storage import empty_tables

BACKENDS = ["sqlite", "postgresql"]
FORBIDDEN = ("slavery", "trafficking", "exploitation")


@pytest.fixture(scope="module")
def fake_push():
    with FakePushService() as service:
        yield service


@pytest.fixture(params=BACKENDS)
def push_app(request, tmp_path, fake_push):
    url = f"sqlite:///{tmp_path / 'push.sqlite'}" if request.param == "sqlite" else request.getfixturevalue("postgresql_url")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"),
                      "PUSH_ALLOWED_ORIGINS": fake_push.origin, "PUSH_RATE_LIMIT": "1000 per minute"})
    with empty_tables(app):
        yield app


@pytest.fixture
def api(push_app):
    return push_app.test_client()


def rows(app):
    with app.app_context():
        return sorted((s.endpoint, s.p256dh, s.auth, s.lang) for s in db.session.execute(db.select(Subscription)).scalars())


def subscribe(api, subscription, lang="en"):
    return api.post("/api/push/subscriptions", json={"subscription": subscription, "lang": lang})


def public_key_in(pem_file):
    """The public key, as browsers are given it, of the private key in a PEM file."""
    private = serialization.load_pem_private_key(pem_file.read_bytes(), password=None)
    return b64url(private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


# --- The API --------------------------------------------------------------------------------------


def test_key_is_a_p256_public_key(api):
    key = api.get("/api/push/key").get_json()["publicKey"]
    point = __import__("base64").urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(point) == 65 and point[0] == 4


def test_vapid_private_key_is_made_once_and_readable_by_its_owner_only(push_app, tmp_path):
    path = tmp_path / "vapid.pem"
    assert path.stat().st_mode & 0o777 == 0o600
    # The key browsers are given is the one whose private half is in the configured file.
    assert push_app.test_client().get("/api/push/key").get_json()["publicKey"] == public_key_in(path)
    again = create_app({"TESTING": True, "DATABASE_URL": push_app.config["SQLALCHEMY_DATABASE_URI"],
                        "VAPID_PRIVATE_KEY_FILE": str(path)})
    assert again.extensions["waymark_vapid_public_key"] == push_app.extensions["waymark_vapid_public_key"]
    with again.app_context():
        db.engine.dispose()


def test_vapid_private_key_is_made_in_a_folder_that_does_not_exist_yet(tmp_path):
    path = tmp_path / "keys" / "waymark" / "vapid.pem"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'push.sqlite'}",
                      "VAPID_PRIVATE_KEY_FILE": str(path)})
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(app.extensions["waymark_vapid_public_key"]) == 87  # 65 bytes in base64url
    with app.app_context():
        db.engine.dispose()


def test_by_default_the_database_and_the_key_are_in_instance_readable_by_their_owner_only(monkeypatch):
    """The README: with no settings, `instance/waymark.sqlite` and `instance/vapid_private.pem`, mode 0600."""
    for name in ("WAYMARK_DATABASE_URL", "WAYMARK_VAPID_PRIVATE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    instance = Path(__file__).resolve().parents[2] / "instance"
    app = create_app({"TESTING": True})
    with app.app_context():
        assert db.engine.url.database == str(instance / "waymark.sqlite")
        db.engine.dispose()
    for name in ("waymark.sqlite", "vapid_private.pem"):
        assert (instance / name).stat().st_mode & 0o777 == 0o600
    assert app.test_client().get("/api/push/key").get_json()["publicKey"] == public_key_in(instance / "vapid_private.pem")


@pytest.mark.parametrize("existing, options, folder", [(False, "", ""), (True, "", ""), (False, "?timeout=20", ""),
                                                     (False, "", "not/made/yet")],
                         ids=["new", "made world-readable before", "with options", "in a folder not made yet"])
def test_the_sqlite_database_is_readable_by_its_owner_only(tmp_path, existing, options, folder):
    path = tmp_path / folder / "new.sqlite"
    if existing:
        path.touch(mode=0o644)
        os.chmod(path, 0o644)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}{options}",
                      "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem")})
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(file.name for file in path.parent.iterdir()) == (["new.sqlite"] if folder else ["new.sqlite", "vapid.pem"])
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "postgresql"])
def test_a_database_that_is_not_a_sqlite_file_makes_no_file(url, tmp_path, monkeypatch, request):
    """An in-memory SQLite database, or PostgreSQL: nothing is written where the server runs."""
    if url == "postgresql":
        url = request.getfixturevalue("postgresql_url")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem")})
    assert app.test_client().get("/api/push/key").status_code == 200
    with app.app_context():
        db.engine.dispose()
    assert list(here.iterdir()) == []


def test_the_schema_is_brought_up_to_date_at_start_up_not_at_every_request(api, push_app, fake_push):
    statements = []
    with push_app.app_context():
        sqlalchemy.event.listen(db.engine, "before_cursor_execute",
                                lambda connection, cursor, statement, *rest: statements.append(statement))
    subscription = fake_push.subscribe("reader")
    assert subscribe(api, subscription).status_code == 201
    assert api.delete("/api/push/subscriptions", json={"endpoint": subscription["endpoint"]}).status_code == 204
    assert statements, "the listener saw nothing"
    assert not [statement for statement in statements if "alembic_version" in statement]


def test_subscribe_then_again_updates_the_language_without_a_duplicate(api, push_app, fake_push):
    subscription = fake_push.subscribe("reader")
    first = subscribe(api, subscription, "en")
    assert first.status_code == 201 and first.get_json() == {"lang": "en"}
    again = subscribe(api, subscription, "ar")
    assert again.status_code == 200
    assert [row[3] for row in rows(push_app)] == ["ar"]


def test_a_subscription_made_again_with_new_keys_gets_its_notices_with_the_new_keys(api, push_app, fake_push):
    """The browser made new keys for the same endpoint: the old ones must not be used, or the phone cannot read it."""
    fake_push.deliveries.clear()
    assert subscribe(api, fake_push.subscribe("renewed")).status_code == 201
    assert subscribe(api, fake_push.subscribe("renewed")).status_code == 200  # same endpoint, new keys
    assert send(push_app) == "sent 1, removed 0, failed 0"
    assert fake_push.problems == [] and [delivery.name for delivery in fake_push.deliveries] == ["renewed"]


def test_subscribing_again_clears_the_failures_counted_against_it(api, push_app, fake_push):
    """The browser is there and subscribing: earlier failed sends must not count towards dropping it."""
    subscription = fake_push.subscribe("back")
    subscribe(api, subscription)
    fake_push.script("back", 400)
    assert send(push_app) == "sent 0, removed 0, failed 1"
    assert subscribe(api, subscription).status_code == 200
    with push_app.app_context():
        row = db.session.execute(db.select(Subscription)).scalar_one()
        assert (row.failures, row.first_failure_at) == (0, None)


def test_unsubscribe_forgets_it(api, push_app, fake_push):
    subscription = fake_push.subscribe("leaver")
    subscribe(api, subscription)
    response = api.delete("/api/push/subscriptions", json={"endpoint": subscription["endpoint"]})
    assert response.status_code == 204
    assert rows(push_app) == []
    assert api.delete("/api/push/subscriptions", json={"endpoint": subscription["endpoint"]}).status_code == 204


def _valid(fake_push):
    return fake_push.subscribe("valid")


BAD_BODIES = [
    ("not json", lambda s: "hello", 400),  # sent as application/json
    ("a list", lambda s: [s], 400),
    ("no subscription", lambda s: {"lang": "en"}, 400),
    ("endpoint not a string", lambda s: {"subscription": {**s, "endpoint": 5}, "lang": "en"}, 400),
    ("no keys", lambda s: {"subscription": {"endpoint": s["endpoint"]}, "lang": "en"}, 400),
    ("no lang", lambda s: {"subscription": s}, 400),
    ("subscription not an object", lambda s: {"subscription": s["endpoint"], "lang": "en"}, 400),
    ("keys not an object", lambda s: {"subscription": {**s, "keys": [s["keys"]["p256dh"], s["keys"]["auth"]]}, "lang": "en"}, 400),
    ("p256dh not a string", lambda s: {"subscription": {**s, "keys": {**s["keys"], "p256dh": 4}}, "lang": "en"}, 400),
    ("auth not a string", lambda s: {"subscription": {**s, "keys": {**s["keys"], "auth": 16}}, "lang": "en"}, 400),
    ("lang not a string", lambda s: {"subscription": s, "lang": ["en"]}, 400),
    ("unknown lang", lambda s: {"subscription": s, "lang": "xx"}, 422),
    ("p256dh not base64url", lambda s: {"subscription": {**s, "keys": {**s["keys"], "p256dh": "!!!"}}, "lang": "en"}, 422),
    ("p256dh not on the curve", lambda s: {"subscription": {**s, "keys": {**s["keys"], "p256dh": b64url(b"\x04" + bytes(64))}}, "lang": "en"}, 422),
    ("p256dh with junk characters", lambda s: {"subscription": {**s, "keys": {**s["keys"], "p256dh": s["keys"]["p256dh"] + "!" * 3000}}, "lang": "en"}, 422),
    ("p256dh too long", lambda s: {"subscription": {**s, "keys": {**s["keys"], "p256dh": s["keys"]["p256dh"] + "AAAA"}}, "lang": "en"}, 422),
    ("auth 15 bytes", lambda s: {"subscription": {**s, "keys": {**s["keys"], "auth": b64url(bytes(15))}}, "lang": "en"}, 422),
    ("auth not base64url", lambda s: {"subscription": {**s, "keys": {**s["keys"], "auth": "!" * 22}}, "lang": "en"}, 422),
    ("another host", lambda s: {"subscription": {**s, "endpoint": "https://push.example.com/x"}, "lang": "en"}, 422),
    ("loopback, other port", lambda s: {"subscription": {**s, "endpoint": "http://127.0.0.1:1/push/x"}, "lang": "en"}, 422),
    ("private address", lambda s: {"subscription": {**s, "endpoint": "https://10.0.0.1/push"}, "lang": "en"}, 422),
    ("link-local address", lambda s: {"subscription": {**s, "endpoint": "http://169.254.169.254/latest"}, "lang": "en"}, 422),
    ("ipv6 loopback", lambda s: {"subscription": {**s, "endpoint": "https://[::1]/push"}, "lang": "en"}, 422),
    ("credentials in the URL", lambda s: {"subscription": {**s, "endpoint": s["endpoint"].replace("http://", "http://a:b@")}, "lang": "en"}, 422),
    ("not a URL", lambda s: {"subscription": {**s, "endpoint": "javascript:alert(1)"}, "lang": "en"}, 422),
]


@pytest.mark.parametrize("case, make, status", BAD_BODIES, ids=[case for case, _, _ in BAD_BODIES])
def test_bad_input_gets_a_clear_error_and_changes_nothing(api, push_app, fake_push, case, make, status):
    subscribe(api, fake_push.subscribe("existing"), "en")
    before = rows(push_app)
    body = make(_valid(fake_push))
    if isinstance(body, str):
        response = api.post("/api/push/subscriptions", data=body, content_type="application/json")
    else:
        response = api.post("/api/push/subscriptions", json=body)
    assert response.status_code == status, response.get_json()
    assert response.is_json and len(response.get_json()["error"]) > 10
    assert rows(push_app) == before


def test_a_body_over_4_kb_gets_413_and_changes_nothing(api, push_app, fake_push):
    subscription = fake_push.subscribe("big")
    response = api.post("/api/push/subscriptions", json={"subscription": subscription, "lang": "en", "pad": "x" * 5000})
    assert response.status_code == 413
    assert "4 KB" in response.get_json()["error"]
    assert rows(push_app) == []


@pytest.mark.parametrize("size, status", [(4096, 201), (4097, 413)])
def test_a_chunked_body_with_no_length_is_read_up_to_4_kb_and_refused_past_it(api, push_app, fake_push, size, status):
    """Sent without Content-Length (chunked, as a proxy may pass it on): the same 4 KB limit, no more, no less."""
    subscription = fake_push.subscribe("chunked")
    body = json.dumps({"subscription": subscription, "lang": "en", "pad": ""}).encode()
    body = body[:-2] + b"x" * (size - len(body)) + body[-2:]
    assert len(body) == size
    response = api.post("/api/push/subscriptions", input_stream=io.BytesIO(body), content_type="application/json",
                        headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == status, response.get_data(as_text=True)
    assert rows(push_app) == ([(subscription["endpoint"], subscription["keys"]["p256dh"], subscription["keys"]["auth"], "en")]
                              if status == 201 else [])
    if status == 413:
        assert "4 KB" in response.get_json()["error"]


def test_delete_needs_an_endpoint(api):
    response = api.delete("/api/push/subscriptions", json={"nothing": 1})
    assert response.status_code == 400 and response.get_json()["error"]


def test_too_many_requests_get_a_clear_429(tmp_path, fake_push):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'limit.sqlite'}",
                      "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"), "PUSH_ALLOWED_ORIGINS": fake_push.origin,
                      "PUSH_RATE_LIMIT": "3 per minute"})
    client = app.test_client()
    statuses = [subscribe(client, fake_push.subscribe(f"busy{n}"), "en").status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429]
    response = subscribe(client, fake_push.subscribe("busy5"), "en")
    assert "Wait a minute" in response.get_json()["error"]


def test_openapi_documents_the_api(api):
    document = api.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/api/push/key", "/api/push/subscriptions"}
    assert set(document["paths"]["/api/push/subscriptions"]) == {"post", "delete"}


# --- Sending --------------------------------------------------------------------------------------


def send(app, *args):
    result = app.test_cli_runner().invoke(args=["push", "send", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_each_subscriber_gets_a_neutral_notice_in_their_language(api, push_app, fake_push):
    fake_push.deliveries.clear()
    subscribe(api, fake_push.subscribe("english"), "en")
    subscribe(api, fake_push.subscribe("arabic"), "ar")
    assert send(push_app) == "sent 2, removed 0, failed 0"
    delivered = {delivery.name: delivery for delivery in fake_push.deliveries}
    assert fake_push.problems == []
    with push_app.test_request_context(), force_locale("ar"):
        arabic_title = gettext("New information in Waymark")
    assert delivered["english"].payload["title"] == "New information in Waymark"
    assert delivered["arabic"].payload["title"] == arabic_title != "New information in Waymark"
    assert delivered["arabic"].payload["url"] == "/ar/updates"
    newest = push_app.extensions["waymark_updates"][0]
    for delivery in delivered.values():
        # The notice says only that there is news: no title or text of the update, in any language.
        assert set(delivery.payload) == {"title", "body", "url", "tag", "lang"}
        with push_app.test_request_context(), force_locale(delivery.payload["lang"]):
            assert delivery.payload["body"] == gettext("Tap to see what changed.")
            secrets = [gettext(newest.title), *(gettext(paragraph) for paragraph in newest.paragraphs)]
        text = json.dumps(delivery.payload, ensure_ascii=False).lower()
        assert not any(word in text for word in FORBIDDEN), text
        assert not any(secret.lower() in text for secret in [newest.title, *secrets]), text
        assert delivery.ttl == 7 * 24 * 3600  # the README: a phone that is off for a week still gets it
        assert delivery.urgency == "normal" and delivery.topic == "waymark-update"
        assert delivery.vapid_key == push_app.extensions["waymark_vapid_public_key"]
    with push_app.app_context():
        assert all(s.last_success_at for s in db.session.execute(db.select(Subscription)).scalars())


def test_a_subscriber_whose_language_is_no_longer_offered_gets_the_notice_in_english(api, push_app, fake_push, tmp_path):
    """Subscribed in Arabic; a later release offers no Arabic (its catalog withdrawn): English, not nothing."""
    subscribe(api, fake_push.subscribe("arabic"), "ar")
    english_only, _ = languages_file(tmp_path / "languages.toml", ["en"])
    later = create_app({"TESTING": True, "DATABASE_URL": push_app.config["SQLALCHEMY_DATABASE_URI"],
                        "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"), "LANGUAGES_FILE": str(english_only),
                        "PUSH_ALLOWED_ORIGINS": fake_push.origin})
    fake_push.deliveries.clear()
    assert send(later) == "sent 1, removed 0, failed 0"
    with later.app_context():
        db.engine.dispose()
    [delivery] = fake_push.deliveries
    assert delivery.payload["title"] == "New information in Waymark"
    assert delivery.payload["lang"] == "en" and delivery.payload["url"] == "/en/updates"


def test_a_gone_subscription_is_removed(api, push_app, fake_push):
    subscribe(api, fake_push.subscribe("gone"), "en")
    subscribe(api, fake_push.subscribe("staying"), "en")
    fake_push.script("gone", 410)
    assert send(push_app) == "sent 1, removed 1, failed 0"
    assert [row[0].rsplit("/", 1)[1] for row in rows(push_app)] == ["staying"]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_or_failing_push_service_is_tried_again(api, push_app, fake_push, status):
    """Too many requests (429), or a server error (500 and up), is the push service's trouble, not the
    subscription's: try again."""
    subscribe(api, fake_push.subscribe("error"), "en")
    fake_push.script("error", status)
    fake_push.attempts.pop("error", None)
    assert send(push_app) == "sent 1, removed 0, failed 0"
    assert fake_push.attempts["error"] == 2


def test_a_push_service_that_says_when_to_come_back_is_tried_again_then(api, push_app, fake_push):
    subscribe(api, fake_push.subscribe("later"), "en")
    fake_push.script("later", (503, {"Retry-After": "2"}))
    fake_push.attempts.pop("later", None)
    started = time.monotonic()
    assert send(push_app) == "sent 1, removed 0, failed 0"
    assert time.monotonic() - started >= 2  # not the half-second backoff for an answer with no Retry-After
    assert fake_push.attempts["later"] == 2


def test_a_failing_push_service_is_given_up_on_and_kept(api, push_app, fake_push, monkeypatch):
    """Four tries, with a wait between each two and none after the last: then the send has failed, and the
    subscription is kept for the next notice."""
    waits = []
    monkeypatch.setattr("webapp.push.sending.time", SimpleNamespace(monotonic=time.monotonic, sleep=waits.append))
    subscribe(api, fake_push.subscribe("broken"), "en")
    fake_push.script("broken", 500, 502, 503, 500)
    fake_push.attempts.pop("broken", None)
    assert send(push_app) == "sent 0, removed 0, failed 1"
    assert fake_push.attempts["broken"] == 4
    assert len(waits) == 3
    assert len(rows(push_app)) == 1


@pytest.mark.parametrize("header, expected", [("3", 3), ("1.5", 1.5), ("120", 60), ("soon", None),
                                              ("Wed, 21 Oct 2015 07:28:00 -0000", 0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0)])
def test_retry_after_is_honoured_or_ignored_safely(header, expected):
    problem = SimpleNamespace(response=SimpleNamespace(headers={"Retry-After": header}))
    delay = retry_delay(problem, attempt=0)
    if expected is None:
        assert 0.5 <= delay < 1  # plain backoff
    else:
        assert delay == expected


@pytest.mark.parametrize("header, expected", [("0", 0), ("-5", 0)])
def test_a_retry_after_of_now_or_the_past_is_tried_again_at_once(header, expected):
    assert retry_delay(SimpleNamespace(response=SimpleNamespace(headers={"Retry-After": header})), attempt=0) == expected


def test_a_retry_after_date_an_hour_away_waits_a_minute_at_most():
    later = format_datetime(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1), usegmt=True)
    assert retry_delay(SimpleNamespace(response=SimpleNamespace(headers={"Retry-After": later})), attempt=0) == 60


def test_without_retry_after_each_attempt_waits_twice_as_long_up_to_half_a_minute():
    # A failure with no answer at all (the connection dropped), one whose answer is missing, one with no header:
    # half a second, doubled for each attempt, plus under a tenth of a second of jitter; never over 30 seconds.
    for problem in (OSError("connection reset"), SimpleNamespace(response=None),
                    SimpleNamespace(response=SimpleNamespace(headers={}))):
        for attempt in range(4):
            assert 0.5 * 2**attempt <= retry_delay(problem, attempt) < 0.5 * 2**attempt + 0.1, (problem, attempt)
        assert retry_delay(problem, attempt=10) == 30


@pytest.fixture
def recorder():
    """A second push service on loopback: anything it receives left the server where it must not."""
    with FakePushService() as service:
        yield service


def test_the_allow_list_is_checked_again_before_sending(push_app, fake_push, recorder, tmp_path):
    # Subscribed while the recorder was allowed; the list has changed since.
    before = create_app({"TESTING": True, "DATABASE_URL": push_app.config["SQLALCHEMY_DATABASE_URI"],
                         "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"),
                         "PUSH_ALLOWED_ORIGINS": f"{fake_push.origin},{recorder.origin}"})
    assert subscribe(before.test_client(), recorder.subscribe("was-allowed")).status_code == 201
    with before.app_context():
        db.engine.dispose()
    assert send(push_app) == "sent 0, removed 0, failed 1"
    assert recorder.attempts == {}


def test_a_redirect_from_a_push_service_is_not_followed(api, push_app, fake_push, recorder):
    subscribe(api, fake_push.subscribe("bouncer"), "en")
    inside = recorder.subscribe("inside")["endpoint"]
    fake_push.script("bouncer", (307, {"Location": inside}), (307, {"Location": inside}),
                     (307, {"Location": inside}), (307, {"Location": inside}))
    assert send(push_app) == "sent 0, removed 0, failed 1"
    assert fake_push.attempts["bouncer"] >= 1
    assert recorder.attempts == {}


def test_a_subscription_failing_for_days_is_removed_and_a_brief_failure_is_not(api, push_app, fake_push, monkeypatch):
    subscribe(api, fake_push.subscribe("dying"), "en")
    subscribe(api, fake_push.subscribe("flaky"), "en")
    start = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.timezone.utc)
    outcomes = []
    for day in range(4):
        monkeypatch.setattr("webapp.push.sending.now", lambda day=day: start + datetime.timedelta(days=day))
        fake_push.script("dying", 400)
        if day < 2:
            fake_push.script("flaky", 400)  # then it recovers: its count starts again
        outcomes.append(send(push_app))
        if day == 1:  # three failures within a day are not "days of failures"
            fake_push.script("dying", 400)
            fake_push.script("flaky", 400)
            outcomes.append(send(push_app))
    assert outcomes == ["sent 0, removed 0, failed 2", "sent 0, removed 0, failed 2", "sent 0, removed 0, failed 2",
                        "sent 1, removed 0, failed 1", "sent 1, removed 1, failed 0"]
    assert [row[0].rsplit("/", 1)[1] for row in rows(push_app)] == ["flaky"]


def test_each_failed_send_counts_once_against_its_subscription(api, push_app, fake_push):
    """Three subscribers, one failed send each: each has failed once (a subscription is dropped only after
    failing on several days, so a miscount would drop one too soon)."""
    for name in ("one", "two", "three"):
        subscribe(api, fake_push.subscribe(name), "en")
        fake_push.script(name, 400)
    assert send(push_app) == "sent 0, removed 0, failed 3"
    with push_app.app_context():
        assert [s.failures for s in db.session.execute(db.select(Subscription)).scalars()] == [1, 1, 1]


def test_a_success_clears_a_subscriptions_failures(api, push_app, fake_push):
    """A send that succeeds starts the count again: earlier failures must not drop it later."""
    subscribe(api, fake_push.subscribe("recovered"), "en")
    fake_push.script("recovered", 400)
    assert send(push_app) == "sent 0, removed 0, failed 1"
    assert send(push_app) == "sent 1, removed 0, failed 0"
    with push_app.app_context():
        row = db.session.execute(db.select(Subscription)).scalar_one()
        assert (row.failures, row.first_failure_at) == (0, None)


@pytest.mark.parametrize("days, dropped", [((0, 4), False), ((0, 2, 3), True)], ids=["two failures", "three failures"])
def test_a_subscription_is_dropped_at_its_third_failure_in_a_row_three_days_after_the_first(
        api, push_app, fake_push, monkeypatch, days, dropped):
    """Dropped after three failed sends in a row, the first of them three days ago or more: two are not enough,
    however far apart; the third is."""
    subscribe(api, fake_push.subscribe("rare"), "en")
    start = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.timezone.utc)
    outcomes = []
    for day in days:
        monkeypatch.setattr("webapp.push.sending.now", lambda day=day: start + datetime.timedelta(days=day))
        fake_push.script("rare", 400)
        outcomes.append(send(push_app))
    last = "sent 0, removed 1, failed 0" if dropped else "sent 0, removed 0, failed 1"
    assert outcomes == ["sent 0, removed 0, failed 1"] * (len(days) - 1) + [last]
    assert len(rows(push_app)) == (0 if dropped else 1)


def test_a_gone_subscription_is_removed_at_the_first_404(api, push_app, fake_push):
    subscribe(api, fake_push.subscribe("unknown"), "en")
    fake_push.script("unknown", 404)
    assert send(push_app) == "sent 0, removed 1, failed 0"
    assert rows(push_app) == []


@pytest.fixture
def silent_endpoint(push_app):
    """A push service that accepts connections and never answers: (an app allowing it, its connections)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    connections = []

    def accept_and_say_nothing():
        while True:
            try:
                connections.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept_and_say_nothing, daemon=True).start()
    origin = f"http://127.0.0.1:{listener.getsockname()[1]}"
    silent = create_app({**push_app.config, "PUSH_ALLOWED_ORIGINS": origin})
    with silent.app_context():
        db.session.add(Subscription(endpoint=f"{origin}/push/silent", p256dh=browser_keys()[1],
                                    auth=b64url(bytes(16)), lang="en"))
        db.session.commit()
    try:
        yield silent, connections
    finally:
        listener.close()
        for connection in connections:
            connection.close()
        with silent.app_context():
            db.engine.dispose()


def test_an_endpoint_that_never_answers_gets_a_bounded_time(api, silent_endpoint, monkeypatch):
    """A push service that accepts connections and never answers holds a send for ENDPOINT_TIME_LIMIT at
    most: here 1.2 s with 0.5 s per request, so at most 3 connections, where 4 attempts would be made."""
    silent, connections = silent_endpoint
    monkeypatch.setattr("webapp.push.sending.REQUEST_TIMEOUT", 0.5)
    monkeypatch.setattr("webapp.push.sending.ENDPOINT_TIME_LIMIT", 1.2)
    monkeypatch.setattr("webapp.push.sending.retry_delay", lambda problem, attempt: 0)
    assert send(silent) == "sent 0, removed 0, failed 1"
    assert 1 <= len(connections) <= 3


def test_a_request_to_a_silent_endpoint_waits_no_longer_than_the_time_it_has_left(api, silent_endpoint, monkeypatch):
    """One request may wait 4 s, but the endpoint has 1.2 s in all: the send gives up when those are spent,
    not when the request would time out (the margin, 1.4 s, is for a busy machine)."""
    silent, _ = silent_endpoint
    monkeypatch.setattr("webapp.push.sending.REQUEST_TIMEOUT", 4)
    monkeypatch.setattr("webapp.push.sending.ENDPOINT_TIME_LIMIT", 1.2)
    outcome = []
    # In a thread, so that a send with no time limit at all fails this test instead of hanging the suite.
    sending = threading.Thread(target=lambda: outcome.append(send(silent)), daemon=True)
    started = time.monotonic()
    sending.start()
    sending.join(10)
    assert outcome == ["sent 0, removed 0, failed 1"], "still waiting on a silent push service after 10 s"
    assert time.monotonic() - started < 2.6
