"""The world bench/peak.py loads, and the checks it runs afterwards; run in its own process (no gevent).

    python bench/peak_world.py setup --db URL --instance DIR --users N --out world.json
    python bench/peak_world.py check --db URL --world world.json --acks acks.jsonl [--storm]

setup: migrations, seed-demo, N simulated officers (accounts, enrolled in an open course with every lesson
done, one certificate each), a question bank of single-choice questions and two quizzes (a practice quiz
with unlimited attempts, and an exam with one attempt for the start storm).
check: every answer the clients saw acknowledged is stored; no officer has two exam attempts; no
certificate row without its PDF and no PDF without its row.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from elearn import create_app, migrations  # noqa: E402
from elearn.accounts.models import Role, User  # noqa: E402
from elearn.certificates import issuing  # noqa: E402
from elearn.certificates.models import Certificate, CertificateType  # noqa: E402
from elearn.courses.models import Course, Enrolment, Lesson, Module  # noqa: E402
from elearn.courses.progress import mark_lesson_done  # noqa: E402
from elearn.db import get_session, utcnow  # noqa: E402
from elearn.officers.models import Officer, Position, PositionTitle  # noqa: E402
from elearn.orgs.models import OrgUnit, Term  # noqa: E402
from elearn.quizzes.quiz_models import AttemptQuestion, Quiz, QuizAttempt, QuizSlot  # noqa: E402
from elearn.seed import seed_demo  # noqa: E402

PASSWORD = "bench12345"  # noqa: S105  (simulated officers of a throwaway database)
COURSE = "LCD-2024"
QUESTIONS = 40
DRAWN = 20


def _app(db_url: str, instance: str):
    os.environ["ELEARN_INSTANCE"] = instance
    return create_app({"DATABASE_URL": db_url, "SECRET_KEY": "peak", "LOG_JSON": False})


def _gift() -> str:
    parts = ["$CATEGORY: Thi thử/Luật Công đoàn\n"]
    for i in range(1, QUESTIONS + 1):
        parts.append(
            f"::PEAK-{i:02d}:: Câu hỏi luyện tập số {i} về kinh phí công đoàn? {{"
            f"=Đáp án đúng {i} #Đúng. ~Phương án sai A{i} #Chưa đúng. ~Phương án sai B{i} ~Phương án sai C{i}"
            "}\n"
        )
    return "\n".join(parts)


def setup(db_url: str, instance: str, users: int, out: Path, uncertified: int = 0) -> None:
    migrations.upgrade(db_url)
    app = _app(db_url, instance)
    with app.app_context():
        db = get_session()
        seed_demo(db)
        db.commit()
        course = db.scalar(select(Course).where(Course.code == COURSE))
        lessons = db.scalars(
            select(Lesson.id)
            .join(Module)
            .where(Module.course_id == course.id)
            .order_by(Module.position, Lesson.position)
        ).all()
        unit = db.scalar(select(OrgUnit).where(OrgUnit.code == "HN-KCN"))
        title = db.scalar(select(PositionTitle).where(PositionTitle.code == "UV_BCH"))
        term = db.scalar(select(Term).where(Term.code == "2025-2030"))
        password_hash = generate_password_hash(
            PASSWORD
        )  # one real scrypt hash, shared by every bench account
        people = []
        for i in range(1, users + 1):
            officer = Officer(
                code=f"PEAK{i:05d}",
                full_name=f"Học Viên Thử Tải {i}",
                date_of_birth=date(1985, 1, 1),
                gender="nam",
            )
            db.add(officer)
            people.append(officer)
        db.flush()
        for i, officer in enumerate(people, start=1):
            db.add(
                Position(
                    officer_id=officer.id,
                    unit_id=unit.id,
                    title_id=title.id,
                    term_id=term.id,
                    full_time=False,
                    start_date=term.start_date,
                )
            )
            db.add(
                User(
                    email=f"peak{i:05d}@bench.vn",
                    full_name=officer.full_name,
                    password_hash=password_hash,
                    role=Role.OFFICER.value,
                    officer_id=officer.id,
                )
            )
            db.add(Enrolment(course_id=course.id, officer_id=officer.id, source="self"))
        db.flush()
        now = utcnow()
        for officer in people:
            for lesson_id in lessons:
                mark_lesson_done(db, officer.id, lesson_id, now)
        db.commit()
        quizzes = _quizzes(app, db, course)
        ctype = db.scalar(select(CertificateType).where(CertificateType.course_id == course.id))
        if ctype is None:
            city = db.scalar(select(OrgUnit).where(OrgUnit.code == "HN"))
            ctype = CertificateType(
                code="PEAK-LCD",
                name="Giấy chứng nhận hoàn thành chuyên đề Luật Công đoàn 2024",
                course_id=course.id,
                issuing_unit_id=city.id,
                signer_title="Chủ tịch",
                signer_name="Nguyễn Văn Thử",
                place="Hà Nội",
            )
            db.add(ctype)
            db.flush()
        issuer = issuing.Issuer(app.instance_path, app.config["PUBLIC_BASE_URL"], date.today(), utcnow())
        accounts, waiting = [], []
        for i, officer in enumerate(people, start=1):
            if i > users - uncertified:  # eligible, left for the fault scenario's issuing
                waiting.append(officer.code)
                continue
            cert, _ = issuing.issue(
                db, None, type_id=ctype.id, officer_id=officer.id, class_id=None, issuer=issuer
            )
            accounts.append({"email": f"peak{i:05d}@bench.vn", "serial": cert.serial, "token": cert.token})
            if i % 200 == 0:
                db.commit()
        db.commit()
    out.write_text(
        json.dumps(
            {
                "password": PASSWORD,
                "lessons": lessons,
                **quizzes,
                "users": accounts,
                "certificate_type": ctype.code,
                "uncertified": waiting,
            }
        )
    )


def _quizzes(app, db, course) -> dict:
    from elearn.quizzes.bank_import import import_bank  # the banks feature's own importer
    from elearn.quizzes.banks import create_bank
    from elearn.quizzes.models import QuestionCategory

    bank = create_bank(db, None, "PEAK", "Ngân hàng thi thử tải", course_id=course.id)
    import_bank(db, None, bank, "peak.gift", _gift().encode())
    category = db.scalar(
        select(QuestionCategory).where(
            QuestionCategory.bank_id == bank.id, QuestionCategory.path == "Thi thử/Luật Công đoàn"
        )
    )
    ids = {}
    for key, attempts in (("practice_quiz", 0), ("exam_quiz", 1)):
        quiz = Quiz(
            title=f"Bài {key}",
            course_id=course.id,
            time_limit_minutes=60,
            attempts_allowed=attempts,
            grading_method="highest",
            pass_mark=Decimal("50"),
            open_at=utcnow() - timedelta(days=1),
        )
        quiz.slots.append(QuizSlot(position=1, category_id=category.id, count=DRAWN, mark=Decimal("1")))
        db.add(quiz)
        db.flush()
        ids[key] = quiz.id
    db.commit()
    return ids


def check(db_url: str, instance: str, world_file: Path, acks_file: Path | None, storm_users: int) -> dict:
    world = json.loads(world_file.read_text())
    app = _app(db_url, instance)
    report: dict = {}
    with app.app_context():
        db = get_session()
        if acks_file is not None and acks_file.exists():
            last: dict[tuple[int, int], object] = {}
            count = 0
            for line in acks_file.read_text().splitlines():
                ack = json.loads(line)
                last[(ack["attempt"], ack["position"])] = ack["response"]
                count += 1
            stored = {
                (a, p): r
                for a, p, r in db.execute(
                    select(
                        AttemptQuestion.attempt_id, AttemptQuestion.position, AttemptQuestion.response
                    ).where(AttemptQuestion.attempt_id.in_({a for a, _ in last} or {0}))
                )
            }
            lost = [key for key, response in last.items() if stored.get(key) != response]
            report["acknowledged_answers"] = count
            report["acknowledged_slots"] = len(last)
            report["lost_acknowledged_answers"] = len(lost)
        if storm_users:
            per_officer = db.execute(
                select(QuizAttempt.officer_id, func.count())
                .where(QuizAttempt.quiz_id == world["exam_quiz"])
                .group_by(QuizAttempt.officer_id)
            ).all()
            report["storm_attempts"] = sum(n for _, n in per_officer)
            report["storm_officers_with_an_attempt"] = len(per_officer)
            report["storm_duplicate_attempts"] = sum(n - 1 for _, n in per_officer if n > 1)
        report.update(_certificates_consistent(db, Path(app.instance_path)))
    return report


def _certificates_consistent(db, instance: Path) -> dict:
    rows = db.execute(select(Certificate.serial, Certificate.pdf_path, Certificate.pdf_sha256)).all()
    missing = [
        serial
        for serial, rel, sha in rows
        if not (instance / rel).is_file() or hashlib.sha256((instance / rel).read_bytes()).hexdigest() != sha
    ]
    known = {rel for _, rel, _ in rows}
    store = instance / "certificates"
    orphans = [str(p.relative_to(instance)) for p in store.rglob("*.pdf")] if store.is_dir() else []
    orphans = [p for p in orphans if p not in known]
    leftovers = list(store.rglob("*.tmp")) if store.is_dir() else []
    numbers: dict[str, list[int]] = {}
    for serial, _, _ in rows:
        prefix, number = serial.rsplit("-", 1)
        numbers.setdefault(prefix, []).append(int(number))
    return {
        "certificates": len(rows),
        "certificates_without_pdf": len(missing),
        "pdfs_without_row": len(orphans),
        "half_written_files": len(leftovers),
        # serials run 1..N without gaps per issuing unit and year
        "serial_gaps": sum(max(n) - len(n) for n in numbers.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "check"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--instance", required=True)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--acks", type=Path)
    parser.add_argument("--storm-users", type=int, default=0)
    parser.add_argument("--uncertified", type=int, default=0)
    args = parser.parse_args()
    if args.command == "setup":
        setup(args.db, args.instance, args.users, args.world, args.uncertified)
    else:
        print(json.dumps(check(args.db, args.instance, args.world, args.acks, args.storm_users)))


if __name__ == "__main__":
    main()
