"""Importing question files into a bank (all or nothing, with a preview) and exporting a bank.

A question is identified by (bank, category path, name). Re-importing a file skips unchanged questions,
gives changed ones a new version and creates the rest; tags that alone changed are updated in place.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from elearn.accounts.models import User
from elearn.errors import Forbidden, ImportFailed, RowError, ValidationError
from elearn.quizzes.bank_convert import parsed_from_version
from elearn.quizzes.banks import (
    VersionContent,
    can_edit_bank,
    clean_path,
    ensure_category,
    normalise_tags,
    save_question,
    set_tags,
)
from elearn.quizzes.formats.gift import export_gift, parse_gift_upload
from elearn.quizzes.formats.model import ParsedCategory, ParsedQuestion
from elearn.quizzes.formats.moodle_xml import parse_moodle_xml_bank
from elearn.quizzes.formats.moodle_xml_export import export_moodle_xml
from elearn.quizzes.formats.uploads import FILE_LEVEL
from elearn.quizzes.formats.xlsx import parse_xlsx
from elearn.quizzes.models import Question, QuestionBank, QuestionCategory, QuestionVersion

FORMATS = {"gift": "GIFT", "xml": "Moodle XML", "xlsx": "Excel (.xlsx)"}
EXTENSIONS = {".gift": "gift", ".txt": "gift", ".xml": "xml", ".xlsx": "xlsx"}
TYPE_LABELS = {
    "single_choice": "Một đáp án",
    "multiple_response": "Nhiều đáp án",
    "true_false": "Đúng/Sai",
    "short_answer": "Trả lời ngắn",
    "numerical": "Số",
    "matching": "Ghép đôi",
    "essay": "Tự luận",
    "description": "Mô tả",
}
ACTIONS = {
    "create": "Thêm mới",
    "version": "Phiên bản mới",
    "retag": "Cập nhật thẻ",
    "unchanged": "Không đổi",
}


def detect_format(filename: str, chosen: str | None = None) -> str:
    if chosen:
        if chosen not in FORMATS:
            raise ImportFailed([RowError(FILE_LEVEL, f"Định dạng «{chosen}» không được hỗ trợ.")])
        return chosen
    fmt = EXTENSIONS.get(PurePath(filename or "").suffix.lower())
    if fmt is None:
        raise ImportFailed(
            [RowError(FILE_LEVEL, "Không nhận ra định dạng tệp: hãy dùng tệp .gift, .txt, .xml hoặc .xlsx.")]
        )
    return fmt


@dataclass
class ParsedFile:
    fmt: str
    questions: list[ParsedQuestion]
    categories: list[ParsedCategory] = field(default_factory=list)


def parse_file(data: bytes, fmt: str) -> ParsedFile:
    """Every question of the file, or ImportFailed with every error (line or row, Vietnamese reason)."""
    if fmt == "gift":
        return ParsedFile(fmt, parse_gift_upload(data))
    if fmt == "xml":
        bank = parse_moodle_xml_bank(data)
        return ParsedFile(fmt, bank.questions, bank.categories)
    return ParsedFile(fmt, parse_xlsx(data))


@dataclass
class PlannedQuestion:
    parsed: ParsedQuestion
    path: str
    action: str  # create, version, retag, unchanged
    question_id: int | None = None

    @property
    def first_line(self) -> str:
        text = " ".join(self.parsed.text.split())
        return text if len(text) <= 120 else text[:117] + "..."


@dataclass
class ImportReport:
    fmt: str
    planned: list[PlannedQuestion]
    categories: list[str]
    new_categories: list[str]

    def count(self, action: str) -> int:
        return sum(1 for p in self.planned if p.action == action)

    @property
    def by_type(self) -> list[tuple[str, int]]:
        counts = Counter(p.parsed.type for p in self.planned)
        return [(TYPE_LABELS[t], counts[t]) for t in TYPE_LABELS if counts[t]]

    @property
    def changes(self) -> bool:
        return bool(self.new_categories) or any(p.action != "unchanged" for p in self.planned)

    def summary(self) -> str:
        return (
            f"{len(self.planned)} câu hỏi: thêm mới {self.count('create')}, "
            f"phiên bản mới {self.count('version')}, cập nhật thẻ {self.count('retag')}, "
            f"không đổi {self.count('unchanged')}; {len(self.new_categories)} danh mục mới."
        )


def _existing(session: Session, bank: QuestionBank | None) -> dict[tuple[str, str], list[Question]]:
    found: dict[tuple[str, str], list[Question]] = defaultdict(list)
    if bank is None:
        return found
    stmt = (
        select(Question, QuestionCategory.path, QuestionVersion.name)
        .join(QuestionCategory, QuestionCategory.id == Question.category_id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.bank_id == bank.id)
        .options(selectinload(Question.tags), selectinload(Question.current_version))
        .order_by(Question.id)
    )
    for question, path, name in session.execute(stmt):
        found[(path, name)].append(question)
    return found


def plan_import(session: Session, bank: QuestionBank | None, parsed: ParsedFile) -> ImportReport:
    existing = _existing(session, bank)
    known_paths = set()
    if bank is not None:
        known_paths = set(
            session.scalars(select(QuestionCategory.path).where(QuestionCategory.bank_id == bank.id))
        )
    planned = []
    for q in parsed.questions:
        content = VersionContent.from_parsed(q)
        path = clean_path(q.category)
        matches = existing.get((path, content.name))
        question = matches.pop(0) if matches else None
        if question is None:
            planned.append(PlannedQuestion(q, path, "create"))
            continue
        if not content.same_as(question.current_version):
            action = "version"
        elif sorted(t.name for t in question.tags) != sorted(normalise_tags(q.tags)):
            action = "retag"
        else:
            action = "unchanged"
        planned.append(PlannedQuestion(q, path, action, question.id))
    wanted = {p.path for p in planned} | {clean_path(c.path) for c in parsed.categories if c.path}
    needed = set()
    for path in wanted:
        parts = path.split("/")
        needed.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return ImportReport(parsed.fmt, planned, sorted(wanted), sorted(needed - known_paths))


def import_bank(
    session: Session,
    actor: User | None,
    bank: QuestionBank | None,
    filename: str,
    data: bytes,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Parses and plans; unless `dry_run`, writes it all. `bank=None` is allowed only for a dry run."""
    if bank is not None and not can_edit_bank(session, actor, bank):
        raise Forbidden()
    if bank is None and not dry_run:
        raise ValidationError("Chưa chọn ngân hàng câu hỏi.")
    parsed = parse_file(data, detect_format(filename, fmt))
    report = plan_import(session, bank, parsed)
    if dry_run:
        return report
    cache: dict[str, QuestionCategory] = {}
    for category in parsed.categories:
        if category.path:
            ensure_category(session, bank, category.path, category.info, cache=cache)
    for item in report.planned:
        if item.action in ("create", "version"):
            question = session.get(Question, item.question_id) if item.question_id else None
            saved = save_question(session, actor, bank, item.parsed, question=question, category_cache=cache)
            item.question_id = saved.id
        elif item.action == "retag":
            set_tags(session, session.get(Question, item.question_id), item.parsed.tags)
    session.flush()
    return report


def bank_questions(session: Session, bank: QuestionBank) -> list[ParsedQuestion]:
    """The bank's visible questions at their current versions, by category path then creation."""
    stmt = (
        select(Question, QuestionCategory.path)
        .join(QuestionCategory, QuestionCategory.id == Question.category_id)
        .where(
            Question.bank_id == bank.id,
            Question.hidden.is_(False),
            Question.current_version_id.is_not(None),
        )
        .options(selectinload(Question.tags), selectinload(Question.current_version))
        .order_by(QuestionCategory.path, Question.id)
    )
    return [
        parsed_from_version(
            question.current_version,
            category=path,
            tags=[t.name for t in question.tags],
            idnumber=question.idnumber,
        )
        for question, path in session.execute(stmt)
    ]


def export_bank(session: Session, actor: User | None, bank: QuestionBank, fmt: str) -> bytes:
    if not can_edit_bank(session, actor, bank):
        raise Forbidden()
    questions = bank_questions(session, bank)
    if fmt == "gift":
        return export_gift(questions).encode("utf-8")
    if fmt == "xml":
        infos = [
            ParsedCategory(c.path, c.info, "moodle")
            for c in session.scalars(select(QuestionCategory).where(QuestionCategory.bank_id == bank.id))
            if c.info
        ]
        return export_moodle_xml(questions, infos)
    raise ValidationError(f"Không xuất được định dạng «{fmt}»: chỉ hỗ trợ gift hoặc xml.")
