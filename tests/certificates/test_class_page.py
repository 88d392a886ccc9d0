"""The class certificate page: reached from the class page, the bulk button and its one-line report."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string
from flask_login import login_user

from elearn.classes.models import ClassMember
from tests import factories
from tests.certificates.world import complete, setup_class

LINK = "Chứng chỉ của lớp"


def _flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+" role="status">(.*?)</p>', html)


@pytest.mark.parametrize("email", ["staff-a@test.vn", "admin@test.vn", "trainer@test.vn"])
def test_the_class_page_links_to_its_certificates(db, world, auth, client, email):
    _, _, klass, _ = setup_class(db, world)
    auth.login(email)
    page = client.get(f"/classes/{klass.id}").get_data(as_text=True)
    href = f'href="/certificates/class/{klass.id}">{LINK}</a>'
    assert href in page
    assert client.get(f"/certificates/class/{klass.id}").status_code == 200


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("staff_a", True), ("admin", True), ("trainer", True), ("staff_b", False), ("officer_user", False)],
)
def test_the_link_follows_the_certificate_page_permission(db, world, app, who, allowed):
    _, _, klass, _ = setup_class(db, world)
    db.flush()
    with app.test_request_context():
        login_user(getattr(world, who))
        shown = render_template_string("{{ may_open_class_certificates(tc) }}", tc=klass)
    assert shown == str(allowed)


def test_no_bulk_button_without_anyone_to_issue_to(db, world, auth, client):
    _, _, klass, _ = setup_class(db, world, names=())
    late = factories.officer(db, world.a1, name="Phạm Văn Muộn")
    db.add(ClassMember(class_id=klass.id, officer_id=late.id))
    db.flush()
    auth.login("staff-a@test.vn")
    page = client.get(f"/certificates/class/{klass.id}").get_data(as_text=True)
    assert "Cấp cho tất cả" not in page
    assert "Không có học viên nào đủ điều kiện đang chờ cấp chứng chỉ." in page
    assert "Chưa học xong 0/2 học phần" in page


def test_bulk_issue_reports_in_one_line(db, world, auth, client):
    names = ("Nguyễn Văn An", "Trần Thị Bích")
    course, _, klass, _ = setup_class(db, world, names=names)
    for i in range(3):
        late = factories.officer(db, world.a1, name=f"Phạm Văn Muộn {i}")
        db.add(ClassMember(class_id=klass.id, officer_id=late.id))
    no_dob = factories.officer(db, world.a1, name="Lý Thị Chưa Rõ", dob=None)
    db.add(ClassMember(class_id=klass.id, officer_id=no_dob.id))
    complete(db, no_dob.id, course)  # finished the class, but nothing can be printed without the date
    db.flush()
    auth.login("staff-a@test.vn")
    page = client.get(f"/certificates/class/{klass.id}").get_data(as_text=True)
    assert "Cấp cho tất cả học viên đủ điều kiện (2)" in page
    assert "Chưa có ngày sinh trong danh sách cán bộ" in page
    assert page.count('name="officer_id" value=') == 2  # one "Cấp" per learner the bulk run would issue to

    response = auth.post(f"/certificates/class/{klass.id}/issue", {"officer_id": ""}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert _flashes(html) == ["Đã cấp 2 chứng chỉ; 4 học viên chưa đủ điều kiện (xem bảng)."]
    assert "Cấp cho tất cả" not in html  # nobody left to issue to


def test_every_header_cell_has_a_name(db, world, auth, client):
    _, _, klass, _ = setup_class(db, world, names=("Nguyễn Văn An",))
    auth.login("staff-a@test.vn")
    page = client.get(f"/certificates/class/{klass.id}").get_data(as_text=True)
    assert "<th" in page
    assert not re.search(r"<th[^>]*>\s*</th>", page)
