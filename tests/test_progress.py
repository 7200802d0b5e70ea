"""Long work shows progress: the commands draw rich's bar on stderr when it is a terminal, and write
nothing there when it is a file or a log. The work reports through a callback that knows no bar."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from datetime import date
from pathlib import Path

import pytest

from lead_data.demo import write_demo

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 26)
ERASE_LINE = "\x1b[2K"  # what a bar sends before each redraw, and when it is wiped
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def on_a_terminal(*arguments: str) -> tuple[int, str, str]:
    """``python -m lead_data ARGUMENTS`` with stderr on a pseudo-terminal 100 columns wide: the exit
    status, stdout, and everything written to the terminal."""
    terminal, command_side = pty.openpty()
    fcntl.ioctl(command_side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    with subprocess.Popen(
        [sys.executable, "-m", "lead_data", *arguments],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=command_side,
        text=True,
    ) as command:
        os.close(command_side)
        written = b""
        while True:  # read as it is written, so the command never waits on a full terminal
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # the command has ended and closed its side
                break
            if not chunk:
                break
            written += chunk
        os.close(terminal)
        assert command.stdout is not None
        stdout = command.stdout.read()
        status = command.wait(timeout=120)
    return status, stdout, written.decode()


def last_shown(written: str) -> str:
    """The text a terminal shows after the bar's last redraw (or wipe), without colours."""
    return ESCAPE.sub("", written.rsplit(ERASE_LINE, 1)[-1]).replace("\r", "")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "demo.sqlite"
    write_demo(path, as_of=AS_OF)
    return path


def test_generating_reports_stages_in_order_from_nothing_to_done(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []
    write_demo(tmp_path / "demo.sqlite", as_of=AS_OF, progress=lambda *step: seen.append(step))
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and seen[-1] == ("Done", 1.0)
    stages = list(dict.fromkeys(stage for stage, _ in seen))
    assert stages[:2] == ["Drawing the program's history", "Creating the schema"]
    assert "Writing contacts" in stages and "Writing referrals" in stages


def test_on_a_terminal_the_demo_command_draws_the_bar_on_stderr_and_the_counts_on_stdout(tmp_path: Path) -> None:
    out = tmp_path / "demo.sqlite"
    status, stdout, written = on_a_terminal("demo", "--out", str(out), "--as-of", AS_OF.isoformat())
    assert status == 0, written
    assert "Wrote the demo database" in stdout and "━" not in stdout and "\x1b" not in stdout
    shown = ESCAPE.sub("", written)
    assert "Drawing the program's history" in shown and "Writing contacts" in shown
    assert re.fullmatch(r"Done ━+ 100% \d+:\d\d:\d\d\n", last_shown(written)), last_shown(written)


def test_into_a_log_the_demo_command_writes_no_progress(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "lead_data", "demo", "--out", str(tmp_path / "demo.sqlite")]
    result = subprocess.run([*command, "--as-of", AS_OF.isoformat()], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and "Wrote the demo database" in result.stdout


def test_a_command_stopped_by_a_mistake_wipes_its_bar_and_shows_the_error_alone(tmp_path: Path) -> None:
    in_a_file = tmp_path / "a-file"
    in_a_file.write_text("")  # the demo is drawn, then cannot be written under a file
    status, stdout, written = on_a_terminal("demo", "--out", str(in_a_file / "demo.sqlite"), "--as-of", "2024-06-30")
    assert status != 0 and stdout == ""
    assert "Drawing the program's history" in ESCAPE.sub("", written)  # the bar was drawn before the mistake
    assert re.fullmatch(r"python -m lead_data: error: cannot write .*\n", last_shown(written)), last_shown(written)


def test_on_a_terminal_the_check_command_counts_the_tables_and_rows_it_has_read(demo_file: Path) -> None:
    status, stdout, written = on_a_terminal("check", "--url", f"sqlite:///{demo_file}", "--today", AS_OF.isoformat())
    assert status == 0, written
    assert "No problems found" in stdout and "\x1b" not in stdout
    final = last_shown(written)
    assert re.fullmatch(r"Checking the tables \([\d,]+ rows read\) ━+ 100% \d+:\d\d:\d\d\n", final), final
