"""Opening the dashboard with Streamlit's AppTest, signed in as someone from the test roles file."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "dashboard.py"
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-not-used-for-anything",
    "client_id": "lead-dashboard-tests",
    "client_secret": "not-a-secret",
    "server_metadata_url": "https://id.invalid/.well-known/openid-configuration",
}
STAFF_USER = "casemanager@lead.test"
LEADERSHIP_USER = "director@lead.test"
PARTNER_USER = "detective@police.test"  # by domain
PUBLIC_USER = "visitor@community.test"
NO_ROLE_USER = "stranger@elsewhere.test"
ROLES_FILE = f"""
[users]
"{STAFF_USER}" = "staff"
"{LEADERSHIP_USER}" = "leadership"
"{PUBLIC_USER}" = "public"

[domains]
"police.test" = "partner"
"""
USER_OF_ROLE = {"staff": STAFF_USER, "leadership": LEADERSHIP_USER, "partner": PARTNER_USER, "public": PUBLIC_USER}
OVERVIEW = "pages/overview.py"


def open_app(
    page: str = OVERVIEW, *, user: str | None = STAFF_USER, first_page: str = OVERVIEW, **query: str
) -> AppTest:
    """Run the app as ``user`` (None: no sign-in configured, as on the demo) and open ``page``."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if user is not None:
        at.secrets["auth"] = AUTH_SECRETS
        at.user = {"is_logged_in": True, "email": user, "email_verified": True, "name": "Test User"}
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != first_page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}
