"""On a 360 × 740 phone every button, menu item and action link is a 44-px tap target, and no page scrolls
sideways: each role's menu pages in the test world, then the pages where the small buttons live (a course in
progress, a certificate, a quiz, a class roster, a class plan)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from elearn.officers.models import Officer
from elearn.targets import services as target_services
from tests import factories
from tests.classes import helpers
from tests.e2e.conftest import login, serving, world_database
from tests.targets import factories as tf

MIN_TAP = 44
PHONE_WIDTH = 360
TARGETS = ".button, button, summary, .menu nav a, .actions a"
# Visible elements matching TARGETS that are shorter than MIN_TAP px, and the text of every one checked.
SMALL_TARGETS = """([selector, minimum]) => {
  // checkVisibility: a closed <details> hides its content with content-visibility, which still has a box.
  const shown = Array.from(document.querySelectorAll(selector)).filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && el.checkVisibility({ visibilityProperty: true });
  });
  const label = (el) => (el.textContent || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
  return {
    checked: shown.map(label),
    small: shown
      .filter((el) => el.getBoundingClientRect().height + 0.01 < minimum)
      .map((el) => `${el.tagName.toLowerCase()} "${label(el)}" ${el.getBoundingClientRect().height}px`),
  };
}"""
ROLES = ("officer@test.vn", "trainer@test.vn", "staff-a@test.vn", "admin@test.vn")


def _check(page, url: str) -> list[str]:
    """Open `url`, assert it fits the screen and its tap targets are big enough; return their labels."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{url} is {width}px wide"
    found = page.evaluate(SMALL_TARGETS, [TARGETS, MIN_TAP])
    assert not found["small"], f"{url}: {found['small']}"
    return found["checked"]


def _open_menu(page) -> None:
    page.locator(".menu summary").click()
    found = page.evaluate(SMALL_TARGETS, [".menu summary, .menu nav a, .menu nav button", MIN_TAP])
    assert len(found["checked"]) > 3 and "Đăng xuất" in found["checked"]
    assert not found["small"], found["small"]


@pytest.mark.parametrize("email", ROLES)
def test_every_menu_page_fits_a_phone(phone, live_server, email):
    login(phone, live_server, email)
    _open_menu(phone)
    links = phone.eval_on_selector_all(".menu nav a", "links => links.map((a) => a.href)")
    assert links
    for url in dict.fromkeys(links):
        _check(phone, url)


@pytest.fixture(scope="module")
def phone_world(tmp_path_factory):
    """The test world plus what brings out the small buttons: officer@test.vn has a course in progress, a
    certificate and a class; trainer@test.vn has a quiz and teaches that class; TEST-A has a class plan."""
    root = tmp_path_factory.mktemp("phone-live")
    url, engine = world_database(root)
    with Session(engine) as s:
        world = factories.World.load(s)
        officer = s.get(Officer, world.officer_user.officer_id)
        course = factories.course(s, "PHONE", owner=world.trainer)
        factories.enrol(s, officer.id, course)
        quiz, *_ = factories.quiz_setup(s, code="PHONE-QZ")
        tc = helpers.training_class(s, world.a, course=course, trainer=world.trainer)
        helpers.member(s, tc, officer)
        tf.certificate(s, officer, tf.cert_type(s, world.city))
        target_services.set_quota(
            s, world.admin, unit_id=world.a.id, year=date.today().year,
            funding_source="kinh_phi_cong_doan", planned_classes=4, planned_learners=120,
        )  # fmt: skip
        s.commit()
        ids = {"quiz": quiz.id, "class": tc.id, "unit": world.a.id}
    engine.dispose()
    with serving(root, url) as base:
        yield base, ids


def test_small_buttons_are_tap_targets_on_a_phone(phone, phone_world):
    base, ids = phone_world
    pages = {
        "officer@test.vn": {"/": ["Tiếp tục học"], "/certificates/mine": ["Tải PDF", "Chi tiết"]},
        "trainer@test.vn": {
            "/quizzes/manage": ["Cài đặt", "Kết quả", "Thống kê câu hỏi"],
            f"/quizzes/{ids['quiz']}/slots": ["Cài đặt", "Bỏ"],
            f"/quizzes/{ids['quiz']}/results": ["Thống kê câu hỏi"],
            f"/classes/{ids['class']}": ["Đưa ra khỏi lớp"],
        },
        "staff-a@test.vn": {f"/targets/unit/{ids['unit']}": ["Xem", "Tải kế hoạch lớp (XLSX)"]},
    }
    for email, urls in pages.items():
        phone.context.clear_cookies()
        login(phone, base, email)
        for path, expected in urls.items():
            checked = _check(phone, base + path)
            assert set(expected) <= set(checked), (path, expected, checked)


def test_a_wide_table_is_reached_with_the_keyboard(phone, phone_world):
    base, ids = phone_world
    login(phone, base, "staff-a@test.vn")
    response = phone.goto(f"{base}/units/{ids['unit']}")
    assert response is not None and response.ok
    for _ in range(60):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.classList.contains('scroll-x')"):
            break
    else:
        pytest.fail("no table region takes the keyboard focus")
    region = phone.evaluate(
        """() => { const el = document.activeElement, css = getComputedStyle(el);
                   return [el.getAttribute('role'), el.getAttribute('aria-label'), css.outlineStyle]; }"""
    )
    assert region == ["region", "Đơn vị trực thuộc", "solid"]
