"""Organisation tree: subtree queries are single SQL statements; scope follows the tree."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from elearn.authz import scope_root, unit_in_scope
from elearn.errors import Conflict, Forbidden
from elearn.orgs import services
from tests import factories


class StatementCounter:
    def __init__(self, engine_or_conn):
        self.target = engine_or_conn
        self.count = 0

    def __enter__(self):
        event.listen(self.target, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        event.remove(self.target, "before_cursor_execute", self._hit)

    def _hit(self, *args):
        self.count += 1


def test_subtree_count_is_one_statement(db, world, connection):
    deep = world.a1
    for i in range(3):  # a few levels below a CĐCS: công đoàn bộ phận, tổ công đoàn
        deep = services.create_unit(
            db, code=f"DEEP-{i}", name=f"Tổ công đoàn số {i}", kind=factories.kind(db, "TO_CD"), parent=deep
        )
    with StatementCounter(connection) as counter:
        assert services.subtree_count(db, world.city) == 10
        assert services.subtree_count(db, world.a) == 6
        assert services.subtree_count(db, world.b) == 3
    assert counter.count == 3
    assert [u.code for u in services.ancestors(db, deep)] == ["TEST", "TEST-A", "TEST-A1", "DEEP-0", "DEEP-1"]


def test_paths_do_not_confuse_similar_ids(db, world):
    """Unit /1/2/ must not count /1/23/ as its child: the trailing slash is part of the prefix."""
    kind = factories.kind(db, "CDCS")
    extra = [
        services.create_unit(db, code=f"X{i}", name=f"Đơn vị {i}", kind=kind, parent=world.city)
        for i in range(12)
    ]
    for unit in extra:
        assert services.subtree_count(db, unit) == 1
    assert services.subtree_count(db, world.city) == 7 + 12


def test_children_with_counts(db, world):
    factories.officer(db, world.a2, name="Phạm Văn Dũng")
    factories.officer(db, world.a2, name="Đã nghỉ", end=date(2025, 12, 31))
    summary = {
        c.unit.code: (c.subtree_units, c.officers)
        for c in services.children_with_counts(db, world.a, date(2026, 11, 22))
    }
    assert summary == {"TEST-A1": (1, 1), "TEST-A2": (1, 1)}


def test_unit_codes_are_unique(db, world):
    with pytest.raises(Conflict):
        services.create_unit(
            db, code="test-a1", name="Trùng", kind=factories.kind(db, "CDCS"), parent=world.a
        )


def test_scope_of_each_role(db, world):
    assert scope_root(db, world.admin) is None
    assert scope_root(db, world.staff_a).code == "TEST-A"
    assert unit_in_scope(db, world.staff_a, world.a1)
    assert not unit_in_scope(db, world.staff_a, world.b1)
    assert not unit_in_scope(db, world.staff_a, world.city)
    for user in (world.trainer, world.officer_user):
        with pytest.raises(Forbidden):
            scope_root(db, user)
    with pytest.raises(Forbidden):
        services.get_unit_for(db, world.staff_a, world.b.id)


def test_unit_pages_respect_scope(auth, client, world):
    auth.login("staff-a@test.vn")
    assert client.get(f"/units/{world.a1.id}").status_code == 200
    assert client.get(f"/units/{world.b1.id}").status_code == 403
    assert client.get(f"/units/{world.city.id}").status_code == 403
    page = client.get("/units/", follow_redirects=True).get_data(as_text=True)
    assert "Công đoàn Công ty TNHH Điện tử Sao Mai" in page
    assert "Công đoàn Trường THCS Kim Liên" not in page


def test_current_term(db, world):
    assert services.current_term(db, date(2026, 11, 22)).code == "2025-2030"
    assert services.current_term(db, date(2024, 5, 1), level=4).code == "2020-2025"
