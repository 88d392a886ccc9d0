"""The content importer: a valid folder, idempotent re-import, updates, and errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.config import ROOT
from elearn.courses import progress
from elearn.courses.importer import import_content
from elearn.courses.models import Course, Lesson, Module, Programme
from elearn.errors import ImportFailed

COURSE_YAML = """\
code: MINI-01
title: "Chuyên đề thử"
description: "Mô tả ngắn."
delivery: online
hours: 2
enrolment: open
completion:
  lessons: all
modules:
  - title: "Phần một"
    lessons:
      - file: 01-mo-dau.md
      - file: 02-noi-dung.md
  - title: "Phần hai"
    lessons:
      - file: 03-ket-luan.md
        video: https://www.youtube.com/watch?v=abcdefghijk
"""
PROGRAMMES_YAML = """\
programmes:
  - code: MINI-P
    title: "Chương trình thử"
    courses: [MINI-01]
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "courses"
    course = root / "mini"
    course.mkdir(parents=True)
    (course / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    for name, title in (("01-mo-dau", "Mở đầu"), ("02-noi-dung", "Nội dung"), ("03-ket-luan", "Kết luận")):
        (course / f"{name}.md").write_text(f"# {title}\n\nĐoạn văn của bài **{title}**.\n", encoding="utf-8")
    (root / "programmes.yaml").write_text(PROGRAMMES_YAML, encoding="utf-8")
    return root


def _counts(db) -> tuple[int, int, int, int]:
    return tuple(db.scalar(select(func.count()).select_from(m)) for m in (Course, Module, Lesson, Programme))


def test_valid_folder_creates_courses_modules_lessons(db, folder):
    summary = import_content(db, folder)
    assert summary.created == ["MINI-01"] and summary.programmes_created == ["MINI-P"]
    course = db.scalar(select(Course).where(Course.code == "MINI-01"))
    assert course.source == "file" and len(course.content_hash) == 64
    assert [m.title for m in course.modules] == ["Phần một", "Phần hai"]
    lessons = [lesson for m in course.modules for lesson in m.lessons]
    assert [lesson.slug for lesson in lessons] == ["01-mo-dau", "02-noi-dung", "03-ket-luan"]
    assert lessons[0].title == "Mở đầu"
    assert "<strong>Mở đầu</strong>" in lessons[0].body_html and "# Mở đầu" not in lessons[0].body_md
    assert lessons[2].video_url == "https://www.youtube.com/watch?v=abcdefghijk"
    programme = db.scalar(select(Programme).where(Programme.code == "MINI-P"))
    assert [item.course.code for item in programme.items] == ["MINI-01"]


def test_reimport_is_idempotent(db, folder):
    import_content(db, folder)
    before = _counts(db)
    updated_at = db.scalar(select(Course.updated_at).where(Course.code == "MINI-01"))
    summary = import_content(db, folder)
    assert summary.unchanged == ["MINI-01"] and not summary.changed
    assert _counts(db) == before
    assert db.scalar(select(Course.updated_at).where(Course.code == "MINI-01")) == updated_at


def test_changed_file_updates_and_keeps_progress(db, world, folder):
    import_content(db, folder)
    lesson = db.scalar(select(Lesson).where(Lesson.slug == "01-mo-dau"))
    officer_id = world.officer_user.officer_id
    progress.mark_lesson_done(db, officer_id, lesson.id, _now())
    (folder / "mini" / "01-mo-dau.md").write_text("# Mở đầu mới\n\nVăn bản đã sửa.\n", encoding="utf-8")
    summary = import_content(db, folder)
    assert summary.updated == ["MINI-01"]
    db.refresh(lesson)
    assert lesson.title == "Mở đầu mới" and "Văn bản đã sửa." in lesson.body_html
    course_id = lesson.module.course_id
    assert progress.course_progress(db, officer_id, course_id).done_lessons == 1


def test_broken_yaml_reports_file_and_line_and_writes_nothing(db, folder):
    before = _counts(db)
    text = COURSE_YAML.replace("hours: 2", "hours: [2")
    (folder / "mini" / "course.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        import_content(db, folder)
    errors = caught.value.errors
    assert len(errors) == 1
    assert errors[0].source == "mini/course.yaml"
    assert errors[0].line in (5, 6)  # the flow list opens on line 5; the parser notices on line 6
    assert "YAML" in errors[0].message
    assert _counts(db) == before


def test_missing_lesson_file_names_the_course_yaml_line(db, folder):
    (folder / "mini" / "02-noi-dung.md").unlink()
    before = _counts(db)
    with pytest.raises(ImportFailed) as caught:
        import_content(db, folder)
    [error] = caught.value.errors
    assert (error.source, error.line) == ("mini/course.yaml", 13)
    assert "02-noi-dung.md" in error.message
    assert str(error).startswith("mini/course.yaml, dòng 13:")
    assert _counts(db) == before


def test_one_bad_course_blocks_every_course(db, folder):
    second = folder / "other"
    second.mkdir()
    (second / "course.yaml").write_text(
        COURSE_YAML.replace("MINI-01", "MINI-02").replace("delivery: online", "delivery: tv"),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as caught:
        import_content(db, folder)
    messages = [(e.source, e.line) for e in caught.value.errors]
    assert ("other/course.yaml", 4) in messages
    assert db.scalar(select(Course).where(Course.code == "MINI-01")) is None


def test_unknown_programme_course_is_reported(db, folder):
    (folder / "programmes.yaml").write_text(PROGRAMMES_YAML.replace("[MINI-01]", "[MINI-01, KHONG-CO]"))
    with pytest.raises(ImportFailed) as caught:
        import_content(db, folder)
    [error] = caught.value.errors
    assert error.source == "programmes.yaml" and error.line == 4 and "KHONG-CO" in error.message


def test_real_content_folder_imports(db):
    summary = import_content(db, ROOT / "courses")
    assert len(summary.created) + len(summary.updated) + len(summary.unchanged) >= 11
    lessons = db.scalar(select(func.count()).select_from(Lesson))
    assert lessons >= 30
    programme = db.scalar(select(Programme).where(Programme.code == "LLNV"))
    assert len(programme.items) >= 6


def _now():
    from elearn.db import utcnow

    return utcnow()
