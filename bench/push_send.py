"""Push benchmark: send one notice to N subscriptions of a fake push service on loopback.

    .venv/bin/python bench/push_send.py --count 10000 --pool 16

The fake service runs in its own process (accepting, not decrypting, so it is not the bottleneck);
this process stores N subscriptions with real P-256 keys in a temporary SQLite file, then runs the same
code as `flask push send`. Prints one JSON line: count, pool, seconds, messages per second, peak RSS.
"""
import argparse
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.fake_push import FakePushService, b64url, browser_keys  # noqa: E402


def serve(queue):
    with FakePushService(decrypt=False) as service:
        queue.put(service.origin)
        while True:
            time.sleep(3600)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--pool", type=int, default=16)
    args = parser.parse_args()
    queue = multiprocessing.Queue()
    fake = multiprocessing.Process(target=serve, args=(queue,), daemon=True)
    fake.start()
    origin = queue.get(timeout=30)

    from webapp import create_app
    from webapp.push import Subscription, db, send_notice

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite",
                          "VAPID_PRIVATE_KEY_FILE": f"{folder}/vapid.pem", "PUSH_ALLOWED_ORIGINS": origin})
        with app.app_context():
            db.session.add_all(Subscription(endpoint=f"{origin}/push/{n}", p256dh=browser_keys()[1],
                                            auth=b64url(bytes(16)), lang="en") for n in range(args.count))
            db.session.commit()
            start = time.perf_counter()
            result = send_notice(args.pool)
            seconds = time.perf_counter() - start
    fake.terminate()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"count": args.count, "pool": args.pool, "sent": result.sent, "failed": result.failed,
                      "seconds": round(seconds, 2), "per_second": round(result.sent / seconds),
                      "peak_rss_mb": round(peak_mb)}))


if __name__ == "__main__":
    main()
