"""Browser tests: the app served on a free local port from its own database, driven by Debian's chromium."""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from elearn import create_app, migrations
from elearn.db import Base, make_engine
from tests import factories
from tests.conftest import TEST_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@contextmanager
def serving(root: Path, url: str):
    """The app over the database at `url` (instance folder `root`) on a free port; yields its address."""
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "e2e",
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "RATELIMIT_ENABLED": False,
        }
    )
    app.instance_path = str(root)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def world_database(root: Path) -> tuple[str, Engine]:
    """A SQLite database in `root` (live.sqlite3), built by the real migrations, with the test world."""
    url = f"sqlite:///{root / 'live.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    Base.metadata.create_all(engine)  # tables of models whose migration is not written yet; a no-op otherwise
    with Session(engine) as session:
        factories.base_world(session, TEST_PASSWORD)
        session.commit()
    return url, engine


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    url, engine = world_database(root)
    engine.dispose()
    with serving(root, url) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does it as root)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def phone(browser):
    """A phone-sized page in Vietnamese (360 × 740, touch)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="vi-VN",
        is_mobile=True,
        has_touch=True,
        timezone_id="Asia/Ho_Chi_Minh",
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def login(page, base: str, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
