"""Officer standing: which certificate types each officer holds valid, and the first term they served in.

A dashboard at a federation reads 100,000 officers; grouping their 300,000 certificates on every page load
cost more than the rest of the dashboard together, and the "newly added" filter probed every officer's
earlier positions (bench/targets.py). `refresh` writes, for a set of officers or for all of them, one
OfficerStanding row computed in SQL from the certificates and positions, and the dashboard joins it by
primary key.

The row is exact on every day `d` with `as_of <= d`, `d <= expires_first` (the first expiry among the
certificates valid on `as_of`) and `d < next_issue` (the first certificate issued after `as_of`): no valid
certificate starts or ends inside that window. Outside it, or for an officer without a row, `holds` asks the
certificates directly (an index probe), so the figures stay exact and live: a certificate expiring today
stops counting today, without any nightly job. Triggers on `certificate` and `position` delete the
officer's row on every change (migration 0007), after which the dashboard asks the certificates and
positions for that officer; the certificate services refresh the row in the same transaction, and
`flask --app app targets refresh-standing` (daily, or after a bulk load) rebuilds every row.

Bits: type `t` is bit `t`, for type ids below MASK_BITS; higher type ids are always asked directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    BigInteger,
    and_,
    case,
    cast,
    delete,
    distinct,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from elearn.certificates.models import Certificate
from elearn.db import inline
from elearn.officers.models import Officer, Position
from elearn.orgs.models import Term
from elearn.targets.models import OfficerStanding

MASK_BITS = 62
_TABLE = OfficerStanding.__table__
_CHUNK = 500


def _valid_on(day: date):
    return and_(
        Certificate.status == inline("valid"),
        Certificate.issue_date <= day,
        or_(Certificate.expiry_date.is_(None), Certificate.expiry_date >= day),
    )


def _rows(as_of: date, officer_ids: list[int] | None):
    """SELECT of the standing rows of `officer_ids` (None: every officer) as of `as_of`."""
    bit = literal(1, BigInteger).op("<<")(Certificate.type_id)
    covering = _valid_on(as_of)
    certs = (
        select(
            Certificate.officer_id,
            cast(
                func.sum(distinct(case((and_(covering, Certificate.type_id < MASK_BITS), bit), else_=0))),
                BigInteger,
            ).label("mask"),
            func.min(case((covering, Certificate.expiry_date))).label("expires_first"),
            func.min(case((Certificate.issue_date > as_of, Certificate.issue_date))).label("next_issue"),
        )
        .where(
            Certificate.status == inline("valid"),
            or_(Certificate.expiry_date.is_(None), Certificate.expiry_date >= as_of),
        )
        .group_by(Certificate.officer_id)
    )
    terms = (
        select(Position.officer_id, func.min(Term.start_date).label("first_term_start"))
        .join(Term, Term.id == Position.term_id)
        .group_by(Position.officer_id)
    )
    if officer_ids is not None:
        certs = certs.where(Certificate.officer_id.in_(officer_ids))
        terms = terms.where(Position.officer_id.in_(officer_ids))
    certs, terms = certs.subquery("certs"), terms.subquery("terms")
    rows = (
        select(
            Officer.id,
            func.coalesce(certs.c.mask, 0),
            literal(as_of),
            certs.c.expires_first,
            certs.c.next_issue,
            terms.c.first_term_start,
        )
        .outerjoin(certs, certs.c.officer_id == Officer.id)
        .outerjoin(terms, terms.c.officer_id == Officer.id)
    )
    if officer_ids is not None:
        rows = rows.where(Officer.id.in_(officer_ids))
    return rows


def refresh(session: Session, officer_ids: Iterable[int] | None, as_of: date) -> None:
    """Rewrite the standing rows of `officer_ids` (None: every officer) as of `as_of`. Call it after the
    certificate rows are flushed: the trigger has then dropped the old rows."""
    columns = ["officer_id", "cert_mask", "as_of", "expires_first", "next_issue", "first_term_start"]
    if officer_ids is None:
        session.execute(delete(OfficerStanding))
        session.execute(insert(_TABLE).from_select(columns, _rows(as_of, None)))
        return
    ids = sorted(set(officer_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        session.execute(delete(OfficerStanding).where(OfficerStanding.officer_id.in_(chunk)))
        session.execute(insert(_TABLE).from_select(columns, _rows(as_of, chunk)))


def outer_join(query, officer_col, day: date):
    """`query` outer-joined to the officers' standing rows where they are exact on `day`: a row whose
    window does not cover the day joins as no row, and `holds`/`new_in_term` then ask the certificates and
    positions. (The window is tested once per officer here, not once per target.)"""
    on = and_(
        _TABLE.c.officer_id == officer_col,
        _TABLE.c.as_of <= day,
        or_(_TABLE.c.expires_first.is_(None), _TABLE.c.expires_first >= day),
        or_(_TABLE.c.next_issue.is_(None), _TABLE.c.next_issue > day),
    )
    return query.outerjoin(_TABLE, on)


def holds(officer_col, type_id: int, day: date):
    """SQL integer, 1 if the officer holds a certificate of `type_id` valid on `day`, else 0: from the
    joined standing row's mask (outer_join), or asked of the certificates where no row joined."""
    asked = exists(
        select(Certificate.id).where(
            Certificate.officer_id == officer_col, Certificate.type_id == type_id, _valid_on(day)
        )
    )
    asked = case((asked, 1), else_=0)
    if type_id >= MASK_BITS:
        return asked
    return func.coalesce(_TABLE.c.cert_mask // literal(1 << type_id, BigInteger) % 2, asked)


def new_in_term(term_start: date, asked):
    """SQL condition: the officer held no position in a term starting before `term_start`: from the joined
    standing row (outer_join), else `asked` (the same question put to the positions)."""
    first = _TABLE.c.first_term_start
    return case((_TABLE.c.officer_id.is_not(None), or_(first.is_(None), first >= term_start)), else_=asked)
