"""The subscription API: a browser's PushSubscription and the person's language in, JSON out."""
import base64
import binascii
import json
import math
import re
import time
from pathlib import Path

import sqlalchemy
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Blueprint, current_app, jsonify, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.exceptions import RequestEntityTooLarge

from ..i18n import languages
from .endpoint import endpoint_problem
from .model import MAX_ENDPOINT_LENGTH, Subscription, db
from .schema import prepare_database

# No storage_uri here: Flask-Limiter then reads RATELIMIT_STORAGE_URI (memory:// by default).
limiter = Limiter(key_func=get_remote_address)
bp = Blueprint("push", __name__, url_prefix="/api")

MAX_BODY_BYTES = 4096
BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class BadSubscription(ValueError):
    def __init__(self, message, status=422):
        super().__init__(message)
        self.status = status


def b64url_decode(text):
    """Strict base64url: any other character is an error, not silently dropped."""
    if not BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


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


def strings(value):
    """Every string in parsed JSON, keys included."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def read_json():
    """The request's JSON, or BadSubscription: bad syntax, absurd nesting, NUL or lone surrogates."""
    if not request.is_json:
        raise BadSubscription("Send the body as JSON, with the header Content-Type: application/json.", 415)
    data = request.get_data(cache=True)
    if request.content_length is None and len(data) > MAX_BODY_BYTES:
        # A chunked body is cut at the limit by werkzeug without an error: it was too large.
        raise RequestEntityTooLarge()
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        raise BadSubscription("Send a JSON object (UTF-8, not nested deeper than a subscription is).", 400) from None
    for text in strings(body):
        # A lone surrogate cannot be stored as UTF-8, and PostgreSQL refuses NUL in text.
        if not text.isascii() and any("\ud800" <= character <= "\udfff" for character in text):
            raise BadSubscription("The JSON holds an unpaired surrogate (\\ud800 to \\udfff), which is not text.", 400)
        if "\0" in text:
            raise BadSubscription("The JSON holds a NUL character, which no field may contain.", 400)
    return body


def error(message, status):
    return jsonify(error=message), status


@bp.before_request
def limit_body():
    # A chunked body has no length to check first: let one byte past the limit be read, to know it was over.
    request.max_content_length = MAX_BODY_BYTES if request.content_length is not None else MAX_BODY_BYTES + 1


DATABASE_DOWN = ("Update notices cannot be changed right now: Waymark's database is not answering. Nothing was "
                 "changed. Try again in a few minutes.")


def database_down():
    response = jsonify(error=DATABASE_DOWN)
    response.headers["Retry-After"] = "60"
    return response, 503


@bp.before_request
def database_ready():
    """The subscriptions need the database; start-up did not wait for it, so check it is there now."""
    if request.endpoint in ("push.subscribe", "push.unsubscribe") and not prepare_database(current_app):
        return database_down()
    return None


@bp.errorhandler(sqlalchemy.exc.OperationalError)
def database_went_away(problem):
    """The database stopped answering during this request: nothing was stored; say so, and when to retry."""
    db.session.rollback()
    current_app.logger.warning("The database stopped answering: %s", str(problem.orig or problem).strip().splitlines()[0])
    return database_down()


@bp.errorhandler(429)
def too_many_requests(problem):
    """429 with Retry-After: the seconds until this address may try again."""
    response = jsonify(error="Too many requests from this address. Wait a minute, then try again.")
    limit = limiter.current_limit
    response.headers["Retry-After"] = str(max(1, math.ceil(limit.reset_at - time.time())) if limit else 60)
    return response, 429


@bp.route("/push/key")
def public_key():
    """The VAPID public key a browser subscribes with."""
    return jsonify(publicKey=current_app.extensions["waymark_vapid_public_key"])


def upsert(endpoint, p256dh, auth, lang):
    """201 when this endpoint is new, 200 when it was known. The insert cannot collide (ON CONFLICT DO
    NOTHING), so two identical subscribes at the same moment both succeed and leave one row."""
    insert = INSERT[db.engine.dialect.name]
    added = db.session.execute(
        insert(Subscription).values(endpoint=endpoint, p256dh=p256dh, auth=auth, lang=lang)
        .on_conflict_do_nothing(index_elements=[Subscription.endpoint]).returning(Subscription.id)
    ).first()
    if added is None:
        db.session.execute(db.update(Subscription).where(Subscription.endpoint == endpoint)
                           .values(p256dh=p256dh, auth=auth, lang=lang, failures=0, first_failure_at=None))
    db.session.commit()
    return 201 if added else 200


@bp.route("/push/subscriptions", methods=["POST"])
@limiter.limit(lambda: current_app.config["PUSH_RATE_LIMIT"])
def subscribe():
    """Store a subscription, or update the keys and language of one already known."""
    try:
        endpoint, p256dh, auth, lang = check_subscription(
            read_json(), current_app.config["PUSH_ALLOWED_ORIGINS"], languages()
        )
    except BadSubscription as problem:
        return error(str(problem), problem.status)
    return jsonify(lang=lang), upsert(endpoint, p256dh, auth, lang)


@bp.route("/push/subscriptions", methods=["DELETE"])
@limiter.limit(lambda: current_app.config["PUSH_RATE_LIMIT"])
def unsubscribe():
    """Forget a subscription. Forgetting one that is not known is not an error."""
    try:
        body = read_json()
    except BadSubscription as problem:
        return error(str(problem), problem.status)
    if not isinstance(body, dict) or not isinstance(body.get("endpoint"), str):
        return error("Send a JSON object with the 'endpoint' to forget.", 400)
    if len(body["endpoint"]) > MAX_ENDPOINT_LENGTH:
        return error("The endpoint is too long to be a push service address.", 422)
    db.session.execute(db.delete(Subscription).where(Subscription.endpoint == body["endpoint"]))
    db.session.commit()
    return "", 204


@bp.route("/openapi.json")
def openapi():
    """The API's OpenAPI document."""
    document = json.loads((Path(__file__).parent.parent / "openapi.json").read_text())
    lang = document["components"]["schemas"]["SubscribeRequest"]["properties"]["lang"]
    lang["enum"] = sorted(languages())  # the languages offered now: only complete catalogs count
    return jsonify(document)
