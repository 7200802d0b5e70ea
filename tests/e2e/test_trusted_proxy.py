"""Behind an authenticating proxy: the dashboard believes the identity header, and nothing else."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.browser import metrics, navigation, open_page

HEADER = "X-Forwarded-Email"


def test_a_trusted_proxy_header_signs_the_user_in_with_their_role(start_server, demo_database, new_context, tmp_path):
    roles = tmp_path / "roles.toml"
    roles.write_text('[domains]\n"police.test" = "partner"\n')
    server = start_server(
        LEAD_DATABASE_URL=f"sqlite:///{demo_database}", LEAD_TRUST_PROXY_HEADER=HEADER, LEAD_ROLES_FILE=str(roles)
    )

    partner = new_context(extra_http_headers={HEADER: "detective@police.test"}).new_page()
    open_page(partner, server.url + "/")
    assert metrics(partner)["Active now"]
    menu = navigation(partner)
    expect(menu.get_by_role("link", name="Weekly meeting")).to_be_visible()
    expect(menu.get_by_role("link", name="Participants")).to_have_count(0)
    expect(partner.get_by_test_id("stSidebar")).to_contain_text(f"as vouched for by the proxy's {HEADER} header")

    stranger = new_context().new_page()  # no header: nobody
    stranger.goto(server.url + "/")
    expect(stranger.get_by_test_id("stMain")).to_contain_text("no access", timeout=30_000)
    assert not metrics(stranger)
