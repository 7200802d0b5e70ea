"""Rules of the code's shape that no other test would notice breaking: no module reaches into another
module's private names (what two modules share is public, documented, in ``lead_data.sql`` or the
module that owns it), and the data layer never imports Streamlit.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("lead_data", "ui", "pages", "scripts", "tests", "dashboard.py")


def python_files() -> list[Path]:
    files: list[Path] = []
    for name in CHECKED:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_local_module(dotted: str) -> bool:
    """Whether ``dotted`` names a module or package of this repository."""
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private_reaches(source: str) -> Iterator[tuple[int, str]]:
    """Each ``from x import _y`` and each ``m._y`` on a module ``m`` the file imported, as (line, what)."""
    tree = ast.parse(source)
    modules: set[str] = set()  # names the file binds to a module
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                modules.add(alias.asname or alias.name.split(".")[0])
                if is_private(alias.name.split(".")[-1]):
                    yield node.lineno, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if is_private(alias.name):
                    yield node.lineno, f"from {node.module} import {alias.name}"
                elif is_local_module(f"{node.module}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            yield node.lineno, f"{node.value.id}.{node.attr}"


def imports_streamlit(source: str) -> Iterator[int]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "streamlit" for alias in node.names):
            yield node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "streamlit":
            yield node.lineno


@pytest.mark.parametrize("path", python_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_uses_another_module_s_private_names(path):
    found = [f"line {line}: {what}" for line, what in private_reaches(path.read_text(encoding="utf-8"))]
    assert not found, f"{path.relative_to(ROOT)} reaches into private names: {found}"


def test_nothing_in_the_data_layer_imports_streamlit():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "lead_data").rglob("*.py"))
        for line in imports_streamlit(path.read_text(encoding="utf-8"))
    ]
    assert not found


def test_the_checks_catch_what_they_look_for():
    reaching = "import os\nfrom lead_data.db import _helper\nfrom lead_data import sql\nsql._hidden()\nos._exit(0)\n"
    assert [what for _, what in private_reaches(reaching)] == [
        "from lead_data.db import _helper",
        "sql._hidden",
        "os._exit",
    ]
    # A private attribute of an object (not of a module) is the object's own business.
    assert not list(private_reaches("from tests.program import ProgramDatabase\ndef f(db):\n    db._add()\n"))
    assert list(imports_streamlit("import streamlit as st\n")) == [1]
    assert list(imports_streamlit("from streamlit.testing.v1 import AppTest\n")) == [1]
