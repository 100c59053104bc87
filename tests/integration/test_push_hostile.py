"""The push API under hostile input, races and floods, on SQLite and PostgreSQL: every answer is JSON,
a clear 4xx for bad input, and nothing is lost or stored twice."""
import threading

import pytest

from webapp import create_app
from webapp.push import Subscription, db

from ..support.fake_push import FakePushService
from ..support.storage import empty_tables

BACKENDS = ["sqlite", "postgresql"]
URL = "/api/push/subscriptions"


@pytest.fixture(scope="module")
def fake_push():
    with FakePushService() as service:
        yield service


def make_app(tmp_path, fake_push, database, **config):
    return create_app({"TESTING": True, "DATABASE_URL": database, "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"),
                       "PUSH_ALLOWED_ORIGINS": fake_push.origin, "PUSH_RATE_LIMIT": "1000 per minute", **config})


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'push.sqlite'}"
    return request.getfixturevalue("postgresql_url")


@pytest.fixture
def push_app(tmp_path, fake_push, database):
    app = make_app(tmp_path, fake_push, database)
    with empty_tables(app):
        yield app


def rows(app):
    with app.app_context():
        return sorted((s.endpoint, s.lang) for s in db.session.execute(db.select(Subscription)).scalars())


def assert_json_error(response, status):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    assert len(response.get_json()["error"]) > 10


# Endpoints that one parser reads as a push service and another as somewhere else: a 422 each.
SNEAKY = [
    "https://169.254.169.254\\.notify.windows.com/x",
    "{origin}\\@169.254.169.254/push/x",
    "http://169.254.169.254%5C@{host}/push/x",
    "{origin}@169.254.169.254/push/x",
    "http://@{host}/push/x",
    "http://x:@{host}/push/x",
    "http://%31%32%37.0.0.1:{port}/push/x",
    "http://127.0.0.1:0/push/x",
    "http://127.0.0.1.:{port}/push/x",
    "{origin}/push/x#y",
    "{origin}/push/x y",
    "{origin}/push/x\r\nX-Injected: 1",
    "{origin}/push/\u00e9",
    "HTTP://127.0.0.1:{port}/push/x",
    "http://2130706433:{port}/push/x",
    "http://0x7f.0.0.1:{port}/push/x",
    "http://[::ffff:127.0.0.1]:{port}/push/x",
]


@pytest.mark.parametrize("template", SNEAKY)
def test_parser_differential_endpoints_get_a_clear_422_and_store_nothing(push_app, fake_push, template):
    host, port = fake_push.origin.removeprefix("http://").split(":")
    subscription = fake_push.subscribe("sneaky")
    subscription["endpoint"] = template.format(origin=fake_push.origin, host=host, port=port)
    response = push_app.test_client().post(URL, json={"subscription": subscription, "lang": "en"})
    assert_json_error(response, 422)
    assert "endpoint" in response.get_json()["error"]
    assert rows(push_app) == []


DEEP = "[" * 2000 + "]" * 2000


@pytest.mark.parametrize("method, body, status", [
    ("POST", DEEP, 400),
    ("DELETE", DEEP, 400),
    ("POST", '{"subscription": {"endpoint": "\\ud800", "keys": {"p256dh": "a", "auth": "b"}}, "lang": "en"}', 400),
    ("DELETE", '{"endpoint": "\\ud800"}', 400),
    ("DELETE", '{"endpoint": "http://a/\\udfff"}', 400),
    ("POST", '{"subscription": {"endpoint": "x", "keys": {"p256dh": "a", "auth": "b"}}, "lang": "e\\u0000n"}', 400),
    ("DELETE", '{"endpoint": "http://a/\\u0000"}', 400),
    ("POST", '{"subscription": ', 400),
    ("POST", "\xff\xfe", 400),
    ("DELETE", "null", 400),
], ids=["deep POST", "deep DELETE", "surrogate POST", "surrogate DELETE", "low surrogate DELETE", "NUL POST",
        "NUL DELETE", "truncated", "not UTF-8", "null"])
def test_malformed_json_gets_a_clear_400(push_app, method, body, status):
    response = push_app.test_client().open(URL, method=method, data=body.encode("utf-8", "surrogateescape"),
                                           content_type="application/json")
    assert_json_error(response, status)


def test_a_body_that_is_not_json_gets_415(push_app, fake_push):
    response = push_app.test_client().post(URL, data="subscription=x", content_type="application/x-www-form-urlencoded")
    assert_json_error(response, 415)
    assert "application/json" in response.get_json()["error"]


def test_identical_subscribes_at_the_same_moment_all_succeed_and_store_one_row(push_app, fake_push):
    for round_ in range(5):
        subscription = fake_push.subscribe(f"twin{round_}")
        barrier = threading.Barrier(6)
        statuses = []

        def subscribe_now():
            client = push_app.test_client()
            barrier.wait()
            statuses.append(client.post(URL, json={"subscription": subscription, "lang": "en"}).status_code)

        threads = [threading.Thread(target=subscribe_now) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200] * 5 + [201], statuses
    assert len(rows(push_app)) == 5


def test_endpoints_differing_only_in_case_or_spacing_are_not_stored_twice(push_app, fake_push):
    client = push_app.test_client()
    subscription = fake_push.subscribe("once")
    assert client.post(URL, json={"subscription": subscription, "lang": "en"}).status_code == 201
    for variant in (subscription["endpoint"].upper(), subscription["endpoint"] + " ", " " + subscription["endpoint"]):
        response = client.post(URL, json={"subscription": {**subscription, "endpoint": variant}, "lang": "en"})
        assert response.status_code == 422
    assert len(rows(push_app)) == 1


# --- Every /api/ answer is JSON --------------------------------------------------------------------


def test_unknown_api_address_is_a_json_404(push_app):
    assert_json_error(push_app.test_client().get("/api/nothing-here"), 404)


def test_wrong_method_is_a_json_405_with_allow(push_app):
    response = push_app.test_client().put(URL, json={})
    assert_json_error(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST", "DELETE"}


def test_a_server_error_under_api_is_json(tmp_path, fake_push):
    app = make_app(tmp_path, fake_push, f"sqlite:///{tmp_path / 'x.sqlite'}", TESTING=False)

    @app.route("/api/broken")
    def broken():
        raise RuntimeError("a bug")

    response = app.test_client().get("/api/broken")
    assert_json_error(response, 500)
    assert "a bug" not in response.get_data(as_text=True)


def test_delete_answers_204_without_a_content_type(push_app):
    response = push_app.test_client().delete(URL, json={"endpoint": "http://127.0.0.1:1/push/none"})
    assert response.status_code == 204
    assert "Content-Type" not in response.headers and response.get_data() == b""


# --- The rate limit counts each client address ------------------------------------------------------


def limited_app(tmp_path, fake_push, **config):
    return make_app(tmp_path, fake_push, f"sqlite:///{tmp_path / 'limit.sqlite'}", PUSH_RATE_LIMIT="3 per minute",
                    **config)


def post_from(client, fake_push, name, **kwargs):
    return client.post(URL, json={"subscription": fake_push.subscribe(name), "lang": "en"}, **kwargs)


def test_the_limit_is_per_client_address_and_the_429_says_when_to_retry(tmp_path, fake_push):
    client = limited_app(tmp_path, fake_push).test_client()
    a, b = {"REMOTE_ADDR": "198.51.100.1"}, {"REMOTE_ADDR": "198.51.100.2"}
    assert [post_from(client, fake_push, f"a{n}", environ_base=a).status_code for n in range(3)] == [201] * 3
    refused = post_from(client, fake_push, "a3", environ_base=a)
    assert_json_error(refused, 429)
    assert "Wait a minute" in refused.get_json()["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # a one-minute window, rounded up
    assert post_from(client, fake_push, "b0", environ_base=b).status_code == 201


def test_unsubscribing_is_limited_too(tmp_path, fake_push):
    client = limited_app(tmp_path, fake_push).test_client()
    statuses = [client.delete(URL, json={"endpoint": f"{fake_push.origin}/push/gone{n}"},
                              environ_base={"REMOTE_ADDR": "198.51.100.3"}).status_code for n in range(4)]
    assert statuses == [204, 204, 204, 429]


def test_behind_a_proxy_the_limit_counts_the_forwarded_address(tmp_path, fake_push):
    client = limited_app(tmp_path, fake_push, PROXY_COUNT=1).test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    for n in range(3):
        response = post_from(client, fake_push, f"p{n}", environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.1"})
        assert response.status_code == 201
    assert post_from(client, fake_push, "p3", environ_base=proxy,
                     headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert post_from(client, fake_push, "q0", environ_base=proxy,
                     headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 201


def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_limit(tmp_path, fake_push):
    client = limited_app(tmp_path, fake_push).test_client()
    me = {"REMOTE_ADDR": "198.51.100.4"}
    statuses = [post_from(client, fake_push, f"f{n}", environ_base=me,
                          headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429]


def test_the_configured_rate_limit_storage_is_used(tmp_path, fake_push):
    from limits.storage import MemoryStorage

    class Recording(MemoryStorage):
        STORAGE_SCHEME = ["waymark-test-recording"]
        hits = []

        def incr(self, key, expiry, amount=1):
            Recording.hits.append(key)
            return super().incr(key, expiry, amount)

    app = limited_app(tmp_path, fake_push, RATELIMIT_STORAGE_URI="waymark-test-recording://")
    post_from(app.test_client(), fake_push, "stored", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert any("198.51.100.9" in key for key in Recording.hits)
