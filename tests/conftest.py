"""Test fixtures: one database per run (SQLite, or PostgreSQL from TEST_DATABASE_URL), built by the real
migrations and filled with a small federation; every test runs in a transaction that is rolled back."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

import elearn.models  # noqa: F401
from elearn import create_app, migrations
from elearn.db import Base, make_engine
from tests import factories

TEST_PASSWORD = "matkhau123"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _database_url(tmp_dir: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url():
    with tempfile.TemporaryDirectory() as tmp:
        url = _database_url(Path(tmp))
        if url.startswith("postgresql"):
            _reset_postgres(url)
        migrations.upgrade(url)
        engine = make_engine(url)
        # Tables of models whose migration is not written yet; test_migrations_match_models catches that.
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            factories.base_world(session, TEST_PASSWORD)
            session.commit()
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "lms.test",
        }
    )
    app.instance_path = str(instance)
    return app


@pytest.fixture
def rate_limited_app(database_url, tmp_path):
    """Builds an app with rate limits on. Flask-Limiter keeps one `enabled` flag for the process, so it is
    switched off again afterwards, or every later test would share these limits."""
    from elearn.extensions import limiter

    def make(**config):
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": database_url,
                "SECRET_KEY": "x",
                "RATELIMIT_ENABLED": True,
                **config,
            }
        )
        app.instance_path = str(tmp_path)
        limiter.reset()
        return app

    yield make
    limiter.enabled = False
    limiter.reset()


@pytest.fixture
def connection(engine):
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


def _session_on(conn) -> Session:
    return Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db(connection, app):
    """The test's session; each request of the test client gets its own session on the same connection."""
    # Every session on the test's connection, the autocommit bind of reads_then_one_statement views included.
    app.extensions["db_sessionmaker"] = lambda **_bind: _session_on(connection)
    app.extensions["db_connect"] = lambda: contextlib.nullcontext(connection)
    session = _session_on(connection)
    yield session
    session.close()


@pytest.fixture
def world(db):
    return factories.World.load(db)


@pytest.fixture
def client(app, db):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = TEST_PASSWORD, remember: bool = False):
        page = self.client.get("/login")
        data = {"email": email, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data)

    def csrf(self, path: str = "/account/password") -> str:
        return csrf_from(self.client.get(path).get_data(as_text=True))

    def post(self, path: str, data: dict | None = None, **kwargs):
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf())
        return self.client.post(path, data=payload, **kwargs)


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def shared_dir():
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED
