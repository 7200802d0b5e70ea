"""Only the generator's demo file is shown without sign-in: "demo" is what the file holds (the marker
the generator writes), not which setting named it.

LEAD_DEMO_DATABASE names a SQLite file, so these tests are about SQLite files only.
"""

from __future__ import annotations

from datetime import date

import pytest

from lead_data.db import DATABASE_URL_VARIABLE, DEMO_DATABASE_VARIABLE, choose_database
from lead_data.demo import is_generated_demo, write_demo
from tests.apptest import metrics, open_app
from tests.program import ProgramDatabase


@pytest.fixture
def program_file(tmp_path):
    """A program database (real-looking people) in a SQLite file."""
    path = tmp_path / "program.sqlite"
    database = ProgramDatabase(f"sqlite:///{path}")
    database.enroll(database.participant("Realperson"), intake_on=date(2024, 1, 1))
    database.dispose()
    return path


@pytest.fixture
def named_as_demo(monkeypatch):
    """Name a file as the demo database, with no other database and no sign-in configured."""
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)

    def name(path):
        monkeypatch.setenv(DEMO_DATABASE_VARIABLE, str(path))

    return name


def test_program_data_named_as_the_demo_database_is_not_served_open(program_file, named_as_demo):
    named_as_demo(program_file)
    at = open_app(user=None)
    assert "no sign-in is configured" in at.warning[0].value
    assert not any("Demo data" in warning.value for warning in at.warning)
    assert not at.metric and not at.dataframe


def test_a_generated_demo_database_is_served_open_under_the_demo_banner(tmp_path, named_as_demo):
    path = tmp_path / "demo.sqlite"
    write_demo(path, as_of=date(2024, 6, 30))
    named_as_demo(path)
    at = open_app(user=None, as_of="2024-06-30")
    assert any("Demo data" in warning.value for warning in at.warning)
    assert int(metrics(at)["Enrolled (ever)"]) > 0


def test_the_demo_is_what_the_file_holds_not_which_setting_names_it(tmp_path, program_file, named_as_demo):
    demo = tmp_path / "demo.sqlite"
    write_demo(demo, as_of=date(2024, 6, 30))
    assert is_generated_demo(demo)
    assert not is_generated_demo(program_file)
    assert not is_generated_demo(tmp_path / "absent.sqlite")

    named_as_demo(program_file)
    assert not choose_database(tmp_path / "no-secrets.toml").is_demo
    named_as_demo(demo)
    assert choose_database(tmp_path / "no-secrets.toml").is_demo
    named_as_demo(tmp_path / "not-yet-generated.sqlite")  # the first run writes the generator's file there
    assert choose_database(tmp_path / "no-secrets.toml").is_demo
