"""A trainer writes a two-lesson course in the web; an officer on a phone enrols, reads a lesson to its end
(marked done automatically), taps "Đánh dấu đã học" on the next, and sees the progress bar move on the
course page and on the home page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login

PARAGRAPHS = "\n\n".join(
    f"Đoạn {i}: cán bộ công đoàn cơ sở cần nắm vững quy định, lắng nghe ý kiến đoàn viên và ghi chép đầy đủ."
    for i in range(1, 41)
)


@pytest.fixture(scope="module")
def e2e_course(browser, live_server):
    """Created through the authoring pages, as a trainer would (the live server has no course data)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, "trainer@test.vn")
    page.goto(f"{live_server}/courses/manage/new")
    page.get_by_label("Mã chuyên đề").fill("E2E-01")
    page.get_by_label("Tên chuyên đề").fill("Kỹ năng đối thoại cho cán bộ mới")
    page.get_by_role("button", name="Tạo chuyên đề").click()
    page.get_by_label("Tên module mới").fill("Chuẩn bị đối thoại")
    page.get_by_role("button", name="Thêm module").click()
    for title in ("Mục đích của đối thoại", "Lập kế hoạch đối thoại"):
        page.get_by_role("link", name="Thêm bài học").click()
        page.get_by_label("Tên bài học").fill(title)
        page.get_by_label("Nội dung (Markdown)").fill(f"## {title}\n\n{PARAGRAPHS}")
        page.get_by_role("button", name="Lưu bài học").click()
        assert page.get_by_text("Đã thêm bài học.").is_visible()
        page.get_by_role("link", name="Kỹ năng đối thoại cho cán bộ mới").first.click()
    context.close()
    return "Kỹ năng đối thoại cho cán bộ mới"


def test_officer_reads_lessons_and_sees_progress(phone, live_server, e2e_course):
    login(phone, live_server, "officer@test.vn")
    phone.goto(f"{live_server}/courses/?q=ky nang doi thoai")
    phone.get_by_role("link", name=e2e_course).click()
    phone.get_by_role("button", name="Ghi danh").click()
    assert phone.get_by_text("Bạn đã ghi danh chuyên đề.").is_visible()
    phone.get_by_role("link", name="Mục đích của đối thoại").click()

    # Reading to the end marks the lesson done without a tap.
    phone.locator("#lesson-end").scroll_into_view_if_needed()
    phone.get_by_text("✓ Bạn đã học xong bài này.").wait_for()
    assert phone.locator("#course-count").inner_text() == "1/2"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_role("link", name="Lập kế hoạch đối thoại ›").click()
    phone.get_by_role("button", name="Đánh dấu đã học").click()  # before reaching the end
    assert phone.get_by_text("Đã ghi nhận bạn học xong bài này.").is_visible()
    assert phone.locator("progress[aria-label='Tiến độ chuyên đề']").get_attribute("value") == "100"

    phone.goto(f"{live_server}/")
    card = phone.locator("li.mycourse", has_text=e2e_course)
    assert card.locator("progress").get_attribute("value") == "100"
    assert card.get_by_text("2/2 bài").is_visible()
