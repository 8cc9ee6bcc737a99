"""/healthz tells a load balancer whether this app server can reach its database."""

import sqlite3
from contextlib import contextmanager

import pytest
from django.db import connection


@contextmanager
def database_unreachable():
    """Point the default connection at a database that cannot be opened, then put it back.

    Nothing of ours is replaced: the real connection really fails to connect.
    """
    original = dict(connection.settings_dict)
    keeper = None
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            # Closing the last connection to an in-memory database destroys it: hold it open meanwhile.
            keeper = sqlite3.connect(original["NAME"], uri=True)
        connection.settings_dict["NAME"] = "/nonexistent-directory/chieftech.sqlite3"
    else:
        # Port 1 on the loopback refuses connections at once.
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    connection.close()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
        if keeper is not None:
            keeper.close()


def test_healthz_answers_ok_when_the_database_is_reachable(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_head_requests_from_load_balancers(client, db):
    response = client.head("/healthz")

    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_cannot_be_reached(client, caplog):
    with database_unreachable():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    logged = [r.getMessage() for r in caplog.records if r.name == "chieftech.core.views"]
    assert len(logged) == 1
    assert logged[0].startswith("health check: database unreachable: ")
    # The connection works again once the database is back.
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405
