"""Staff open the targets dashboard on a phone, drill down to a CĐCS, see who is missing and download the
list as XLSX whose numbers match the page."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from sqlalchemy.orm import Session

import elearn.models  # noqa: F401
from tests import factories as f
from tests.e2e.conftest import login, serving, world_database
from tests.targets import factories as tf


@pytest.fixture(scope="module")
def targets_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("targets-live")
    url, engine = world_database(root)
    with Session(engine) as s:
        city, a1, a2 = f.unit(s, "TEST"), f.unit(s, "TEST-A1"), f.unit(s, "TEST-A2")
        ctype = tf.cert_type(s, city)
        tf.target(
            s,
            city,
            name="Cán bộ có chứng chỉ LLNV",
            certificate_type_id=ctype.id,
            deadline=date(2099, 12, 31),
        )
        for i, name in enumerate(["Bùi Văn An", "Đặng Thị Bích", "Võ Minh Châu"]):
            person = f.officer(s, a1, name=name, title_code="UV_BCH")
            if i == 0:
                tf.certificate(s, person, ctype)
        f.officer(s, a2, name="Lý Thị Dung")
        s.commit()
    engine.dispose()
    with serving(root, url) as base_url:
        yield base_url


def test_staff_drill_down_and_download_missing_list(phone, targets_server, tmp_path):
    login(phone, targets_server, "staff-a@test.vn")
    phone.get_by_text("☰").click()
    phone.get_by_role("link", name="Chỉ tiêu", exact=True).click()
    assert phone.get_by_role(
        "heading", name="Chỉ tiêu đào tạo · Công đoàn Khu công nghiệp Thử Nghiệm"
    ).is_visible()
    assert phone.locator("svg.chart").first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # wide tables scroll in their box
    # drill down to the CĐCS furthest behind... A1 has 1 of 4 certified, A2 0 of 1
    phone.get_by_role("link", name="Công đoàn Công ty TNHH Điện tử Sao Mai").first.click()
    assert phone.get_by_role(
        "heading", name="Chỉ tiêu đào tạo · Công đoàn Công ty TNHH Điện tử Sao Mai"
    ).is_visible()
    phone.get_by_role("link", name="Danh sách cán bộ còn thiếu (3)").click()
    missing = phone.locator("#missing")
    assert missing.get_by_role("heading", name="Cán bộ còn thiếu (3)").is_visible()
    for name in ("Đặng Thị Bích", "Võ Minh Châu", "Nguyễn Thị Thanh Tùng"):
        assert missing.get_by_text(name).is_visible()
    assert missing.get_by_text("Bùi Văn An").count() == 0
    assert phone.get_by_text("1/4 cán bộ").is_visible() and phone.get_by_text("25,0%").first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    with phone.expect_download() as info:
        phone.get_by_role("link", name="Tải danh sách (XLSX)").click()
    path = tmp_path / "missing.xlsx"
    info.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert "(3 người)" in rows[0][0]
    names = sorted(r[1] for r in rows[2:])
    assert names == sorted(["Đặng Thị Bích", "Võ Minh Châu", "Nguyễn Thị Thanh Tùng"])
    assert all(r[3] == "Công đoàn Công ty TNHH Điện tử Sao Mai" for r in rows[2:])
