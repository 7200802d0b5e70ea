"""The server's own settings in .streamlit/config.toml."""

from __future__ import annotations

import inspect
import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


def test_the_dashboard_listens_on_loopback_only_by_default():
    assert tomllib.loads(CONFIG.read_text())["server"]["address"] == "127.0.0.1"


def test_the_browser_tests_server_names_its_own_address():
    from tests.e2e.conftest import StreamlitServer

    source = inspect.getsource(StreamlitServer.__init__)
    assert '"--server.address",\n            "127.0.0.1",' in source
