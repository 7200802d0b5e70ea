"""Functions that SQLite and PostgreSQL spell differently, so every query reads the same on both.

SQLite keeps dates as ISO text (what SQLAlchemy writes); PostgreSQL has real date types. Each
construct below compiles to the idiom of the dialect it runs on and always yields the same values.
SQLite lacks Unicode case folding: every SQLite connection gets ``folded``'s Python function.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import Any

from sqlalchemy import Date, Integer, String, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import Pool
from sqlalchemy.sql.expression import FunctionElement


class date_of(FunctionElement[Any]):
    """The calendar date of a timestamp."""

    type = Date()
    inherit_cache = True
    name = "date_of"


@compiles(date_of)
def _date_of_default(element: date_of, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(date_of, "sqlite")
def _date_of_sqlite(element: date_of, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


class month_of(FunctionElement[Any]):
    """The first day of the month of a date or timestamp, as 'YYYY-MM-01' text."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of)
def _month_of_default(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-01')"


@compiles(month_of, "sqlite")
def _month_of_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m-01', {compiler.process(element.clauses, **kw)})"


class days_between(FunctionElement[Any]):
    """Whole days from the first date to the second (``later - earlier``); both must be dates."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element: days_between, compiler: Any, **kw: Any) -> str:
    earlier, later = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    earlier, later = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


class quarter_of(FunctionElement[Any]):
    """The calendar quarter of a date or timestamp, as 'YYYY-Qn' text."""

    type = String()
    inherit_cache = True
    name = "quarter_of"


@compiles(quarter_of)
def _quarter_of_default(element: quarter_of, compiler: Any, **kw: Any) -> str:
    return f"""to_char({compiler.process(element.clauses, **kw)}, 'YYYY-"Q"Q')"""


@compiles(quarter_of, "sqlite")
def _quarter_of_sqlite(element: quarter_of, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"(strftime('%Y', {value}) || '-Q' || ((CAST(strftime('%m', {value}) AS INTEGER) + 2) / 3))"


class add_months(FunctionElement[Any]):
    """A date plus a whole number of calendar months, clamped to the end of a shorter month
    (31 January + 1 month = 28 or 29 February), as PostgreSQL's interval arithmetic does."""

    type = Date()
    inherit_cache = True
    name = "add_months"


@compiles(add_months)
def _add_months_default(element: add_months, compiler: Any, **kw: Any) -> str:
    day, months = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(CAST({day} AS DATE) + make_interval(months => CAST({months} AS INTEGER)) AS DATE)"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: add_months, compiler: Any, **kw: Any) -> str:
    # SQLite's '+N months' rolls 31 January over into March; the last day of the target month caps it.
    day, months = (compiler.process(clause, **kw) for clause in element.clauses)
    return (
        f"min(date({day}, printf('%+d months', {months})), "
        f"date({day}, 'start of month', printf('%+d months', {months} + 1), '-1 day'))"
    )


class add_days(FunctionElement[Any]):
    """A date plus a whole number of days, as a date: compared with a timestamp it stands for that
    day's midnight, so ``arrested_at >= add_days(day, 1)`` reads an index on ``arrested_at``."""

    type = Date()
    inherit_cache = True
    name = "add_days"


@compiles(add_days)
def _add_days_default(element: add_days, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(CAST({day} AS DATE) + CAST({days} AS INTEGER))"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler: Any, **kw: Any) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({day}, printf('%+d days', {days}))"


class month_number(FunctionElement[Any]):
    """Months since the start of year 0 of a date or timestamp (year × 12 + month): the months
    between two dates' calendar months is the difference of their month numbers."""

    type = Integer()
    inherit_cache = True
    name = "month_number"


@compiles(month_number)
def _month_number_default(element: month_number, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT(YEAR FROM {value}) * 12 + EXTRACT(MONTH FROM {value}) AS INTEGER)"


@compiles(month_number, "sqlite")
def _month_number_sqlite(element: month_number, compiler: Any, **kw: Any) -> str:
    # Dates and timestamps are ISO text here: the year and month are read straight off the text.
    value = compiler.process(element.clauses, **kw)
    return f"(CAST(substr({value}, 1, 4) AS INTEGER) * 12 + CAST(substr({value}, 6, 2) AS INTEGER))"


class floor_of(FunctionElement[Any]):
    """The largest whole number not above a number (``floor``; SQLite builds may lack its math functions)."""

    type = Integer()
    inherit_cache = True
    name = "floor_of"


@compiles(floor_of)
def _floor_of_default(element: floor_of, compiler: Any, **kw: Any) -> str:
    return f"CAST(floor({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(floor_of, "sqlite")
def _floor_of_sqlite(element: floor_of, compiler: Any, **kw: Any) -> str:
    # CAST truncates toward zero: a negative number with a fraction is one less than its truncation.
    value = compiler.process(element.clauses, **kw)
    return f"(CAST({value} AS INTEGER) - ({value} < CAST({value} AS INTEGER)))"


def fold(text: str) -> str:
    """``text`` as a search compares it: any case, composed accents, single spaces ("  ÑÚÑEZ " → "ñúñez")."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


_SQLITE_FOLD = "lead_fold"


class folded(FunctionElement[Any]):
    """``fold`` of a text column, in SQL: what a search term is compared with."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded)
def _folded_default(element: folded, compiler: Any, **kw: Any) -> str:
    # PostgreSQL's lower() follows the database's locale (ASCII only under "C"); under the ICU root
    # collation it lowers every letter as casefold() does, but for the letters casefold() folds
    # further: "ß" to "ss", a final "ς" and a long "ſ" to "σ" and "s". (Ligatures such as "ﬁ" stay.)
    # upper() then lower() would fold "ß" too, but would turn the Turkish dotless "ı" into "i".
    value = compiler.process(element.clauses, **kw)
    lowered = f"""translate(replace(lower(normalize({value}, NFC) COLLATE "und-x-icu"), 'ß', 'ss'), 'ςſ', 'σs')"""
    return rf"btrim(regexp_replace({lowered}, '\s+', ' ', 'g'))"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{_SQLITE_FOLD}({compiler.process(element.clauses, **kw)})"


def _sqlite_fold(text: str | None) -> str | None:
    return None if text is None else fold(text)


@event.listens_for(Pool, "connect")
def _register_sqlite_functions(dbapi_connection: Any, connection_record: Any) -> None:
    """Every SQLite connection any engine opens, the dashboard's and the tests', can run ``folded``."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(_SQLITE_FOLD, 1, _sqlite_fold, deterministic=True)
