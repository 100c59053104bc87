"""Sending: one neutral notice to every subscriber, in their language, through pywebpush.

Every endpoint is judged again before each send (the allow-list may have changed since it subscribed),
redirects are never followed (a push service does not redirect; an attacker's server would, inside
this network), and each endpoint gets a bounded time. A subscription that keeps failing is dropped.
"""
import dataclasses
import datetime
import email.utils
import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from pywebpush import WebPushException, webpush

from ..i18n import languages
from ..pages import page_url
from .endpoint import endpoint_problem
from .model import Subscription, db, now

TOPIC = "waymark-update"  # a newer notice replaces an older one the phone has not received yet
MAX_ATTEMPTS = 4
REQUEST_TIMEOUT = 10  # seconds to connect, and between bytes of the answer
ENDPOINT_TIME_LIMIT = 30  # seconds one endpoint may take, retries included
# Dropped after this many sends in a row failed, the first of them at least this long ago.
DROP_AFTER_FAILURES = 3
DROP_AFTER = datetime.timedelta(days=3)


def notice_texts():
    """The notice, in the current locale: neutral, so a lock screen gives nothing away."""
    return {"title": _("New information in Waymark"), "body": _("Tap to see what changed.")}


@dataclasses.dataclass
class SendResult:
    sent: int = 0
    removed: int = 0
    failed: int = 0


def retry_delay(exception, attempt):
    """Seconds to wait before trying again: the service's Retry-After, else exponential backoff."""
    response = getattr(exception, "response", None)
    header = (response.headers.get("Retry-After") or "").strip() if response is not None else ""
    try:
        if header:
            return max(0.0, min(float(header), 60.0))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(header)
            if when.tzinfo is None:
                when = when.replace(tzinfo=datetime.timezone.utc)
            return max(0.0, min((when - now()).total_seconds(), 60.0))
        except (TypeError, ValueError):
            pass  # not a date either: back off as if there were no header
    return min(0.5 * 2**attempt + random.random() / 10, 30)


class NoRedirects(requests.Session):
    """A session that never follows a redirect: a 3xx comes back as a failed send."""

    def request(self, *args, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)


class Sender:
    """Sends one notice to many subscriptions through a bounded pool of threads."""

    def __init__(self, vapid, subject, ttl, allowed_origins, pool_size):
        self.vapid, self.subject, self.ttl = vapid, subject, ttl
        self.allowed_origins, self.pool_size = allowed_origins, pool_size
        self.local = threading.local()

    def session(self):
        if not hasattr(self.local, "session"):
            self.local.session = NoRedirects()
        return self.local.session

    def send_one(self, subscription, payload):
        """'sent', 'removed' or 'failed' for one (endpoint, p256dh, auth) and its payload."""
        endpoint, p256dh, auth = subscription
        info = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
        deadline = time.monotonic() + ENDPOINT_TIME_LIMIT
        for attempt in range(MAX_ATTEMPTS):
            if endpoint_problem(endpoint, self.allowed_origins):
                return "failed"  # the list changed since it subscribed: never send outside it
            left = deadline - time.monotonic()
            try:
                webpush(
                    info, payload, vapid_private_key=self.vapid,
                    # pywebpush writes aud and exp into the claims it is given: a fresh dict every call.
                    vapid_claims={"sub": self.subject},
                    ttl=self.ttl, headers={"Urgency": "normal", "Topic": TOPIC},
                    timeout=max(0.1, min(REQUEST_TIMEOUT, left)), requests_session=self.session(),
                )
                return "sent"
            except WebPushException as problem:
                status = problem.status_code
                if status in (404, 410):
                    return "removed"
                if status is None or not (status == 429 or status >= 500):
                    return "failed"
                delay = retry_delay(problem, attempt)
            except requests.RequestException as problem:
                delay = retry_delay(problem, attempt)
            if attempt == MAX_ATTEMPTS - 1 or time.monotonic() + delay >= deadline:
                return "failed"
            time.sleep(delay)
        return "failed"

    def send(self, jobs):
        """jobs: (id, (endpoint, p256dh, auth), payload). Returns {id: outcome}."""
        with ThreadPoolExecutor(max_workers=self.pool_size) as pool:
            outcomes = pool.map(lambda job: (job[0], self.send_one(job[1], job[2])), jobs)
            return dict(outcomes)


def payloads():
    """The notice in every offered language, as the JSON the service worker reads."""
    texts = {}
    with current_app.test_request_context():  # to build each language's Updates address from the routes
        for tag, language in languages().items():
            with force_locale(language.locale):
                url = page_url(tag, "updates", "standard")
                texts[tag] = json.dumps({**notice_texts(), "url": url, "tag": TOPIC, "lang": tag}, ensure_ascii=False)
    return texts


def _in_batches(ids, size=500):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def record(outcomes, when):
    """Store what each send did: success clears the failures, a gone or long-failing one is deleted."""
    ids = {outcome: [key for key, value in outcomes.items() if value == outcome] for outcome in ("sent", "removed", "failed")}
    for batch in _in_batches(ids["sent"]):
        db.session.execute(db.update(Subscription).where(Subscription.id.in_(batch))
                           .values(last_success_at=when, failures=0, first_failure_at=None))
    for batch in _in_batches(ids["failed"]):
        db.session.execute(db.update(Subscription).where(Subscription.id.in_(batch)).values(
            failures=Subscription.failures + 1,
            first_failure_at=db.func.coalesce(Subscription.first_failure_at, when)))
    dead = db.select(Subscription.id).where(Subscription.id.in_(ids["failed"]),
                                            Subscription.failures >= DROP_AFTER_FAILURES,
                                            Subscription.first_failure_at <= when - DROP_AFTER)
    dropped = list(db.session.execute(dead).scalars()) if ids["failed"] else []
    for batch in _in_batches(ids["removed"] + dropped):
        db.session.execute(db.delete(Subscription).where(Subscription.id.in_(batch)))
    db.session.commit()
    return SendResult(sent=len(ids["sent"]), removed=len(ids["removed"]) + len(dropped),
                      failed=len(ids["failed"]) - len(dropped))


def send_notice(pool_size=None):
    """Tell every subscriber, in their language, that there is new information."""
    app = current_app
    texts = payloads()
    rows = db.session.execute(db.select(Subscription.id, Subscription.endpoint, Subscription.p256dh,
                                        Subscription.auth, Subscription.lang)).all()
    jobs = [(row.id, (row.endpoint, row.p256dh, row.auth), texts.get(row.lang, texts["en"])) for row in rows]
    sender = Sender(app.extensions["waymark_vapid"], app.config["VAPID_SUBJECT"], app.config["PUSH_TTL"],
                    app.config["PUSH_ALLOWED_ORIGINS"], pool_size or app.config["PUSH_POOL_SIZE"])
    return record(sender.send(jobs), now())
