"""Push updates: opt-in subscriptions stored with SQLAlchemy, and a neutral notice sent with pywebpush.

The API takes a browser's PushSubscription and the person's language; `flask push send` tells every
subscriber, in their language, that there is new information, without saying what Waymark is about.
One module per job: `model` (the table), `endpoint` (judging an endpoint), `api`, `sending`, `cli`.
"""
import base64
import os
from pathlib import Path

import sqlalchemy
from cryptography.hazmat.primitives import serialization
from flask_migrate import Migrate, stamp, upgrade
from py_vapid import Vapid

from .api import bp, check_subscription, limiter
from .cli import push
from .endpoint import endpoint_problem, parse_origins
from .model import Subscription, db
from .sending import Sender, notice_texts, retry_delay, send_notice

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
FIRST_REVISION = "0001"  # the table as db.create_all() made it before there were migrations

__all__ = ["Sender", "Subscription", "check_subscription", "db", "endpoint_problem", "init_app", "limiter",
           "notice_texts", "parse_origins", "retry_delay", "send_notice"]


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


def create_sqlite_file(uri):
    """Make the SQLite file readable by its owner only (SQLite would create it world-readable; its
    journal files copy the database file's mode)."""
    prefix = "sqlite:///"
    if uri.startswith(prefix) and len(uri) > len(prefix) and not uri.startswith(prefix + ":memory:"):
        path = Path(uri[len(prefix):].split("?", 1)[0])
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)  # a file an earlier release made world-readable, too


def migrate_database():
    """Bring the tables up to date (what `flask --app webapp db upgrade` does), adopting a database made
    before migrations existed."""
    tables = sqlalchemy.inspect(db.engine).get_table_names()
    if "push_subscription" in tables and "alembic_version" not in tables:
        stamp(directory=str(MIGRATIONS), revision=FIRST_REVISION)
    upgrade(directory=str(MIGRATIONS))


def init_app(app):
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", app.config.get("DATABASE_URL")
                          or f"sqlite:///{os.path.join(app.instance_path, 'waymark.sqlite')}")
    app.config["PUSH_ALLOWED_ORIGINS"] = parse_origins(app.config["PUSH_ALLOWED_ORIGINS"])
    create_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    Migrate(app, db, directory=str(MIGRATIONS))
    limiter.init_app(app)
    vapid = load_or_create_vapid(app.config.get("VAPID_PRIVATE_KEY_FILE")
                                 or os.path.join(app.instance_path, "vapid_private.pem"))
    app.extensions["waymark_vapid"] = vapid
    app.extensions["waymark_vapid_public_key"] = public_key_b64(vapid)
    with app.app_context():
        migrate_database()
        # gunicorn --preload forks after this: a pooled connection would be shared by every worker.
        db.engine.dispose()
    app.register_blueprint(bp)
    app.cli.add_command(push)
