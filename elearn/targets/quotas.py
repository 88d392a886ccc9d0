"""Class quotas: the plan handed to each child unit for a year against the classes actually held.

Delivered = classes organised in the unit's subtree that started in the year, on or before the evaluation day,
and their enrolled learners (ClassMember rows). All sums are SQL aggregates joined to child subtrees by path.

Every Plan compares a plan with the classes of the same scope: the unit's own plan (given by its parent) with
its whole subtree, each child's plan with that child's subtree. Classes the unit organises itself belong to no
child; `held_by_unit` counts them so that the children's rows plus these add up to the whole subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from elearn.accounts.models import User
from elearn.authz import path_in_subtree
from elearn.classes.models import FUNDING_SOURCES, ClassMember, TrainingClass
from elearn.orgs.models import OrgUnit
from elearn.targets.models import ClassQuota
from elearn.targets.services import get_unit


@dataclass
class Plan:
    planned_classes: int = 0
    planned_learners: int = 0
    delivered_classes: int = 0
    delivered_learners: int = 0

    @property
    def percent_classes(self) -> float | None:
        return (
            round(100.0 * self.delivered_classes / self.planned_classes, 1) if self.planned_classes else None
        )

    @property
    def percent_learners(self) -> float | None:
        if not self.planned_learners:
            return None
        return round(100.0 * self.delivered_learners / self.planned_learners, 1)


@dataclass
class QuotaSummary:
    unit: OrgUnit
    year: int
    own: Plan  # the plan handed to this unit by its parent, and what its subtree delivered
    by_source: dict[str, Plan] = field(default_factory=dict)  # `own`, split by funding source
    children: list[tuple[OrgUnit, Plan]] = field(default_factory=list)  # furthest behind first
    held_by_unit: Plan = field(default_factory=Plan)  # classes organised by the unit itself (no plan)

    @property
    def handed_down(self) -> Plan:
        total = Plan()
        for _, p in self.children:
            total.planned_classes += p.planned_classes
            total.planned_learners += p.planned_learners
            total.delivered_classes += p.delivered_classes
            total.delivered_learners += p.delivered_learners
        return total


def _delivered(year: int, today: date):
    """Subquery (class id, organiser path, funding source, learners) of the year's classes held so far."""
    members = (
        select(ClassMember.class_id, func.count().label("learners"))
        .group_by(ClassMember.class_id)
        .subquery("members")
    )
    return (
        select(
            TrainingClass.id,
            OrgUnit.path,
            TrainingClass.funding_source,
            func.coalesce(members.c.learners, 0).label("learners"),
        )
        .join(OrgUnit, OrgUnit.id == TrainingClass.unit_id)
        .outerjoin(members, members.c.class_id == TrainingClass.id)
        .where(
            TrainingClass.start_date >= date(year, 1, 1),
            TrainingClass.start_date <= min(date(year, 12, 31), today),
        )
        .subquery("held")
    )


def quota_summary(session: Session, actor: User, unit: OrgUnit, year: int, today: date) -> QuotaSummary:
    get_unit(session, actor, unit.id)
    held = _delivered(year, today)
    by_source: dict[str, Plan] = {}
    for source, classes, learners in session.execute(
        select(
            ClassQuota.funding_source,
            func.sum(ClassQuota.planned_classes),
            func.sum(ClassQuota.planned_learners),
        )
        .where(ClassQuota.unit_id == unit.id, ClassQuota.year == year)
        .group_by(ClassQuota.funding_source)
    ):
        by_source[source] = Plan(planned_classes=int(classes), planned_learners=int(learners))
    for source, classes, learners in session.execute(
        select(held.c.funding_source, func.count(), func.coalesce(func.sum(held.c.learners), 0))
        .where(path_in_subtree(held.c.path, unit.path))
        .group_by(held.c.funding_source)
    ):
        plan = by_source.setdefault(source, Plan())
        plan.delivered_classes, plan.delivered_learners = int(classes), int(learners)
    own = Plan()
    for plan in by_source.values():
        own.planned_classes += plan.planned_classes
        own.planned_learners += plan.planned_learners
        own.delivered_classes += plan.delivered_classes
        own.delivered_learners += plan.delivered_learners
    held_by_unit = Plan()
    for classes, learners in session.execute(
        select(func.count(), func.coalesce(func.sum(held.c.learners), 0)).where(held.c.path == unit.path)
    ):
        held_by_unit.delivered_classes, held_by_unit.delivered_learners = int(classes), int(learners)
    child = aliased(OrgUnit, name="child")
    planned = dict(
        (uid, (int(c), int(n)))
        for uid, c, n in session.execute(
            select(
                ClassQuota.unit_id,
                func.sum(ClassQuota.planned_classes),
                func.sum(ClassQuota.planned_learners),
            )
            .join(child, child.id == ClassQuota.unit_id)
            .where(child.parent_id == unit.id, ClassQuota.year == year)
            .group_by(ClassQuota.unit_id)
        )
    )
    delivered = {
        uid: (int(c), int(n or 0))
        for uid, c, n in session.execute(
            select(child.id, func.count(held.c.id), func.sum(held.c.learners))
            .select_from(child)
            .join(held, and_(held.c.path >= child.path, held.c.path < child.path + "~"))
            .where(child.parent_id == unit.id)
            .group_by(child.id)
        )
    }
    children = []
    for c in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.name)):
        pc, pl = planned.get(c.id, (0, 0))
        dc, dl = delivered.get(c.id, (0, 0))
        if pc or pl or dc or dl:
            children.append((c, Plan(pc, pl, dc, dl)))
    children.sort(key=lambda cp: (cp[1].percent_learners is None, cp[1].percent_learners or 0.0, cp[0].name))
    by_source = {k: by_source[k] for k in [*FUNDING_SOURCES, *sorted(by_source)] if k in by_source}
    return QuotaSummary(unit, year, own, by_source, children, held_by_unit)
