"""The dashboard's pages, in one list: the router (dashboard.py) declares them from it, the page gate
(``ui.access.require_page``) finds the running page in it, and the tests and the docs read it.

Which role may open which page is access policy, not navigation: ``lead_data.access.PERMISSIONS`` names
the pages each role opens by their ``key``, the name of the page's script (``pages/overview.py``: "overview").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APP_FOLDER = Path(__file__).resolve().parents[1]  # dashboard.py's folder: page paths are relative to it


@dataclass(frozen=True)
class DashboardPage:
    path: str  # the page's script, relative to APP_FOLDER
    title: str
    icon: str

    @property
    def key(self) -> str:
        """The page's name in lead_data.access.PERMISSIONS: its script's, without ".py"."""
        return Path(self.path).stem


SECTIONS: dict[str, tuple[DashboardPage, ...]] = {
    "Leadership": (
        DashboardPage("pages/overview.py", "Overview", ":material/dashboard:"),
        DashboardPage("pages/public_summary.py", "Public summary", ":material/public:"),
    ),
    "Program": (
        DashboardPage("pages/enrollment.py", "Enrollment", ":material/how_to_reg:"),
        DashboardPage("pages/rearrests.py", "Re-arrests", ":material/gavel:"),
        DashboardPage("pages/outcomes.py", "Outcomes", ":material/trending_down:"),
        DashboardPage("pages/equity.py", "Equity", ":material/balance:"),
        DashboardPage("pages/officers.py", "Officers", ":material/local_police:"),
        DashboardPage("pages/caseload.py", "Caseload", ":material/groups:"),
        DashboardPage("pages/referral_map.py", "Referral map", ":material/map:"),
        DashboardPage("pages/referral_queue.py", "Referral queue", ":material/pending_actions:"),
    ),
    "Staff": (
        DashboardPage("pages/participants.py", "Participants", ":material/person_search:"),
        DashboardPage("pages/my_clients.py", "My clients", ":material/assignment_ind:"),
        DashboardPage("pages/client.py", "Client", ":material/person:"),
    ),
    "Partners": (DashboardPage("pages/weekly_meeting.py", "Weekly meeting", ":material/co_present:"),),
    "Data": (DashboardPage("pages/data_quality.py", "Data quality", ":material/fact_check:"),),
}
PAGES = tuple(page for pages in SECTIONS.values() for page in pages)


def page_of_script(script: str | Path) -> DashboardPage:
    """The page whose script is ``script`` (a page passes its ``__file__``)."""
    found = Path(script).resolve()
    for page in PAGES:
        if APP_FOLDER / page.path == found:
            return page
    raise LookupError(f"{script} is not a page of the dashboard: declare it in ui.navigation.SECTIONS")
