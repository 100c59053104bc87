"""Push updates: opt-in subscriptions stored with SQLAlchemy, and a neutral notice sent with pywebpush.

The API takes a browser's PushSubscription and the person's language; `flask push send` tells every
subscriber, in their language, that there is new information, without saying what Waymark is about.
"""
import base64
import binascii
import dataclasses
import datetime
import email.utils
import ipaddress
import json
import os
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import click
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Blueprint, current_app, jsonify, request
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from .i18n import languages
from .pages import page_url

db = SQLAlchemy()
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://")
bp = Blueprint("push", __name__, url_prefix="/api")

MAX_BODY_BYTES = 4096
MAX_ENDPOINT_LENGTH = 1024
TOPIC = "waymark-update"  # a newer notice replaces an older one the phone has not received yet
MAX_ATTEMPTS = 4


def now():
    return datetime.datetime.now(datetime.timezone.utc)


class Subscription(db.Model):
    """One browser that asked to be told: no more than it takes to send it a notice."""

    __tablename__ = "push_subscription"
    id = db.Column(db.Integer, primary_key=True)
    endpoint = db.Column(db.String(MAX_ENDPOINT_LENGTH), unique=True, nullable=False)
    p256dh = db.Column(db.String(128), nullable=False)
    auth = db.Column(db.String(64), nullable=False)
    lang = db.Column(db.String(16), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=now)
    last_success_at = db.Column(db.DateTime(timezone=True))


def notice_texts():
    """The notice, in the current locale: neutral, so a lock screen gives nothing away."""
    return {"title": _("New information in Waymark"), "body": _("Tap to see what changed.")}


# --- Checking what a browser sends ---------------------------------------------------------------


class BadSubscription(ValueError):
    def __init__(self, message, status=422):
        super().__init__(message)
        self.status = status


BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def b64url_decode(text):
    """Strict base64url: any other character is an error, not silently dropped."""
    if not BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


def parse_origins(value):
    """Allowed push origins from the setting: a list, or a comma-separated string."""
    items = value.split(",") if isinstance(value, str) else value
    return [item.strip().rstrip("/").lower() for item in items if item.strip()]


def _split_origin(scheme, host, port):
    default = {"https": 443, "http": 80}.get(scheme)
    return scheme, host, port or default


def _is_ip(host):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def endpoint_problem(endpoint, allowed_origins):
    """Why this endpoint may not be sent to (no server-side request forgery), or None when it may."""
    if not isinstance(endpoint, str) or not endpoint:
        return "The subscription needs an endpoint: the push service address the browser gave."
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        return "The endpoint is too long to be a push service address."
    try:
        url = urlsplit(endpoint)
        port = url.port
    except ValueError:
        return "The endpoint is not a valid web address."
    host = (url.hostname or "").lower()
    if url.scheme not in ("https", "http") or not host or url.username or url.password:
        return "The endpoint must be an https address of a known push service."
    target = _split_origin(url.scheme, host, port)
    address = _is_ip(host)
    for origin in allowed_origins:
        allowed = urlsplit(origin)
        allowed_host = (allowed.hostname or "").lower()
        expected = _split_origin(allowed.scheme, allowed_host, allowed.port)
        if allowed_host.startswith("*."):
            matches = (target[0], target[2]) == (expected[0], expected[2]) and host.endswith(allowed_host[1:])
        else:
            matches = target == expected
        if not matches:
            continue
        # Plain http and addresses inside this network are only for a push service named explicitly,
        # on this machine (tests and local development).
        if url.scheme == "http" or address is not None:
            if not ((address is not None and address.is_loopback) or host == "localhost") or allowed_host.startswith("*."):
                return "The endpoint must be an https address of a known push service."
        return None
    if address is not None and (address.is_private or address.is_loopback or address.is_link_local):
        return "The endpoint points inside a private network; only known push services are allowed."
    return "The endpoint is not on a known push service."


def check_subscription(body, allowed_origins, offered):
    """The (endpoint, p256dh, auth, lang) of a request body, or BadSubscription saying what is wrong."""
    if not isinstance(body, dict):
        raise BadSubscription("Send a JSON object with 'subscription' and 'lang'.", 400)
    subscription, lang = body.get("subscription"), body.get("lang")
    if not isinstance(subscription, dict):
        raise BadSubscription("'subscription' must be the object PushSubscription.toJSON() returns.", 400)
    keys = subscription.get("keys")
    endpoint = subscription.get("endpoint")
    if not isinstance(endpoint, str):
        raise BadSubscription("'subscription.endpoint' must be a string.", 400)
    if not isinstance(keys, dict) or not isinstance(keys.get("p256dh"), str) or not isinstance(keys.get("auth"), str):
        raise BadSubscription("'subscription.keys' must hold the strings 'p256dh' and 'auth'.", 400)
    if not isinstance(lang, str):
        raise BadSubscription("'lang' must be the tag of a language Waymark offers, such as \"en\".", 400)
    if lang not in offered:
        raise BadSubscription(f"'{lang[:20]}' is not a language Waymark offers.")
    try:
        point = b64url_decode(keys["p256dh"])
        if len(point) != 65:
            raise ValueError("not an uncompressed point")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, binascii.Error):
        raise BadSubscription("'keys.p256dh' is not a P-256 public key in base64url.") from None
    try:
        secret = b64url_decode(keys["auth"])
    except (ValueError, binascii.Error):
        secret = b""
    if len(secret) != 16:
        raise BadSubscription("'keys.auth' must be 16 bytes in base64url.")
    problem = endpoint_problem(endpoint, allowed_origins)
    if problem:
        raise BadSubscription(problem)
    return endpoint, keys["p256dh"], keys["auth"], lang


# --- The API --------------------------------------------------------------------------------------


def error(message, status):
    return jsonify(error=message), status


@bp.before_request
def limit_body():
    request.max_content_length = MAX_BODY_BYTES


@bp.route("/push/key")
def public_key():
    """The VAPID public key a browser subscribes with."""
    return jsonify(publicKey=current_app.extensions["waymark_vapid_public_key"])


@bp.route("/push/subscriptions", methods=["POST"])
@limiter.limit(lambda: current_app.config["PUSH_RATE_LIMIT"])
def subscribe():
    """Store a subscription, or update the language of one already known."""
    body = request.get_json(silent=True)
    try:
        endpoint, p256dh, auth, lang = check_subscription(
            body, current_app.config["PUSH_ALLOWED_ORIGINS"], languages()
        )
    except BadSubscription as problem:
        return error(str(problem), problem.status)
    known = db.session.execute(db.select(Subscription).filter_by(endpoint=endpoint)).scalar_one_or_none()
    if known:
        known.p256dh, known.auth, known.lang = p256dh, auth, lang
        status = 200
    else:
        db.session.add(Subscription(endpoint=endpoint, p256dh=p256dh, auth=auth, lang=lang))
        status = 201
    db.session.commit()
    return jsonify(lang=lang), status


@bp.route("/push/subscriptions", methods=["DELETE"])
@limiter.limit(lambda: current_app.config["PUSH_RATE_LIMIT"])
def unsubscribe():
    """Forget a subscription. Forgetting one that is not known is not an error."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("endpoint"), str):
        return error("Send a JSON object with the 'endpoint' to forget.", 400)
    db.session.execute(db.delete(Subscription).where(Subscription.endpoint == body["endpoint"]))
    db.session.commit()
    return "", 204


@bp.route("/openapi.json")
def openapi():
    """The API's OpenAPI document."""
    document = json.loads((Path(__file__).parent / "openapi.json").read_text())
    return jsonify(document)


# --- Sending --------------------------------------------------------------------------------------


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


class Sender:
    """Sends one notice to many subscriptions through a bounded pool of threads."""

    def __init__(self, vapid, subject, ttl, allowed_origins, pool_size):
        self.vapid, self.subject, self.ttl = vapid, subject, ttl
        self.allowed_origins, self.pool_size = allowed_origins, pool_size
        self.local = threading.local()

    def session(self):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def send_one(self, subscription, payload):
        """'sent', 'removed' or 'failed' for one (endpoint, p256dh, auth) and its payload."""
        endpoint, p256dh, auth = subscription
        if endpoint_problem(endpoint, self.allowed_origins):
            return "failed"  # the list changed since it subscribed: never send outside it
        info = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
        for attempt in range(MAX_ATTEMPTS):
            try:
                webpush(
                    info, payload, vapid_private_key=self.vapid,
                    # pywebpush writes aud and exp into the claims it is given: a fresh dict every call.
                    vapid_claims={"sub": self.subject},
                    ttl=self.ttl, headers={"Urgency": "normal", "Topic": TOPIC},
                    timeout=10, requests_session=self.session(),
                )
                return "sent"
            except WebPushException as problem:
                status = problem.status_code
                if status in (404, 410):
                    return "removed"
                if status is None or not (status == 429 or status >= 500) or attempt == MAX_ATTEMPTS - 1:
                    return "failed"
                time.sleep(retry_delay(problem, attempt))
            except requests.RequestException as problem:
                if attempt == MAX_ATTEMPTS - 1:
                    return "failed"
                time.sleep(retry_delay(problem, attempt))
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


def send_notice(pool_size=None):
    """Tell every subscriber, in their language, that there is new information."""
    app = current_app
    texts = payloads()
    rows = db.session.execute(db.select(Subscription.id, Subscription.endpoint, Subscription.p256dh,
                                        Subscription.auth, Subscription.lang)).all()
    jobs = [(row.id, (row.endpoint, row.p256dh, row.auth), texts.get(row.lang, texts["en"])) for row in rows]
    sender = Sender(app.extensions["waymark_vapid"], app.config["VAPID_SUBJECT"], app.config["PUSH_TTL"],
                    app.config["PUSH_ALLOWED_ORIGINS"], pool_size or app.config["PUSH_POOL_SIZE"])
    outcomes = sender.send(jobs)
    result = SendResult()
    sent = [key for key, outcome in outcomes.items() if outcome == "sent"]
    gone = [key for key, outcome in outcomes.items() if outcome == "removed"]
    result.sent, result.removed = len(sent), len(gone)
    result.failed = len(outcomes) - len(sent) - len(gone)
    if gone:
        db.session.execute(db.delete(Subscription).where(Subscription.id.in_(gone)))
    for start in range(0, len(sent), 500):
        db.session.execute(db.update(Subscription).where(Subscription.id.in_(sent[start:start + 500]))
                           .values(last_success_at=now()))
    db.session.commit()
    return result


push = AppGroup("push", help="Send push notices to subscribers.")


@push.command("send")
@click.option("--pool", type=int, default=None, help="How many notices are sent at once.")
def send_command(pool):
    """Tell every subscriber that there is new information (the newest update)."""
    if not current_app.extensions["waymark_updates"]:
        raise click.ClickException("There is no update to announce: add one to content/updates.toml.")
    result = send_notice(pool)
    click.echo(f"sent {result.sent}, removed {result.removed}, failed {result.failed}")


# --- Set-up ---------------------------------------------------------------------------------------


def load_or_create_vapid(path):
    """The VAPID key pair in `path`, made on first start (private key readable by its owner only)."""
    path = Path(path)
    if not path.exists():
        vapid = Vapid()
        vapid.generate_keys()
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(vapid.private_pem())
    return Vapid.from_file(str(path))


def public_key_b64(vapid):
    point = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def init_app(app):
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config.get("DATABASE_URL")
                          or f"sqlite:///{os.path.join(app.instance_path, 'waymark.sqlite')}")
    app.config["PUSH_ALLOWED_ORIGINS"] = parse_origins(app.config["PUSH_ALLOWED_ORIGINS"])
    db.init_app(app)
    limiter.init_app(app)
    vapid = load_or_create_vapid(app.config.get("VAPID_PRIVATE_KEY_FILE")
                                 or os.path.join(app.instance_path, "vapid_private.pem"))
    app.extensions["waymark_vapid"] = vapid
    app.extensions["waymark_vapid_public_key"] = public_key_b64(vapid)
    with app.app_context():
        db.create_all()
    app.register_blueprint(bp)
    app.cli.add_command(push)
