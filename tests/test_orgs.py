"""Organisation tree: subtree queries are single SQL statements; scope follows the tree."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from elearn.authz import scope_root, unit_in_scope
from elearn.errors import Conflict, Forbidden, ValidationError
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


def test_subtree_bounds_are_written_into_the_statement(db, world, connection):
    # Not parameters: PostgreSQL would plan a prepared statement once for every scope (see path_in_subtree).
    seen = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        assert services.subtree_count(db, world.a) == 3
    finally:
        event.remove(connection, "before_cursor_execute", record)
    sql, params = seen[-1]
    assert f"'{world.a.path}'" in sql and f"'{world.a.path}~'" in sql
    assert world.a.path not in str(params)


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


def _data(db, name="Công đoàn Công ty TNHH Mới", **kw) -> services.UnitData:
    values = dict(
        name=name,
        kind_id=factories.kind(db, "CDCS").id,
        sector_id=factories.sector(db, "FDI").id,
        member_count=120,
        valid_from=date(2026, 1, 1),
        valid_to=None,
    )
    values.update(kw)
    return services.UnitData(**values)


def test_staff_add_and_edit_units_in_their_subtree(db, world):
    unit = services.add_child_unit(db, world.staff_a, world.a.id, "test-a3", _data(db))
    assert unit.path.startswith(world.a.path) and unit.code == "TEST-A3" and unit.member_count == 120
    services.update_unit(
        db, world.staff_a, unit.id, _data(db, name="Công đoàn Công ty TNHH Mới Đổi Tên", member_count=130)
    )
    assert unit.name.endswith("Đổi Tên")
    with pytest.raises(Forbidden):
        services.add_child_unit(db, world.staff_a, world.b.id, "TEST-B9", _data(db))
    with pytest.raises(Forbidden):
        services.update_unit(db, world.staff_a, world.a.id, _data(db))  # their own scope root
    with pytest.raises(Forbidden):
        services.update_unit(db, world.staff_b, unit.id, _data(db))


def test_dissolving_a_unit_names_its_successor(db, world):
    services.update_unit(
        db,
        world.admin,
        world.a2.id,
        _data(
            db,
            name=world.a2.name,
            valid_from=date(2020, 1, 1),
            valid_to=date(2025, 6, 30),
            successor_code="test-a1",
        ),
    )
    assert world.a2.successor_id == world.a1.id and not world.a2.is_active_on(date(2026, 1, 1))
    with pytest.raises(ValidationError, match="kế thừa"):
        services.update_unit(
            db, world.admin, world.a.id, _data(db, name=world.a.name, successor_code="TEST-A1")
        )
    with pytest.raises(ValidationError, match="sau ngày bắt đầu"):
        services.update_unit(db, world.admin, world.a2.id, _data(db, valid_to=date(2020, 1, 1)))


def test_terms_are_data(db, world):
    term = services.create_term(db, world.admin, "2030-2035", "", date(2030, 7, 1), date(2035, 6, 30), None)
    assert term.name == "Nhiệm kỳ 2030-2035"
    assert services.current_term(db, date(2031, 1, 1)).code == "2030-2035"
    with pytest.raises(Forbidden):
        services.create_term(db, world.staff_a, "2035-2040", "", date(2035, 7, 1), date(2040, 6, 30), None)
    with pytest.raises(ValidationError):
        services.create_term(db, world.admin, "2035", "", date(2035, 7, 1), date(2040, 6, 30), None)


def test_unit_form_through_the_web(auth, client, world, db):
    auth.login("staff-a@test.vn")
    page = client.get(f"/units/{world.a.id}/new")
    assert page.status_code == 200 and "Thêm đơn vị trực thuộc" in page.get_data(as_text=True)
    response = auth.post(
        f"/units/{world.a.id}/new",
        {
            "code": "TEST-A4",
            "name": "Công đoàn Công ty Cổ phần Sông Hồng",
            "kind_id": str(factories.kind(db, "CDCS").id),
            "sector_id": "0",
            "member_count": "80",
            "valid_from": "",
            "valid_to": "",
            "successor_code": "",
            "serial_prefix": "",
        },
    )
    assert response.status_code == 302
    assert services.find_unit_by_code(db, "TEST-A4").parent_id == world.a.id
