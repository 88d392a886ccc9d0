"""What seed-demo hands each feature's demo seed: the shared demo world and a deterministic RNG."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from elearn.accounts.models import User
from elearn.officers.models import Officer
from elearn.orgs.models import OrgUnit

# Features seed in this order; each has elearn/<feature>/seed.py with seed_demo(session, ctx).
FEATURES = ("courses", "classes", "quizzes", "certificates", "targets")


@dataclass
class SeedContext:
    today: date
    city: OrgUnit  # the demo federation (top unit)
    staff_unit: OrgUnit  # the upper-level union of staff@demo.vn
    users: dict[str, User]  # by role: admin, trainer, staff, officer
    demo_officer: Officer  # officer@demo.vn's registry entry
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    shared: dict = field(default_factory=dict)  # what one feature's seed leaves for the next
