"""Web pages of the quizzes feature: the blueprint with the learner's pages and the trainer's pages."""

from __future__ import annotations

from elearn.quizzes import quiz_attempt_views, quiz_views  # noqa: F401  (they add their routes to bp)
from elearn.quizzes.quiz_blueprint import bp

__all__ = ["bp"]
