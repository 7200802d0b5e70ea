"""The migrations build exactly the schema of models.py, on SQLite and on PostgreSQL.

``python -m lead_data init-db --url URL`` runs them; these tests run it in-process and then look at
the database it made: Alembic's own comparison against the models, the catalog against what
``create_all`` builds, the CHECK constraints by trying bad values, and the indexes the queries use.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, create_engine, func, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError

from lead_data.__main__ import main
from lead_data.models import (
    CONTACT_KINDS,
    CONTRACT_TABLES,
    DEFAULT_CASELOAD_CAP,
    ELIGIBILITY,
    EXIT_REASONS,
    HOUSING_STATUSES,
    INELIGIBLE_REASONS,
    OFFENSES,
    REFERRAL_TYPES,
    SERVICE_CATEGORIES,
    SEVERITIES,
    STAFF_ROLES,
    Base,
)
from lead_data.schema import alembic_config, create_schema, head_revision, schema_revision
from tests.conftest import BACKENDS, database_url

# (table, name, columns) of every index the queries filter, join or group on.
QUERY_INDEXES = {
    ("referrals", "ix_referrals_participant_id", ("participant_id",)),
    ("referrals", "ix_referrals_officer_id", ("officer_id",)),
    ("referrals", "ix_referrals_referred_at", ("referred_at",)),
    ("enrollments", "ix_enrollments_participant_id_intake_on", ("participant_id", "intake_on")),
    ("enrollments", "ix_enrollments_team_id", ("team_id",)),
    ("enrollments", "ix_enrollments_intake_on", ("intake_on",)),
    ("enrollments", "ix_enrollments_exited_on", ("exited_on",)),
    ("arrests", "ix_arrests_participant_id_arrested_at", ("participant_id", "arrested_at")),
    ("arrests", "ix_arrests_referral_id", ("referral_id",)),
    ("contacts", "ix_contacts_participant_id_kind_contacted_on", ("participant_id", "kind", "contacted_on")),
    ("services", "ix_services_participant_id", ("participant_id",)),
    ("services", "ix_services_referred_on", ("referred_on",)),
    ("consents", "ix_consents_participant_id", ("participant_id",)),
    ("care_teams", "ix_care_teams_peer_id", ("peer_id",)),
    ("care_teams", "ix_care_teams_case_manager_id", ("case_manager_id",)),
}

# (table, column) -> (allowed values, null allowed, a near miss the database must reject).
ENUMERATED_COLUMNS = {
    ("staff", "role"): (STAFF_ROLES, False, "Peer"),
    ("referrals", "referral_type"): (REFERRAL_TYPES, False, "arrest"),
    ("referrals", "offense"): (OFFENSES, True, "theft"),
    ("referrals", "eligibility"): (ELIGIBILITY, False, "maybe"),
    ("referrals", "ineligible_reason"): (INELIGIBLE_REASONS, True, "unknown"),
    ("enrollments", "exit_reason"): (EXIT_REASONS, True, "completed"),
    ("arrests", "severity"): (SEVERITIES, True, "violation"),
    ("contacts", "kind"): (CONTACT_KINDS, False, "email"),
    ("services", "category"): (SERVICE_CATEGORIES, False, "food"),
    ("assessments", "housing"): (HOUSING_STATUSES, True, "homeless"),
    ("comparison_people", "offense"): (OFFENSES, True, "theft"),
    ("comparison_arrests", "severity"): (SEVERITIES, True, "violation"),
}


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend in turn."""
    return database_url(request.param, request, tmp_path)


@pytest.fixture
def engine(url: str) -> Engine:
    engine = create_engine(url)
    yield engine
    engine.dispose()


def init_db(url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``init-db --url url``; its standard output."""
    assert main(["init-db", "--url", url]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def differences(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, Base.metadata)


def catalog(engine: Engine) -> set[tuple]:
    """Everything the backend records about the contract tables: columns, constraints, indexes."""
    queries = {
        "sqlite": {"object": "SELECT type, name, sql FROM sqlite_master WHERE tbl_name != 'alembic_version'"},
        "postgresql": {
            "column": """SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default
                        FROM information_schema.columns
                        WHERE table_schema = 'public' AND table_name != 'alembic_version'""",
            "constraint": """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                            WHERE connamespace = 'public'::regnamespace
                              AND conrelid::regclass::text != 'alembic_version'""",
            "index": """SELECT tablename, indexname, indexdef FROM pg_indexes
                       WHERE schemaname = 'public' AND tablename != 'alembic_version'""",
        },
    }[engine.dialect.name]
    with engine.connect() as connection:
        return {(kind, *row) for kind, sql in queries.items() for row in connection.execute(text(sql))}


def sibling_database(url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A second fresh database on the same backend as url."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'sibling.sqlite'}"
    return request.getfixturevalue("postgres_server").create_database()


def add_one_row_per_table(engine: Engine) -> None:
    """A valid row in every contract table, each with key 1."""
    day, moment = date(2020, 5, 4), datetime(2020, 5, 4, 10, 30)
    rows = {
        "officers": {"badge_number": "T-1", "name": "Officer Test", "unit": "Central District Patrol"},
        "staff": {"name": "Staff Test", "role": "peer", "active": True},
        "care_teams": {"name": "Team 1", "peer_id": 1, "case_manager_id": 1, "caseload_cap": 28, "active": True},
        "participants": {"first_name": "Test", "last_name": "Person"},
        "referrals": {
            "participant_id": 1,
            "officer_id": 1,
            "referred_at": moment,
            "referral_type": "arrest_diversion",
            "eligibility": "eligible",
        },
        "enrollments": {"participant_id": 1, "referral_id": 1, "team_id": 1, "intake_on": day},
        "arrests": {"participant_id": 1, "arrested_at": moment, "referral_id": 1},
        "contacts": {"participant_id": 1, "staff_id": 1, "contacted_on": day, "kind": "phone"},
        "services": {"participant_id": 1, "category": "housing", "referred_on": day},
        "consents": {"participant_id": 1, "signed_on": day},
        "assessments": {"participant_id": 1, "assessed_on": day, "housing": "shelter", "employed": False},
        "bookings": {"participant_id": 1, "booked_on": day, "released_on": day, "arrest_id": 1},
        "comparison_people": {"index_on": day, "offense": "drug"},
        "comparison_arrests": {"person_id": 1, "arrested_at": moment, "severity": "misdemeanor"},
    }
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            (key,) = table.primary_key.columns
            connection.execute(insert(table), [{key.name: 1, **rows[table.name]}])


def set_value(engine: Engine, table: str, column: str, value: str | None) -> None:
    with engine.begin() as connection:
        connection.execute(update(Base.metadata.tables[table]).values({column: value}))


# --- the schema -------------------------------------------------------------------------------


def test_init_db_creates_exactly_the_schema_of_the_models(url: str, engine: Engine, capsys) -> None:
    output = init_db(url, capsys)
    assert "Created the contract schema" in output and head_revision() in output
    assert differences(engine) == []
    assert set(inspect(engine).get_table_names()) == {*CONTRACT_TABLES, "alembic_version"}
    assert schema_revision(url) == head_revision()


def test_the_comparison_with_the_models_sees_a_missing_index_or_column(url: str, engine: Engine) -> None:
    create_schema(url)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_referrals_referred_at"))
        connection.execute(text("ALTER TABLE staff ADD COLUMN phone VARCHAR"))
    found = set()
    for difference in differences(engine):
        if difference[0] == "add_index":
            found.add(("add_index", difference[1].name))
        elif difference[0] == "remove_column":
            found.add(("remove_column", difference[2], difference[3].name))
    assert found == {("add_index", "ix_referrals_referred_at"), ("remove_column", "staff", "phone")}


def test_the_migrated_catalog_is_the_one_create_all_builds(
    url: str, engine: Engine, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    create_schema(url)
    reference = create_engine(sibling_database(url, request, tmp_path))
    try:
        Base.metadata.create_all(reference)
        migrated, expected = catalog(engine), catalog(reference)
    finally:
        reference.dispose()
    assert migrated == expected
    assert any("ix_contacts_participant_id_kind_contacted_on" in entry for entry in migrated)


def test_check_constraints_are_named_as_in_the_models_and_cover_every_enumerated_column(
    url: str, engine: Engine
) -> None:
    create_schema(url)
    in_models = {
        (table.name, constraint.name)
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    inspector = inspect(engine)
    in_database = {
        (table, constraint["name"])
        for table in CONTRACT_TABLES
        for constraint in inspector.get_check_constraints(table)
    }
    assert in_database == in_models == {(table, f"ck_{column}_allowed") for table, column in ENUMERATED_COLUMNS}


def test_check_constraints_reject_values_outside_the_contract_and_accept_every_allowed_one(
    url: str, engine: Engine
) -> None:
    create_schema(url)
    add_one_row_per_table(engine)
    for (table, column), (allowed, nullable, near_miss) in ENUMERATED_COLUMNS.items():
        with pytest.raises(IntegrityError):
            set_value(engine, table, column, near_miss)
        for value in (*allowed, *([None] if nullable else [])):
            set_value(engine, table, column, value)
    referrals = Base.metadata.tables["referrals"]
    with engine.connect() as connection:  # the allowed values were really written, the last one last
        assert connection.execute(select(referrals.c.referral_type)).scalar_one() == REFERRAL_TYPES[-1]


def test_caseload_cap_defaults_to_28_in_the_database(url: str, engine: Engine) -> None:
    create_schema(url)
    add_one_row_per_table(engine)
    without_cap = "INSERT INTO care_teams (team_id, name, peer_id, case_manager_id, active) VALUES (2, 'T2', 1, 1, :on)"
    with engine.begin() as connection:
        connection.execute(text(without_cap), {"on": True})
        cap = connection.execute(text("SELECT caseload_cap FROM care_teams WHERE team_id = 2")).scalar_one()
    assert cap == DEFAULT_CASELOAD_CAP == 28


def test_every_index_the_queries_rely_on_exists(url: str, engine: Engine) -> None:
    create_schema(url)
    inspector = inspect(engine)
    indexes = {
        (table, index["name"], tuple(index["column_names"]))
        for table in CONTRACT_TABLES
        for index in inspector.get_indexes(table)
    }
    assert QUERY_INDEXES <= indexes
    # Joins on enrollments.referral_id use the index behind its unique constraint.
    assert [c["column_names"] for c in inspector.get_unique_constraints("enrollments")] == [["referral_id"]]


# --- running it again, rolling back, refusing ---------------------------------------------------


def test_running_init_db_twice_is_harmless(url: str, engine: Engine, capsys) -> None:
    init_db(url, capsys)
    add_one_row_per_table(engine)
    output = init_db(url, capsys)
    assert "nothing to do" in output and head_revision() in output
    assert differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Base.metadata.tables["referrals"])).scalar_one() == 1


def test_the_first_revision_rolls_back_to_an_empty_database_and_up_again(url: str, engine: Engine) -> None:
    create_schema(url)
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert schema_revision(url) is None
    create_schema(url)
    assert differences(engine) == []


VERSION_1_TABLES = (
    "officers",
    "staff",
    "care_teams",
    "participants",
    "referrals",
    "enrollments",
    "arrests",
    "contacts",
    "services",
    "consents",
)
OUTCOME_TABLES = ("assessments", "bookings", "comparison_people", "comparison_arrests")


def test_the_outcomes_revision_upgrades_a_version_1_database_with_data_in_it(url: str, engine: Engine) -> None:
    command.upgrade(alembic_config(url), "0001")
    assert schema_revision(url) == "0001"
    assert not set(OUTCOME_TABLES) & set(inspect(engine).get_table_names())
    day, moment = date(2020, 5, 4), datetime(2020, 5, 4, 10, 30)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO participants (participant_id, first_name, last_name) VALUES (7, 'A', 'B')")
        )
        connection.execute(
            text("INSERT INTO arrests (arrest_id, participant_id, arrested_at) VALUES (3, 7, :at)"), {"at": moment}
        )

    create_schema(url)

    assert schema_revision(url) == head_revision()
    assert differences(engine) == []
    with engine.begin() as connection:
        assert connection.execute(text("SELECT last_name FROM participants WHERE participant_id = 7")).scalar() == "B"
        connection.execute(
            text("INSERT INTO bookings (booking_id, participant_id, booked_on, arrest_id) VALUES (1, 7, :day, 3)"),
            {"day": day},
        )
        assert connection.execute(text("SELECT count(*) FROM bookings")).scalar_one() == 1


def test_the_outcomes_revision_rolls_back_to_version_1_keeping_its_data(url: str, engine: Engine) -> None:
    create_schema(url)
    add_one_row_per_table(engine)
    command.downgrade(alembic_config(url), "0001")
    tables = set(inspect(engine).get_table_names())
    assert set(VERSION_1_TABLES) <= tables and not set(OUTCOME_TABLES) & tables
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Base.metadata.tables["referrals"])).scalar_one() == 1


def test_the_network_index_revision_upgrades_a_version_2_database_and_rolls_back(url: str, engine: Engine) -> None:
    command.upgrade(alembic_config(url), "0002")
    add_one_row_per_table(engine)
    assert "ix_arrests_arrested_at" not in {index["name"] for index in inspect(engine).get_indexes("arrests")}

    create_schema(url)

    assert schema_revision(url) == head_revision() == "0003"
    assert differences(engine) == []
    command.downgrade(alembic_config(url), "0002")
    assert "ix_arrests_arrested_at" not in {index["name"] for index in inspect(engine).get_indexes("arrests")}
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Base.metadata.tables["arrests"])).scalar_one() == 1


def test_init_db_refuses_contract_tables_it_did_not_create_and_changes_nothing(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'hand-made.sqlite'}"
    engine = create_engine(url)
    Base.metadata.tables["officers"].create(engine)
    try:
        assert main(["init-db", "--url", url]) != 0
        captured = capsys.readouterr()
        assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
        assert "not created by these migrations" in captured.err and "officers" in captured.err
        assert inspect(engine).get_table_names() == ["officers"]
    finally:
        engine.dispose()


def test_init_db_reports_an_unreachable_database_in_one_line_without_the_password(capsys) -> None:
    url = "postgresql+psycopg://lead:s3cret@127.0.0.1:1/lead"
    assert main(["init-db", "--url", url]) == 1
    captured = capsys.readouterr()
    assert len(captured.err.strip().splitlines()) == 1
    assert "cannot create the schema" in captured.err and "s3cret" not in captured.err and "***" in captured.err
