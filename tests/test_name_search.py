"""The participant list's name search finds names whatever their letters' case, accents included,
and the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from lead_data.figures import participants

D = date(2024, 6, 30)


@pytest.fixture
def people(db):
    nunez = db.participant("Ana", "Ñúñez")
    db.enroll(nunez, intake_on=date(2024, 5, 1))
    other = db.participant("Bo", "Nunez")
    db.enroll(other, intake_on=date(2024, 5, 2))
    return {"nunez": nunez, "other": other}


def found(db, name: str) -> list[int]:
    with db.connect() as conn:
        rows = participants.participant_list(conn, as_of=D, filters=participants.ParticipantFilters(name=name))
    return rows["participant_id"].tolist()


@pytest.mark.parametrize("search", ["ñúñ", "ÑÚÑ", "Ñúñez", "ana ñúñez", "  ANA   ÑÚÑEZ "])
def test_a_name_with_accented_capitals_is_found_in_any_case(db, people, search):
    assert found(db, search) == [people["nunez"]]


def test_accents_still_tell_names_apart(db, people):
    assert found(db, "nunez") == [people["other"]]
    assert sorted(found(db, "")) == sorted(people.values())
