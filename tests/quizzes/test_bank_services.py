"""Bank services: authorization per role, the category tree, immutable versions, tags, drawing pools."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from elearn.accounts.models import Role
from elearn.errors import Conflict, Forbidden, NotFound, ValidationError
from elearn.quizzes import bank_listing, banks
from elearn.quizzes.formats.model import ParsedAnswer, ParsedQuestion, default_options
from elearn.quizzes.models import Question, QuestionCategory, QuestionVersion, Tag
from tests import factories
from tests.conftest import TEST_PASSWORD


def _choice_question(
    name="Câu 1", right="2%", category="Luật/Kinh phí", tags=("Kinh-Phí ",)
) -> ParsedQuestion:
    q = ParsedQuestion("single_choice", name, "Mức đóng kinh phí công đoàn?", "markdown", category=category)
    q.options = default_options("single_choice")
    q.tags = list(tags)
    q.answers = [
        ParsedAnswer(right, Decimal(1), "Đúng."),
        ParsedAnswer("1%", Decimal(0), "Sai."),
    ]
    return q


@pytest.fixture
def other_trainer(db):
    return factories.user(db, "trainer2@test.vn", Role.TRAINER, TEST_PASSWORD)


def test_trainer_creates_and_owns_a_bank_and_codes_are_unique(db, world):
    bank = banks.create_bank(db, world.trainer, " llnv-09 ", "Ngân hàng thử")
    assert (bank.code, bank.owner_id) == ("LLNV-09", world.trainer.id)
    with pytest.raises(Conflict):
        banks.create_bank(db, world.admin, "LLNV-09", "Trùng mã")


@pytest.mark.parametrize("who", ["staff_a", "officer_user"])
def test_staff_and_officers_can_do_nothing_with_banks(db, world, who):
    actor = getattr(world, who)
    bank = factories.question_bank(db, world.trainer)
    with pytest.raises(Forbidden):
        banks.create_bank(db, actor, "X-1", "x")
    with pytest.raises(Forbidden):
        banks.get_bank(db, actor, bank.id)
    with pytest.raises(Forbidden):
        banks.get_bank(db, actor, 999999)  # roles before lookups: no probing for ids
    with pytest.raises(Forbidden):
        banks.save_question(db, actor, bank, _choice_question())
    with pytest.raises(Forbidden):
        banks.editable_banks(db, actor)


def test_only_owner_editors_and_admin_edit_a_bank(db, world, other_trainer):
    bank = factories.question_bank(db, world.trainer)
    with pytest.raises(Forbidden):
        banks.get_bank(db, other_trainer, bank.id)
    with pytest.raises(Forbidden):
        banks.save_question(db, other_trainer, bank, _choice_question())
    assert banks.editable_banks(db, other_trainer) == []
    assert banks.get_bank(db, world.admin, bank.id) is bank
    banks.add_editor(db, world.trainer, bank, other_trainer)
    assert banks.get_bank(db, other_trainer, bank.id) is bank
    assert banks.editable_banks(db, other_trainer) == [bank]
    with pytest.raises(NotFound):
        banks.get_bank(db, world.admin, 999999)


def test_categories_are_created_with_their_parents_once(db, world):
    bank = banks.create_bank(db, world.trainer, "CAT", "Danh mục")
    leaf = banks.ensure_category(db, bank, " Luật Công đoàn / Kinh phí /Mức đóng ")
    again = banks.ensure_category(db, bank, "Luật Công đoàn/Kinh phí/Mức đóng")
    assert leaf.id == again.id
    rows = db.execute(
        select(QuestionCategory.path, QuestionCategory.name, QuestionCategory.parent_id)
        .where(QuestionCategory.bank_id == bank.id)
        .order_by(QuestionCategory.path)
    ).all()
    assert [r.path for r in rows] == [
        "Luật Công đoàn",
        "Luật Công đoàn/Kinh phí",
        "Luật Công đoàn/Kinh phí/Mức đóng",
    ]
    assert rows[0].parent_id is None and leaf.name == "Mức đóng"
    parent = banks.ensure_category(db, bank, "Luật Công đoàn/Kinh phí")
    assert leaf.parent_id == parent.id
    assert banks.ensure_category(db, bank, "").path == banks.DEFAULT_CATEGORY


def test_editing_adds_a_version_and_never_changes_an_old_one(db, world):
    bank = banks.create_bank(db, world.trainer, "VER", "Phiên bản")
    question = banks.save_question(db, world.trainer, bank, _choice_question())
    first = question.current_version
    assert first.version == 1
    before = (first.name, dict(first.data), first.difficulty)
    db.commit()

    edited = banks.save_question(
        db, world.trainer, bank, _choice_question(right="2% quỹ tiền lương"), question=question
    )
    db.commit()
    assert edited.id == question.id
    second = edited.current_version
    assert (second.version, second.id != first.id) == (2, True)
    db.expire_all()
    old = db.get(QuestionVersion, first.id)
    assert (old.name, old.data, old.difficulty) == before
    assert old.data["choices"][0]["text"] == "2%"
    assert second.data["choices"][0]["text"] == "2% quỹ tiền lương"
    assert second.created_by_id == world.trainer.id

    # Saving the same content again makes no version 3.
    banks.save_question(
        db, world.trainer, bank, _choice_question(right="2% quỹ tiền lương"), question=question
    )
    count = db.scalar(
        select(func.count()).select_from(QuestionVersion).where(QuestionVersion.question_id == question.id)
    )
    assert count == 2


def test_rules_are_checked_by_the_service(db, world):
    bank = banks.create_bank(db, world.trainer, "RULE", "Quy tắc")
    q = _choice_question()
    q.answers[0].fraction = Decimal("0.5")
    with pytest.raises(ValidationError, match="100%"):
        banks.save_question(db, world.trainer, bank, q)
    assert db.scalar(select(func.count()).select_from(Question).where(Question.bank_id == bank.id)) == 0


def test_tags_are_normalised_and_difficulty_comes_from_its_tag(db, world):
    bank = banks.create_bank(db, world.trainer, "TAG", "Thẻ")
    q = _choice_question(tags=(" Kinh-Phí", "kinh-phí", "LUẬT  công đoàn", "kho"))
    q.options["difficulty"] = 3
    question = banks.save_question(db, world.trainer, bank, q)
    assert [t.name for t in question.tags] == ["kho", "kinh-phí", "luật công đoàn"]
    assert question.current_version.difficulty == 3
    assert [t.name for t in question.topic_tags] == ["kinh-phí", "luật công đoàn"]  # "kho" is the badge
    assert bank_listing.bank_tags(db, [bank.id]) == ["kinh-phí", "luật công đoàn"]
    assert banks.set_tags(db, question, "kho, kinh-phí, luật công đoàn") is False
    assert banks.set_tags(db, question, ["mới"]) is True
    assert [t.name for t in question.tags] == ["mới"]
    assert db.scalar(select(func.count()).select_from(Tag).where(Tag.name == "kinh-phí")) == 1


def test_draw_pool_covers_subcategories_tags_and_skips_hidden(db, world):
    bank = banks.create_bank(db, world.trainer, "POOL", "Rút câu")
    a = banks.save_question(db, world.trainer, bank, _choice_question("A", category="Luật", tags=("x",)))
    b = banks.save_question(
        db, world.trainer, bank, _choice_question("B", category="Luật/Kinh phí", tags=("y",))
    )
    c = banks.save_question(db, world.trainer, bank, _choice_question("C", category="Luật khác", tags=("x",)))
    top = banks.ensure_category(db, bank, "Luật")
    assert banks.draw_pool(db, top.id) == [a, b]
    assert banks.draw_pool(db, top.id, include_subcategories=False) == [a]
    x = db.scalar(select(Tag).where(Tag.name == "x"))
    assert banks.draw_pool(db, top.id, tag_id=x.id) == [a]
    banks.set_hidden(db, world.trainer, a, True)
    assert banks.draw_pool(db, top.id) == [b]
    assert banks.draw_pool(db, banks.ensure_category(db, bank, "Luật khác").id) == [c]
