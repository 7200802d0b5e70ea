"""Speed and memory of the data layer on the demo database, printed as figures (not a test).

    .venv/bin/python scripts/benchmark.py [--url URL] [--repeat N]

Generates the default demo database in a temporary folder (timed), or reads --url, then times every
figure the pages load, uncached, as a page's first visit would. Targets: the demo database in a
few seconds; each page's figures well under a second.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lead_data import caseload, meeting, quality, queries  # noqa: E402
from lead_data.db import read_only_engine  # noqa: E402
from lead_data.demo import write_demo  # noqa: E402
from lead_data.periods import period_ending  # noqa: E402
from lead_data.public import public_summary  # noqa: E402
from lead_data.site import load_site  # noqa: E402

AS_OF = date(2026, 11, 26)


def page_figures() -> dict[str, list[tuple[Callable[..., Any], dict[str, Any]]]]:
    period = period_ending(AS_OF, "12m")
    site = load_site()
    dated = {"as_of": AS_OF}
    periodic = {"as_of": AS_OF, "period": period}
    return {
        "overview": [
            (queries.enrolled_ever, dated),
            (queries.active_count, dated),
            (queries.referral_count, periodic),
            (queries.rearrest_rate, dated),
            (queries.caseload_by_team, dated),
            (queries.unassigned_count, dated),
            (queries.active_by_month, periodic),
            (queries.referrals_by, {**periodic, "by": ("month", "referral_type")}),
            (queries.service_linkage, dated),
        ],
        "enrollment": [
            (queries.intake_count, periodic),
            (queries.days_to_intake, periodic),
            (queries.intakes_by_month, periodic),
            (queries.eligibility_funnel, periodic),
            (queries.ineligibility_reasons, periodic),
            (queries.referrals_by, {**periodic, "by": ("offense",)}),
            (queries.referrals_by, {**periodic, "by": ("unit",)}),
        ],
        "rearrests": [
            (queries.rearrest_count, periodic),
            (queries.rearrests_by_month, periodic),
            (queries.days_to_first_rearrest, dated),
            (queries.arrests_before_and_after, dated),
        ],
        "caseload": [
            (queries.caseload_by_team, dated),
            (queries.unassigned_clients, dated),
            (caseload.caseload_forecast, dated),
        ],
        "referral_map": [(queries.referral_locations, {**periodic, "site": site})],
        "participants": [
            (queries.team_names, dated),
            (queries.participant_list, {**dated, "filters": queries.ParticipantFilters(statuses=("active",))}),
        ],
        "weekly_meeting": [
            (queries.weekly_changes, dated),
            (queries.caseload_by_team, {"as_of": AS_OF - timedelta(days=7)}),
            (meeting.meeting_agenda, {**dated, "with_names": True, "with_ids": True}),
        ],
        "data_quality": [(quality.check_database, {"today": AS_OF})],
        "public_summary": [(public_summary, {**dated, "site": site})],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="benchmark this database instead of a fresh demo database")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page; the median is printed")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = arguments.url
        if url is None:
            path = Path(folder) / "demo.sqlite"
            started = time.perf_counter()
            counts = write_demo(path, as_of=AS_OF)
            seconds = time.perf_counter() - started
            print(f"demo database: {sum(counts.values()):,} rows, {path.stat().st_size / 1e6:.1f} MB, {seconds:.2f} s")
            url = f"sqlite:///{path}"
        engine = read_only_engine(url)
        print(f"\n{'page':<16}{'median ms':>10}{'slowest figure':>40}")
        for page, figures in page_figures().items():
            runs, slowest = [], ("", 0.0)
            for _ in range(arguments.repeat):
                total = 0.0
                for figure, inputs in figures:
                    with engine.connect() as conn:
                        started = time.perf_counter()
                        figure(conn, **inputs)
                        took = time.perf_counter() - started
                    total += took
                    slowest = max(slowest, (figure.__name__, took), key=lambda item: item[1])
                runs.append(total)
            name, took = slowest
            print(f"{page:<16}{statistics.median(runs) * 1000:>10.0f}{f'{name} {took * 1000:.0f} ms':>40}")
        engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
