"""Demo data of the quizzes feature, called by `seed-demo` in feature order (see elearn/seed.py).

The question banks are the real files of question_banks/: one bank per file, loaded by the same importer
as `banks import`; then the quizzes of the demo courses and classes (quiz_seed.py).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from elearn.config import ROOT
from elearn.quizzes import bank_import, banks
from elearn.quizzes.models import QuestionBank
from elearn.quizzes.quiz_seed import seed_quizzes
from elearn.seed_context import SeedContext

BANKS_DIR = ROOT / "question_banks"
TITLE_PREFIX = "Ngân hàng câu hỏi:"


def bank_title(text: str, fallback: str) -> str:
    """The file's first comment line, without the "Ngân hàng câu hỏi:" prefix every bank file carries."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("//"):
            title = stripped.lstrip("/").strip()
            return title.removeprefix(TITLE_PREFIX).strip() or fallback
        break
    return fallback


def seed_banks(session: Session, ctx: SeedContext, directory: Path = BANKS_DIR) -> dict[str, QuestionBank]:
    owner = ctx.users["trainer"]
    courses = ctx.shared.get("courses", {})
    loaded: dict[str, QuestionBank] = {}
    for path in sorted(directory.glob("*.gift")):
        code = path.stem.upper()
        data = path.read_bytes()
        bank = banks.find_bank(session, code)
        if bank is None:
            course = courses.get(code)
            bank = banks.create_bank(
                session,
                None,
                code,
                bank_title(data.decode("utf-8"), code),
                course_id=course.id if course is not None else None,
                owner=owner,
            )
        bank_import.import_bank(session, None, bank, path.name, data, fmt="gift")
        loaded[code] = bank
    ctx.shared["banks"] = loaded
    return loaded


def seed_demo(session: Session, ctx: SeedContext) -> None:
    seed_banks(session, ctx)
    seed_quizzes(session, ctx)
