"""Dashboard figures of every target at a unit, with the child-unit breakdown, in one SQL statement.

Attribution is population.py's (module docstring there): each officer is counted once per target, at the
unit of their home position, the matching current position with the lowest (title rank, unit path,
position id). Here that order is carried by one integer per position, so that the per-officer pass is a
plain MIN over integers:

    key = (rank + RANK_OFFSET) * RANK_FACTOR + tree_order * BUCKET_FACTOR + bucket

`tree_order` is the unit's number in path order (a window over the few thousand units, computed per
request, so nothing is stored that unit creation would have to renumber) and `bucket` says where the unit
lies from the viewed unit: 1 for the viewed unit itself, 2, 3, ... for the subtree of its first, second, ...
child in path order, 0 outside its subtree. The bucket is a function of the unit, so MIN(key) orders by
(rank, path) and its last digits name where to count the officer. Positions at the same unit with the same
rank fall in the same bucket, so the position id needs no place in the key.

Each officer's row is joined to their standing row (standing.py) for the certificate types they hold and
the first term they served in; where the row is missing or its window does not cover the day, the same
questions go to the certificates and positions.

Each officer's buckets and "met" flags are then folded into one integer per officer (a number in base
2 * (children + 2), one digit per target) so that the final GROUP BY sorts or hashes a single column.

Bounds: title ranks in [-RANK_OFFSET, RANK_LIMIT), fewer than a million units, fewer than BUCKET_FACTOR
children per unit; the key stays below 2**63.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, and_, case, false, func, literal, or_, select, text, true
from sqlalchemy.orm import Session, aliased

from elearn.authz import in_subtree, path_in_subtree
from elearn.officers.models import Position, PositionTitle
from elearn.orgs.models import OrgUnit, Term
from elearn.targets import standing
from elearn.targets.models import Target
from elearn.targets.population import (
    ZERO,
    Breakdown,
    Figures,
    met_condition,
    population_term,
)

RANK_OFFSET = 10_000
RANK_LIMIT = 900_000
BUCKET_FACTOR = 10**7
RANK_FACTOR = 10**6 * BUCKET_FACTOR
CODE_LIMIT = 2**62


def _big(value: int):
    return literal(value, BigInteger)


def _tree(unit: OrgUnit, dialect: str):
    """(id, path, sector_id, member_count, tree_order, bucket) of every unit: see the module docstring."""
    n = len(unit.path)
    rest = func.substr(OrgUnit.path, n + 1)
    slash = func.strpos(rest, "/") if dialect == "postgresql" else func.instr(rest, "/")
    inside = in_subtree(unit)
    # The path of the child of `unit` holding the unit ("" for `unit` itself, so that it ranks first).
    child_path = case((inside, func.substr(OrgUnit.path, 1, n + slash)), else_="")
    return (
        select(
            OrgUnit.id,
            OrgUnit.path,
            OrgUnit.sector_id,
            OrgUnit.member_count,
            func.row_number().over(order_by=OrgUnit.path).label("tree_order"),
            case(
                (inside, func.dense_rank().over(partition_by=inside, order_by=child_path)),
                else_=0,
            ).label("bucket"),
        )
        .select_from(OrgUnit)
        .cte("tree")
    )


def _unit_conditions(target: Target, tree) -> list:
    """The target's filter on units: in its scope, sector, member count."""
    scope = target.scope_unit.path
    conds = [path_in_subtree(tree.c.path, scope)]
    if target.sector_ids:
        conds.append(tree.c.sector_id.in_(list(target.sector_ids)))
    if target.min_member_count:
        conds.append(tree.c.member_count >= target.min_member_count)
    return conds


def _position_conditions(session: Session, target: Target, day: date) -> list:
    """The target's filter on a position row itself (titles, full time, term); "newly added" looks at the
    officer's earlier positions separately."""
    conds = []
    if target.title_ids:
        conds.append(Position.title_id.in_(list(target.title_ids)))
    if target.full_time is not None:
        conds.append(Position.full_time.is_(target.full_time))
    if target.term_id is not None:
        conds.append(Position.term_id == target.term_id)
    if target.newly_added:
        term = population_term(session, target, day)
        conds.append(false() if term is None else Position.term_id == term.id)
    return conds


def _officer_rows(session: Session, targets: list[Target], unit: OrgUnit, day: date, dialect: str):
    """Subquery: one row per officer with a current position, `k<i>` = MIN(key) over their positions
    matching target i (NULL: not in its population)."""
    tree = _tree(unit, dialect)
    units = select(
        tree.c.id,
        *(
            case(
                (and_(*_unit_conditions(t, tree)), tree.c.tree_order * _big(BUCKET_FACTOR) + tree.c.bucket)
            ).label(f"u{i}")
            for i, t in enumerate(targets)
        ),
    ).cte("units")
    rank = (PositionTitle.rank + RANK_OFFSET) * _big(RANK_FACTOR)
    cols = []
    for i, t in enumerate(targets):
        conds = _position_conditions(session, t, day)
        key = rank + units.c[f"u{i}"]
        cols.append(func.min(case((and_(*conds), key)) if conds else key).label(f"k{i}"))
    officers = (
        select(Position.officer_id, *cols)
        .select_from(Position)
        .join(units, units.c.id == Position.unit_id)
        .join(PositionTitle, PositionTitle.id == Position.title_id)
        .where(_current(day))
    )
    if unit.parent_id is not None:
        officers = officers.where(Position.officer_id.in_(_inside(unit, day)))
    return officers.group_by(Position.officer_id).subquery("o")


def _current(day: date):
    return and_(Position.start_date <= day, or_(Position.end_date.is_(None), Position.end_date >= day))


def _inside(unit: OrgUnit, day: date):
    """Officers with a current position below `unit`: only they can be counted there (all their positions
    still decide where)."""
    return (
        select(Position.officer_id)
        .join(OrgUnit, OrgUnit.id == Position.unit_id)
        .where(_current(day), in_subtree(unit))
    )


def _new_in_term(session: Session, officer_col, term: Term):
    """The officer held no position in a term before `term`, asked of the positions (one index probe per
    officer; only officers without a standing row get here)."""
    earlier_terms = list(session.scalars(select(Term.id).where(Term.start_date < term.start_date)))
    if not earlier_terms:
        return true()
    earlier = aliased(Position)
    probe = select(earlier.id).where(earlier.officer_id == officer_col, earlier.term_id.in_(earlier_terms))
    return probe.limit(1).scalar_subquery().is_(None)


def breakdowns(session: Session, targets: list[Target], unit: OrgUnit, day: date) -> dict[int, Breakdown]:
    """Every target's breakdown at `unit`: the officer rows joined to their standing, each officer's
    (bucket, met) of every target folded into one code, counted per code."""
    if not targets:
        return {}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # The planner cannot know that both sides of the officer join are unique per officer, so it expects
        # millions of rows and spends ~0.5 s compiling the query with JIT; it runs on 100,000 rows.
        # The per-officer aggregates (~100,000 rows at a federation) would spill to disk with 4 MB work_mem.
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    children = list(
        session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.path))
    )
    base = 2 * (len(children) + 2)  # one digit per target: bucket * 2 + met
    o = _officer_rows(session, targets, unit, day, dialect)
    digits = []
    for i, t in enumerate(targets):
        key = o.c[f"k{i}"]
        counted = key.is_not(None)
        if t.newly_added:
            term = population_term(session, t, day)
            if term is None:
                counted = false()
            else:
                asked = _new_in_term(session, o.c.officer_id, term)
                counted = and_(counted, standing.new_in_term(term.start_date, asked))
        if t.measure == "certificate":
            met = standing.holds(o.c.officer_id, t.certificate_type_id, day)
        else:
            met = case((met_condition(session, t, o.c.officer_id, day), 1), else_=0)
        digits.append(case((counted, (key % _big(BUCKET_FACTOR)) * 2 + met), else_=0))
    # Fold the digits into as few integer columns as fit in 64 bits.
    codes, code, scale, layout = [], None, 1, []
    for digit in digits:
        if code is not None and scale * base >= CODE_LIMIT:
            codes.append(code)
            code, scale = None, 1
        term_sql = digit if scale == 1 else digit * _big(scale)
        code = term_sql if code is None else code + term_sql
        layout.append((len(codes), scale))
        scale *= base
    codes.append(code)
    combos = select(*(c.label(f"code{j}") for j, c in enumerate(codes))).select_from(o)
    combos = standing.outer_join(combos, o.c.officer_id, day).subquery("combos")
    rows = session.execute(select(combos, func.count()).group_by(*combos.c)).all()
    out = {}
    for i, t in enumerate(targets):
        column, scale = layout[i]
        own, by_child = ZERO, dict.fromkeys(children, ZERO)
        for row in rows:
            digit, n = row[column] // scale % base, row[-1]
            bucket, met = divmod(digit, 2)
            if not bucket:  # not in the population, or counted outside `unit`
                continue
            add = Figures(n if met else 0, n)
            if bucket == 1:
                own = own + add
            else:
                by_child[children[bucket - 2]] = by_child[children[bucket - 2]] + add
        out[t.id] = Breakdown(sum(by_child.values(), own), own, by_child)
    return out
