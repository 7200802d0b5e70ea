"""Creating and upgrading the contract schema in a database, through the Alembic migrations
shipped in ``lead_data/migrations`` (no alembic.ini: the configuration is built here).

The first revision creates the tables of ``models.py`` exactly: keys, foreign keys, unique and
named CHECK constraints, defaults and the indexes the queries rely on. Later schema changes are new
revisions, so a site's database can be upgraded in place rather than rebuilt.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from lead_data.models import CONTRACT_TABLES

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for url; usable with any ``alembic.command`` (e.g. ``revision``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # The options go through configparser interpolation: a URL-encoded password's '%' must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision of the shipped migrations."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, f"no migrations under {MIGRATIONS}"
    return head


def schema_revision(url: str) -> str | None:
    """The revision the database at url is at; None if the migrations have never run there."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def create_schema(url: str) -> None:
    """Bring the database at url to the newest revision (``alembic upgrade head``).

    Harmless on a database already at head. Raises ValueError, changing nothing, when the database
    holds contract tables the migrations did not create (made by hand or by another tool): upgrading
    would collide with them.
    """
    if schema_revision(url) is None:
        existing = _existing_contract_tables(url)
        if existing:
            raise ValueError(
                f"the database already has contract tables not created by these migrations "
                f"({', '.join(existing)}); leaving it unchanged"
            )
    command.upgrade(alembic_config(url), "head")


def _existing_contract_tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        present = set(inspector.get_table_names()) | set(inspector.get_view_names())
    finally:
        engine.dispose()
    return [table for table in CONTRACT_TABLES if table in present]
