"""A throwaway PostgreSQL database for the push storage tests: they fail loudly, never vanish, without one.

WAYMARK_TEST_POSTGRESQL_URL names a server (a role that may create databases); when it is not set,
scripts/start-postgresql.sh starts Debian's PostgreSQL and prints one. Each test session gets its own
database, dropped at the end, so sessions running at once do not meet.
"""
import os
import subprocess
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "start-postgresql.sh"


def server_url():
    url = os.environ.get("WAYMARK_TEST_POSTGRESQL_URL")
    if url:
        return url
    started = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=600)
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL is needed by the push storage tests and could not be started:\n{started.stderr}",
                    pytrace=False)
    return started.stdout.strip().splitlines()[-1]


@contextmanager
def throwaway_database():
    server = sqlalchemy.make_url(server_url())
    name = f"waymark_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.OperationalError as problem:
        pytest.fail(f"PostgreSQL at {server.render_as_string(hide_password=True)} refused: {problem}", pytrace=False)
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def postgresql_url():
    with throwaway_database() as url:
        yield url
