"""Saving answers over HTTP: the script's JSON endpoint, tampering, time-out and grace, expired login and
CSRF, double submission, the page-by-page form, and right answers kept from the browser."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from html import unescape

from sqlalchemy import delete, select

from elearn.accounts.models import LoginSession
from elearn.db import utcnow
from elearn.quizzes import attempts
from elearn.quizzes.quiz_models import AttemptQuestion, QuizAttempt
from tests import factories
from tests.conftest import csrf_from


def _start(db, **settings):
    settings.setdefault("time_limit_minutes", 30)
    quiz, trainer, officer, bank = factories.quiz_setup(db, **settings)
    attempt = attempts.start_attempt(db, officer, quiz.id, utcnow(), random.Random(7))
    by_name = {aq.version.name: aq for aq in attempt.questions}
    return quiz, attempt, by_name


def _page(client, attempt):
    return client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)


def _post(client, attempt, token, position, response):
    return client.post(
        f"/quizzes/attempts/{attempt.id}/answer",
        json={"position": position, "response": response},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )


def _stored(db, aq):
    db.expire_all()
    return db.get(AttemptQuestion, aq.id).response


def test_answer_is_saved_as_given(db, client, auth):
    _, attempt, q = _start(db)
    auth.login("officer@test.vn")
    token = csrf_from(_page(client, attempt))
    res = _post(client, attempt, token, q["Q3 nhiều"].position, ["a1", "a2"])
    assert res.status_code == 200 and res.json["saved"] is True and res.json["saved_at"]
    assert _stored(db, q["Q3 nhiều"]) == ["a1", "a2"]
    assert _post(client, attempt, token, q["Q4 số"].position, "2,0").json["saved"]
    assert _stored(db, q["Q4 số"]) == "2,0"


def test_tampered_answers_are_refused_and_nothing_saved(db, client, auth):
    _, attempt, q = _start(db)
    auth.login("officer@test.vn")
    token = csrf_from(_page(client, attempt))
    assert _post(client, attempt, token, 99, "a1").status_code == 422  # a position not in the attempt
    # "a3" belongs to Q2 but Q1 is true/false; "zz" exists nowhere
    assert _post(client, attempt, token, q["Q1 quyền"].position, "a3").status_code == 422
    assert _post(client, attempt, token, q["Q2 chọn"].position, "zz").status_code == 422
    assert _post(client, attempt, token, q["Q3 nhiều"].position, ["a1", "a1"]).status_code == 422
    assert _post(client, attempt, token, "1", "a1").status_code == 422
    bad = client.post(
        f"/quizzes/attempts/{attempt.id}/answer",
        data="not json",
        headers={"X-CSRFToken": token, "Accept": "application/json", "Content-Type": "application/json"},
    )
    assert bad.status_code == 400
    assert all(_stored(db, aq) is None for aq in q.values())


def test_another_officers_attempt_is_not_found(db, client, auth, world):
    _, attempt, q = _start(db)
    other = factories.officer(db, world.a1, name="Phạm Văn Khác")
    factories.user(db, "khac@test.vn", factories.Role.OFFICER, "matkhau123", officer_id=other.id)
    auth.login("khac@test.vn")
    token = auth.csrf()
    assert _post(client, attempt, token, q["Q2 chọn"].position, "a1").status_code == 404
    assert client.get(f"/quizzes/attempts/{attempt.id}").status_code == 404
    assert _stored(db, q["Q2 chọn"]) is None


def test_right_answers_never_reach_the_browser_during_the_attempt(db, client, auth):
    _, attempt, q = _start(db)
    auth.login("officer@test.vn")
    html = _page(client, attempt)
    for secret in ("Đúng vậy.", "Đúng. ", "Chưa đúng.", "fraction", "Đáp án đúng", "-100", "tolerance"):
        assert secret not in html, secret
    token = csrf_from(html)
    body = _post(client, attempt, token, q["Q2 chọn"].position, "a1").get_data(as_text=True)
    assert "Đúng" not in body and "fraction" not in body
    assert "Quốc hội" in html and "Chính phủ" in html  # the choices themselves are shown


def test_time_out_within_grace_counts_and_later_is_refused(db, client, auth):
    _, attempt, q = _start(db, grace_seconds=60)
    auth.login("officer@test.vn")
    token = csrf_from(_page(client, attempt))
    attempt.deadline_at = utcnow() - timedelta(seconds=30)  # within the grace period
    db.flush()
    assert _post(client, attempt, token, q["Q2 chọn"].position, "a1").status_code == 200
    assert _stored(db, q["Q2 chọn"]) == "a1"
    attempt.deadline_at = utcnow() - timedelta(seconds=90)  # beyond it
    db.flush()
    late = _post(client, attempt, token, q["Q1 quyền"].position, "true")
    assert late.status_code == 409 and late.json["closed"] is True
    assert "hết giờ" in late.json["error"].lower()
    assert _stored(db, q["Q1 quyền"]) is None
    db.expire_all()
    done = db.get(QuizAttempt, attempt.id)
    assert done.state == "submitted" and done.marks == 1  # graded with what was saved (Q2 right)


def test_time_out_without_grace(db, client, auth):
    _, attempt, q = _start(db, grace_seconds=0)
    auth.login("officer@test.vn")
    token = csrf_from(_page(client, attempt))
    attempt.deadline_at = utcnow() - timedelta(seconds=2)
    db.flush()
    assert _post(client, attempt, token, q["Q2 chọn"].position, "a1").status_code == 409
    assert _stored(db, q["Q2 chọn"]) is None


def test_expired_attempt_is_submitted_on_any_page_load(db, client, auth):
    _, attempt, q = _start(db, grace_seconds=0)
    attempts.save_answer(db, attempt_owner(db, attempt), attempt.id, q["Q2 chọn"].position, "a1", utcnow())
    attempt.deadline_at = utcnow() - timedelta(minutes=5)
    db.flush()
    auth.login("officer@test.vn")
    assert client.get("/").status_code == 200
    db.expire_all()
    done = db.get(QuizAttempt, attempt.id)
    assert done.state == "submitted" and done.marks == 1


def attempt_owner(db, attempt):
    from elearn.accounts.models import User

    return db.scalar(select(User).where(User.officer_id == attempt.officer_id))


def test_expired_login_gets_401_json_and_returns_to_the_attempt(db, client, auth):
    _, attempt, q = _start(db)
    auth.login("officer@test.vn")
    token = csrf_from(_page(client, attempt))
    assert _post(client, attempt, token, q["Q2 chọn"].position, "a1").status_code == 200
    db.execute(delete(LoginSession))  # the login ended (expired, or logged out elsewhere)
    db.flush()
    res = _post(client, attempt, token, q["Q1 quyền"].position, "true")
    assert res.status_code == 401 and res.is_json
    assert "đăng nhập lại" in res.json["error"]
    assert f"next=/quizzes/attempts/{attempt.id}" in res.json["login_url"].replace("%2F", "/")
    assert (
        client.get(
            f"/quizzes/attempts/{attempt.id}/token", headers={"Accept": "application/json"}
        ).status_code
        == 401
    )
    # Log in again through the link: back in the attempt, with every saved answer.
    page = client.get(res.json["login_url"])
    back = client.post(
        res.json["login_url"],
        data={
            "email": "officer@test.vn",
            "password": "matkhau123",
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
    )
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/quizzes/attempts/{attempt.id}")
    html = client.get(back.headers["Location"]).get_data(as_text=True)
    assert 'value="a1" checked' in html
    token = csrf_from(html)
    assert _post(client, attempt, token, q["Q1 quyền"].position, "true").status_code == 200
    assert _stored(db, q["Q1 quyền"]) == "true"


def test_csrf_failure_is_json_and_a_new_token_can_be_fetched(db, client, auth):
    _, attempt, q = _start(db)
    auth.login("officer@test.vn")
    _page(client, attempt)
    res = _post(client, attempt, "stale-token", q["Q2 chọn"].position, "a1")
    assert res.status_code == 400 and res.is_json
    fresh = client.get(f"/quizzes/attempts/{attempt.id}/token", headers={"Accept": "application/json"})
    assert fresh.status_code == 200
    assert _post(client, attempt, fresh.json["csrf_token"], q["Q2 chọn"].position, "a1").status_code == 200


def test_anonymous_form_post_redirects_to_login(db, client):
    _, attempt, _ = _start(db)
    token = csrf_from(client.get("/login").get_data(as_text=True))
    res = client.post(f"/quizzes/attempts/{attempt.id}/answer", data={"csrf_token": token})
    assert res.status_code == 302 and "/login" in res.headers["Location"]


def test_submitting_twice_counts_once(db, client, auth):
    _, attempt, q = _start(db)
    auth.login("officer@test.vn")
    token = csrf_from(_page(client, attempt))
    _post(client, attempt, token, q["Q2 chọn"].position, "a1")
    first = client.post(f"/quizzes/attempts/{attempt.id}/submit", data={"csrf_token": token})
    db.expire_all()
    submitted_at = db.get(QuizAttempt, attempt.id).submitted_at
    second = client.post(f"/quizzes/attempts/{attempt.id}/submit", data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    db.expire_all()
    done = db.get(QuizAttempt, attempt.id)
    assert done.state == "submitted" and done.submitted_at == submitted_at and done.number == 1
    assert db.scalars(select(QuizAttempt).where(QuizAttempt.quiz_id == attempt.quiz_id)).all() == [done]
    assert _post(client, attempt, token, q["Q1 quyền"].position, "true").status_code == 409
    assert attempts.submit_attempt(db, done, utcnow()) is False


def test_page_by_page_form_without_javascript(db, client, auth):
    _, attempt, q = _start(db, shuffle_questions=False)
    auth.login("officer@test.vn")
    html = _page(client, attempt)
    token = csrf_from(html)
    data = {
        "csrf_token": token,
        "page": "1",
        "present": [str(aq.position) for aq in q.values()],
        f"q{q['Q1 quyền'].position}": "true",
        f"q{q['Q2 chọn'].position}": "a1",
        f"q{q['Q3 nhiều'].position}": ["a1", "a3"],
        f"q{q['Q4 số'].position}": "2",
        f"q{q['Q5 tự luận'].position}": "Đại diện, bảo vệ quyền lợi người lao động.",
        "action": "finish",
    }
    res = client.post(f"/quizzes/attempts/{attempt.id}/page", data=data)
    assert res.status_code == 302 and res.headers["Location"].endswith("/summary")
    assert _stored(db, q["Q3 nhiều"]) == ["a1", "a3"]
    summary = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "Chưa trả lời" not in summary
    client.post(f"/quizzes/attempts/{attempt.id}/submit", data={"csrf_token": csrf_from(summary)})
    db.expire_all()
    done = db.get(QuizAttempt, attempt.id)
    assert done.state == "submitted" and done.needs_grading and done.marks is None
    review = client.get(f"/quizzes/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Đang chờ chấm câu tự luận" in review


def test_review_visibility_follows_the_options(db, client, auth):
    review = {"after": {"score": False, "right_answer": False, "feedback": False}}
    quiz, attempt, q = _start(db, review_options=review)
    owner = attempt_owner(db, attempt)
    attempts.save_answer(db, owner, attempt.id, q["Q2 chọn"].position, "a2", utcnow())
    attempts.submit_attempt(db, attempt, utcnow())
    auth.login("officer@test.vn")
    html = client.get(f"/quizzes/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Đáp án đúng" not in html and "Chưa đúng." not in html and "attempt-grade" not in html
    quiz.review_options = {"after": {"score": True, "right_answer": True, "feedback": True}}
    db.flush()
    html = client.get(f"/quizzes/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Đáp án đúng: Quốc hội" in html and "Chưa đúng." in html and "attempt-grade" in html


def _page_form(html: str, attempt, q, **answers) -> dict:
    """The page-by-page form as the browser would send it: its hidden fields and the given answers."""
    hidden = r'<input type="hidden" name="(csrf_token|attempt_token|page|was\d+)" value="([^"]*)"'
    fields = {name: unescape(value) for name, value in re.findall(hidden, html)}
    data = {**fields, "present": [str(aq.position) for aq in q.values()], "action": "next"}
    data.update({f"q{q[name].position}": value for name, value in answers.items()})
    return data


def test_page_form_after_the_login_expired_keeps_the_answers(app, db, client, auth):
    _, attempt, q = _start(db, shuffle_questions=False)
    auth.login("officer@test.vn")
    data = _page_form(_page(client, attempt), attempt, q, **{"Q2 chọn": "a1", "Q3 nhiều": ["a1", "a3"]})
    assert data["attempt_token"]
    client.delete_cookie("session", domain="lms.test")  # the login and its CSRF token are gone
    res = client.post(f"/quizzes/attempts/{attempt.id}/page", data=data)
    assert res.status_code == 302 and "/login?next=" in res.headers["Location"]
    assert _stored(db, q["Q2 chọn"]) == "a1" and _stored(db, q["Q3 nhiều"]) == ["a1", "a3"]
    login_page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "các câu trả lời trên trang đã được lưu" in login_page

    # Logged in, but the CSRF token is stale: saved as well, and back on the page.
    auth.login("officer@test.vn")
    data = _page_form(_page(client, attempt), attempt, q, **{"Q1 quyền": "true"})
    data["csrf_token"] = "stale"
    res = client.post(f"/quizzes/attempts/{attempt.id}/page", data=data)
    assert res.status_code == 302 and res.headers["Location"].endswith(
        f"/quizzes/attempts/{attempt.id}?page=1"
    )
    assert _stored(db, q["Q1 quyền"]) == "true"


def test_page_form_without_a_valid_form_token_saves_nothing(app, db, client, auth, world):
    _, attempt, q = _start(db, shuffle_questions=False)
    auth.login("officer@test.vn")
    data = _page_form(_page(client, attempt), attempt, q, **{"Q2 chọn": "a1"})
    client.delete_cookie("session", domain="lms.test")
    for token in ("", "forged", form_token_for(app, attempt.id + 1, world.officer_user.id)):
        res = client.post(f"/quizzes/attempts/{attempt.id}/page", data={**data, "attempt_token": token})
        assert res.status_code == 302 and "/login?next=" in res.headers["Location"]
    # signed for this attempt, but for someone else (the trainer): not their attempt
    res = client.post(
        f"/quizzes/attempts/{attempt.id}/page",
        data={**data, "attempt_token": form_token_for(app, attempt.id, world.trainer.id)},
    )
    assert res.status_code == 302
    assert _stored(db, q["Q2 chọn"]) is None
    assert "chưa được lưu" in client.get("/login").get_data(as_text=True)


def test_page_form_after_the_deadline_and_grace_is_refused_even_with_its_token(db, client, auth):
    _, attempt, q = _start(db, shuffle_questions=False, grace_seconds=30)
    auth.login("officer@test.vn")
    data = _page_form(_page(client, attempt), attempt, q, **{"Q2 chọn": "a1"})
    client.delete_cookie("session", domain="lms.test")
    db.get(QuizAttempt, attempt.id).deadline_at = utcnow() - timedelta(minutes=5)
    db.flush()
    client.post(f"/quizzes/attempts/{attempt.id}/page", data=data)
    db.expire_all()
    assert _stored(db, q["Q2 chọn"]) is None and db.get(QuizAttempt, attempt.id).state == "submitted"


def test_submit_after_the_login_expired_submits_nothing_and_returns_to_the_summary(db, client, auth):
    _, attempt, _ = _start(db)
    auth.login("officer@test.vn")
    summary = client.get(f"/quizzes/attempts/{attempt.id}/summary").get_data(as_text=True)
    client.delete_cookie("session", domain="lms.test")
    res = client.post(f"/quizzes/attempts/{attempt.id}/submit", data={"csrf_token": csrf_from(summary)})
    assert res.status_code == 302
    assert f"next=/quizzes/attempts/{attempt.id}/summary" in res.headers["Location"].replace("%2F", "/")
    db.expire_all()
    assert db.get(QuizAttempt, attempt.id).state == "in_progress"
    assert "bài chưa được nộp" in client.get("/login").get_data(as_text=True)


def form_token_for(app, attempt_id: int, user_id: int) -> str:
    from elearn.quizzes.quiz_attempt_views import form_token

    with app.test_request_context():
        return form_token(attempt_id, user_id)


def test_page_form_saves_only_what_changed_on_it(db, client, auth):
    _, attempt, q = _start(db, shuffle_questions=False)
    auth.login("officer@test.vn")
    tab_a = _page(client, attempt)
    assert f'name="was{q["Q1 quyền"].position}" value="null"' in tab_a
    token = csrf_from(_page(client, attempt))  # tab B, with the script, answers Q1 afterwards
    assert _post(client, attempt, token, q["Q1 quyền"].position, "false").status_code == 200
    res = client.post(
        f"/quizzes/attempts/{attempt.id}/page", data=_page_form(tab_a, attempt, q, **{"Q2 chọn": "a1"})
    )
    assert res.status_code == 302
    assert _stored(db, q["Q1 quyền"]) == "false" and _stored(db, q["Q2 chọn"]) == "a1"  # tab A left Q1 alone
    client.post(
        f"/quizzes/attempts/{attempt.id}/page", data=_page_form(tab_a, attempt, q, **{"Q1 quyền": "true"})
    )
    assert _stored(db, q["Q1 quyền"]) == "true"  # a change made on the page is saved


def test_a_huge_position_is_refused_not_a_500(db, client, auth):
    _, attempt, _ = _start(db)
    auth.login("officer@test.vn")
    token = csrf_from(_page(client, attempt))
    assert _post(client, attempt, token, 10**30, "a1").status_code == 422
