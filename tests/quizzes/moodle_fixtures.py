"""Where Moodle's reference fixtures live (beside the repository, never copied into it)."""

from __future__ import annotations

from pathlib import Path

import pytest

MOODLE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "moodle"
GIFT = MOODLE / "gift"
GIFT_INPUTS = GIFT / "phpunit_inputs"
XML = MOODLE / "xml"
XML_INPUTS = XML / "phpunit_inputs"


def require_fixtures() -> None:
    """Skip the calling test module when the shared fixtures are not there."""
    if not MOODLE.is_dir():
        pytest.skip(f"Moodle reference fixtures not found at {MOODLE}", allow_module_level=True)
