"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temporary cluster, loopback only."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import create_engine, text

ADMIN_USER = "lead"


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, if any."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return candidates[-1].parent if candidates else None


def _children(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (command name)"
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """initdb + pg_ctl as the ``postgres`` user (they refuse root), trust auth on 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)")
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        self._database_numbers = itertools.count(1)
        root.mkdir(parents=True, exist_ok=True)
        shutil.chown(root, "postgres", "postgres")
        self._as_postgres(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", ADMIN_USER, "-E", "UTF8", "--locale=C.UTF-8"
        )

    def _as_postgres(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._as_postgres(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start"
        )
        self._wait_until_ready()

    def stop(self, *, missing_ok: bool = False) -> None:
        if missing_ok and not (self.data / "postmaster.pid").exists():
            return
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The server and its sessions stopped with SIGSTOP (a hung server: connections stay open,
        nothing answers), and always resumed with SIGCONT on the way out."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        stopped: list[int] = []
        try:
            for pid in [postmaster, *_children(postmaster)]:  # the postmaster first: it forks no more
                try:
                    os.kill(pid, signal.SIGSTOP)
                except ProcessLookupError:  # a session that ended meanwhile
                    continue
                stopped.append(pid)
            yield
        finally:
            for pid in reversed(stopped):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

    def _wait_until_ready(self, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{ADMIN_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "test", *, template: str | None = None) -> str:
        """A new database, empty or a copy of the database named ``template``; returns its URL."""
        name = f"{prefix}_{next(self._database_numbers)}"
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        copy = f' TEMPLATE "{template}"' if template else ""
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        engine.dispose()
        return self.url(name)
