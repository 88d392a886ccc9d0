"""Dashboard pages, exports and the CLI: scope, XLSX contents, neutralised cells, live counting."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
import pytest

from elearn.errors import Forbidden
from elearn.targets import dashboard, exports
from elearn.targets.models import OfficerStanding
from elearn.web import today
from tests import factories as f
from tests.targets import factories as tf


@pytest.fixture
def cert_target(db, world):
    ctype = tf.cert_type(db, world.city)
    target = tf.target(db, world.city, certificate_type_id=ctype.id, name="Chỉ tiêu chứng chỉ thành phố")
    return target, ctype


def _xlsx(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_staff_dashboard_and_drill_down(db, world, auth, cert_target):
    target, ctype = cert_target
    tf.certificate(db, f.officer(db, world.a2, name="Đỗ Văn Đạt"), ctype)
    f.officer(db, world.a2, name="Hoàng Thị Lan", title_code="TO_TRUONG")
    auth.login("staff-a@test.vn")
    page = auth.client.get(f"/targets/unit/{world.a.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Chỉ tiêu chứng chỉ thành phố" in html and "<svg" in html and "style=" not in html
    assert "Công ty Cổ phần May Hồng Hà" in html  # child A2 in the breakdown
    detail = auth.client.get(f"/targets/{target.id}/unit/{world.a2.id}").get_data(as_text=True)
    assert "Hoàng Thị Lan" in detail and "Tổ trưởng công đoàn" in detail
    assert "Chưa có Chứng chỉ lý luận" in detail
    assert "Đỗ Văn Đạt" not in detail  # certified: not missing
    assert auth.client.get("/targets/").headers["Location"].endswith(f"/targets/unit/{world.a.id}")
    home = auth.client.get("/").get_data(as_text=True)
    assert "Chỉ tiêu chứng chỉ thành phố" in home


def test_staff_of_another_union_gets_403(db, world, auth, cert_target):
    target, _ = cert_target
    auth.login("staff-b@test.vn")
    for path in (
        f"/targets/unit/{world.a.id}",
        f"/targets/unit/{world.a1.id}/summary.xlsx",
        f"/targets/unit/{world.a.id}/quotas.csv",
        f"/targets/{target.id}/unit/{world.a1.id}",
        f"/targets/{target.id}/unit/{world.a.id}/missing.xlsx",
        f"/targets/{target.id}/unit/{world.a.id}/breakdown.csv",
        f"/targets/{target.id}/edit",
    ):
        assert auth.client.get(path).status_code == 403, path
    assert auth.client.get(f"/targets/unit/{world.b.id}").status_code == 200
    with pytest.raises(Forbidden):
        dashboard.report(db, world.staff_b, world.a, today())


def test_xlsx_export_matches_the_page_and_neutralises_cells(db, world, auth, cert_target):
    target, ctype = cert_target
    tf.certificate(db, f.officer(db, world.a1), ctype)
    f.officer(db, world.a1, name='=HYPERLINK("http://x")', title_code="TO_PHO")
    f.officer(db, world.a2, name="@SUM(A1)")
    auth.login("staff-a@test.vn")
    rows = _xlsx(auth.client.get(f"/targets/{target.id}/unit/{world.a.id}/missing.xlsx"))
    names = [r[1] for r in rows[2:]]
    assert '\'=HYPERLINK("http://x")' in names and "'@SUM(A1)" in names
    assert len(rows) - 2 == 3  # TOFFICER and the two above are missing
    split = _xlsx(auth.client.get(f"/targets/{target.id}/unit/{world.a.id}/breakdown.xlsx"))
    by_code = {r[0]: r for r in split[2:]}
    assert by_code[world.a1.code][2:5] == [1, 3, 33.3]
    assert list(split[-1][2:4]) == [1, 4]
    summary = _xlsx(auth.client.get(f"/targets/unit/{world.a.id}/summary.xlsx"))
    assert list(summary[2][:4]) == ["Chỉ tiêu chứng chỉ thành phố", 1, 4, 25.0]
    page = auth.client.get(f"/targets/{target.id}/unit/{world.a.id}").get_data(as_text=True)
    assert "1/4 cán bộ" in page and "25,0%" in page
    text = auth.client.get(f"/targets/{target.id}/unit/{world.a.id}/missing.csv").data
    assert text.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert "'@SUM(A1)" in [r[1] for r in parsed[2:]]


def test_neutralise():
    assert [exports.neutralise(v) for v in ("=1+1", "+84", "-3", "@x", "Hà Nội", 5, None)] == [
        "'=1+1",
        "'+84",
        "'-3",
        "'@x",
        "Hà Nội",
        5,
        None,
    ]


def test_live_counting(db, world, auth, cert_target):
    target, ctype = cert_target
    auth.login("admin@test.vn")

    def figures():
        data = auth.client.get(f"/targets/unit/{world.city.id}/summary.csv").data.decode("utf-8-sig")
        row = list(csv.reader(io.StringIO(data)))[2]
        return int(row[1]), int(row[2])

    assert figures() == (0, 2)
    chair = f.unit(db, "TEST-B2")
    person = f.officer(db, chair, name="Mới Bổ Sung")  # added to the registry
    assert figures() == (0, 3)
    cert = tf.certificate(db, person, ctype)  # issued
    assert figures() == (1, 3)
    cert.status = "revoked"
    db.flush()
    assert figures() == (0, 3)
    cert.status, cert.expiry_date = "valid", date(2000, 1, 1)  # expired
    db.flush()
    assert figures() == (0, 3)


def test_cli_report_json(db, world, app, cert_target):
    target, ctype = cert_target
    tf.certificate(db, f.officer(db, world.b1), ctype)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["targets", "report", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["unit"]["code"] == "TEST"
    row = next(t for t in data["targets"] if t["id"] == target.id)
    assert (row["numerator"], row["denominator"]) == (1, 3)
    children = {c["code"]: c for c in row["children"]}
    assert (children["TEST-B"]["numerator"], children["TEST-B"]["denominator"]) == (1, 2)
    assert children["TEST-A"]["percent"] == 0.0
    refused = runner.invoke(
        args=["targets", "report", "--unit", "TEST-A", "--user", "staff-b@test.vn", "--json"]
    )
    assert refused.exit_code == 1
    ok = runner.invoke(args=["targets", "report", "--unit", "TEST-B", "--user", "staff-b@test.vn", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["unit"]["code"] == "TEST-B"


def test_cli_refresh_standing_keeps_the_figures(db, world, app, cert_target):
    target, ctype = cert_target
    holder = f.officer(db, world.b1)
    tf.certificate(db, holder, ctype)
    runner = app.test_cli_runner()
    before = runner.invoke(args=["targets", "report", "--json"]).output
    result = runner.invoke(args=["targets", "refresh-standing"])
    assert result.exit_code == 0, result.output
    assert "Đã cập nhật tình trạng chứng chỉ" in result.output
    assert db.get(OfficerStanding, holder.id).cert_mask == 1 << ctype.id
    assert runner.invoke(args=["targets", "report", "--json"]).output == before
