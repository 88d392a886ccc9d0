"""An officer logs in on a phone and sees their home page; staff find officers of their unit."""

from __future__ import annotations

from tests.e2e.conftest import login


def test_officer_logs_in_on_a_phone(phone, live_server):
    phone.goto(f"{live_server}/")
    assert phone.url.endswith("/login?next=/")
    assert phone.get_by_role("heading", name="Đăng nhập").is_visible()
    login(phone, live_server, "officer@test.vn")
    assert phone.get_by_role("heading", name="Xin chào, Nguyễn Thị Thanh Tùng").is_visible()
    assert phone.get_by_text("Công đoàn Công ty TNHH Điện tử Sao Mai").first.is_visible()
    assert phone.get_by_text("Phó Chủ tịch").is_visible()
    # the layout fits a 360-px screen: nothing scrolls sideways
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_text("☰").click()
    phone.get_by_role("button", name="Đăng xuất").click()
    assert phone.get_by_text("Bạn đã đăng xuất.").is_visible()


def test_wrong_password_message_in_vietnamese(phone, live_server):
    login(phone, live_server, "officer@test.vn", "sai-mat-khau9")
    assert phone.get_by_text("Email hoặc mật khẩu không đúng.").is_visible()


def test_staff_filters_officers_on_a_phone(phone, live_server):
    login(phone, live_server, "staff-a@test.vn")
    phone.get_by_role("link", name="Danh sách cán bộ").click()
    phone.get_by_text("Tìm kiếm và lọc").click()
    phone.get_by_label("Họ tên hoặc mã").fill("Tùng")
    phone.get_by_role("button", name="Lọc").click()
    phone.get_by_role("link", name="Nguyễn Thị Thanh Tùng").click()
    assert phone.get_by_role("heading", name="Nguyễn Thị Thanh Tùng").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
