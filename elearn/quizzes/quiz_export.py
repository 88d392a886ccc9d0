"""The responses of a quiz as XLSX: one row per attempt, one column group per position.

Text that a spreadsheet would take for a formula (=, +, -, @, tab, CR at the start) is prefixed with an
apostrophe, so a learner's answer can never run as a formula on the trainer's machine.
"""

from __future__ import annotations

import io
import json

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.officers.models import Officer
from elearn.quizzes.quiz_access import get_managed_quiz
from elearn.quizzes.quiz_models import QuizAttempt
from elearn.quizzes.quiz_services import utc_to_local

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def response_text(version, response) -> str:
    if response is None:
        return ""
    data = version.data
    if version.qtype in ("single_choice", "multiple_response"):
        texts = {c["id"]: c["text"] for c in data["choices"]}
        ids = [response] if isinstance(response, str) else list(response)
        return "; ".join(texts.get(i, i) for i in ids)
    if version.qtype == "true_false":
        return "Đúng" if response in (True, "true") else "Sai"
    if version.qtype == "matching":
        stems = {s["id"]: s["text"] for s in data["stems"]}
        choices = {c["id"]: c["text"] for c in data["choices"]}
        return "; ".join(f"{stems.get(s, s)} → {choices.get(c, '')}" for s, c in response.items())
    return response if isinstance(response, str) else json.dumps(response, ensure_ascii=False)


def responses_xlsx(session: Session, actor: User, quiz_id: int) -> bytes:
    quiz = get_managed_quiz(session, actor, quiz_id)
    attempts = session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.quiz_id == quiz.id)
        .order_by(QuizAttempt.officer_id, QuizAttempt.number)
    ).all()
    width = max((len(a.questions) for a in attempts), default=0)
    wb = Workbook()
    ws = wb.active
    ws.title = "Câu trả lời"
    header = ["Mã cán bộ", "Họ và tên", "Lần", "Trạng thái", "Bắt đầu", "Nộp bài", "Điểm", "Điểm tối đa", "%"]
    for i in range(1, width + 1):
        header += [f"Câu {i}", f"Trả lời {i}", f"Điểm {i}"]
    ws.append(header)
    for a in attempts:
        officer = session.get(Officer, a.officer_id)
        row = [
            safe_cell(officer.code),
            safe_cell(officer.full_name),
            a.number,
            "Đã nộp" if a.state == "submitted" else "Đang làm",
            utc_to_local(a.started_at),
            utc_to_local(a.submitted_at),
            None if a.marks is None else float(a.marks),
            float(a.max_marks),
            None if a.percent is None else float(a.percent),
        ]
        for aq in a.questions:
            mark = None if aq.fraction is None else float(aq.fraction * aq.max_mark)
            row += [safe_cell(aq.version.name), safe_cell(response_text(aq.version, aq.response)), mark]
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
