"""Dashboard figures: targets at a unit with their child-unit breakdown, the officers still missing, history.

Totals are computed live from the registry, certificates and enrolments on every call (see population.py);
TargetSnapshot rows only feed the progress-over-time chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.authz import path_in_subtree
from elearn.certificates.models import Certificate
from elearn.courses.models import Enrolment, ProgrammeCourse
from elearn.officers.models import Officer, PositionTitle
from elearn.officers.services import Page
from elearn.orgs.models import OrgUnit
from elearn.targets import population
from elearn.targets.models import Target, TargetSnapshot
from elearn.targets.population import Figures
from elearn.targets.services import ancestor_ids, get_target, get_unit, targets_for_unit


@dataclass
class ChildRow:
    unit: OrgUnit
    figures: Figures


@dataclass
class TargetRow:
    target: Target
    unit: OrgUnit
    figures: Figures
    own: Figures
    children: list[ChildRow]  # furthest behind first
    today: date

    @property
    def gap(self) -> float:
        return self.figures.gap(self.target.required_percent)

    @property
    def days_left(self) -> int:
        return (self.target.deadline - self.today).days

    @property
    def reached(self) -> bool:
        return self.figures.denominator > 0 and self.gap == 0


def behind_first(rows: list[ChildRow]) -> list[ChildRow]:
    """Lowest percentage first, then most officers missing; units with nobody to count last."""
    return sorted(
        rows,
        key=lambda r: (
            r.figures.percent is None,
            r.figures.percent or 0.0,
            -r.figures.missing,
            r.unit.name,
        ),
    )


def target_rows(session: Session, targets: list[Target], unit: OrgUnit, today: date) -> list[TargetRow]:
    """The targets' rows at `unit`, all computed in one pass (population.breakdowns)."""
    splits = population.breakdowns(session, targets, unit, today)
    units = {u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id))}
    rows = []
    for target in targets:
        split = splits[target.id]
        children = [ChildRow(units[uid], f) for uid, f in split.children.items()]
        rows.append(TargetRow(target, unit, split.total, split.own, behind_first(children), today))
    return rows


def target_row(session: Session, target: Target, unit: OrgUnit, today: date) -> TargetRow:
    return target_rows(session, [target], unit, today)[0]


def unit_dashboard(session: Session, actor: User, unit: OrgUnit, today: date) -> list[TargetRow]:
    """Every target that applies at `unit`, each with its child-unit breakdown."""
    return target_rows(session, targets_for_unit(session, actor, unit), unit, today)


def target_at_unit(session: Session, actor: User, target_id: int, unit: OrgUnit, today: date) -> TargetRow:
    target = get_target(session, actor, target_id, unit)
    return target_row(session, target, unit, today)


@dataclass
class MissingRow:
    officer: Officer
    unit: OrgUnit
    title: PositionTitle
    lack: str


def missing_officers(
    session: Session,
    actor: User,
    target: Target,
    unit: OrgUnit,
    today: date,
    *,
    page: int = 1,
    per_page: int | None = 25,
) -> Page:
    """Population members below `unit` who do not meet the target, by unit (tree order) and name."""
    get_target(session, actor, target.id, unit)
    missing = population.missing_query(session, target, unit, today)
    total = session.scalar(select(func.count()).select_from(missing)) or 0
    stmt = (
        select(Officer, OrgUnit, PositionTitle)
        .join(missing, missing.c.officer_id == Officer.id)
        .join(OrgUnit, OrgUnit.id == missing.c.unit_id)
        .join(PositionTitle, PositionTitle.id == missing.c.title_id)
        .order_by(OrgUnit.path, Officer.sort_key, Officer.id)
    )
    page = max(1, page)
    if per_page:
        stmt = stmt.limit(per_page).offset((page - 1) * per_page)
    rows = session.execute(stmt).all()
    lacks = _lacks(session, target, [o.id for o, _, _ in rows], today)
    items = [MissingRow(o, u, t, lacks.get(o.id, "")) for o, u, t in rows]
    return Page(items=items, total=total, page=page, per_page=per_page or max(1, total))


def _lacks(session: Session, target: Target, officer_ids: list[int], today: date) -> dict[int, str]:
    """What each listed officer lacks, in words (one query per batch of listed officers)."""
    out: dict[int, str] = {}
    for start in range(0, len(officer_ids), 500):
        out.update(_lacks_batch(session, target, officer_ids[start : start + 500], today))
    return out


def _lacks_batch(session: Session, target: Target, ids: list[int], today: date) -> dict[int, str]:
    what = target.counts_what
    if not ids:
        return {}
    if target.measure == "certificate":
        latest = {}
        for cert in session.scalars(
            select(Certificate)
            .where(Certificate.officer_id.in_(ids), Certificate.type_id == target.certificate_type_id)
            .order_by(Certificate.issue_date, Certificate.id)
        ):
            latest[cert.officer_id] = cert
        out = {}
        for oid in ids:
            cert = latest.get(oid)
            if cert is None:
                out[oid] = f"Chưa có {what}"
            elif cert.status == "revoked":
                out[oid] = f"{what} số {cert.serial} đã bị thu hồi"
            else:
                out[oid] = f"{what} số {cert.serial} hết hạn ngày {cert.expiry_date:%d/%m/%Y}"
        return out
    if target.measure == "course":
        done = dict(
            session.execute(
                select(Enrolment.officer_id, Enrolment.completed_at).where(
                    Enrolment.officer_id.in_(ids), Enrolment.course_id == target.course_id
                )
            ).all()
        )
        return {
            oid: (
                f"Chưa học {what}"
                if oid not in done
                else f"Chưa hoàn thành {what}"
                if done[oid] is None
                else f"Hoàn thành {what} ngoài kỳ tính ({done[oid]:%d/%m/%Y})"
            )
            for oid in ids
        }
    required = session.scalar(
        select(func.count())
        .select_from(ProgrammeCourse)
        .where(ProgrammeCourse.programme_id == target.programme_id)
    )
    completed = dict(
        session.execute(
            select(Enrolment.officer_id, func.count())
            .join(ProgrammeCourse, ProgrammeCourse.course_id == Enrolment.course_id)
            .where(
                ProgrammeCourse.programme_id == target.programme_id,
                Enrolment.officer_id.in_(ids),
                Enrolment.completed_at.is_not(None),
            )
            .group_by(Enrolment.officer_id)
        ).all()
    )
    out = {}
    for oid in ids:
        n = completed.get(oid, 0)
        if n >= required:
            out[oid] = f"Hoàn thành {what} ngoài kỳ tính"
        else:
            out[oid] = f"Còn {required - n}/{required} chuyên đề của {what} chưa hoàn thành"
    return out


def history(session: Session, row: TargetRow) -> list[tuple[date, float]]:
    """(day, percent) from the daily snapshots, ending with today's live figure."""
    snaps = session.execute(
        select(TargetSnapshot.day, TargetSnapshot.numerator, TargetSnapshot.denominator)
        .where(
            TargetSnapshot.target_id == row.target.id,
            TargetSnapshot.unit_id == row.unit.id,
            TargetSnapshot.day < row.today,
        )
        .order_by(TargetSnapshot.day)
    ).all()
    points = [(d, Figures(n, den).percent) for d, n, den in snaps]
    points.append((row.today, row.figures.percent))
    return [(d, p) for d, p in points if p is not None]


def snapshot_units(session: Session, target: Target) -> list[OrgUnit]:
    """Units whose history is kept: the scope unit and two levels below it (upper-level unions, CĐCS)."""
    scope = target.scope_unit
    return list(
        session.scalars(
            select(OrgUnit).where(
                path_in_subtree(OrgUnit.path, scope.path),
                OrgUnit.depth <= scope.depth + 2,
            )
        )
    )


def write_snapshots(session: Session, day: date, targets: list[Target] | None = None) -> int:
    """Stores `day`'s figures of every target at its snapshot units; running it again replaces them."""
    if targets is None:
        targets = list(session.scalars(select(Target).order_by(Target.id)))
    written = 0
    for target in targets:
        units = snapshot_units(session, target)
        figures = population.figures_by_unit(session, target, units, day)
        existing = {
            s.unit_id: s
            for s in session.scalars(
                select(TargetSnapshot).where(TargetSnapshot.target_id == target.id, TargetSnapshot.day == day)
            )
        }
        for unit_id, f in figures.items():
            snap = existing.get(unit_id)
            if snap is None:
                snap = TargetSnapshot(target_id=target.id, unit_id=unit_id, day=day)
                session.add(snap)
            snap.numerator, snap.denominator = f.numerator, f.denominator
            written += 1
    session.flush()
    return written


def report(session: Session, actor: User | None, unit: OrgUnit, today: date) -> dict:
    """The CLI report: each target's figures at the unit and at each child unit. `actor` None: the server
    operator (the CLI without --user), who sees every unit."""
    if actor is not None:
        get_unit(session, actor, unit.id)
        targets = targets_for_unit(session, actor, unit)
    else:
        targets = list(
            session.scalars(
                select(Target)
                .join(OrgUnit, OrgUnit.id == Target.scope_unit_id)
                .where(Target.scope_unit_id.in_(ancestor_ids(unit)))
                .order_by(OrgUnit.depth, Target.deadline, Target.id)
            )
        )

    def fig(f: Figures) -> dict:
        return {"numerator": f.numerator, "denominator": f.denominator, "percent": f.percent}

    out = []
    for target, row in zip(targets, target_rows(session, targets, unit, today), strict=True):
        out.append(
            {
                "id": target.id,
                "name": target.name,
                "required_percent": target.required_percent,
                "deadline": target.deadline.isoformat(),
                **fig(row.figures),
                "own_officers": fig(row.own),
                "children": [
                    {"code": c.unit.code, "name": c.unit.name, **fig(c.figures)} for c in row.children
                ],
            }
        )
    return {"unit": {"code": unit.code, "name": unit.name}, "date": today.isoformat(), "targets": out}
