"""Small program databases built inside a test, row by row, with sensible defaults.

A test names only what its rule is about: ``db.enroll(person, intake_on=...)``; everything else
gets a valid default. The dashboard reads the result through its own read-only engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from itertools import count
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, insert, text

from lead_data.db import read_only_engine
from lead_data.models import (
    Arrest,
    Assessment,
    Base,
    Booking,
    CareTeam,
    ComparisonArrest,
    ComparisonPerson,
    Consent,
    Contact,
    Enrollment,
    Officer,
    Participant,
    Referral,
    Service,
    Staff,
)


class ProgramDatabase:
    def __init__(self, url: str) -> None:
        self.url = url
        self._writer: Engine = create_engine(self.url)
        self.backend = self._writer.dialect.name
        Base.metadata.create_all(self._writer)
        self._ids = count(1)
        self._reader: Engine | None = None

    def _add(self, model: type[Base], **values: Any) -> int:
        key = model.__table__.primary_key.columns.values()[0].name
        values.setdefault(key, next(self._ids))
        with self._writer.begin() as conn:
            conn.execute(insert(model), [values])
        return values[key]

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection through the dashboard's own read-only engine."""
        if self._reader is None:
            self._reader = read_only_engine(self.url)
        with self._reader.connect() as conn:
            yield conn

    def execute(self, *statements: str) -> None:
        """Raw SQL as the database's owner, for tests that damage the schema on purpose."""
        with self._writer.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))

    def drop_table(self, table: str) -> None:
        self.execute(f"DROP TABLE {table} CASCADE" if self.backend == "postgresql" else f"DROP TABLE {table}")

    def dispose(self) -> None:
        self._writer.dispose()
        if self._reader is not None:
            self._reader.dispose()

    # --- rows ---------------------------------------------------------------------------

    def officer(self, *, unit: str = "Central District Patrol", lead_trained_on: date | None = None) -> int:
        number = next(self._ids)
        return self._add(
            Officer,
            badge_number=f"TEST-{number}",
            name=f"Officer Test-{number}",
            unit=unit,
            lead_trained_on=lead_trained_on,
        )

    def staff(self, *, role: str = "peer", active: bool = True) -> int:
        return self._add(Staff, name=f"Staff Test-{next(self._ids)}", role=role, active=active)

    def team(self, name: str | None = None, *, cap: int = 28, active: bool = True) -> int:
        peer = self.staff(role="peer")
        case_manager = self.staff(role="case_manager")
        number = next(self._ids)
        return self._add(
            CareTeam,
            name=name or f"Team {number}",
            peer_id=peer,
            case_manager_id=case_manager,
            caseload_cap=cap,
            active=active,
        )

    def participant(
        self,
        first_name: str = "Test",
        last_name: str | None = None,
        *,
        race: str | None = None,
        sex: str | None = None,
        date_of_birth: date | None = None,
    ) -> int:
        number = next(self._ids)
        return self._add(
            Participant,
            participant_id=number,
            first_name=first_name,
            last_name=last_name or f"Person-{number}",
            race=race,
            sex=sex,
            date_of_birth=date_of_birth,
        )

    def referral(
        self,
        participant_id: int,
        referred_on: date | datetime,
        *,
        referral_type: str = "arrest_diversion",
        offense: str | None = "drug",
        eligibility: str = "eligible",
        ineligible_reason: str | None = None,
        sao_verified_on: date | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        officer_id: int | None = None,
    ) -> int:
        referred_at = referred_on if isinstance(referred_on, datetime) else datetime.combine(referred_on, time(10, 30))
        return self._add(
            Referral,
            participant_id=participant_id,
            officer_id=officer_id,
            referred_at=referred_at,
            referral_type=referral_type,
            offense=offense,
            eligibility=eligibility,
            ineligible_reason=ineligible_reason,
            sao_verified_on=sao_verified_on,
            latitude=latitude,
            longitude=longitude,
        )

    def enroll(
        self,
        participant_id: int,
        *,
        intake_on: date,
        referred_on: date | None = None,
        team_id: int | None = None,
        exited_on: date | None = None,
        exit_reason: str | None = None,
        referral_type: str = "arrest_diversion",
        officer_id: int | None = None,
    ) -> int:
        """An eligible, SAO-verified referral on ``referred_on`` (default: intake day) and its enrollment."""
        referred_on = referred_on or intake_on
        referral_id = self.referral(
            participant_id, referred_on, referral_type=referral_type, sao_verified_on=referred_on, officer_id=officer_id
        )
        return self._add(
            Enrollment,
            participant_id=participant_id,
            referral_id=referral_id,
            team_id=team_id,
            intake_on=intake_on,
            exited_on=exited_on,
            exit_reason=exit_reason or ("graduated" if exited_on else None),
        )

    def enrollment_referral(self, enrollment_id: int) -> int:
        with self._writer.connect() as conn:
            return (
                conn.execute(Enrollment.__table__.select().where(Enrollment.enrollment_id == enrollment_id))
                .one()
                .referral_id
            )

    def arrest(
        self,
        participant_id: int,
        arrested_at: date | datetime,
        *,
        severity: str | None = "misdemeanor",
        referral_id: int | None = None,
        warrant_only: bool | None = None,
    ) -> int:
        return self._add(
            Arrest,
            participant_id=participant_id,
            arrested_at=_at_afternoon(arrested_at),
            severity=severity,
            referral_id=referral_id,
            warrant_only=warrant_only,
        )

    def contact(self, participant_id: int, contacted_on: date, *, kind: str = "in_person") -> int:
        return self._add(Contact, participant_id=participant_id, contacted_on=contacted_on, kind=kind)

    def service(
        self, participant_id: int, *, category: str = "housing", referred_on: date, started_on: date | None = None
    ) -> int:
        return self._add(
            Service, participant_id=participant_id, category=category, referred_on=referred_on, started_on=started_on
        )

    def consent(self, participant_id: int, *, signed_on: date, revoked_on: date | None = None) -> int:
        return self._add(Consent, participant_id=participant_id, signed_on=signed_on, revoked_on=revoked_on)

    # --- outcome tables (contract version 2) ---------------------------------------------

    def assess(
        self,
        participant_id: int,
        assessed_on: date,
        *,
        housing: str | None = None,
        employed: bool | None = None,
        legal_income: bool | None = None,
    ) -> int:
        """An assessment; every answer defaults to null ("not asked")."""
        return self._add(
            Assessment,
            participant_id=participant_id,
            assessed_on=assessed_on,
            housing=housing,
            employed=employed,
            legal_income=legal_income,
        )

    def book(
        self, participant_id: int, booked_on: date, *, released_on: date | None = None, arrest_id: int | None = None
    ) -> int:
        """A jail booking; without ``released_on`` the person is still held."""
        return self._add(
            Booking, participant_id=participant_id, booked_on=booked_on, released_on=released_on, arrest_id=arrest_id
        )

    def comparison_person(
        self,
        index_on: date,
        *,
        offense: str | None = "drug",
        sex: str | None = None,
        race: str | None = None,
        date_of_birth: date | None = None,
    ) -> int:
        return self._add(
            ComparisonPerson, index_on=index_on, offense=offense, sex=sex, race=race, date_of_birth=date_of_birth
        )

    def comparison_arrest(
        self,
        person_id: int,
        arrested_at: date | datetime,
        *,
        severity: str | None = None,
        warrant_only: bool | None = None,
    ) -> int:
        return self._add(
            ComparisonArrest,
            person_id=person_id,
            arrested_at=_at_afternoon(arrested_at),
            severity=severity,
            warrant_only=warrant_only,
        )


def _at_afternoon(moment: date | datetime) -> datetime:
    """A bare date becomes 14:00 that day, so a test can write arrest dates as dates."""
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time(14, 0))
