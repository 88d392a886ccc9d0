"""Reading course content from files: courses/programmes.yaml and one folder per course.

Each course folder holds course.yaml (code, title, description, delivery, hours, enrolment, completion,
modules with their lessons) and one Markdown file per lesson. Everything is read and checked before the
database is touched (elearn.courses.importer writes); every problem carries its file and line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from elearn.courses.models import DELIVERY_LABELS
from elearn.courses.yaml_lines import LineDict, LineList, clean_text, load_yaml, read_text, unknown_keys
from elearn.errors import RowError
from elearn.html import is_safe_link

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,110}\.md$")
ENROLMENT_KINDS = ("open", "class")
COURSE_KEYS = {"code", "title", "description", "delivery", "hours", "enrolment", "completion", "modules"}
MODULE_KEYS = {"title", "lessons"}
LESSON_KEYS = {"file", "title", "video"}
PROGRAMME_KEYS = {"code", "title", "description", "courses"}


@dataclass
class LessonSpec:
    slug: str
    title: str
    body_md: str
    video_url: str | None


@dataclass
class ModuleSpec:
    title: str
    lessons: list[LessonSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    code: str
    title: str
    description: str
    delivery: str
    hours: int
    enrolment: str
    completion_rule: dict
    modules: list[ModuleSpec]
    content_hash: str
    folder: str


@dataclass
class ProgrammeSpec:
    code: str
    title: str
    description: str
    course_codes: list[str]
    line: int


@dataclass
class ContentBundle:
    courses: list[CourseSpec] = field(default_factory=list)
    programmes: list[ProgrammeSpec] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    programmes_file: str = "programmes.yaml"


def load_folder(root: Path) -> ContentBundle:
    """Reads and checks every course folder and programmes.yaml under root; errors are collected."""
    bundle = ContentBundle()
    if not root.is_dir():
        bundle.errors.append(RowError(1, f"Không có thư mục {root}.", str(root)))
        return bundle
    folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "course.yaml").is_file())
    if not folders:
        bundle.errors.append(RowError(1, "Thư mục không có chuyên đề nào (thiếu course.yaml).", str(root)))
    seen: dict[str, str] = {}
    for folder in folders:
        spec = _load_course(folder, bundle.errors)
        if spec is None:
            continue
        if spec.code in seen:
            bundle.errors.append(
                RowError(
                    1, f"Mã chuyên đề {spec.code} trùng với {seen[spec.code]}.", f"{folder.name}/course.yaml"
                )
            )
            continue
        seen[spec.code] = f"{folder.name}/course.yaml"
        bundle.courses.append(spec)
    programmes = root / "programmes.yaml"
    if programmes.is_file():
        bundle.programmes = _load_programmes(programmes, bundle.errors)
    return bundle


def _load_course(folder: Path, errors: list[RowError]) -> CourseSpec | None:
    name = f"{folder.name}/course.yaml"
    before = len(errors)
    raw = (folder / "course.yaml").read_bytes()
    data = load_yaml(folder / "course.yaml", name, errors)
    if data is None:
        return None
    if not isinstance(data, LineDict):
        errors.append(RowError(1, "course.yaml phải là một bảng khóa: giá trị.", name))
        return None
    unknown_keys(data, COURSE_KEYS, name, errors)

    def line_of(key: str) -> int:
        return data.key_lines.get(key, data.line)

    code = clean_text(data.get("code")).upper()
    if not CODE_RE.match(code):
        errors.append(
            RowError(line_of("code"), "Thiếu mã chuyên đề hoặc mã không hợp lệ (A-Z, 0-9, -).", name)
        )
    title = clean_text(data.get("title"))
    if not title or len(title) > 300:
        errors.append(RowError(line_of("title"), "Thiếu tên chuyên đề (tối đa 300 ký tự).", name))
    delivery = clean_text(data.get("delivery") or "online")
    if delivery not in DELIVERY_LABELS:
        errors.append(
            RowError(line_of("delivery"), "Hình thức phải là online, blended hoặc in_person.", name)
        )
    enrolment = clean_text(data.get("enrolment") or "open")
    if enrolment not in ENROLMENT_KINDS:
        errors.append(RowError(line_of("enrolment"), "Ghi danh phải là open hoặc class.", name))
    hours = data.get("hours", 0)
    if not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= 2000:
        errors.append(RowError(line_of("hours"), "Số giờ phải là số nguyên không âm.", name))
        hours = 0
    modules = _load_modules(folder, data, name, errors)
    rule = _completion(data, name, sum(len(m.lessons) for m in modules), errors)
    if len(errors) > before:
        return None
    digest = hashlib.sha256(raw)
    for module in modules:
        for lesson in module.lessons:
            digest.update(b"\0" + lesson.slug.encode() + b"\0" + (folder / f"{lesson.slug}.md").read_bytes())
    return CourseSpec(
        code=code,
        title=title,
        description=clean_text(data.get("description")),
        delivery=delivery,
        hours=hours,
        enrolment=enrolment,
        completion_rule=rule,
        modules=modules,
        content_hash=digest.hexdigest(),
        folder=folder.name,
    )


def _completion(data: LineDict, name: str, lesson_count: int, errors: list[RowError]) -> dict:
    completion = data.get("completion")
    if completion is None:
        return {"lessons": "all"}
    line = data.key_lines.get("completion", data.line)
    if not isinstance(completion, LineDict) or set(completion) != {"lessons"}:
        errors.append(RowError(line, "completion phải có dạng «lessons: all» hoặc «lessons: N».", name))
        return {}
    wanted = completion["lessons"]
    if wanted == "all":
        return {"lessons": "all"}
    if isinstance(wanted, int) and not isinstance(wanted, bool) and 1 <= wanted <= max(lesson_count, 1):
        return {"lessons": wanted}
    errors.append(
        RowError(completion.line, f"Số bài phải hoàn thành phải là all hoặc từ 1 đến {lesson_count}.", name)
    )
    return {}


def _load_modules(folder: Path, data: LineDict, name: str, errors: list[RowError]) -> list[ModuleSpec]:
    modules_raw = data.get("modules")
    if not isinstance(modules_raw, LineList) or not modules_raw:
        errors.append(RowError(data.key_lines.get("modules", data.line), "Thiếu danh sách modules.", name))
        return []
    modules: list[ModuleSpec] = []
    slugs: set[str] = set()
    for index, item in enumerate(modules_raw):
        line = modules_raw.item_lines[index]
        if not isinstance(item, LineDict):
            errors.append(RowError(line, "Mỗi module phải có title và lessons.", name))
            continue
        unknown_keys(item, MODULE_KEYS, name, errors)
        title = clean_text(item.get("title"))
        if not title:
            errors.append(RowError(line, "Module thiếu tiêu đề (title).", name))
        module = ModuleSpec(title=title)
        lessons = item.get("lessons")
        if not isinstance(lessons, LineList) or not lessons:
            errors.append(RowError(item.key_lines.get("lessons", line), "Module không có bài học nào.", name))
            lessons = LineList()
            lessons.item_lines = []
        for l_index, entry in enumerate(lessons):
            lesson = _load_lesson(folder, entry, lessons.item_lines[l_index], name, slugs, errors)
            if lesson is not None:
                module.lessons.append(lesson)
        modules.append(module)
    return modules


def _load_lesson(
    folder: Path, entry, line: int, name: str, slugs: set[str], errors: list[RowError]
) -> LessonSpec | None:
    if isinstance(entry, str):
        entry_data = LineDict(file=entry)
        entry_data.line, entry_data.key_lines = line, {"file": line}
    elif isinstance(entry, LineDict):
        entry_data = entry
        unknown_keys(entry_data, LESSON_KEYS, name, errors)
    else:
        errors.append(RowError(line, "Mỗi bài học phải là «file: ten-bai.md».", name))
        return None
    file_line = entry_data.key_lines.get("file", line)
    filename = clean_text(entry_data.get("file"))
    if not SLUG_RE.match(filename):
        errors.append(
            RowError(file_line, f"Tên tệp bài học không hợp lệ: «{filename}» (chữ thường, .md).", name)
        )
        return None
    slug = filename.removesuffix(".md")
    if slug in slugs:
        errors.append(RowError(file_line, f"Tệp bài học {filename} được dùng hai lần.", name))
        return None
    slugs.add(slug)
    path = folder / filename
    if not path.is_file():
        errors.append(RowError(file_line, f"Không tìm thấy tệp bài học {filename}.", name))
        return None
    lesson_name = f"{folder.name}/{filename}"
    body = read_text(path, lesson_name, errors)
    if body is None:
        return None
    title = clean_text(entry_data.get("title"))
    lines = body.lstrip("\n").split("\n", 1)
    if lines[0].startswith("# "):
        title = title or clean_text(lines[0][2:])
        body = lines[1] if len(lines) > 1 else ""
    if not title:
        errors.append(RowError(1, "Bài học thiếu tiêu đề (dòng đầu «# Tiêu đề» hoặc title).", lesson_name))
        return None
    if not body.strip():
        errors.append(RowError(1, "Bài học không có nội dung.", lesson_name))
        return None
    video = clean_text(entry_data.get("video")) or None
    if video and not is_safe_link(video):
        errors.append(
            RowError(entry_data.key_lines.get("video", line), "Liên kết video phải là http(s).", name)
        )
        return None
    return LessonSpec(slug=slug, title=title[:300], body_md=body.strip() + "\n", video_url=video)


def _load_programmes(path: Path, errors: list[RowError]) -> list[ProgrammeSpec]:
    name = path.name
    data = load_yaml(path, name, errors)
    if data is None:
        return []
    items = data.get("programmes") if isinstance(data, LineDict) else None
    if not isinstance(items, LineList):
        errors.append(RowError(1, "programmes.yaml phải có khóa programmes là một danh sách.", name))
        return []
    result: list[ProgrammeSpec] = []
    for index, item in enumerate(items):
        line = items.item_lines[index]
        if not isinstance(item, LineDict):
            errors.append(RowError(line, "Mỗi chương trình phải có code, title và courses.", name))
            continue
        unknown_keys(item, PROGRAMME_KEYS, name, errors)
        code = clean_text(item.get("code")).upper()
        title = clean_text(item.get("title"))
        courses = item.get("courses")
        if not CODE_RE.match(code):
            errors.append(RowError(item.key_lines.get("code", line), "Mã chương trình không hợp lệ.", name))
        if not title:
            errors.append(RowError(item.key_lines.get("title", line), "Thiếu tên chương trình.", name))
        if not isinstance(courses, list) or not courses:
            errors.append(
                RowError(item.key_lines.get("courses", line), "Chương trình chưa có chuyên đề.", name)
            )
            continue
        codes = [clean_text(c).upper() for c in courses]
        if len(set(codes)) != len(codes):
            errors.append(
                RowError(item.key_lines.get("courses", line), "Một chuyên đề được ghi hai lần.", name)
            )
        result.append(
            ProgrammeSpec(
                code, title, clean_text(item.get("description")), codes, item.key_lines.get("courses", line)
            )
        )
    return result
