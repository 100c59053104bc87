"""The subscriptions' table, brought up to date by migrations (Flask-Migrate), once the database answers."""
import threading
from pathlib import Path

import sqlalchemy
from flask_migrate import stamp, upgrade

from .model import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
FIRST_REVISION = "0001"  # the table as db.create_all() made it before there were migrations
SCHEMA_LOCK = threading.Lock()


def migrate_database():
    """Bring the tables up to date (what `flask --app webapp db upgrade` does), adopting a database made
    before migrations existed."""
    tables = sqlalchemy.inspect(db.engine).get_table_names()
    if "push_subscription" in tables and "alembic_version" not in tables:
        stamp(directory=str(MIGRATIONS), revision=FIRST_REVISION)
    upgrade(directory=str(MIGRATIONS))


def prepare_database(app):
    """Bring the tables up to date, once; False while the database does not answer. Pages never need it,
    so start-up goes on without it and the push API tries again at its next request."""
    with SCHEMA_LOCK:
        if app.extensions.get("waymark_schema_ready"):
            return True
        try:
            migrate_database()
        except sqlalchemy.exc.OperationalError as problem:
            app.logger.warning("The database does not answer (%s); the push API says 503 until it does.",
                               str(problem.orig or problem).strip().splitlines()[0])
            return False
        finally:
            # gunicorn --preload forks after start-up: a pooled connection would be shared by every worker.
            db.engine.dispose()
        app.extensions["waymark_schema_ready"] = True
        return True
