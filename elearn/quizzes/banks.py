"""Question bank services: banks, the category tree, questions with immutable versions, tags.

Authorization: trainers create banks (they own them) and edit banks they own or were granted (BankEditor);
admins edit every bank; staff and officers have no access. `actor=None` is the command line or the demo seed,
which act with the installation's authority. Services only flush; the caller commits.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from elearn.accounts.models import Role, User
from elearn.errors import Conflict, Forbidden, NotFound, ValidationError
from elearn.quizzes.formats.model import ParsedQuestion
from elearn.quizzes.formats.rules import normalise_grades, question_errors
from elearn.quizzes.models import (
    BankEditor,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionTag,
    QuestionVersion,
    Tag,
)
from elearn.quizzes.qtypes import data_from_parsed

DEFAULT_CATEGORY = "Mặc định"
DIFFICULTIES = {1: "Dễ", 2: "Trung bình", 3: "Khó"}
AUTHORS = (Role.TRAINER, Role.ADMIN)


# --- authorization ------------------------------------------------------------------------------------


def _require_author(actor: User | None) -> None:
    if actor is not None and (not actor.is_active or not actor.has_role(*AUTHORS)):
        raise Forbidden()


def can_edit_bank(session: Session, actor: User | None, bank: QuestionBank) -> bool:
    if actor is None:
        return True
    if not actor.is_active or not actor.has_role(*AUTHORS):
        return False
    if actor.has_role(Role.ADMIN) or bank.owner_id == actor.id:
        return True
    granted = select(BankEditor.id).where(BankEditor.bank_id == bank.id, BankEditor.user_id == actor.id)
    return session.scalar(granted) is not None


def get_bank(session: Session, actor: User | None, bank_id: int) -> QuestionBank:
    """The bank if `actor` may edit it. Roles first: staff and officers get Forbidden, never NotFound."""
    _require_author(actor)
    bank = session.get(QuestionBank, bank_id)
    if bank is None:
        raise NotFound("Không tìm thấy ngân hàng câu hỏi.")
    if not can_edit_bank(session, actor, bank):
        raise Forbidden("Bạn không phải người sở hữu hoặc biên tập ngân hàng câu hỏi này.")
    return bank


def find_bank(session: Session, code: str) -> QuestionBank | None:
    return session.scalar(select(QuestionBank).where(QuestionBank.code == code.strip().upper()))


def editable_banks(session: Session, actor: User | None) -> list[QuestionBank]:
    _require_author(actor)
    stmt = select(QuestionBank).order_by(QuestionBank.code)
    if actor is not None and not actor.has_role(Role.ADMIN):
        granted = select(BankEditor.bank_id).where(BankEditor.user_id == actor.id)
        stmt = stmt.where(or_(QuestionBank.owner_id == actor.id, QuestionBank.id.in_(granted)))
    return list(session.scalars(stmt))


def create_bank(
    session: Session,
    actor: User | None,
    code: str,
    title: str,
    *,
    description: str = "",
    course_id: int | None = None,
    owner: User | None = None,
) -> QuestionBank:
    """A new bank owned by `actor` (or by `owner` when the command line or the seed creates it)."""
    _require_author(actor)
    code = code.strip().upper()
    if not code or len(code) > 40:
        raise ValidationError("Mã ngân hàng phải có từ 1 đến 40 ký tự.")
    if find_bank(session, code) is not None:
        raise Conflict(f"Đã có ngân hàng câu hỏi mã {code}.")
    owner_user = actor if actor is not None else owner
    bank = QuestionBank(
        code=code,
        title=title.strip() or code,
        description=description.strip(),
        course_id=course_id,
        owner_id=owner_user.id if owner_user else None,
    )
    session.add(bank)
    session.flush()
    return bank


def add_editor(session: Session, actor: User | None, bank: QuestionBank, user: User) -> None:
    if not can_edit_bank(session, actor, bank):
        raise Forbidden()
    if not user.has_role(*AUTHORS):
        raise ValidationError("Chỉ giảng viên mới được cấp quyền biên tập ngân hàng câu hỏi.")
    exists = select(BankEditor.id).where(BankEditor.bank_id == bank.id, BankEditor.user_id == user.id)
    if session.scalar(exists) is None:
        session.add(BankEditor(bank_id=bank.id, user_id=user.id))
        session.flush()


# --- categories ------------------------------------------------------------------------------------


def clean_path(path: str) -> str:
    parts = [" ".join(p.split()) for p in unicodedata.normalize("NFC", path or "").split("/")]
    return "/".join(p for p in parts if p) or DEFAULT_CATEGORY


def ensure_category(
    session: Session, bank: QuestionBank, path: str, info: str = "", *, cache: dict | None = None
) -> QuestionCategory:
    """The category at `path` ("A/B/C"), creating it and any missing parents.

    `cache` (path -> category of this bank) spares an import one query per question.
    """
    path = clean_path(path)
    existing = cache if cache is not None else {}
    if not existing:
        stmt = select(QuestionCategory).where(QuestionCategory.bank_id == bank.id)
        existing.update((c.path, c) for c in session.scalars(stmt))
    parent: QuestionCategory | None = None
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        sub = "/".join(parts[:depth])
        node = existing.get(sub)
        if node is None:
            node = QuestionCategory(
                bank_id=bank.id,
                parent_id=parent.id if parent else None,
                name=parts[depth - 1][:255],
                path=sub,
                info=info if sub == path else "",
            )
            session.add(node)
            session.flush()
            existing[sub] = node
        parent = node
    if info and not parent.info:
        parent.info = info
    return parent


def categories(session: Session, bank: QuestionBank) -> list[QuestionCategory]:
    stmt = select(QuestionCategory).where(QuestionCategory.bank_id == bank.id).order_by(QuestionCategory.path)
    return list(session.scalars(stmt))


# --- questions ------------------------------------------------------------------------------------


def normalise_tags(tags) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    out: list[str] = []
    for tag in tags:
        name = " ".join(unicodedata.normalize("NFC", str(tag)).split()).lower()[:100]
        if name and name not in out:
            out.append(name)
    return out


def set_tags(session: Session, question: Question, tags) -> bool:
    """Replaces the question's tags; True when they changed."""
    names = normalise_tags(tags)
    if sorted(t.name for t in question.tags) == sorted(names):
        return False
    known = {t.name: t for t in session.scalars(select(Tag).where(Tag.name.in_(names)))} if names else {}
    for name in names:
        if name not in known:
            known[name] = Tag(name=name)
            session.add(known[name])
    session.flush()
    session.execute(QuestionTag.__table__.delete().where(QuestionTag.question_id == question.id))
    for name in names:
        session.add(QuestionTag(question_id=question.id, tag_id=known[name].id))
    session.flush()
    session.expire(question, ["tags"])
    return True


def check_parsed(q: ParsedQuestion) -> list[str]:
    return normalise_grades(q) or question_errors(q)


@dataclass(frozen=True)
class VersionContent:
    qtype: str
    name: str
    data: dict
    difficulty: int | None

    @classmethod
    def from_parsed(cls, q: ParsedQuestion) -> VersionContent:
        qtype, data = data_from_parsed(q)
        difficulty = q.options.get("difficulty")
        return cls(qtype, q.name.strip()[:300], data, int(difficulty) if difficulty else None)

    def same_as(self, version: QuestionVersion | None) -> bool:
        return version is not None and (version.qtype, version.name, version.data, version.difficulty) == (
            self.qtype,
            self.name,
            self.data,
            self.difficulty,
        )


def add_version(
    session: Session, actor: User | None, question: Question, content: VersionContent
) -> QuestionVersion:
    """Appends version n+1 and makes it current; earlier versions are never touched."""
    last = session.scalar(
        select(func.max(QuestionVersion.version)).where(QuestionVersion.question_id == question.id)
    )
    version = QuestionVersion(
        question_id=question.id,
        version=(last or 0) + 1,
        qtype=content.qtype,
        name=content.name,
        data=content.data,
        difficulty=content.difficulty,
        created_by_id=actor.id if actor else None,
    )
    session.add(version)
    session.flush()
    question.current_version = version
    session.flush()
    return version


def save_question(
    session: Session,
    actor: User | None,
    bank: QuestionBank,
    parsed: ParsedQuestion,
    *,
    question: Question | None = None,
    category_cache: dict | None = None,
) -> Question:
    """Creates a question, or gives `question` a new version; category and tags follow `parsed`."""
    if not can_edit_bank(session, actor, bank):
        raise Forbidden()
    if question is not None and question.bank_id != bank.id:
        raise NotFound("Câu hỏi không thuộc ngân hàng này.")
    problems = check_parsed(parsed)
    if problems:
        raise ValidationError(" ".join(problems))
    content = VersionContent.from_parsed(parsed)
    if not content.name:
        raise ValidationError("Câu hỏi cần có tên.")
    category = ensure_category(session, bank, parsed.category, cache=category_cache)
    if question is None:
        question = Question(bank_id=bank.id, category_id=category.id, idnumber=parsed.idnumber or None)
        session.add(question)
        session.flush()
    else:
        question.category_id = category.id
    if not content.same_as(question.current_version):
        add_version(session, actor, question, content)
    set_tags(session, question, parsed.tags)
    return question


def get_question(session: Session, actor: User | None, question_id: int) -> Question:
    _require_author(actor)
    question = session.get(Question, question_id)
    if question is None or question.current_version_id is None:
        raise NotFound("Không tìm thấy câu hỏi.")
    get_bank(session, actor, question.bank_id)
    return question


def versions(session: Session, question: Question) -> list[QuestionVersion]:
    stmt = (
        select(QuestionVersion)
        .where(QuestionVersion.question_id == question.id)
        .order_by(QuestionVersion.version.desc())
    )
    return list(session.scalars(stmt))


def set_hidden(session: Session, actor: User | None, question: Question, hidden: bool) -> None:
    """Hidden questions stay in old attempts but are no longer drawn or exported."""
    get_bank(session, actor, question.bank_id)
    question.hidden = hidden
    session.flush()


def draw_pool(
    session: Session,
    category_id: int,
    *,
    tag_id: int | None = None,
    include_subcategories: bool = True,
) -> list[Question]:
    """Visible questions a quiz slot may draw from: in the category (and below), optionally with a tag."""
    category = session.get(QuestionCategory, category_id)
    if category is None:
        raise NotFound("Không tìm thấy danh mục câu hỏi.")
    in_category = Question.category_id == category.id
    if include_subcategories:
        below = select(QuestionCategory.id).where(
            QuestionCategory.bank_id == category.bank_id,
            or_(QuestionCategory.id == category.id, QuestionCategory.path.startswith(category.path + "/")),
        )
        in_category = Question.category_id.in_(below)
    stmt = select(Question).where(
        in_category, Question.hidden.is_(False), Question.current_version_id.is_not(None)
    )
    if tag_id is not None:
        tagged = select(QuestionTag.question_id).where(QuestionTag.tag_id == tag_id)
        stmt = stmt.where(Question.id.in_(tagged))
    return list(session.scalars(stmt.order_by(Question.id)))
