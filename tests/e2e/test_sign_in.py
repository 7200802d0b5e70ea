"""Real OpenID Connect sign-in, end to end: a browser signs in through Streamlit's ``st.login`` at a
real provider (``oidc-provider-mock``), over TLS through deploy/'s nginx, to one of two replicas.

Each replica runs from a directory of its own whose .streamlit/secrets.toml holds the test's
``[auth]`` section; with ``[auth]`` configured, even the demo database requires sign-in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browser import (
    CONNECTED,
    RENDER_TIMEOUT_MS,
    main_title,
    metrics,
    navigation,
    navigation_links,
    wait_until_rendered,
)
from tests.e2e.conftest import StreamlitServer
from tests.e2e.deployment import NginxProxy, OidcProvider

# One worker starts this module's servers once and runs its tests in order (pytest.ini: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("sign-in-site")

STAFF = {"sub": "casemanager", "email": "casemanager@lead.test", "email_verified": True}
PARTNER = {"sub": "detective", "email": "detective@police.test", "email_verified": True}  # a partner by domain
NO_ROLE = {"sub": "stranger", "email": "stranger@elsewhere.test", "email_verified": True}
# In the roles file as staff: only the unverified email keeps this person out.
UNVERIFIED = {"sub": "supervisor", "email": "supervisor@lead.test", "email_verified": False}
ROLES = """
[users]
"casemanager@lead.test" = "staff"
"supervisor@lead.test" = "staff"

[domains]
"police.test" = "partner"
"""
EVERY_PAGE = [
    "Overview",
    "Public summary",
    "Enrollment",
    "Re-arrests",
    "Outcomes",
    "Equity",
    "Officers",
    "Caseload",
    "Referral map",
    "Referral queue",
    "Participants",
    "My clients",
    "Client",
    "Weekly meeting",
    "Data quality",
]
SIGN_IN_COOKIES = ("_streamlit_user", "_streamlit_user_tokens")


@dataclass
class SignInSite:
    proxy: NginxProxy
    provider: OidcProvider
    replicas: list[StreamlitServer]


@pytest.fixture(scope="module")
def site(
    start_server: Callable[..., StreamlitServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SignInSite]:
    workdir = tmp_path_factory.mktemp("sign-in")
    provider = OidcProvider(workdir / "provider", [STAFF, PARTNER, NO_ROLE, UNVERIFIED])
    proxy = NginxProxy(workdir / "nginx")
    roles = workdir / "roles.toml"
    roles.write_text(ROLES)
    secrets = f"""
[auth]
redirect_uri = "{proxy.url}/oauth2callback"
cookie_secret = "sign-in-test-cookie-secret"
client_id = "lead-dashboard"
client_secret = "sign-in-test-client-secret"
server_metadata_url = "{provider.metadata_url}"
"""
    # Two replicas, as deploy/ runs them: the same secrets, the same cookie secret.
    replicas = [
        start_server(secrets, LEAD_ROLES_FILE=str(roles), STREAMLIT_SERVER_COOKIE_SECRET="sign-in-test-server-secret")
        for _ in range(2)
    ]
    try:
        proxy.start([f"127.0.0.1:{replica.port}" for replica in replicas])
        yield SignInSite(proxy, provider, replicas)
    finally:
        proxy.stop()
        provider.stop()
        for replica in replicas:
            replica.stop()


@pytest.fixture
def context(browser: Browser, site: SignInSite) -> Iterator[BrowserContext]:
    # The proxy's certificate is the test's own: the browser is told to accept it.
    context = browser.new_context(base_url=site.proxy.url, ignore_https_errors=True)
    yield context
    context.close()


def sign_in(context: BrowserContext, site: SignInSite, user: dict) -> Page:
    """Open the dashboard, press Sign in, and authorize as ``user`` at the provider."""
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.provider.url}/**")
    page.locator('input[name="sub"]').fill(user["sub"])
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{site.proxy.url}/")
    page.locator(CONNECTED).wait_for()
    main_title(page).wait_for()
    wait_until_rendered(page)
    return page


def test_staff_sign_in_and_see_every_page_participants_included(context, site):
    page = sign_in(context, site, STAFF)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Signed in as casemanager@lead.test (staff)")
    assert sorted(navigation_links(page)) == sorted(EVERY_PAGE)
    assert metrics(page)["Active now"]
    navigation(page).get_by_role("link", name="Participants").click()
    expect(main_title(page)).to_have_text("Participants", timeout=RENDER_TIMEOUT_MS)
    wait_until_rendered(page)
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()


def test_a_partner_signed_in_by_domain_has_no_participants_page(context, site):
    page = sign_in(context, site, PARTNER)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Signed in as detective@police.test (partner)")
    shown = navigation_links(page)
    assert "Weekly meeting" in shown
    assert "Participants" not in shown
    page.goto("/participants")  # by its address: not among the partner's pages, so their first page
    page.locator(CONNECTED).wait_for()
    wait_until_rendered(page)
    expect(main_title(page)).to_have_text("LEAD at a glance")
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)


def test_a_signed_in_user_without_a_role_gets_the_no_access_page(context, site):
    page = sign_in(context, site, NO_ROLE)
    expect(page.get_by_test_id("stMain")).to_contain_text("no access to this dashboard")
    expect(page.get_by_test_id("stMain")).to_contain_text("Signed in as stranger@elsewhere.test")
    expect(navigation(page)).to_have_count(0)
    assert not metrics(page)


def test_a_user_whose_email_the_provider_has_not_verified_is_refused_with_the_reason(context, site):
    page = sign_in(context, site, UNVERIFIED)
    expect(page.get_by_test_id("stMain")).to_contain_text("not verified this email address")
    expect(navigation(page)).to_have_count(0)
    assert not metrics(page)


def test_the_session_cookie_is_http_only_and_secure_behind_tls_and_gone_after_sign_out(context, site):
    page = sign_in(context, site, STAFF)
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    for name in SIGN_IN_COOKIES:
        assert cookies[name]["httpOnly"], name
        assert cookies[name]["secure"], name  # Streamlit sets no Secure: deploy/'s nginx adds it

    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    # The provider's end-session page, then back to the dashboard, signed out.
    page.wait_for_url(f"{site.provider.url}/**")
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    left = {cookie["name"] for cookie in context.cookies()}
    assert not left & set(SIGN_IN_COOKIES), left
    assert not metrics(page)
