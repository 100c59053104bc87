"""Waymark as `make run` serves it (gunicorn, the Makefile's own command): slow clients, the rate limit
across the whole server, forwarded headers, chunked bodies, and workers forked after --preload."""
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy

from ..support.catalogs import languages_file
from ..support.fake_push import FakePushService
from ..support.gunicorn import Gunicorn
from ..support.postgresql import throwaway_database

URL = "/api/push/subscriptions"


@pytest.fixture(scope="module")
def fake_push():
    with FakePushService() as service:
        yield service


def settings(tmp_path, fake_push, database=None, **extra):
    # Two languages, one each way: each gunicorn worker renders and compresses every page of every language
    # it offers to put its /sw.js together, beside serving, and what is tested here is the same in each.
    languages, _ = languages_file(tmp_path / "languages.toml", ["en", "ar"])
    return {"WAYMARK_LANGUAGES_FILE": str(languages),
            "WAYMARK_DATABASE_URL": database or f"sqlite:///{tmp_path / 'served.sqlite'}",
            "WAYMARK_VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"),
            "WAYMARK_PUSH_ALLOWED_ORIGINS": fake_push.origin, **extra}


def half_requests(port, count):
    """Clients on a slow link: each has sent half its request and then nothing."""
    sockets = []
    for _ in range(count):
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow")
        sockets.append(client)
    return sockets


def test_pages_answer_within_a_second_while_slow_clients_are_connected(tmp_path, fake_push):
    with Gunicorn(env=settings(tmp_path, fake_push)) as server:
        assert server.get("/en/").status_code == 200
        slow = half_requests(server.port, 8)
        try:
            for path in ("/en/", "/en/get-help", "/ar/", "/en/lite/", "/api/push/key"):
                started = time.monotonic()
                response = server.get(path, timeout=10)
                assert response.status_code == 200
                assert time.monotonic() - started < 1, path
        finally:
            for client in slow:
                client.close()


def test_the_rate_limit_holds_for_the_whole_server(tmp_path, fake_push):
    env = settings(tmp_path, fake_push, WAYMARK_PUSH_RATE_LIMIT="5 per minute")
    with Gunicorn(env=env) as server:
        def subscribe(n):
            # A new connection each: a second process or worker would count on its own.
            with requests.Session() as session:
                return session.post(server.url + URL, json={"subscription": fake_push.subscribe(f"whole{n}"), "lang": "en"},
                                    timeout=30)

        with ThreadPoolExecutor(12) as pool:
            responses = list(pool.map(subscribe, range(12)))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 5 + [429] * 7
    for response in responses:
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) >= 1 and response.json()["error"]


def test_a_forwarded_proto_from_loopback_is_not_believed_without_a_proxy_count(tmp_path, fake_push):
    with Gunicorn(env=settings(tmp_path, fake_push)) as server:
        response = server.get("/en/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
        assert "Strict-Transport-Security" not in response.headers
        redirect = server.get("/en", headers={"Host": "evil.example"}, allow_redirects=False)
        assert redirect.status_code in (301, 308) and redirect.headers["Location"] == "/en/"


def test_behind_a_counted_proxy_its_forwarded_proto_is_believed(tmp_path, fake_push):
    with Gunicorn(env=settings(tmp_path, fake_push, WAYMARK_PROXY_COUNT="1")) as server:
        response = server.get("/en/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_chunked_body_over_4_kb_gets_a_json_413(tmp_path, fake_push):
    with Gunicorn(env=settings(tmp_path, fake_push)) as server:
        chunks = (b'{"pad": "' + b"x" * 1000 for _ in range(6))
        response = requests.post(server.url + URL, data=chunks, headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 413
    assert "4 KB" in response.json()["error"]


def test_a_chunked_body_of_exactly_4_kb_is_read_not_refused(tmp_path, fake_push):
    body = b'{"pad": "' + b"x" * (4096 - len(b'{"pad": ""}')) + b'"}'
    assert len(body) == 4096
    with Gunicorn(env=settings(tmp_path, fake_push)) as server:
        response = requests.post(server.url + URL, data=iter([body[:2000], body[2000:]]),
                                 headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 400 and "subscription" in response.json()["error"]  # read whole; refused for what it says


@pytest.fixture
def fresh_postgresql_url():
    with throwaway_database() as url:
        yield url


def test_workers_forked_after_preload_share_no_database_connection(tmp_path, fake_push, fresh_postgresql_url):
    """--preload with several workers on PostgreSQL, subscribes fired the moment the port opens."""
    postgresql_url = fresh_postgresql_url
    env = settings(tmp_path, fake_push, database=postgresql_url, WAYMARK_PUSH_RATE_LIMIT="1000 per minute")
    subscriptions = [fake_push.subscribe(f"fork{n}") for n in range(24)]
    with Gunicorn(env=env, extra=["--workers", "3", "--worker-class", "sync", "--threads", "1", "--preload", "--timeout", "20"],
                  wait=False) as server:
        server.wait_until_up()
        start = threading.Barrier(8)

        def subscribe(batch):
            start.wait()
            with requests.Session() as session:
                return [session.post(server.url + URL, json={"subscription": s, "lang": "en"}, timeout=30).status_code
                        for s in batch]

        with ThreadPoolExecutor(8) as pool:
            statuses = [status for batch in pool.map(subscribe, [subscriptions[n::8] for n in range(8)]) for status in batch]
    assert statuses == [201] * 24
    engine = sqlalchemy.create_engine(postgresql_url)
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT count(*) FROM push_subscription").scalar()
    engine.dispose()
    assert stored == 24


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\n\r\n", 400),
], ids=["uri too long", "malformed header"])
def test_gunicorns_own_error_answers_carry_the_security_headers(tmp_path, fake_push, request_bytes, status):
    with Gunicorn(env=settings(tmp_path, fake_push)) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as client:
            client.sendall(request_bytes)
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    assert head[0].startswith(f"HTTP/1.1 {status}"), head[0]
    headers = dict(line.split(": ", 1) for line in head[1:])
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
