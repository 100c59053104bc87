"""Several API servers, one rate limit: counted in a real Redis (Debian's redis-server) that the test starts."""
import shutil

import pytest

from webapp import create_app

from ..support.fake_push import FakePushService
from ..support.processes import Process, free_port


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    command = [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)]
    with Process(command, port, folder / "redis.log"):
        yield f"redis://127.0.0.1:{port}/0"


def test_two_servers_share_one_limit_through_redis(redis_url, tmp_path):
    with FakePushService() as fake_push:
        servers = [
            create_app({"TESTING": True, "RATELIMIT_STORAGE_URI": redis_url, "PUSH_RATE_LIMIT": "4 per minute",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'push.sqlite'}", "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "v.pem"),
                        "PUSH_ALLOWED_ORIGINS": fake_push.origin}).test_client()
            for _ in range(2)
        ]
        statuses = []
        for attempt in range(8):  # one person's requests, shared out between the two servers in turn
            body = {"subscription": fake_push.subscribe(f"phone-{attempt}"), "lang": "en"}
            statuses.append(servers[attempt % 2].post("/api/push/subscriptions", json=body,
                                                      environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code)
        assert statuses == [201] * 4 + [429] * 4
        # Another address has its own count, on either server.
        other = {"subscription": fake_push.subscribe("other"), "lang": "en"}
        assert servers[1].post("/api/push/subscriptions", json=other,
                               environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 201
