"""Many Streamlit sessions read a SQLite program database at once: each must get a connection of its own.

Regression: the read-only SQLite engine used SQLAlchemy's SingletonThreadPool (chosen for a bare
"sqlite://" URL), which closes connections that other threads are still using once more than five
threads query together, and the sqlite3 module then segfaults the server. Found by the browser
test that opens the weekly meeting in twenty tabs at once. The threads run in a child process so
that a crash fails this test instead of ending the test run.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.pool import QueuePool

from lead_data.db import read_only_engine
from lead_data.demo import write_demo

REPO = Path(__file__).resolve().parents[1]
THREADS = 24

READERS = f"""
import sys, threading
from datetime import date, timedelta
from lead_data.figures import meeting
from lead_data.db import read_only_engine

engine = read_only_engine(sys.argv[1])
errors = []

def read(number):
    try:
        for round in range(3):
            with engine.connect() as conn:
                meeting.weekly_changes(conn, as_of=date(2026, 11, 26) - timedelta(days=number + round))
    except Exception as error:  # noqa: BLE001
        errors.append(repr(error))

threads = [threading.Thread(target=read, args=(number,)) for number in range({THREADS})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(errors), errors[:3])
sys.exit(1 if errors else 0)
"""


def test_the_sqlite_engine_gives_each_thread_its_own_connection(tmp_path: Path):
    path = tmp_path / "demo.sqlite"
    write_demo(path, as_of=date(2026, 11, 26))
    url = f"sqlite:///{path}"
    engine = read_only_engine(url)
    assert isinstance(engine.pool, QueuePool)
    engine.dispose()

    result = subprocess.run([sys.executable, "-c", READERS, url], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"exit {result.returncode} (-11 is a segfault): {result.stdout}{result.stderr}"
