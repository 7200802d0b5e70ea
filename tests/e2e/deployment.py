"""The pieces of a site's deployment, started on loopback for a test: a TLS certificate, nginx with
deploy/'s configuration in front of dashboard replicas, and a real OpenID Connect provider.

nginx is Debian's (``nginx``; scripts/install-system-packages.sh), the provider is
``oidc-provider-mock`` from PyPI (requirements-dev.txt). Without either the tests that need it skip,
and under ``LEAD_REQUIRE_BROWSER=1`` (CI) a skip is a failure (tests/e2e/conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROXY_TEMPLATE = REPO / "deploy" / "nginx-lead-dashboard.conf"
PLACEHOLDER = re.compile(r"@([A-Z0-9_]+)@")
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, ready, process: subprocess.Popen, log: Path, seconds: float = START_SECONDS) -> None:
    """Poll ``ready()`` until it is true; fail with the process's log if it exits or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{what} did not start within {seconds} s:\n{log.read_text(errors='replace')[-4000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with the openssl command line."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command (Debian package 'openssl')")
    certificate, key = directory / "lead-test.crt", directory / "lead-test.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate, key


def render_proxy_config(values: dict[str, str]) -> str:
    """deploy/'s nginx template with every placeholder filled, as a site fills it."""
    template = PROXY_TEMPLATE.read_text()
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(values))
    assert not missing, f"no value for {missing}"
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


class NginxProxy:
    """Debian's nginx running deploy/'s configuration on loopback, with a certificate of its own.

    The test's own main configuration only holds what a system's /etc/nginx/nginx.conf holds
    (paths under the test's directory, and an access log naming the replica behind each request).
    """

    def __init__(self, workdir: Path) -> None:
        """Choose the ports and make the certificate; ``start`` once the replicas are known."""
        self.nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
        if self.nginx is None:
            pytest.skip("no nginx (Debian package 'nginx'; scripts/install-system-packages.sh)")
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        self.certificate, self.key = self_signed_certificate(workdir)
        self.https_port, self.http_port = free_port(), free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.http_url = f"http://127.0.0.1:{self.http_port}"
        self.access_log = workdir / "access.log"
        self.error_log = workdir / "error.log"
        self.process: subprocess.Popen | None = None

    def start(self, replicas: Iterable[str], *, auth_request: str = "off", oauth2_proxy: str = "127.0.0.1:9") -> None:
        workdir = self.workdir
        first, second = replicas
        site = render_proxy_config(
            {
                "SERVER_NAME": "127.0.0.1",
                "HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
                "HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
                "TLS_CERTIFICATE": str(self.certificate),
                "TLS_CERTIFICATE_KEY": str(self.key),
                "REPLICA_1": first,
                "REPLICA_2": second,
                "AUTH_REQUEST": auth_request,
                "OAUTH2_PROXY": oauth2_proxy,
            }
        )
        (workdir / "lead-dashboard.conf").write_text(site)
        temp = "\n".join(
            f"    {kind}_temp_path {workdir / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # As root, workers would run as nobody, who cannot enter the test's private temporary directory.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        main = (
            f"{user}worker_processes 1;\npid {workdir / 'nginx.pid'};\nerror_log {self.error_log} info;\n"
            "daemon off;\nevents { worker_connections 256; }\n"
            "http {\n"
            f"{temp}\n"
            "    log_format replica '$cookie_lead_replica\t$status\t$upstream_addr\t$request\t$request_time $msec';\n"
            f"    access_log {self.access_log} replica;\n"
            f"    include {workdir / 'lead-dashboard.conf'};\n"
            "}\n"
        )
        self.config = workdir / "nginx.conf"
        self.config.write_text(main)
        command = [self.nginx, "-p", str(workdir), "-c", str(self.config), "-e", str(self.error_log)]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, f"nginx -t refused deploy/'s configuration:\n{checked.stderr}"
        self._output = (workdir / "nginx.out").open("wb")
        self.process = subprocess.Popen(command, stdout=self._output, stderr=subprocess.STDOUT)
        wait_for("nginx", self._listening, self.process, self.error_log)

    def _listening(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
            return True

    def tls_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts this proxy's certificate (and nothing else)."""
        return ssl.create_default_context(cafile=str(self.certificate))

    def requests(self) -> list[tuple[str, ...]]:
        """Every request so far: the browser's lead_replica cookie ("-" before it has one), the status,
        the upstream addresses tried ("A, B" when A failed; ":" between hops of an internal redirect),
        the request line, and its duration and end time in seconds."""
        return [tuple(line.split("\t")) for line in self.access_log.read_text().splitlines()]

    def requests_for(self, request_line: str, timeout: float = 10.0) -> list[tuple[str, ...]]:
        """The logged requests whose request line holds ``request_line``, waiting for the first: nginx
        writes a request's line when it finishes it, which can be after the client has the whole answer."""
        deadline = time.monotonic() + timeout
        while True:
            found = [request for request in self.requests() if request_line in request[3]]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self._output.close()


class OidcProvider:
    """``oidc-provider-mock`` on a free loopback port, knowing the given users (their claims)."""

    def __init__(self, workdir: Path, users: Iterable[dict]) -> None:
        if shutil.which("oidc-provider-mock", path=str(Path(sys.executable).parent)) is None:
            pytest.skip("no oidc-provider-mock (pip install -r requirements-dev.txt)")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metadata_url = f"{self.url}/.well-known/openid-configuration"
        command = [str(Path(sys.executable).parent / "oidc-provider-mock"), "--port", str(self.port)]
        for claims in users:
            command += ["--user-claims", json.dumps(claims)]
        workdir.mkdir(parents=True, exist_ok=True)
        self.log = workdir / "oidc-provider.log"
        self._output = self.log.open("wb")
        self.process = subprocess.Popen(command, stdout=self._output, stderr=subprocess.STDOUT)
        wait_for("oidc-provider-mock", self._ready, self.process, self.log)

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.metadata_url, timeout=2) as response:
                return response.status == 200
        except urllib.error.URLError:
            return False

    def stop(self) -> None:
        stop(self.process)
        self._output.close()
