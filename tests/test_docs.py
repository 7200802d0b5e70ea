"""The documentation names everything a reader opens, runs or sets, and nothing that is gone (in the
spirit of Datasette's test_docs.py). Every list checked here is read from the code or the shipped
files, never kept by hand: a new page, figure, variable, site-file key, command or module fails here
until the docs name it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import lead_data
from lead_data.__main__ import build_parser
from lead_data.access import figures_in
from lead_data.site import DEFAULT_SITE_FILE
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DOCUMENTS = (ROOT / "README.md", *sorted(DOCS.glob("*.md")))
PAGES_DOC = DOCS / "USING.md"
FIGURES_DOC = DOCS / "FIGURES.md"
SITE_DOC = DOCS / "YOUR_SITE.md"
ARCHITECTURE_DOC = DOCS / "ARCHITECTURE.md"
ROUTER = ROOT / "dashboard.py"
MODULES_SECTION = "What each folder holds"  # the heading of ARCHITECTURE.md's list of every module
# Where the dashboard, its commands and its scripts read their environment.
CODE_READING_VARIABLES = ("lead_data", "ui", "pages", "dashboard.py", "scripts")
# The folders whose every module ARCHITECTURE.md names; of tests/, only the helpers (a test file is named
# by its subject). Alembic's revisions are one file per schema change, listed by the migrations folder.
CODE_FOLDERS = ("lead_data", "ui", "pages", "scripts")
TESTS = ROOT / "tests"
MIGRATION_REVISIONS = ROOT / "lead_data" / "migrations" / "versions"
# The site the dashboard reads by default, and every other site shipped beside it.
SITE_FILES = sorted({DEFAULT_SITE_FILE, *ROOT.glob("sites/*/site.toml")})

SOURCES = (".py", ".sh")  # the files of those folders that may read a variable
VARIABLE = re.compile(r"\bLEAD_[A-Z0-9_]+\b")
FENCED_BLOCK = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.MULTILINE)
FIGURE_LINE = re.compile(r"^- `(\w+)`", re.MULTILINE)
MODULE_NAME = re.compile(r"`(?:[\w.]+/)*(\w+\.py)`")  # `sql.py`, `ui/runlog.py`: the file's name


def documentation() -> str:
    return "\n".join(document.read_text(encoding="utf-8") for document in DOCUMENTS)


def prose(document: Path) -> str:
    """The document without its fenced code blocks, whose ``#`` and brackets are not Markdown."""
    return FENCED_BLOCK.sub("", document.read_text(encoding="utf-8"))


def router_page_titles() -> list[str]:
    """The title of every page the router declares, in its order."""
    return [page.title for page in PAGES]


def modules() -> list[Path]:
    """Every module of the code's folders and every helper module of the tests, package markers and
    Alembic's revisions aside."""
    found = [path for folder in CODE_FOLDERS for path in (ROOT / folder).rglob("*.py")]
    found += [path for path in TESTS.rglob("*.py") if not path.name.startswith("test_")]
    return sorted(
        path.relative_to(ROOT)
        for path in found
        if path.name != "__init__.py" and not path.is_relative_to(MIGRATION_REVISIONS)
    )


def python_files() -> set[str]:
    """The name of every Python file of the project: the router, the code's folders and the tests."""
    folders = [ROOT / folder for folder in CODE_FOLDERS] + [TESTS]
    return {ROUTER.name} | {path.name for folder in folders for path in folder.rglob("*.py")}


def section(document: Path, heading: str) -> str:
    """The text under ``## heading`` of a document, up to its next section."""
    text = prose(document)
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def named_modules() -> set[str]:
    """The file names ARCHITECTURE.md's list of every module gives, with or without their folders."""
    return set(MODULE_NAME.findall(section(ARCHITECTURE_DOC, MODULES_SECTION)))


def documented_page_rows() -> list[str]:
    """The first cell of every row of USING.md's table of pages (the one headed ``| page |``)."""
    rows, in_table = [], False
    for line in prose(PAGES_DOC).splitlines():
        if line.startswith("| page |"):
            in_table = True
        elif in_table and line.startswith("|"):
            if not line.startswith("|---"):
                rows.append(line.split("|")[1].strip())
        else:
            in_table = False
    return rows


def site_keys(table: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every key of a parsed TOML document that holds a value, with the tables around it."""
    for key, value in table.items():
        if isinstance(value, dict):
            yield from site_keys(value, (*path, key))
        else:
            yield path, key


def as_documented(path: tuple[str, ...], key: str) -> str:
    """How YOUR_SITE.md names a key: ``[program] name``, ``[a.b] key``, or a top-level key alone."""
    return f"`[{'.'.join(path)}] {key}`" if path else f"`{key}`"


def environment_variables() -> list[str]:
    """Every ``LEAD_*`` name in the code that reads the environment (Python and shell)."""
    places = [ROOT / name for name in CODE_READING_VARIABLES]
    sources = [place for place in places if place.is_file()]
    sources += [path for place in places if place.is_dir() for path in place.rglob("*") if path.suffix in SOURCES]
    return sorted({name for path in sources for name in VARIABLE.findall(path.read_text(encoding="utf-8"))})


def subcommands(parser: argparse.ArgumentParser) -> list[str]:
    """The commands ``parser`` takes, as its usage error lists them (argparse has no public list)."""
    with pytest.raises(SystemExit), contextlib.redirect_stderr(io.StringIO()) as error:
        parser.parse_args(["no-such-command"])
    choices = re.search(r"choose from (.+?)\)", error.getvalue())
    assert choices, error.getvalue()
    return re.findall(r"'?([\w-]+)'?", choices.group(1))


def anchors(document: Path) -> set[str]:
    """The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as
    hyphens, a repeated heading's anchor numbered."""
    found: set[str] = set()
    for heading in HEADING.findall(prose(document)):
        anchor = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        numbered, count = anchor, 0
        while numbered in found:
            count += 1
            numbered = f"{anchor}-{count}"
        found.add(numbered)
    return found


def local_links() -> list[tuple[Path, str]]:
    return [
        (document, target)
        for document in DOCUMENTS
        for target in LINK.findall(prose(document))
        if not re.match(r"[a-z]+:", target)  # https:, mailto: and the like are not checked here
    ]


def test_the_lists_are_found() -> None:
    assert {"Overview", "Client", "Data quality"} <= set(router_page_titles())
    assert {"caseload_by_team", "public_summary", "check_database"} <= {f.__name__ for f in figures_in(lead_data)}
    assert {"demo", "init-db", "check"} <= set(subcommands(build_parser()))
    assert {Path("lead_data/sql.py"), Path("ui/data.py"), Path("tests/program.py")} <= set(modules())
    assert {"sql.py", "enrollment.py", "navigation.py"} <= named_modules()
    assert SITE_FILES and local_links()


@pytest.mark.parametrize("title", router_page_titles())
def test_every_page_of_the_router_is_documented(title: str) -> None:
    assert title in documented_page_rows(), f"add the {title} page to the table of pages in {PAGES_DOC.name}"


def test_the_table_of_pages_names_only_pages_of_the_router() -> None:
    stale = set(documented_page_rows()) - set(router_page_titles())
    assert not stale, f"{PAGES_DOC.name} documents pages the router does not declare: {sorted(stale)}"


def test_every_figure_is_documented_and_every_documented_figure_exists() -> None:
    in_code = [figure.__name__ for figure in figures_in(lead_data)]
    in_docs = FIGURE_LINE.findall(FIGURES_DOC.read_text(encoding="utf-8"))
    assert len(in_code) == len(set(in_code)), "two figures share a name: the docs cannot tell them apart"
    assert len(in_docs) == len(set(in_docs)), f"{FIGURES_DOC.name} lists a figure twice"
    assert sorted(set(in_code) - set(in_docs)) == [], f"add these figures to {FIGURES_DOC.name}"
    assert sorted(set(in_docs) - set(in_code)) == [], f"{FIGURES_DOC.name} lists figures the code no longer has"


@pytest.mark.parametrize("variable", environment_variables())
def test_every_environment_variable_is_documented(variable: str) -> None:
    assert re.search(rf"\b{variable}\b", documentation()), f"document {variable} under docs/"


@pytest.mark.parametrize("site_file", SITE_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_key_of_a_shipped_site_file_is_documented(site_file: Path) -> None:
    documented = SITE_DOC.read_text(encoding="utf-8")
    keys = [as_documented(path, key) for path, key in site_keys(tomllib.loads(site_file.read_text(encoding="utf-8")))]
    missing = [key for key in keys if key not in documented]
    assert missing == [], f"add these keys of {site_file.relative_to(ROOT)} to {SITE_DOC.name}"


@pytest.mark.parametrize("command", subcommands(build_parser()))
def test_every_command_is_documented(command: str) -> None:
    assert f"python -m lead_data {command}" in documentation(), f"document `python -m lead_data {command}`"


@pytest.mark.parametrize("module", modules(), ids=str)
def test_every_module_is_named_in_the_architecture(module: Path) -> None:
    assert module.name in named_modules(), f"say what {module} holds in {ARCHITECTURE_DOC.name}, {MODULES_SECTION!r}"


def test_the_architecture_names_only_modules_that_exist() -> None:
    stale = named_modules() - python_files()
    assert not stale, f"{ARCHITECTURE_DOC.name} names modules the tree no longer has: {sorted(stale)}"


@pytest.mark.parametrize(
    "document, target", local_links(), ids=lambda value: value.name if isinstance(value, Path) else value
)
def test_every_local_link_resolves(document: Path, target: str) -> None:
    path, _, anchor = target.partition("#")
    linked = (document.parent / path).resolve() if path else document
    assert linked.exists(), f"{document.relative_to(ROOT)} links to {path}, which does not exist"
    if anchor:
        assert linked.suffix == ".md", f"{document.relative_to(ROOT)}: #{anchor} on a file that is not Markdown"
        assert anchor in anchors(linked), f"{document.relative_to(ROOT)} links to #{anchor}, not a heading of {path}"
