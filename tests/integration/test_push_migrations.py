"""The subscriptions table is migrated, not recreated: a database made by an earlier release keeps its
subscribers and gains the new columns, on SQLite and PostgreSQL, at start-up or by `flask db upgrade`."""
import pytest
import sqlalchemy

from webapp import create_app
from webapp.push import db


# The table exactly as the first releases' db.create_all() made it.
OLD = sqlalchemy.MetaData()
sqlalchemy.Table(
    "push_subscription", OLD,
    sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True),
    sqlalchemy.Column("endpoint", sqlalchemy.String(1024), unique=True, nullable=False),
    sqlalchemy.Column("p256dh", sqlalchemy.String(128), nullable=False),
    sqlalchemy.Column("auth", sqlalchemy.String(64), nullable=False),
    sqlalchemy.Column("lang", sqlalchemy.String(16), nullable=False),
    sqlalchemy.Column("created_at", sqlalchemy.DateTime(timezone=True), nullable=False),
    sqlalchemy.Column("last_success_at", sqlalchemy.DateTime(timezone=True)),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path):
    url = (f"sqlite:///{tmp_path / 'old.sqlite'}" if request.param == "sqlite"
           else request.getfixturevalue("postgresql_url"))
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS push_subscription")
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        OLD.create_all(connection)
        connection.exec_driver_sql(
            "INSERT INTO push_subscription (endpoint, p256dh, auth, lang, created_at) "
            "VALUES ('https://fcm.googleapis.com/fcm/send/kept', 'k', 'a', 'ar', '2026-11-01 10:00:00')")
    yield url, engine
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS push_subscription")
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()


def test_an_earlier_database_keeps_its_subscribers_and_gains_the_failure_count(old_database, tmp_path, monkeypatch):
    url, engine = old_database
    app = create_app({"TESTING": True, "DATABASE_URL": url, "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "v.pem")})
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT endpoint, lang, failures, first_failure_at FROM push_subscription").all()
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert [tuple(row) for row in rows] == [("https://fcm.googleapis.com/fcm/send/kept", "ar", 0, None)]
    assert version == "0002"
    monkeypatch.chdir(tmp_path)  # `flask db upgrade` by hand, from wherever the operator is
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
