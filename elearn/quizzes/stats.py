"""Item statistics of a quiz, with the formulas of Moodle's quiz statistics report.

For an item i over the N analysed attempts, with x_i its marks in an attempt and X the attempt's total:

- facility index F_i = 100 · mean(x_i) / max_i  (the minimum mark is 0);
- standard deviation SD_i = 100 · sqrt(Σ(x_i − x̄_i)² / (N − 1)) / max_i;
- discrimination index D_i = 100 · cov(x_i, X − x_i) / sqrt(var(x_i) · var(X − x_i)): Moodle's correlation of
  the item with the *rest of the test* (the total without the item), variances and covariance over N − 1,
  undefined (None) when either variance is 0;
- Cronbach's alpha (Moodle's coefficient of internal consistency) over the k items every attempt has:
  α = 100 · k / (k − 1) · (1 − Σ var(x_i) / var(X)).

Items are the quiz's slot positions (a slot drawing n questions gives n items, in draw order), as Moodle
analyses slots; the same figures are also given per question, over the attempts that drew it.
Only submitted, fully graded attempts count; `which` is "all" or "first" (each officer's first attempt).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.accounts.models import User
from elearn.db import inline
from elearn.quizzes.quiz_access import get_managed_quiz
from elearn.quizzes.quiz_models import QuizAttempt


@dataclass
class ItemStat:
    key: str
    label: str
    qtype: str
    n: int
    max_mark: float
    facility: float | None
    sd: float | None
    discrimination: float | None


@dataclass
class QuizStats:
    n: int
    mean_percent: float | None
    sd_percent: float | None
    alpha: float | None
    items: list[ItemStat] = field(default_factory=list)
    questions: list[ItemStat] = field(default_factory=list)


def _var(values: list[float]) -> float | None:
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    return sum((v - mean) ** 2 for v in values) / (n - 1)


def item_stat(
    key: str, label: str, qtype: str, pairs: list[tuple[float, float]], max_mark: float
) -> ItemStat:
    """pairs: (item marks, attempt total) per attempt that has the item."""
    n = len(pairs)
    xs = [p[0] for p in pairs]
    rest = [p[1] - p[0] for p in pairs]
    facility = 100 * (sum(xs) / n) / max_mark if n and max_mark else None
    var_x, var_r = _var(xs), _var(rest)
    sd = 100 * math.sqrt(var_x) / max_mark if var_x is not None and max_mark else None
    disc = None
    if var_x and var_r:
        mx, mr = sum(xs) / n, sum(rest) / n
        cov = sum((x - mx) * (r - mr) for x, r in zip(xs, rest, strict=True)) / (n - 1)
        disc = 100 * cov / math.sqrt(var_x * var_r)
    return ItemStat(key, label, qtype, n, max_mark, facility, sd, disc)


def cronbach_alpha(item_scores: list[list[float]], totals: list[float]) -> float | None:
    """item_scores[i][p]: marks of item i in attempt p; totals[p]: the attempt's total."""
    k = len(item_scores)
    var_total = _var(totals)
    if k < 2 or not var_total:
        return None
    item_vars = [_var(scores) or 0.0 for scores in item_scores]
    return 100 * k / (k - 1) * (1 - sum(item_vars) / var_total)


def analysed_attempts(session: Session, quiz_id: int, which: str = "all") -> list[QuizAttempt]:
    attempts = session.scalars(
        select(QuizAttempt)
        .where(
            QuizAttempt.quiz_id == quiz_id,
            QuizAttempt.state == inline("submitted"),
            QuizAttempt.marks.is_not(None),
        )
        .order_by(QuizAttempt.officer_id, QuizAttempt.number)
    ).all()
    if which == "first":
        firsts: dict[int, QuizAttempt] = {}
        for a in attempts:
            firsts.setdefault(a.officer_id, a)
        attempts = list(firsts.values())
    return list(attempts)


def quiz_stats(session: Session, actor: User, quiz_id: int, which: str = "all") -> QuizStats:
    quiz = get_managed_quiz(session, actor, quiz_id)
    attempts = analysed_attempts(session, quiz.id, which)
    slot_items: dict[str, list[tuple[float, float]]] = defaultdict(list)
    per_question: dict[int, list[tuple[float, float]]] = defaultdict(list)
    labels: dict[str, tuple[str, str, float]] = {}
    qlabels: dict[int, tuple[str, str, float]] = {}
    totals, percents = [], []
    slot_pos = {s.id: s.position for s in quiz.slots}
    by_attempt: dict[int, dict[str, float]] = {}
    for attempt in attempts:
        total = float(attempt.marks)
        totals.append(total)
        percents.append(float(attempt.percent or 0))
        seen_in_slot: dict[int | None, int] = defaultdict(int)
        scores: dict[str, float] = {}
        for aq in sorted(attempt.questions, key=lambda q: q.id):
            if aq.version.qtype == "description" or aq.fraction is None:
                continue
            seen_in_slot[aq.slot_id] += 1
            key = f"{slot_pos.get(aq.slot_id, 0)}.{seen_in_slot[aq.slot_id]}"
            x = float(aq.fraction * aq.max_mark)
            scores[key] = x
            slot_items[key].append((x, total))
            labels.setdefault(key, (f"Vị trí {key}", aq.version.qtype, float(aq.max_mark)))
            qid = aq.version.question_id
            per_question[qid].append((x, total))
            qlabels.setdefault(qid, (aq.version.name, aq.version.qtype, float(aq.max_mark)))
        by_attempt[attempt.id] = scores

    def _key(k: str) -> tuple[int, int]:
        a, b = k.split(".")
        return int(a), int(b)

    items = [item_stat(k, *labels[k][:2], slot_items[k], labels[k][2]) for k in sorted(slot_items, key=_key)]
    questions = [
        item_stat(str(q), qlabels[q][0], qlabels[q][1], per_question[q], qlabels[q][2]) for q in per_question
    ]
    questions.sort(key=lambda s: (s.facility is None, s.facility or 0))
    common = [k for k in slot_items if len(slot_items[k]) == len(attempts)]
    alpha = cronbach_alpha([[by_attempt[a.id][k] for a in attempts] for k in common], totals)
    var_p = _var(percents)
    return QuizStats(
        n=len(attempts),
        mean_percent=sum(percents) / len(percents) if percents else None,
        sd_percent=math.sqrt(var_p) if var_p is not None else None,
        alpha=alpha,
        items=items,
        questions=questions,
    )
