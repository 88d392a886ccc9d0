"""The SQL of target populations: who is counted, where, and whether they meet the target.

Attribution (so that the figures add up): an officer is counted once per target, at the unit of their
*home position*: among their current positions that match the target's filter inside the target's scope, the
one with the highest-ranked title (lowest PositionTitle.rank), then the unit that comes first in tree order
(path), then the oldest position row. A unit's numerator and denominator are the officers whose home
position lies in its subtree, so they equal the sums over its child units plus the unit's own officers.
An officer whose home position is elsewhere is not counted at a unit even if they hold a lesser matching
position there.

Every figure is SQL aggregation; nothing loops over officers in Python. Dashboards (`breakdowns`, in
rollup.py) take every target of a unit in one statement: positions grouped by officer, the home position of
each target being the MIN of an integer key (rank, tree order, child unit) over the matching ones, joined to
each officer's standing row (standing.py: valid certificate types, first term), then grouped by child
unit. The missing-officers list and the snapshots pick home positions per target with a window function
(`home_positions`), which orders the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from elearn.authz import in_subtree, path_in_subtree
from elearn.certificates.models import Certificate
from elearn.courses.models import Enrolment, ProgrammeCourse
from elearn.db import inline
from elearn.officers.models import Position, PositionTitle
from elearn.officers.services import newly_added_condition
from elearn.orgs.models import OrgUnit, Term
from elearn.orgs.services import current_term
from elearn.targets.models import Target


@dataclass(frozen=True)
class Figures:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return round(100.0 * self.numerator / self.denominator, 1)

    @property
    def missing(self) -> int:
        return self.denominator - self.numerator

    def gap(self, required: int) -> float:
        """Percentage points still missing to reach `required` (0 when reached or nobody to count)."""
        pct = self.percent
        return 0.0 if pct is None else max(0.0, round(required - pct, 1))

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.numerator + other.numerator, self.denominator + other.denominator)


ZERO = Figures(0, 0)


def _subtree(path_col, root_path_col):
    """Column against column (per-unit roll-ups); for a given unit use authz.path_in_subtree."""
    return and_(path_col >= root_path_col, path_col < root_path_col + "~")


def population_term(session: Session, target: Target, day: date) -> Term | None:
    """The term of a "newly added" filter: the target's term, or the one running on `day`."""
    if target.term_id is not None:
        return session.get(Term, target.term_id)
    return current_term(session, day) if target.newly_added else None


def position_conditions(session: Session, target: Target, day: date, *, officer_level: bool = True) -> list:
    """Conditions on a Position joined to its OrgUnit: current on `day`, in scope, matching the filter.
    `officer_level` False leaves out the "newly added" condition on the officer's earlier positions."""
    conds = [
        Position.start_date <= day,
        or_(Position.end_date.is_(None), Position.end_date >= day),
        in_subtree(target.scope_unit),
    ]
    if target.title_ids:
        conds.append(Position.title_id.in_(list(target.title_ids)))
    if target.full_time is not None:
        conds.append(Position.full_time.is_(target.full_time))
    if target.sector_ids:
        conds.append(OrgUnit.sector_id.in_(list(target.sector_ids)))
    if target.min_member_count:
        conds.append(OrgUnit.member_count >= target.min_member_count)
    if target.term_id is not None:
        conds.append(Position.term_id == target.term_id)
    if target.newly_added:
        term = population_term(session, target, day)
        if term is None:
            conds.append(false())
        else:
            conds.append(Position.term_id == term.id)
            if officer_level:
                conds.append(newly_added_condition(Position.officer_id, term))
    return conds


def home_positions(session: Session, target: Target, unit: OrgUnit, day: date):
    """CTE (officer_id, unit_id, path, title_id): each population member of `unit`'s subtree, once."""
    conds = position_conditions(session, target, day)
    ranked = (
        select(
            Position.officer_id,
            Position.unit_id,
            OrgUnit.path,
            Position.title_id,
            func.row_number()
            .over(partition_by=Position.officer_id, order_by=(PositionTitle.rank, OrgUnit.path, Position.id))
            .label("rn"),
        )
        .select_from(Position)
        .join(OrgUnit, OrgUnit.id == Position.unit_id)
        .join(PositionTitle, PositionTitle.id == Position.title_id)
        .where(*conds)
    )
    if unit.id != target.scope_unit_id:
        # Only officers with a matching position below `unit` can have their home there; rank them among
        # all their matching positions in the target's scope.
        inside = (
            select(Position.officer_id)
            .join(OrgUnit, OrgUnit.id == Position.unit_id)
            .where(*conds, in_subtree(unit))
        )
        ranked = ranked.where(Position.officer_id.in_(inside))
    ranked = ranked.subquery("ranked")
    return (
        select(ranked.c.officer_id, ranked.c.unit_id, ranked.c.path, ranked.c.title_id)
        .where(ranked.c.rn == 1, path_in_subtree(ranked.c.path, unit.path))
        .cte("home")
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def met_condition(session: Session, target: Target, officer_col, day: date):
    """SQL condition: the officer in `officer_col` meets what the target counts, on `day`."""
    if target.measure == "certificate":
        return exists(
            select(Certificate.id).where(
                Certificate.officer_id == officer_col,
                Certificate.type_id == target.certificate_type_id,
                Certificate.status == inline("valid"),
                Certificate.issue_date <= day,
                or_(Certificate.expiry_date.is_(None), Certificate.expiry_date >= day),
            )
        )
    since_start = (
        [Enrolment.completed_at >= _day_start(target.period_start)] if target.period_start is not None else []
    )
    # Completions after the evaluation day do not count yet (past snapshots are evaluated as of their day).
    until_end = [
        Enrolment.completed_at.is_not(None),
        Enrolment.completed_at < _day_start(day + timedelta(days=1)),
    ]
    if target.period_end is not None:
        until_end.append(Enrolment.completed_at < _day_start(target.period_end + timedelta(days=1)))
    if target.measure == "course":
        return exists(
            select(Enrolment.id).where(
                Enrolment.officer_id == officer_col,
                Enrolment.course_id == target.course_id,
                *until_end,
                *since_start,
            )
        )
    # Programme: every course of it completed by the end of the period, the last one inside the period.
    required = (
        select(func.count())
        .select_from(ProgrammeCourse)
        .where(ProgrammeCourse.programme_id == target.programme_id)
        .scalar_subquery()
    )
    completers = (
        select(Enrolment.officer_id)
        .join(ProgrammeCourse, ProgrammeCourse.course_id == Enrolment.course_id)
        .where(ProgrammeCourse.programme_id == target.programme_id, *until_end)
        .group_by(Enrolment.officer_id)
        .having(func.count() == required)
    )
    if target.period_start is not None:
        completers = completers.having(func.max(Enrolment.completed_at) >= _day_start(target.period_start))
    return and_(required > 0, officer_col.in_(completers))


@dataclass(frozen=True)
class Breakdown:
    total: Figures
    own: Figures  # officers whose home position is at the unit itself
    children: dict[int, Figures]  # child unit id -> figures of its subtree


def breakdowns(session: Session, targets: list[Target], unit: OrgUnit, day: date) -> dict[int, Breakdown]:
    """Every target's breakdown at `unit` in one statement (rollup.py)."""
    from elearn.targets import rollup  # rollup builds on this module

    return rollup.breakdowns(session, targets, unit, day)


def breakdown(session: Session, target: Target, unit: OrgUnit, day: date) -> Breakdown:
    """The unit's figures, its own officers' and each child subtree's."""
    return breakdowns(session, [target], unit, day)[target.id]


def figures(session: Session, target: Target, unit: OrgUnit, day: date) -> Figures:
    """The unit's numerator and denominator."""
    return breakdown(session, target, unit, day).total


def figures_by_unit(session: Session, target: Target, units: list[OrgUnit], day: date) -> dict[int, Figures]:
    """Figures of several units of the target's scope at once (snapshots): per-unit aggregates of the scope,
    summed into each requested unit's subtree by path prefix."""
    if not units:
        return {}
    home = home_positions(session, target, target.scope_unit, day)
    met = case((met_condition(session, target, home.c.officer_id, day), 1), else_=0)
    per_unit = (
        select(home.c.path, func.count().label("den"), func.sum(met).label("num"))
        .group_by(home.c.path)
        .cte("per_unit")
    )
    anc = aliased(OrgUnit, name="anc")
    rows = session.execute(
        select(anc.id, func.coalesce(func.sum(per_unit.c.den), 0), func.coalesce(func.sum(per_unit.c.num), 0))
        .select_from(anc)
        .outerjoin(per_unit, _subtree(per_unit.c.path, anc.path))
        .where(anc.id.in_([u.id for u in units]))
        .group_by(anc.id)
    ).all()
    return {int(uid): Figures(int(num or 0), int(den or 0)) for uid, den, num in rows}


def missing_query(session: Session, target: Target, unit: OrgUnit, day: date):
    """Select of (officer_id, unit_id, title_id) of population members below `unit` who do not meet it."""
    home = home_positions(session, target, unit, day)
    return (
        select(home.c.officer_id, home.c.unit_id, home.c.title_id, home.c.path)
        .where(~met_condition(session, target, home.c.officer_id, day))
        .subquery("missing")
    )
