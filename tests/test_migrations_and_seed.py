"""The Alembic migrations build exactly the models' schema, and seed-demo is deterministic and idempotent."""

from __future__ import annotations

import os
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import elearn.models  # noqa: F401
from elearn import migrations
from elearn.accounts.models import User
from elearn.db import Base, make_engine
from elearn.officers.models import Officer, Position
from elearn.officers.services import OfficerFilter, list_officers
from elearn.orgs.models import OrgUnit
from elearn.seed import seed_demo

DAY = date(2026, 11, 22)


@pytest.fixture
def fresh_url(tmp_path):
    """An empty database of the kind under test, for the migrations alone."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    base, name = url.rsplit("/", 1)
    admin = make_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}_fresh"'))
        conn.execute(text(f'CREATE DATABASE "{name}_fresh"'))
    yield f"{base}/{name}_fresh"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}_fresh" WITH (FORCE)'))
    admin.dispose()


def test_migrations_match_models(fresh_url):
    migrations.upgrade(fresh_url)
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_and_upgrade_again(tmp_path):
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("runs on a throwaway SQLite file")
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    migrations.upgrade(url)
    migrations.downgrade(url, "base")
    migrations.upgrade(url)


def test_sort_keys_are_filled_in_for_officers_already_registered(tmp_path):
    """Migration 0008 on a database with officers that other rows refer to (an account here)."""
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("runs on a throwaway SQLite file")
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    migrations.upgrade(url, "0007")
    engine = make_engine(url)
    officer = (
        "INSERT INTO officer (id, code, full_name, search_key, created_at, updated_at) "
        "VALUES (:id, :code, :name, '', :t, :t)"
    )
    account = (
        "INSERT INTO user_account (email, full_name, password_hash, role, officer_id, is_active, "
        "must_change_password, created_at) VALUES ('a@test.vn', 'A', 'x', 'officer', 1, 1, 0, :t)"
    )
    with engine.begin() as conn:
        for i, name in enumerate(["Trần Văn Bình", "Nguyễn Thị An"], start=1):
            conn.execute(text(officer), {"id": i, "code": f"M{i}", "name": name, "t": "2026-01-01 00:00:00"})
        conn.execute(text(account), {"t": "2026-01-01 00:00:00"})
    migrations.upgrade(url)
    with Session(engine) as session:
        listed = session.scalars(select(Officer.full_name).order_by(Officer.sort_key)).all()
    engine.dispose()
    assert listed == ["Nguyễn Thị An", "Trần Văn Bình"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('seed') / 'demo.sqlite3'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        assert seed_demo(session)
        session.commit()
    yield engine
    engine.dispose()


def _fingerprint(session: Session) -> tuple:
    return (
        session.scalar(select(func.count()).select_from(OrgUnit)),
        session.scalar(select(func.count()).select_from(Officer)),
        session.scalar(select(func.count()).select_from(Position)),
        tuple(session.scalars(select(Officer.full_name).order_by(Officer.id).limit(5))),
    )


def test_demo_federation_shape(seeded):
    with Session(seeded) as session:
        units, officers, positions, _ = _fingerprint(session)
        assert 300 <= units <= 340 and 2500 <= officers <= 3500 and positions > officers
        upper = session.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.depth == 1))
        assert upper == 20
        emails = set(session.scalars(select(User.email)))
        assert emails == {"admin@demo.vn", "trainer@demo.vn", "staff@demo.vn", "officer@demo.vn"}
        staff = session.scalar(select(User).where(User.email == "staff@demo.vn"))
        assert staff.unit.depth == 1
        new = list_officers(session, staff, OfficerFilter(new_in_term=True), today=DAY).total
        assert 0 < new < list_officers(session, staff, OfficerFilter(), today=DAY).total


def test_seed_is_idempotent_and_deterministic(seeded, tmp_path):
    with Session(seeded) as session:
        before = _fingerprint(session)
        assert seed_demo(session) is False
        assert _fingerprint(session) == before
    url = f"sqlite:///{tmp_path / 'again.sqlite3'}"
    migrations.upgrade(url)
    other = make_engine(url)
    with Session(other) as session:
        seed_demo(session)
        assert _fingerprint(session) == before
    other.dispose()
