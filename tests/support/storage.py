"""The push subscriptions' tables, empty for one test and dropped after it, on SQLite or PostgreSQL."""
from contextlib import contextmanager

from webapp.push import db


@contextmanager
def empty_tables(app):
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        # Alembic's record too, or the next app on this database would see it at the newest revision with
        # no table, and not build one.
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()
