"""Birth dates, phone numbers and the position title of an officer: the form, the service and the import
apply the same rules (elearn.officers.rules)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from elearn.errors import ImportFailed, ValidationError
from elearn.officers import services
from elearn.officers.importer import import_officers
from elearn.officers.models import Officer
from elearn.officers.rules import age_on, birth_date_problem, phone_problem
from elearn.officers.services import OfficerData, PositionData
from elearn.web import today
from tests import factories
from tests.test_form_messages import assert_vietnamese
from tests.test_officer_import import GOOD, xlsx

TODAY = date(2026, 3, 1)


def test_age_counts_full_years():
    assert age_on(date(2011, 3, 1), TODAY) == 15
    assert age_on(date(2011, 3, 2), TODAY) == 14
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), TODAY) == 18


@pytest.mark.parametrize(
    ("born", "fragment"),
    [
        (date(2030, 1, 1), "ở sau ngày hôm nay"),
        (date(2011, 3, 2), "mới 14 tuổi"),
        (date(1800, 1, 1), "quá 100 tuổi"),
        (date(1925, 2, 28), "đã 101 tuổi"),
    ],
)
def test_implausible_birth_dates(born, fragment):
    assert fragment in birth_date_problem(born, TODAY)


@pytest.mark.parametrize("born", [date(2011, 3, 1), date(1925, 3, 2), date(1985, 7, 15)])
def test_plausible_birth_dates(born):
    assert birth_date_problem(born, TODAY) is None


@pytest.mark.parametrize(
    "phone", ["0912345678", "0912 345 678", "+84 912.345-678", "024-3825-1234", "1234567"]
)
def test_good_phones(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize(
    "phone", ["abc xyz", "123456", "0912345678901234", "84+912345678", "0912/345/678", "++84912"]
)
def test_bad_phones(phone):
    assert "7 đến 15 chữ số" in phone_problem(phone)


def _new_officer_form(db, world, **changes) -> dict:
    data = {
        "code": "CB-R-001",
        "full_name": "Phạm Thị Hoa",
        "date_of_birth": "1988-04-12",
        "gender": "nu",
        "phone": "0912 345 678",
        "email": "",
        "unit_id": world.a1.id,
        "title_id": factories.title(db, "UV_BCH").id,
        "term_id": factories.term(db, "2025-2030").id,
        "start_date": "2025-09-01",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_of_birth": "2030-01-01"}, "Ngày sinh 01/01/2030 ở sau ngày hôm nay."),
        ({"date_of_birth": "1800-01-01"}, "quá 100 tuổi"),
        ({"phone": "abc xyz"}, "Số điện thoại gồm 7 đến 15 chữ số"),
        ({"title_id": ""}, "Hãy chọn chức danh."),
        ({"date_of_birth": "01/01/1990"}, "Ngày không hợp lệ."),
    ],
)
def test_new_officer_form_refuses_implausible_data(db, world, auth, client, changes, message):
    auth.login("staff-a@test.vn")
    response = auth.post("/officers/new", _new_officer_form(db, world, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert_vietnamese(html)
    assert db.scalar(select(Officer).where(Officer.code == "CB-R-001")) is None


def test_new_officer_form_saves_good_data(db, world, auth, client):
    auth.login("staff-a@test.vn")
    assert auth.post("/officers/new", _new_officer_form(db, world)).status_code == 302
    officer = db.scalar(select(Officer).where(Officer.code == "CB-R-001"))
    assert officer.phone == "0912 345 678" and officer.positions[0].title.code == "UV_BCH"


def test_position_title_starts_empty(db, world, auth, client):
    auth.login("staff-a@test.vn")
    html = client.get("/officers/new").get_data(as_text=True)
    select_html = html[html.index('name="title_id"') : html.index("</select>", html.index('name="title_id"'))]
    assert '<option selected value="">— Chọn chức danh —</option>' in select_html
    assert "selected" not in select_html.replace('<option selected value="">', "")
    person = factories.officer(db, world.a2, name="Có Chức Vụ")
    html = client.get(f"/officers/{person.id}/positions/new").get_data(as_text=True)
    assert '<option selected value="">— Chọn chức danh —</option>' in html


def test_officer_edit_form_applies_the_same_rules(db, world, auth, client):
    person = factories.officer(db, world.a2, name="Trần Văn Sửa")
    auth.login("staff-a@test.vn")
    data = {"full_name": "Trần Văn Sửa", "date_of_birth": "2030-01-01", "phone": "abc xyz", "email": ""}
    html = auth.post(f"/officers/{person.id}/edit", data).get_data(as_text=True)
    assert "ở sau ngày hôm nay" in html and "7 đến 15 chữ số" in html
    db.refresh(person)
    assert person.date_of_birth != date(2030, 1, 1) and person.phone is None


def test_services_apply_the_rules(db, world):
    term = factories.term(db, "2025-2030")
    title = factories.title(db, "UV_BCH")
    position = PositionData(world.a2.id, title.id, term.id, False, date(2025, 9, 1))
    with pytest.raises(ValidationError, match="ở sau ngày hôm nay"):
        services.create_officer(
            db, world.staff_a, "CB-R-002", OfficerData("A", date(2030, 1, 1)), position, today=TODAY
        )
    with pytest.raises(ValidationError, match="chọn chức danh"):
        services.create_officer(
            db,
            world.staff_a,
            "CB-R-002",
            OfficerData("A"),
            PositionData(world.a2.id, None, term.id, False, TODAY),
        )
    person = factories.officer(db, world.a2, name="Lê Thị Sửa")
    with pytest.raises(ValidationError, match="7 đến 15 chữ số"):
        services.update_officer(db, world.staff_a, person.id, OfficerData("Lê Thị Sửa", phone="abc xyz"))
    updated = services.update_officer(
        db, world.staff_a, person.id, OfficerData("Lê Thị Sửa", date(1980, 1, 2), phone=" +84 912 345 678 ")
    )
    assert updated.phone == "+84 912 345 678"


def test_import_rows_apply_the_rules_with_their_row_numbers(db, world):
    bad = [list(row) for row in GOOD]
    bad[0][2] = bad[1][2] = "01/01/2030"  # rows 2 and 3: the same officer, the same birth date
    bad[2][4] = "abc xyz"  # row 4
    bad[3][2] = "01/01/1800"  # row 5
    with pytest.raises(ImportFailed) as caught:
        import_officers(db, world.staff_a, world.a, "ds.xlsx", xlsx(bad), today=today())
    by_row = {e.line: e.message for e in caught.value.errors}
    assert sorted(by_row) == [2, 3, 4, 5]
    assert by_row[2] == "ngày sinh 01/01/2030 ở sau ngày hôm nay."
    assert by_row[4].startswith("điện thoại “abc xyz”: số điện thoại gồm 7 đến 15 chữ số")
    assert "quá 100 tuổi" in by_row[5]
    assert str(caught.value.errors[0]).startswith("dòng 2: ngày sinh")
