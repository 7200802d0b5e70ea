"""Long work shows progress: generating the demo database draws a bar on stderr."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from lead_data.demo import write_demo
from lead_data.progress import TextProgress

REPO = Path(__file__).resolve().parents[1]
LINE = re.compile(r"^\[[#-]{30}\] +\d+%  \S.*$")


def test_generating_reports_stages_in_order_from_nothing_to_done(tmp_path: Path):
    seen: list[tuple[str, float]] = []
    write_demo(tmp_path / "demo.sqlite", as_of=date(2026, 11, 26), progress=lambda *step: seen.append(step))
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and seen[-1] == ("Done", 1.0)
    stages = list(dict.fromkeys(stage for stage, _ in seen))
    assert stages[:2] == ["Drawing the program's history", "Creating the schema"]
    assert "Writing contacts" in stages and "Writing referrals" in stages


def test_in_a_log_the_bar_takes_one_line_per_stage():
    stream = io.StringIO()
    progress = TextProgress(stream, interactive=False)
    for stage, fraction in [("Drawing", 0.0), ("Writing contacts", 0.5), ("Writing contacts", 0.75), ("Done", 1.0)]:
        progress(stage, fraction)
    lines = stream.getvalue().splitlines()
    assert lines == [
        "[------------------------------]   0%  Drawing",
        "[###############---------------]  50%  Writing contacts",
        "[##############################] 100%  Done",
    ]


def test_a_stage_cut_short_by_a_mistake_leaves_no_line_in_a_log():
    stream = io.StringIO()
    progress = TextProgress(stream, interactive=False)
    progress("Drawing", 0.0)
    progress.abandon()
    assert stream.getvalue() == ""


def test_on_a_terminal_the_bar_redraws_one_line():
    stream = io.StringIO()
    progress = TextProgress(stream, interactive=True)
    progress("Writing a long table name", 0.25)
    progress("Done", 1.0)
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.split("\r")[1].rstrip().endswith("25%  Writing a long table name")
    assert text.split("\r")[2].startswith("[##############################] 100%  Done")
    progress("Writing again", 0.5)
    progress.abandon()
    assert stream.getvalue().endswith("\r" + " " * len("[###############---------------]  50%  Writing again") + "\r")


def test_the_command_prints_the_bar_on_stderr_and_the_counts_on_stdout(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "lead_data", "demo", "--out", str(tmp_path / "demo.sqlite"), "--as-of", "2026-11-26"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote the demo database" in result.stdout and "[" not in result.stdout
    lines = result.stderr.splitlines()
    assert all(LINE.match(line) for line in lines), lines
    assert lines[-1].endswith("100%  Done")
