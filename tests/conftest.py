from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.program import ProgramDatabase  # noqa: E402


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ProgramDatabase]:
    """An empty program database with the contract's schema, built by the test."""
    database = ProgramDatabase(tmp_path / "program.sqlite")
    yield database
    database.dispose()
