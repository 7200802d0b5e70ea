"""The network-size demo's promises (lead_data.demo.network), checked with SQL on small networks.

A network of 2,000 participants is drawn once per module into a SQLite file, and once into
PostgreSQL through COPY; figures are computed here as DATA_CONTRACT.md defines them.
"""

from __future__ import annotations

import hashlib
import sqlite3
import statistics
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from lead_data.__main__ import main
from lead_data.demo import PARTICIPANTS_PER_SCALE, is_generated_demo, write_network_demo
from lead_data.demo.network import MIN_PARTICIPANTS, PARTICIPANTS_PER_TEAM
from lead_data.demo.write import BulkTable, bulk_load
from lead_data.figures.quality import check_url
from lead_data.models import CONTRACT_TABLES, DEFAULT_CASELOAD_CAP, EXIT_REASONS, Base
from lead_data.progress import no_progress
from lead_data.schema import create_schema
from lead_data.site import load_site
from lead_data.zone import LOCATION_UNKNOWN, OUTSIDE_CITY, OUTSIDE_ZONE, locate
from tests.conftest import BACKENDS, database_url

AS_OF = date(2026, 11, 26)
PARTICIPANTS = 2_000
SEED = 11


@pytest.fixture(scope="module")
def network_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("network") / "network.sqlite"
    write_network_demo(path, participants=PARTICIPANTS, seed=SEED, as_of=AS_OF)
    return path


@pytest.fixture(scope="module")
def network(network_file: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{network_file}?mode=ro", uri=True)
    yield connection
    connection.close()


def one(connection: sqlite3.Connection, sql: str) -> float:
    return connection.execute(sql).fetchone()[0]


def table_digests(path: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return {
            table: hashlib.sha256(
                repr(connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()).encode()
            ).hexdigest()
            for table in CONTRACT_TABLES
        }


def all_rows(url: str) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def schema_objects(url: str) -> dict[str, tuple]:
    """Each contract table's indexes, foreign keys, unique constraints and key, as the database reports them."""
    engine = create_engine(url)
    try:
        found = inspect(engine)
        return {
            table: (
                sorted(
                    (index["name"], tuple(index["column_names"]), bool(index["unique"]))
                    for index in found.get_indexes(table)
                ),
                sorted(
                    (tuple(key["constrained_columns"]), key["referred_table"], tuple(key["referred_columns"]))
                    for key in found.get_foreign_keys(table)
                ),
                sorted(tuple(constraint["column_names"]) for constraint in found.get_unique_constraints(table)),
                tuple(found.get_pk_constraint(table)["constrained_columns"]),
            )
            for table in CONTRACT_TABLES
        }
    finally:
        engine.dispose()


# --- determinism and size ------------------------------------------------------------------------


def test_same_seed_size_and_as_of_give_identical_tables(network_file, tmp_path):
    again = tmp_path / "again.sqlite"
    write_network_demo(again, participants=PARTICIPANTS, seed=SEED, as_of=AS_OF)
    assert table_digests(again) == table_digests(network_file)


def test_another_seed_gives_other_rows(network_file, tmp_path):
    other = tmp_path / "other.sqlite"
    write_network_demo(other, participants=PARTICIPANTS, seed=SEED + 1, as_of=AS_OF)
    assert table_digests(other)["contacts"] != table_digests(network_file)["contacts"]


def test_returned_counts_are_the_rows_written(network, tmp_path):
    counts = write_network_demo(tmp_path / "counted.sqlite", participants=PARTICIPANTS, seed=SEED, as_of=AS_OF)
    assert counts == {table: one(network, f"SELECT COUNT(*) FROM {table}") for table in CONTRACT_TABLES}


def test_participants_are_as_many_as_asked_and_a_few_referred_twice(network):
    assert one(network, "SELECT COUNT(*) FROM participants") == PARTICIPANTS
    referrals = one(network, "SELECT COUNT(*) FROM referrals")
    assert PARTICIPANTS < referrals <= PARTICIPANTS * 1.05
    twice = one(network, "SELECT COUNT(*) FROM (SELECT participant_id FROM referrals GROUP BY 1 HAVING COUNT(*) > 1)")
    assert twice == referrals - PARTICIPANTS


def test_contacts_arrests_teams_and_officers_per_participant(network):
    assert 18 <= one(network, "SELECT COUNT(*) FROM contacts") / PARTICIPANTS <= 22
    assert 2.6 <= one(network, "SELECT COUNT(*) FROM arrests") / PARTICIPANTS <= 3.4
    assert one(network, "SELECT COUNT(*) FROM care_teams") == PARTICIPANTS / PARTICIPANTS_PER_TEAM
    referrals = one(network, "SELECT COUNT(*) FROM referrals")
    assert referrals / 150 <= one(network, "SELECT COUNT(*) FROM officers") <= referrals / 50


def test_each_team_is_a_peer_and_a_case_manager_with_a_few_supervisors(network):
    roles = dict(network.execute("SELECT role, COUNT(*) FROM staff GROUP BY role").fetchall())
    teams = one(network, "SELECT COUNT(*) FROM care_teams")
    assert roles["peer"] == roles["case_manager"] == teams
    assert 2 <= roles["supervisor"] <= teams
    mismatched = """SELECT COUNT(*) FROM care_teams t JOIN staff p ON p.staff_id = t.peer_id
        JOIN staff m ON m.staff_id = t.case_manager_id WHERE p.role <> 'peer' OR m.role <> 'case_manager'"""
    assert one(network, mismatched) == 0


# --- the contract --------------------------------------------------------------------------------


def test_the_contract_check_finds_nothing_wrong(network_file):
    assert check_url(f"sqlite:///{network_file}", today=AS_OF) == []


def test_the_schema_is_the_migrations_own(network_file, tmp_path):
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    create_schema(fresh)
    assert schema_objects(f"sqlite:///{network_file}") == schema_objects(fresh)


def test_the_file_is_marked_as_a_generated_demo(network_file):
    assert is_generated_demo(network_file)


# --- the state on the as-of date -----------------------------------------------------------------

ACTIVE = f"intake_on <= '{AS_OF}' AND (exited_on IS NULL OR exited_on > '{AS_OF}')"
ACTIVE_E = f"e.intake_on <= '{AS_OF}' AND (e.exited_on IS NULL OR e.exited_on > '{AS_OF}')"


def test_active_caseloads_are_about_25_with_a_few_teams_over_cap(network):
    caseloads = dict(
        network.execute(
            f"""SELECT t.team_id, COUNT(e.enrollment_id) FROM care_teams t
            LEFT JOIN enrollments e ON e.team_id = t.team_id AND {ACTIVE_E}
            WHERE t.active GROUP BY t.team_id"""
        ).fetchall()
    )
    assert 24 <= statistics.mean(caseloads.values()) <= 26
    over_cap = [team for team, caseload in caseloads.items() if caseload > DEFAULT_CASELOAD_CAP]
    assert 1 <= len(over_cap) <= max(1, len(caseloads) // 5)
    assert min(caseloads.values()) >= 20


def test_active_participants_are_about_25_per_active_team(network):
    teams, active_teams = network.execute("SELECT COUNT(*), SUM(active) FROM care_teams").fetchone()
    assert 24 * active_teams <= one(network, f"SELECT COUNT(*) FROM enrollments WHERE {ACTIVE}") <= 26 * teams


def test_some_clients_are_unassigned_and_an_inactive_team_still_holds_some(network):
    assert one(network, f"SELECT COUNT(*) FROM enrollments WHERE team_id IS NULL AND {ACTIVE}") >= 3
    held = """SELECT COUNT(DISTINCT t.team_id) FROM care_teams t JOIN enrollments e ON e.team_id = t.team_id
        WHERE NOT t.active AND e.exited_on IS NULL"""
    assert one(network, held) >= 1


def test_the_others_exited_with_the_contracts_reasons(network):
    reasons = dict(
        network.execute(
            "SELECT exit_reason, COUNT(*) FROM enrollments WHERE exited_on IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    assert set(reasons) == set(EXIT_REASONS)
    enrolled = one(network, "SELECT COUNT(*) FROM enrollments")
    assert sum(reasons.values()) == enrolled - one(network, "SELECT COUNT(*) FROM enrollments WHERE exited_on IS NULL")


def test_active_clients_are_mostly_engaged_some_overdue_some_in_the_wind(network):
    days = [
        row[0]
        for row in network.execute(
            f"""SELECT julianday('{AS_OF}') - julianday(COALESCE(
                    (SELECT MAX(c.contacted_on) FROM contacts c WHERE c.participant_id = e.participant_id
                     AND c.kind IN ('in_person', 'phone') AND c.contacted_on <= '{AS_OF}'), e.intake_on))
                FROM enrollments e WHERE {ACTIVE}"""
        )
    ]
    engaged = sum(day <= 14 for day in days) / len(days)
    overdue = sum(15 <= day <= 30 for day in days) / len(days)
    in_the_wind = sum(day > 30 for day in days) / len(days)
    assert engaged >= 0.7 and 0.05 <= overdue <= 0.2 and 0.03 <= in_the_wind <= 0.15


def test_referrals_are_mostly_eligible_and_intake_comes_within_days(network):
    eligible = one(network, "SELECT AVG(eligibility = 'eligible') FROM referrals")
    assert eligible >= 0.75
    days = [
        row[0]
        for row in network.execute(
            """SELECT julianday(e.intake_on) - julianday(date(r.referred_at))
            FROM enrollments e JOIN referrals r USING (referral_id)"""
        )
    ]
    assert statistics.median(days) <= 3 and max(days) <= 30


def test_referrals_spread_from_2017_to_the_as_of_date(network):
    years = dict(network.execute("SELECT substr(referred_at, 1, 4), COUNT(*) FROM referrals GROUP BY 1").fetchall())
    assert set(years) == {str(year) for year in range(2017, AS_OF.year + 1)}
    assert one(network, "SELECT MAX(date(referred_at)) FROM referrals") <= AS_OF.isoformat()


def test_the_rearrest_rate_is_low(network):
    rate = one(
        network,
        """WITH first AS (SELECT participant_id, MIN(intake_on) AS t0 FROM enrollments GROUP BY participant_id)
        SELECT CAST(COUNT(DISTINCT a.participant_id) AS REAL) / (SELECT COUNT(*) FROM first)
        FROM arrests a JOIN first f ON f.participant_id = a.participant_id
        WHERE a.referral_id IS NULL AND date(a.arrested_at) > f.t0""",
    )
    assert 0.1 <= rate <= 0.4


def test_arrests_come_before_the_referral_and_after_intake(network):
    before = """SELECT COUNT(*) FROM arrests a WHERE a.referral_id IS NULL AND date(a.arrested_at) <
        (SELECT MIN(date(r.referred_at)) FROM referrals r WHERE r.participant_id = a.participant_id)"""
    assert one(network, before) > PARTICIPANTS


def test_most_referrals_lie_in_the_sites_zones(network):
    longitudes, latitudes = zip(*network.execute("SELECT longitude, latitude FROM referrals").fetchall(), strict=True)
    places = locate(load_site(), longitudes, latitudes).tolist()
    in_zones = sum(place not in (OUTSIDE_ZONE, LOCATION_UNKNOWN, OUTSIDE_CITY) for place in places)
    assert in_zones / len(places) >= 0.75
    assert places.count(OUTSIDE_CITY) == 0
    assert places.count(LOCATION_UNKNOWN) / len(places) <= 0.1


# --- the command line -----------------------------------------------------------------------------


def test_scale_on_the_command_line_writes_a_network_file(tmp_path, capsys):
    path = tmp_path / "scaled.sqlite"
    scale = PARTICIPANTS / PARTICIPANTS_PER_SCALE
    assert main(["demo", "--out", str(path), "--scale", str(scale), "--as-of", AS_OF.isoformat()]) == 0
    assert f"{PARTICIPANTS:,} participants" in capsys.readouterr().out
    assert is_generated_demo(path)
    with sqlite3.connect(path) as connection:
        assert one(connection, "SELECT COUNT(*) FROM participants") == PARTICIPANTS


def test_participants_on_the_command_line_give_the_same_database_as_the_scale(tmp_path):
    by_scale, by_count = tmp_path / "by_scale.sqlite", tmp_path / "by_count.sqlite"
    as_of = ["--as-of", AS_OF.isoformat()]
    assert main(["demo", "--out", str(by_scale), "--scale", "0.011", *as_of]) == 0
    assert main(["demo", "--out", str(by_count), "--participants", "1100", *as_of]) == 0
    assert table_digests(by_scale) == table_digests(by_count)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scale", "1", "--participants", "100"], "not allowed with argument"),
        (["--scale", "0"], "not a number above 0"),
        (["--scale", "-2"], "not a number above 0"),
        (["--scale", "many"], "not a number above 0"),
        (["--participants", "1.5"], "not a whole number above 0"),
        (["--participants", "10"], f"at least {MIN_PARTICIPANTS:,} participants"),
    ],
)
def test_a_wrong_size_ends_with_one_line(tmp_path, capsys, arguments, message):
    path = tmp_path / "never.sqlite"
    assert exit_status(["demo", "--out", str(path), *arguments]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert not path.exists()


def exit_status(arguments: list[str]) -> int:
    """main's exit status, whether it returns it or argparse exits with it."""
    try:
        return main(arguments)
    except SystemExit as exit:
        return exit.code


# --- loading into a database -----------------------------------------------------------------------


def test_a_database_holding_rows_is_refused_and_left_as_it_was(tmp_path):
    url = f"sqlite:///{tmp_path / 'program.sqlite'}"
    create_schema(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO officers (officer_id, badge_number, name, unit) VALUES (1, 'B1', 'Real', 'Unit')")
        )
    engine.dispose()
    before = schema_objects(url)
    with pytest.raises(ValueError, match="already holds rows in officers"):
        write_network_demo(url, participants=MIN_PARTICIPANTS, seed=SEED, as_of=AS_OF)
    assert all_rows(url)["officers"] == [(1, "B1", "Real", "Unit", None)]
    assert all_rows(url)["contacts"] == []
    assert schema_objects(url) == before


def test_postgresql_loaded_by_copy_holds_the_same_rows_as_sqlite(network_file, postgres_server):
    url = postgres_server.create_database("network")
    write_network_demo(url, participants=PARTICIPANTS, seed=SEED, as_of=AS_OF)
    assert all_rows(url) == all_rows(f"sqlite:///{network_file}")
    assert check_url(url, today=AS_OF) == []


def test_postgresql_keeps_the_migrations_indexes_foreign_keys_and_moves_the_sequences(postgres_server):
    url, fresh = postgres_server.create_database("network"), postgres_server.create_database("fresh")
    write_network_demo(url, participants=MIN_PARTICIPANTS, seed=SEED, as_of=AS_OF)
    create_schema(fresh)
    assert schema_objects(url) == schema_objects(fresh)
    engine = create_engine(url)
    with engine.begin() as connection:
        largest = connection.execute(text("SELECT MAX(contact_id) FROM contacts")).scalar()
        added = connection.execute(
            text(
                "INSERT INTO contacts (participant_id, contacted_on, kind) "
                "VALUES (1, '2026-11-26', 'phone') RETURNING contact_id"
            )
        ).scalar()
    engine.dispose()
    assert added == largest + 1


def test_a_postgresql_database_holding_rows_is_refused(postgres_server):
    url = postgres_server.create_database("network")
    create_schema(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO officers (officer_id, badge_number, name, unit) VALUES (1, 'B1', 'Real', 'Unit')")
        )
    engine.dispose()
    before = schema_objects(url)
    with pytest.raises(ValueError, match="already holds rows"):
        write_network_demo(url, participants=MIN_PARTICIPANTS, seed=SEED, as_of=AS_OF)
    assert [len(rows) for rows in all_rows(url).values()] == [int(table == "officers") for table in all_rows(url)]
    assert schema_objects(url) == before


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_load_that_fails_midway_leaves_the_database_empty_with_its_indexes(backend, request, tmp_path):
    url = database_url(backend, request, tmp_path)
    create_schema(url)
    before = schema_objects(url)
    tables = {
        name: BulkTable(tuple(Base.metadata.tables[name].c.keys()), 0, lambda: iter(())) for name in CONTRACT_TABLES
    }
    officer = (1, "DEMO-1001", "Officer Demo-001", "Central District Patrol", None)
    tables["officers"] = BulkTable(tables["officers"].columns, 1, lambda: iter([[officer]]))
    tables["staff"] = BulkTable(tables["staff"].columns, 1, lambda: iter([[(1, "Elm Peer-001", "janitor", True)]]))
    engine = create_engine(url)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        bulk_load(tables)(connection, no_progress)
    engine.dispose()
    assert all(rows == [] for rows in all_rows(url).values())
    assert schema_objects(url) == before


def test_a_network_a_month_old_has_as_many_participants_as_asked_and_passes_the_check(tmp_path):
    path, as_of = tmp_path / "young.sqlite", date(2017, 3, 1)
    counts = write_network_demo(path, participants=MIN_PARTICIPANTS, seed=SEED, as_of=as_of)
    assert counts["participants"] == MIN_PARTICIPANTS < counts["referrals"]
    assert check_url(f"sqlite:///{path}", today=as_of) == []
