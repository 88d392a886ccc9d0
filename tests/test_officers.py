"""Officer registry: filters, pagination, scope and editing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from elearn.audit.models import AuditEvent
from elearn.errors import Forbidden, ValidationError
from elearn.officers import services
from elearn.officers.services import OfficerData, OfficerFilter, PositionData
from tests import factories

TODAY = date(2026, 11, 22)


def names(db, actor, **filters) -> set[str]:
    page = services.list_officers(db, actor, OfficerFilter(**filters), today=TODAY, per_page=100)
    return {o.full_name for o in page.items}


@pytest.fixture
def people(db, world):
    """A spread of officers in A's and B's subtrees."""
    f = factories
    f.officer(db, world.a1, name="An Chủ tịch", title_code="CT", full_time=True)
    returning = f.officer(
        db, world.a2, name="Bình Tái cử", title_code="UV_BCH", term_code="2020-2025", end=date(2025, 6, 30)
    )
    f.add_position(db, returning, world.a2, title_code="PCT", term_code="2025-2030")
    f.officer(db, world.a2, name="Chi Mới", title_code="UV_UBKT")
    f.officer(db, world.a2, name="Dũng Đã nghỉ", term_code="2020-2025", end=date(2025, 6, 30))
    f.officer(db, world.b1, name="Giang Bên B", title_code="CT", full_time=True)
    return world


def test_staff_see_only_their_subtree(db, people):
    visible = names(db, people.staff_a)
    assert visible == {"An Chủ tịch", "Bình Tái cử", "Chi Mới", "Nguyễn Thị Thanh Tùng"}
    assert "Giang Bên B" in names(db, people.staff_b)
    assert "Giang Bên B" in names(db, people.admin)
    with pytest.raises(Forbidden):
        names(db, people.staff_a, unit_id=people.b1.id)
    for actor in (people.trainer, people.officer_user):
        with pytest.raises(Forbidden):
            names(db, actor)


def test_each_filter(db, people):
    actor = people.staff_a
    f = factories
    assert names(db, actor, unit_id=people.a2.id) == {"Bình Tái cử", "Chi Mới"}
    assert names(db, actor, title_id=f.title(db, "CT").id) == {"An Chủ tịch"}
    assert names(db, actor, full_time=True) == {"An Chủ tịch"}
    assert "An Chủ tịch" not in names(db, actor, full_time=False)
    assert names(db, actor, sector_id=f.sector(db, "NGOAI_NN").id) == {"Bình Tái cử", "Chi Mới"}
    assert names(db, actor, sector_id=f.sector(db, "FDI").id) == {"An Chủ tịch", "Nguyễn Thị Thanh Tùng"}
    assert names(db, actor, term_id=f.term(db, "2020-2025").id) == {"Bình Tái cử", "Dũng Đã nghỉ"}
    # newly added this term: a position in 2025-2030 and none in any earlier term
    assert names(db, actor, new_in_term=True) == {"An Chủ tịch", "Chi Mới", "Nguyễn Thị Thanh Tùng"}
    assert names(db, actor, q="bình") == {"Bình Tái cử"}
    assert names(db, actor, q="100%_") == set()  # LIKE metacharacters are literal


def test_filters_apply_to_the_same_position(db, people):
    """Full-time in A1 and part-time elsewhere must not match 'full-time in A2'."""
    mixed = factories.officer(db, people.a1, name="Hà Hai nơi", full_time=True, title_code="UV_BTV")
    factories.add_position(db, mixed, people.a2, full_time=False)
    assert "Hà Hai nơi" not in names(db, people.staff_a, unit_id=people.a2.id, full_time=True)
    assert "Hà Hai nơi" in names(db, people.staff_a, unit_id=people.a2.id, full_time=False)


def test_pagination(db, world):
    for i in range(30):
        factories.officer(db, world.b2, name=f"Cán bộ {i:02d}")
    first = services.list_officers(
        db, world.staff_b, OfficerFilter(unit_id=world.b2.id), today=TODAY, per_page=10
    )
    last = services.list_officers(
        db, world.staff_b, OfficerFilter(unit_id=world.b2.id), today=TODAY, page=4, per_page=10
    )
    assert first.total == 31 and first.pages == 4 and len(first.items) == 10
    assert [o.full_name for o in last.items] == ["Lê Văn Cường"]


def test_pages_follow_given_names_in_vietnamese_order(db, world):
    for name in ["Trần Thị Bình", "Nguyễn Văn An", "Đỗ Ánh", "Lê Thị Ân", "Bùi Văn Ăn", "Phạm An"]:
        factories.officer(db, world.b1, name=name)
    pages = [
        services.list_officers(
            db, world.staff_b, OfficerFilter(unit_id=world.b1.id), today=TODAY, page=p, per_page=3
        )
        for p in (1, 2)
    ]
    listed = [o.full_name for page in pages for o in page.items]
    assert listed == [
        "Nguyễn Văn An",
        "Phạm An",
        "Đỗ Ánh",
        "Bùi Văn Ăn",
        "Lê Thị Ân",
        "Trần Thị Bình",
    ]
    renamed = services.get_officer(db, world.staff_b, pages[0].items[0].id)
    renamed.full_name = "Nguyễn Văn Yên"
    db.flush()
    last = services.list_officers(
        db, world.staff_b, OfficerFilter(unit_id=world.b1.id), today=TODAY, page=2, per_page=3
    )
    assert [o.full_name for o in last.items] == ["Lê Thị Ân", "Trần Thị Bình", "Nguyễn Văn Yên"]


def test_staff_cannot_read_or_edit_outside_subtree(db, world, auth, client):
    outsider = factories.officer(db, world.b1, name="Ngoài phạm vi")
    db.commit()
    with pytest.raises(Forbidden):
        services.get_officer(db, world.staff_a, outsider.id)
    with pytest.raises(Forbidden):
        services.update_officer(db, world.staff_a, outsider.id, OfficerData("Đổi tên"))
    auth.login("staff-a@test.vn")
    assert client.get(f"/officers/{outsider.id}").status_code == 403
    response = auth.post(f"/officers/{outsider.id}/edit", {"full_name": "Đổi tên"})
    assert response.status_code == 403
    db.expire_all()
    assert db.get(type(outsider), outsider.id).full_name == "Ngoài phạm vi"


def test_staff_edit_is_audited(db, world, auth, client):
    person = factories.officer(db, world.a2, name="Trần Văn Sửa")
    db.commit()
    auth.login("staff-a@test.vn")
    response = auth.post(
        f"/officers/{person.id}/edit",
        {
            "full_name": "Trần  Văn   Sửa Lại",
            "date_of_birth": "1980-01-02",
            "gender": "nam",
            "phone": "",
            "email": "",
        },
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(type(person), person.id).full_name == "Trần Văn Sửa Lại"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "officer.update"))
    assert event.actor_id == world.staff_a.id and "full_name" in event.details["changes"]


def test_create_officer_and_positions_in_scope(db, world):
    data = OfficerData("Vũ Thị Lan", date(1990, 4, 1), "nu")
    term = factories.term(db, "2025-2030")
    title = factories.title(db, "UV_BCH")
    officer = services.create_officer(
        db,
        world.staff_a,
        "cb-new-1",
        data,
        PositionData(world.a2.id, title.id, term.id, False, date(2025, 9, 1)),
    )
    assert officer.code == "CB-NEW-1"
    with pytest.raises(Forbidden):
        services.create_officer(
            db,
            world.staff_a,
            "CB-NEW-2",
            data,
            PositionData(world.b1.id, title.id, term.id, False, date(2025, 9, 1)),
        )
    with pytest.raises(ValidationError):
        services.add_position(
            db,
            world.staff_a,
            officer.id,
            PositionData(world.a2.id, title.id, term.id, False, date(2025, 9, 1)),
        )
    position = services.add_position(
        db, world.staff_a, officer.id, PositionData(world.a1.id, title.id, term.id, True, date(2025, 9, 1))
    )
    with pytest.raises(ValidationError):
        services.end_position(db, world.staff_a, position.id, date(2025, 1, 1))
    assert services.end_position(db, world.staff_a, position.id, date(2026, 1, 1)).end_date == date(
        2026, 1, 1
    )


def test_officer_list_page_filters(auth, client, db, people):
    auth.login("staff-a@test.vn")
    html = client.get(f"/officers/?full_time=1&title={factories.title(db, 'CT').id}").get_data(as_text=True)
    assert "An Chủ tịch" in html and "Chi Mới" not in html and "Giang Bên B" not in html
    html = client.get("/officers/?new=1").get_data(as_text=True)
    assert "Chi Mới" in html and "Bình Tái cử" not in html
    sql_like = client.get("/officers/?q=%27%3B%20DROP%20TABLE%20officer%3B--&unit=abc&page=-3")
    assert sql_like.status_code == 200 and "Không có cán bộ nào" in sql_like.get_data(as_text=True)
