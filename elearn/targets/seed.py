"""Demo data of the targets feature, called by `seed-demo` in feature order (see elearn/seed.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from elearn.seed_context import SeedContext


def seed_demo(session: Session, ctx: SeedContext) -> None:
    """Nothing yet."""
