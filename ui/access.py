"""Who is looking, and what they may see: sign-in, roles, idle sign-out and the audit trail.

Identity comes from, in order: Streamlit's OIDC sign-in when secrets.toml has an ``[auth]``
section, trusted only when the identity provider vouches for the email (``verified_email``); a
header set by an authenticating reverse proxy, when ``LEAD_TRUST_PROXY_HEADER`` names it;
otherwise nobody, which is allowed only on the demo database. Roles come from the roles file.
The router works the viewer out once per run (``viewer_of_this_run``); every gate reads that.
Every page calls ``require_page(__file__)`` first, so a page refuses to draw for a role that may not
see it even when reached by its URL. What a role may see within a page is asked in one form,
``may_see(figure)``, of the figure's own declaration (``lead_data.access``); the database's address,
which no figure shows, has ``may_see_the_database_address()``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from lead_data import audit
from lead_data.access import (
    PERMISSIONS,
    STAFF,
    Permissions,
    RoleMap,
    RolesFileProblem,
    figure_access,
    load_role_map,
    may_load,
    role_arguments,
)
from lead_data.db import DatabaseProblem, choose_database
from ui.navigation import page_of_script

log = logging.getLogger("lead_dashboard")

ROLES_FILE_VARIABLE = "LEAD_ROLES_FILE"
DEFAULT_ROLES_FILE = Path(".streamlit") / "roles.toml"
TRUST_PROXY_VARIABLE = "LEAD_TRUST_PROXY_HEADER"
TRUST_EMAILS_VARIABLE = "LEAD_TRUST_EMAILS_FROM"
# Claims by which an identity provider says the email is the person's: OpenID Connect's standard
# one, then Microsoft Entra ID's optional "email domain owner verified" (Entra never sends the first).
EMAIL_VERIFIED_CLAIMS = ("email_verified", "xms_edov")
IDLE_LIMIT_SECONDS = 30 * 60
LAST_SEEN_KEY = "_lead_last_interaction"
SIGN_IN, PROXY, DEMO, UNPROTECTED = "sign-in", "proxy", "demo", "unprotected"


@dataclass(frozen=True)
class Viewer:
    """The person looking at the dashboard. ``role`` None: they may see nothing (``refusal`` says why)."""

    role: str | None
    email: str | None
    identified_by: str
    refusal: str | None = None
    staff_id: int | None = None  # their id in the program's staff table, when the roles file gives one

    @property
    def permissions(self) -> Permissions | None:
        return PERMISSIONS.get(self.role) if self.role else None

    @property
    def audit_name(self) -> str:
        return self.email or f"({self.identified_by})"


def sign_in_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError as error:  # StreamlitSecretNotFoundError: no secrets file, or one unreadable
        if not any(Path(path).exists() for path in st.get_option("secrets.files")):
            return False
        # Never guess "no sign-in" from a file that may hold the [auth] section: stop and say why.
        log.error("secrets unreadable: %s", error)
        st.error(f"{error}. Fix the file (it is TOML) and reload the page; until then nobody can sign in.")
        st.stop()


def roles_file() -> Path:
    return Path(os.environ.get(ROLES_FILE_VARIABLE, DEFAULT_ROLES_FILE))


# The viewer of the run under way, set by the router (dashboard.py) for the length of its run.
_viewer_of_this_run: ContextVar[Viewer | None] = ContextVar("lead_viewer_of_this_run", default=None)


@contextmanager
def viewer_of_this_run() -> Iterator[Viewer]:
    """Work out who is looking once, for every gate of this run; forget it when the run ends.

    The value is reset however the run ends (st.stop and st.rerun raise through here), so no later
    run can see it. A page run without the router (AppTest's ``switch_page`` runs only the page
    body) finds none, and each gate works the viewer out afresh: slower, never stale.
    """
    viewer = current_viewer()
    token = _viewer_of_this_run.set(viewer)
    try:
        yield viewer
    finally:
        _viewer_of_this_run.reset(token)


def the_viewer() -> Viewer:
    """The viewer of this run."""
    return _viewer_of_this_run.get() or current_viewer()


def current_viewer() -> Viewer:
    if sign_in_configured():
        if not st.user.get("is_logged_in", False):
            return Viewer(None, None, SIGN_IN, "Sign in to see the LEAD dashboard.")
        claimed = st.user.get("email")
        email = claimed if isinstance(claimed, str) else None
        if not verified_email(st.user.to_dict()):
            log.warning("refused %s: the identity provider has not verified the email", email)
            return Viewer(
                None,
                email,
                SIGN_IN,
                "Your identity provider has not verified this email address, so the dashboard cannot "
                "tell whether it is yours. Verify it with your provider, or ask the program's data lead.",
            )
        return _with_role(email, SIGN_IN)
    header = os.environ.get(TRUST_PROXY_VARIABLE, "").strip()
    if header:
        return _with_role(st.context.headers.get(header), PROXY)
    try:
        demo = choose_database().is_demo
    except DatabaseProblem:
        demo = False
    if demo:
        return Viewer(STAFF, None, DEMO)
    return Viewer(
        None,
        None,
        UNPROTECTED,
        "This dashboard is pointed at a program database, and no sign-in is configured. It shows no data "
        f"until either an [auth] section is added to .streamlit/secrets.toml (sign-in) or {TRUST_PROXY_VARIABLE} "
        'names the identity header of the authenticating proxy in front of it. See docs/ACCESS.md, "Sign-in".',
    )


def verified_email(claims: dict[str, Any]) -> bool:
    """Whether the identity provider vouches that the signed-in email is the person's.

    The first of ``EMAIL_VERIFIED_CLAIMS`` present decides. A provider that sends neither is trusted
    only when ``LEAD_TRUST_EMAILS_FROM`` names its issuer (the ``iss`` claim): an explicit opt-in, for
    a provider whose emails only the site's own administrators can set.
    """
    for claim in EMAIL_VERIFIED_CLAIMS:
        if claims.get(claim) is not None:
            return claims[claim] is True or str(claims[claim]).lower() == "true"
    trusted = {issuer.strip() for issuer in os.environ.get(TRUST_EMAILS_VARIABLE, "").split(",") if issuer.strip()}
    return claims.get("iss") in trusted


@st.cache_data(show_spinner=False, max_entries=4)
def _role_map(path: str, modified: float) -> RoleMap:
    # Keyed on the file's modification time: an edited roles file takes effect on the next run.
    return load_role_map(Path(path))


def _with_role(email: str | None, identified_by: str) -> Viewer:
    path = roles_file()
    try:
        role_map = _role_map(str(path), path.stat().st_mtime if path.is_file() else 0.0)
        role = role_map.role_for(email)
    except RolesFileProblem as problem:
        # The detail names the file's path and other people's entries: for the server log only.
        log.error("roles file unusable, so nobody has access: %s", problem)
        return Viewer(
            None,
            email,
            identified_by,
            "The dashboard's roles file cannot be read, so nobody has access until it is fixed. "
            "The program's data lead will find the details in the dashboard's server log.",
        )
    if role is None:
        log.warning("no role for %s", email or "an unidentified user")
        return Viewer(
            None,
            email,
            identified_by,
            "You are signed in, but you have no access to this dashboard. "
            "Ask the program's data lead to add you to the roles file.",
        )
    return Viewer(role, email, identified_by, staff_id=role_map.staff_id_for(email))


def signed_out_when_idle(viewer: Viewer) -> None:
    """Sign out a signed-in user whose last interaction was more than 30 minutes ago."""
    now = time.time()
    last_seen = st.session_state.get(LAST_SEEN_KEY)
    st.session_state[LAST_SEEN_KEY] = now
    if viewer.identified_by == SIGN_IN and viewer.email and last_seen and now - last_seen > IDLE_LIMIT_SECONDS:
        log.info("signing out %s after %d idle minutes", viewer.email, (now - last_seen) // 60)
        del st.session_state[LAST_SEEN_KEY]
        st.logout()


def _through_the_router() -> None:
    """Send a page that started without dashboard.py back through it.

    Streamlit runs the files of a folder named ``pages/`` on their own (its older multipage mode)
    until some session has called ``st.navigation``: a bookmark opened on a freshly started server
    would skip the router, its sign-in gate and its settings. Switch to the router and run again.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def require_page(script: str) -> Viewer:
    """The viewer, if their role may open the page whose script is ``script`` (the page's ``__file__``);
    otherwise the page stops with a refusal."""
    _through_the_router()
    page = page_of_script(script).key
    viewer = the_viewer()
    if viewer.role is None:
        st.error(viewer.refusal or "No access.", icon=":material/lock:")
        st.stop()
    if not PERMISSIONS[viewer.role].may_open(page):
        log.warning("refused %s (%s) the %s page", viewer.audit_name, viewer.role, page)
        st.error(f"This page is not available to the {viewer.role} role.", icon=":material/lock:")
        st.stop()
    return viewer


def require_figure(figure: Callable[..., Any]) -> dict[str, bool]:
    """Stop unless the viewer's role may run the figure function ``figure``; the arguments that,
    by the figure's own declaration, the role decides (see ``lead_data.access``)."""
    viewer = the_viewer()
    name = f"{figure.__module__}.{figure.__qualname__}"
    if figure_access(figure) is None:
        log.error("refused the figure %s: it declares no access mark (see lead_data.access)", name)
        st.error("These figures are not available to anyone yet.", icon=":material/lock:")
        st.stop()
    if viewer.role is None or not may_load(viewer.role, figure):
        log.warning("refused %s (%s) the figure %s", viewer.audit_name, viewer.role, name)
        st.error("These figures are not available to your role.", icon=":material/lock:")
        st.stop()
    return role_arguments(viewer.role, figure)


def may_see(figure: Callable[..., Any], argument: str | None = None) -> bool:
    """Whether the viewer's role may run ``figure`` (with ``argument``, one of the keyword arguments its
    declaration leaves to the role, e.g. "with_small_counts": whether the role runs it with that on), so
    a page can leave out, or explain, what a role may not see."""
    viewer = the_viewer()
    if viewer.role is None or not may_load(viewer.role, figure):
        return False
    if argument is None:
        return True
    decided = role_arguments(viewer.role, figure)
    if argument not in decided:
        raise ValueError(f"{figure.__qualname__} leaves no {argument!r} to the role (it leaves {sorted(decided)})")
    return decided[argument]


def may_see_the_database_address() -> bool:
    """Whether the viewer's role may see where the program database is (server, name or file path)."""
    permissions = the_viewer().permissions
    return permissions is not None and permissions.database_address


AUDIT_LOG_CLOSED = (
    "The audit log is unavailable, so participant pages are closed until it is fixed: every view of "
    "participant-level data must be recorded. Tell the program's data lead (the server log has the details)."
)


def record_view(viewer: Viewer, page: str, filters: dict[str, Any]) -> None:
    """Audit a view of participant-level data before it is drawn; if that fails, stop the page (fail closed)."""
    try:
        audit.record(event=audit.VIEW, user=viewer.audit_name, role=str(viewer.role), page=page, filters=filters)
    except audit.AuditLogUnavailable as problem:
        log.error("closed the %s page for %s: %s", page, viewer.audit_name, problem)
        st.error(AUDIT_LOG_CLOSED, icon=":material/lock:")
        st.stop()


def record_export(viewer: Viewer, page: str, filters: dict[str, Any]) -> None:
    """Audit an export; raises when that fails, so the file is never made (see ui.tables)."""
    try:
        audit.record(event=audit.EXPORT, user=viewer.audit_name, role=str(viewer.role), page=page, filters=filters)
    except audit.AuditLogUnavailable as problem:
        log.error("refused %s an export from the %s page: %s", viewer.audit_name, page, problem)
        raise


def draw_access_gate() -> None:
    """The only page for someone without a role: why, and the way in or out."""
    viewer = the_viewer()
    st.title("LEAD dashboard")
    st.warning(viewer.refusal or "No access.", icon=":material/lock:")
    if viewer.identified_by == SIGN_IN:
        if st.user.get("is_logged_in", False):
            st.caption(f"Signed in as {viewer.email}.")
            st.button("Sign out", on_click=st.logout)
        else:
            st.button("Sign in", on_click=st.login, type="primary")


def draw_identity(viewer: Viewer) -> None:
    """Who is looking and how we know, in the sidebar; the demo banner on every page."""
    if viewer.identified_by == DEMO:
        st.warning(
            "**Demo data**: synthetic, obviously fake people; no sign-in on the demo database.",
            icon=":material/science:",
        )
        return
    with st.sidebar:
        if viewer.identified_by == PROXY:
            header = os.environ.get(TRUST_PROXY_VARIABLE, "")
            st.caption(f"{viewer.email} ({viewer.role}), as vouched for by the proxy's {header} header.")
        else:
            st.caption(f"Signed in as {viewer.email} ({viewer.role}).")
            st.button("Sign out", on_click=st.logout)
