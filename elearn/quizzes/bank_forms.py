"""Bank forms (shape only) and the question editor's conversion to and from ParsedQuestion.

One question form serves every type; the template shows the part of it a type uses. Difficulty travels
as a tag ("de", "trung-binh", "kho") like in the GIFT files, so an exported bank keeps it.
"""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from elearn.errors import ValidationError
from elearn.quizzes.bank_import import FORMATS, TYPE_LABELS
from elearn.quizzes.banks import DIFFICULTIES, normalise_tags
from elearn.quizzes.formats.model import (
    DIFFICULTY_TAGS,
    GRADE_OPTIONS,
    ParsedAnswer,
    ParsedPair,
    ParsedQuestion,
    apply_difficulty,
    decimal_str,
    default_options,
    percent,
)
from elearn.quizzes.formats.rules import number_error, shorten, tolerance_error
from elearn.quizzes.formats.xlsx_template import DIFFICULTY_TAG
from elearn.quizzes.qtypes import parse_number
from elearn.web import choices

REQUIRED = "Vui lòng nhập trường này."
ANSWER_ROWS = 6
TEXT_FORMATS = choices(
    [("markdown", "Markdown"), ("plain", "Văn bản thuần"), ("html", "HTML"), ("moodle", "Moodle (tự động)")]
)
GRADES = [decimal_str(g) for g in GRADE_OPTIONS] + [decimal_str(-g) for g in reversed(GRADE_OPTIONS) if g]
FRACTION_CHOICES = choices((g, f"{percent(Decimal(g))}%".replace(".", ",")) for g in GRADES)
DIFFICULTY_CHOICES = choices([("", "— Chưa xếp —")] + [(str(k), v) for k, v in DIFFICULTIES.items()])
EDITABLE_TYPES = tuple(TYPE_LABELS)


class BankForm(FlaskForm):
    code = StringField(
        "Mã ngân hàng",
        validators=[
            DataRequired(REQUIRED),
            Length(max=40),
            Regexp(r"^[A-Za-z0-9._-]+$", message="Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang."),
        ],
    )
    title = StringField("Tên ngân hàng", validators=[DataRequired(REQUIRED), Length(max=300)])
    description = TextAreaField("Mô tả", validators=[Optional(), Length(max=5000)])
    course_id = SelectField("Chuyên đề", coerce=int, validators=[Optional()])


class AnswerForm(FlaskForm):
    """An answer row of QuestionForm: a FlaskForm (no CSRF token of its own) for Vietnamese messages."""

    class Meta:
        csrf = False

    text = StringField("Phương án", validators=[Optional(), Length(max=2000)])
    fraction = SelectField("Trọng số", choices=FRACTION_CHOICES, default="0")
    tolerance = StringField("Sai số", validators=[Optional(), Length(max=30)])
    feedback = StringField("Phản hồi", validators=[Optional(), Length(max=2000)])


class QuestionForm(FlaskForm):
    category = StringField(
        "Danh mục",
        validators=[Optional(), Length(max=900)],
        description="Dạng «Cha/Con», ví dụ «Luật/Kinh phí».",
    )
    name = StringField("Tên câu hỏi", validators=[DataRequired(REQUIRED), Length(max=255)])
    text = TextAreaField("Nội dung câu hỏi", validators=[DataRequired(REQUIRED), Length(max=20000)])
    text_format = SelectField("Định dạng nội dung", choices=TEXT_FORMATS, default="markdown")
    general_feedback = TextAreaField("Phản hồi chung", validators=[Optional(), Length(max=20000)])
    difficulty = SelectField("Độ khó", choices=DIFFICULTY_CHOICES, validators=[Optional()])
    tags = StringField("Thẻ (cách nhau bởi dấu phẩy)", validators=[Optional(), Length(max=1000)])
    answers = FieldList(FormField(AnswerForm), min_entries=ANSWER_ROWS, max_entries=20)
    shuffle = BooleanField("Đảo thứ tự phương án", default=True)
    case_sensitive = BooleanField("Phân biệt chữ hoa, chữ thường")
    correct = SelectField(
        "Đáp án đúng", choices=choices([("true", "Đúng"), ("false", "Sai")]), default="true"
    )
    feedback_true = StringField("Phản hồi khi chọn Đúng", validators=[Optional(), Length(max=2000)])
    feedback_false = StringField("Phản hồi khi chọn Sai", validators=[Optional(), Length(max=2000)])
    pairs = TextAreaField(
        "Các cặp ghép (mỗi dòng «vế trái -> vế phải»; «-> vế phải» là phương án nhiễu)",
        validators=[Optional(), Length(max=20000)],
    )
    grader_info = TextAreaField("Hướng dẫn chấm", validators=[Optional(), Length(max=20000)])
    response_template = TextAreaField("Mẫu câu trả lời", validators=[Optional(), Length(max=20000)])


class ImportForm(FlaskForm):
    fmt = SelectField(
        "Định dạng", choices=choices([("", "Theo đuôi tệp")] + list(FORMATS.items())), validators=[Optional()]
    )
    file = FileField("Tệp câu hỏi (.gift, .txt, .xml, .xlsx)", validators=[FileRequired("Hãy chọn tệp.")])


class ImportConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


# --- form <-> ParsedQuestion ------------------------------------------------------------------------


def _tags_with_difficulty(tags: str, difficulty: str) -> list[str]:
    names = [t for t in normalise_tags(tags) if t not in DIFFICULTY_TAGS]
    if difficulty in ("1", "2", "3"):
        names.append(DIFFICULTY_TAG[int(difficulty)])
    return names


def _number(text: str, what: str, errors: list[str], check=number_error) -> Decimal | None:
    """The typed number, or None with the reason in `errors`; `check` bounds it (see formats.rules)."""
    value = parse_number(text or "")
    if value is None:
        errors.append(f"{what} «{shorten(text)}» không phải là số.")
        return None
    problem = check(value, f"{what} «{shorten(text.strip())}»")
    if problem:
        errors.append(problem)
        return None
    return value


def form_to_parsed(form: QuestionForm, qtype: str, base: ParsedQuestion | None = None) -> ParsedQuestion:
    """The ParsedQuestion the form describes; ValidationError lists what cannot be read.

    `base` is the version being edited: what the form does not show (answer formats, mark, numbering)
    is kept from it, so saving an unchanged form makes no new version.
    """
    fmt = form.text_format.data or "markdown"
    base = base if base is not None and base.type == qtype else None
    formats = {a.text: (a.text_format, a.feedback_format) for a in base.answers} if base else {}
    pair_formats = {p.question: p.question_format for p in base.pairs} if base else {}
    q = ParsedQuestion(
        type=qtype,
        name=" ".join((form.name.data or "").split()),
        text=form.text.data or "",
        text_format=fmt,
        general_feedback=form.general_feedback.data or "",
        general_feedback_format=fmt,
        tags=_tags_with_difficulty(form.tags.data or "", form.difficulty.data or ""),
        category=form.category.data or "",
    )
    q.options = dict(base.options) if base else default_options(qtype)
    q.options.pop("difficulty", None)  # set again from the tags below
    if base and base.general_feedback == q.general_feedback:
        q.general_feedback_format = base.general_feedback_format
    errors: list[str] = []
    rows = [a for a in form.answers.entries if (a.form.text.data or "").strip()]
    if qtype in ("single_choice", "multiple_response"):
        q.options["shuffle"] = bool(form.shuffle.data)
        for r in rows:
            text = r.form.text.data.strip()
            text_format, feedback_format = formats.get(text, (fmt, fmt))
            q.answers.append(
                ParsedAnswer(
                    text,
                    Decimal(r.form.fraction.data),
                    r.form.feedback.data or "",
                    None,
                    text_format,
                    feedback_format,
                )
            )
    elif qtype == "short_answer":
        q.options["case_sensitive"] = bool(form.case_sensitive.data)
        q.answers = [
            ParsedAnswer(r.form.text.data.strip(), Decimal(r.form.fraction.data), r.form.feedback.data or "")
            for r in rows
        ]
    elif qtype == "numerical":
        for r in rows:
            value = _number(r.form.text.data, "Đáp án", errors)
            tolerance = _number(r.form.tolerance.data or "0", "Sai số", errors, tolerance_error)
            if value is not None and tolerance is not None:
                q.answers.append(
                    ParsedAnswer(
                        decimal_str(value),
                        Decimal(r.form.fraction.data),
                        r.form.feedback.data or "",
                        tolerance,
                    )
                )
    elif qtype == "true_false":
        right = form.correct.data == "true"
        q.answers = [
            ParsedAnswer("true", Decimal(int(right)), form.feedback_true.data or ""),
            ParsedAnswer("false", Decimal(int(not right)), form.feedback_false.data or ""),
        ]
    elif qtype == "matching":
        q.options["shuffle"] = bool(form.shuffle.data)
        for number, line in enumerate((form.pairs.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            left, arrow, right_text = line.partition("->")
            if not arrow:
                errors.append(f"Dòng {number} của các cặp ghép thiếu «->».")
                continue
            left = left.strip()
            q.pairs.append(ParsedPair(left, right_text.strip(), pair_formats.get(left, fmt)))
    elif qtype == "essay":
        q.options.update(
            graderinfo=form.grader_info.data or "", responsetemplate=form.response_template.data or ""
        )
    if errors:
        raise ValidationError(" ".join(errors))
    return apply_difficulty(q)


def fill_form(form: QuestionForm, q: ParsedQuestion) -> None:
    """Prefills the form from a stored question (converted by bank_convert.parsed_from_version)."""
    form.category.data = q.category
    form.name.data = q.name
    form.text.data = q.text
    form.text_format.data = q.text_format
    form.general_feedback.data = q.general_feedback
    level = q.options.get("difficulty")
    form.difficulty.data = str(level) if level else ""
    form.tags.data = ", ".join(t for t in q.tags if t not in DIFFICULTY_TAGS)
    form.shuffle.data = bool(q.options.get("shuffle", True))
    form.case_sensitive.data = bool(q.options.get("case_sensitive", False))
    if q.type == "true_false":
        true, false = q.answers
        form.correct.data = "true" if true.fraction == 1 else "false"
        form.feedback_true.data, form.feedback_false.data = true.feedback, false.feedback
    elif q.type == "matching":
        form.pairs.data = "\n".join(
            f"{p.question} -> {p.answer}" if p.question else f"-> {p.answer}" for p in q.pairs
        )
    elif q.type == "essay":
        form.grader_info.data = q.options.get("graderinfo", "")
        form.response_template.data = q.options.get("responsetemplate", "")
    else:
        while len(form.answers.entries) < max(len(q.answers) + 2, ANSWER_ROWS):
            form.answers.append_entry()
        for entry, answer in zip(form.answers.entries, q.answers, strict=False):
            entry.form.text.data = answer.text
            entry.form.fraction.data = decimal_str(answer.fraction)
            entry.form.feedback.data = answer.feedback
            if q.type == "numerical":
                entry.form.tolerance.data = decimal_str(answer.tolerance or Decimal(0))
