"""The one table push needs: each browser that asked to be told, and how its last sends went."""
import datetime

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

MAX_ENDPOINT_LENGTH = 1024


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
    # Sends that failed in a row since the last success, and when the first of them failed: a
    # subscription that keeps failing for days is dropped, so dead ones do not slow every send.
    failures = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    first_failure_at = db.Column(db.DateTime(timezone=True))
