"""Demo targets: the ones federations actually set (../shared/DOMAIN.md, Training), a class quota plan split
across the upper-level unions, and a few past daily snapshots for the progress chart.

"Trained" in the second and third targets means: completed every course of the programme "Lý luận và nghiệp vụ
công tác công đoàn" (LLNV) since the start of the current term. The first target counts the certificate.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from elearn.certificates.models import CertificateType
from elearn.courses.models import Programme
from elearn.officers.models import PositionTitle
from elearn.orgs.models import OrgUnit, Sector
from elearn.orgs.services import current_term
from elearn.seed_context import SeedContext
from elearn.targets import standing
from elearn.targets.dashboard import write_snapshots
from elearn.targets.models import ClassQuota, Target

log = logging.getLogger(__name__)
CERT_NAME = "Chứng chỉ lý luận và nghiệp vụ công tác công đoàn"
PLAN_CLASSES, PLAN_LEARNERS = 38, 3700
HISTORY_DAYS = (28, 21, 14, 7, 1)


def seed_demo(session: Session, ctx: SeedContext) -> None:
    standing.refresh(session, None, ctx.today)
    programme = session.scalar(select(Programme).where(Programme.code == "LLNV"))
    conds = [CertificateType.name == CERT_NAME]
    if programme is not None:
        conds.append(CertificateType.programme_id == programme.id)
    cert_type = session.scalars(
        select(CertificateType).where(or_(*conds)).order_by(CertificateType.id)
    ).first()
    term = current_term(session, ctx.today)
    end_of_year = date(ctx.today.year, 12, 31)
    admin = ctx.users.get("admin")
    common = dict(
        scope_unit_id=ctx.city.id, deadline=end_of_year, required_percent=100, sector_ids=[], title_ids=[]
    )
    common["created_by_id"] = admin.id if admin else None
    targets = []
    if cert_type is None:
        log.warning(
            "targets seed: no certificate type for programme LLNV (%s); target 1 not created", CERT_NAME
        )
    else:
        targets.append(
            Target(
                name="100% cán bộ chuyên trách có chứng chỉ lý luận và nghiệp vụ công tác công đoàn",
                full_time=True,
                measure="certificate",
                certificate_type_id=cert_type.id,
                **common,
            )
        )
    if programme is None:
        log.warning("targets seed: programme LLNV is missing (courses seed); targets 2 and 3 not created")
    else:
        trained = dict(
            measure="programme",
            programme_id=programme.id,
            period_start=term.start_date if term else None,
            period_end=end_of_year,
        )
        targets.append(
            Target(
                name="100% cán bộ chuyên trách mới bổ sung trong nhiệm kỳ được bồi dưỡng lý luận, nghiệp vụ",
                full_time=True,
                newly_added=True,
                **trained,
                **common,
            )
        )
        chair = session.scalar(select(PositionTitle.id).where(PositionTitle.code == "CT"))
        non_state = list(session.scalars(select(Sector.id).where(Sector.code.in_(("NGOAI_NN", "FDI")))))
        targets.append(
            Target(
                name="100% chủ tịch CĐCS khu vực ngoài nhà nước có từ 1.000 đoàn viên được bồi dưỡng",
                **{**common, "title_ids": [chair], "sector_ids": sorted(non_state)},
                min_member_count=1000,
                **trained,
            )
        )
    session.add_all(targets)
    session.flush()
    _quota_plan(session, ctx)
    for back in HISTORY_DAYS:
        write_snapshots(session, ctx.today - timedelta(days=back), targets)


def split(total: int, weights: list[int]) -> list[int]:
    """Largest-remainder split of `total` in proportion to `weights` (deterministic, sums to `total`)."""
    whole = sum(weights) or len(weights)
    weights = weights if sum(weights) else [1] * len(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _quota_plan(session: Session, ctx: SeedContext) -> None:
    """38 classes and 3,700 learners this year, split across the upper-level unions by member count; every
    union gets at least one class."""
    uppers = list(
        session.scalars(select(OrgUnit).where(OrgUnit.parent_id == ctx.city.id).order_by(OrgUnit.code))
    )
    if not uppers:
        return
    members = [max(1, u.member_count) for u in uppers]
    n = len(uppers)
    if n <= PLAN_CLASSES:
        classes = [1 + extra for extra in split(PLAN_CLASSES - n, members)]
    else:
        classes = split(PLAN_CLASSES, members)
    learners = split(PLAN_LEARNERS, members)
    for unit, planned, people in zip(uppers, classes, learners, strict=True):
        session.add(
            ClassQuota(
                unit_id=unit.id,
                year=ctx.today.year,
                funding_source="kinh_phi_cong_doan",
                planned_classes=planned,
                planned_learners=people,
                created_by_id=ctx.users["admin"].id if "admin" in ctx.users else None,
            )
        )
    session.flush()
