"""The audit log: JSON lines, UTC, appended, never a participant's name."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from lead_data.audit import EXPORT, VIEW, AuditLogUnavailable, record
from lead_data.figures.participants import ParticipantFilters


def test_each_event_is_one_json_line_in_utc_appended(tmp_path):
    log = tmp_path / "logs" / "audit.jsonl"
    record(
        event=VIEW,
        user="a@lead.test",
        role="staff",
        page="participants",
        filters={"as_of": date(2024, 6, 30)},
        path=log,
    )
    record(event=EXPORT, user="a@lead.test", role="staff", page="participants", filters={}, path=log)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["event"] for line in lines] == ["view", "export"]
    assert lines[0]["filters"] == {"as_of": "2024-06-30"}
    assert datetime.fromisoformat(lines[0]["at"]).utcoffset().total_seconds() == 0
    assert {key for key in lines[0]} == {"at", "event", "user", "role", "page", "filters"}


def test_earlier_lines_are_never_rewritten(tmp_path):
    log = tmp_path / "audit.jsonl"
    record(event=VIEW, user="a", role="staff", page="p", filters={}, path=log)
    first = log.read_bytes()
    record(event=VIEW, user="b", role="staff", page="p", filters={}, path=log)
    assert log.read_bytes().startswith(first)


def test_a_name_search_is_logged_only_as_having_been_used():
    filters = ParticipantFilters(statuses=("active",), name="Cedar Demo-0421")
    logged = json.dumps(filters.for_audit())
    assert "Cedar" not in logged and "0421" not in logged
    assert filters.for_audit()["name_search"] is True
    assert ParticipantFilters().for_audit()["name_search"] is False


def test_an_audit_log_that_cannot_be_written_says_so_and_where(tmp_path):
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the log's folder should be")
    with pytest.raises(AuditLogUnavailable, match="logs"):
        record(event=VIEW, user="a", role="staff", page="p", filters={}, path=blocker / "audit.jsonl")
