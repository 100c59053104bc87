"""The database may be down; the guidance may not: pages answer, the push API says 503, nothing is lost."""
import socket
import threading
import time

import pytest
import sqlalchemy

from webapp import create_app
from webapp.push import db

from ..support.fake_push import FakePushService
from ..support.postgresql import throwaway_database
from ..support.processes import free_port


class Switchable:
    """A loopback port in front of the real PostgreSQL: refusing connections (down) until `up()`."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.listener = None
        self.connections = []

    def up(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self):
        """No new connection, and every open one cut, as when the database's machine goes away."""
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept(), which close() would not
        self.listener.close()
        for connection in self.connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()
        self.connections = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.connections += [client, server]
            for one, other in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(one, other), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def fake_push():
    with FakePushService() as service:
        yield service


@pytest.fixture
def database():
    # A database of its own: the app must build its tables when the database comes back, which a table
    # other tests left behind (or dropped, leaving Alembic's version) would hide or break.
    with throwaway_database() as postgresql_url:
        real = sqlalchemy.make_url(postgresql_url)
        switch = Switchable(real.host, real.port or 5432)
        yield switch, real.set(host="127.0.0.1", port=switch.port).render_as_string(hide_password=False), postgresql_url
        if switch.listener is not None:
            switch.down()


def waymark(database_url, fake_push, tmp_path):
    return create_app({"TESTING": True, "DATABASE_URL": database_url, "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "v.pem"),
                       "PUSH_ALLOWED_ORIGINS": fake_push.origin})


def stored(url):
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(sqlalchemy.text("SELECT endpoint FROM push_subscription"))]
    finally:
        engine.dispose()


def test_with_the_database_down_pages_answer_and_the_api_says_503_until_it_is_back(database, fake_push, tmp_path, caplog):
    switch, behind_switch, direct = database
    app = waymark(behind_switch, fake_push, tmp_path)  # start-up does not wait for the database
    # The operator's log says what is wrong, and why, in one line.
    [warning] = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert warning.startswith("The database does not answer (") and "Connection refused" in warning, warning
    assert warning.endswith("); the push API says 503 until it does."), warning
    client = app.test_client()
    assert client.get("/en/get-help").status_code == 200
    assert client.get("/ar/lite/").status_code == 200
    assert client.get("/api/push/key").status_code == 200  # the key needs no database either

    subscription = fake_push.subscribe("phone")
    down = client.post("/api/push/subscriptions", json={"subscription": subscription, "lang": "ar"})
    assert down.status_code == 503 and down.headers["Retry-After"] == "60"
    assert "database is not answering" in down.get_json()["error"]

    switch.up()
    back = client.post("/api/push/subscriptions", json={"subscription": subscription, "lang": "ar"})
    assert back.status_code == 201, back.get_data(as_text=True)
    assert stored(direct) == [subscription["endpoint"]]

    switch.down()  # it goes away again while the app holds pooled connections
    gone = client.delete("/api/push/subscriptions", json={"endpoint": subscription["endpoint"]})
    assert gone.status_code == 503 and "Nothing was changed" in gone.get_json()["error"]
    assert stored(direct) == [subscription["endpoint"]]  # nothing lost

    switch.up()
    assert client.delete("/api/push/subscriptions", json={"endpoint": subscription["endpoint"]}).status_code == 204
    assert stored(direct) == []
    with app.app_context():
        db.engine.dispose()


def test_a_connection_the_database_closed_while_idle_is_not_used(database, fake_push, tmp_path):
    """The database restarts between two requests (no request saw it go): the next one still succeeds."""
    switch, behind_switch, direct = database
    app = waymark(behind_switch, fake_push, tmp_path)
    client = app.test_client()
    switch.up()
    subscription = fake_push.subscribe("phone")
    assert client.post("/api/push/subscriptions", json={"subscription": subscription, "lang": "en"}).status_code == 201
    switch.down()
    switch.up()
    assert client.delete("/api/push/subscriptions", json={"endpoint": subscription["endpoint"]}).status_code == 204
    assert stored(direct) == []
    with app.app_context():
        db.engine.dispose()


def test_a_database_that_takes_connections_but_never_answers_gets_a_503_within_seconds(fake_push, tmp_path):
    """A database machine that is up but stuck: the person is told within seconds, not left waiting."""
    def subscribe(port):
        app = waymark(f"postgresql+psycopg://waymark:waymark@127.0.0.1:{port}/waymark", fake_push,
                      tmp_path)  # start-up tries the database too
        answers.append(app.test_client().post("/api/push/subscriptions",
                                              json={"subscription": fake_push.subscribe("phone"), "lang": "en"}))

    answers = []
    with socket.create_server(("127.0.0.1", 0)) as silent:  # the kernel completes connections; nothing answers
        started = time.monotonic()
        request = threading.Thread(target=subscribe, args=(silent.getsockname()[1],), daemon=True)
        request.start()
        request.join(timeout=45)
    assert answers, "no answer in 45 seconds"
    assert answers[0].status_code == 503 and "database is not answering" in answers[0].get_json()["error"]
    assert time.monotonic() - started < 30
