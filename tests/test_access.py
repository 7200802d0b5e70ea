"""Roles, what each may see, and the roles file: deny by default."""

from __future__ import annotations

import pytest

from lead_data.access import (
    PERMISSIONS,
    ROLES,
    RolesFileProblem,
    aggregate,
    load_role_map,
    may_load,
    needs,
)
from lead_data.figures import participants, referral_places

ROLES_FILE = """
[users]
"Ana@Example.org" = "staff"
"officer.who.is.also.staff@police.test" = "staff"
[domains]
"police.test" = "partner"
"""


@pytest.fixture
def role_map(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_FILE)
    return load_role_map(path)


def test_a_person_listed_by_email_gets_that_role_whatever_the_case(role_map):
    assert role_map.role_for("ana@example.org") == "staff"
    assert role_map.role_for("  ANA@EXAMPLE.ORG ") == "staff"


def test_a_domain_entry_covers_everyone_at_that_domain(role_map):
    assert role_map.role_for("sgt.demo@police.test") == "partner"


def test_a_personal_entry_wins_over_the_domain(role_map):
    assert role_map.role_for("officer.who.is.also.staff@police.test") == "staff"


@pytest.mark.parametrize("email", [None, "", "not-an-email", "someone@elsewhere.test", "x@sub.police.test"])
def test_anyone_not_in_the_roles_file_has_no_role(role_map, email):
    assert role_map.role_for(email) is None


def test_no_roles_file_means_nobody_has_a_role(tmp_path):
    assert load_role_map(tmp_path / "absent.toml").role_for("ana@example.org") is None


@pytest.mark.parametrize(
    "text", ['[users]\n"a@b.org" = "admin"\n', "[users\n", '[domains]\n"b.org" = "Staff"\n', 'users = "staff"\n']
)
def test_a_roles_file_with_mistakes_is_refused_not_half_read(tmp_path, text):
    path = tmp_path / "roles.toml"
    path.write_text(text)
    with pytest.raises(RolesFileProblem):
        load_role_map(path)


@pytest.mark.parametrize(
    "text, hint",
    [
        ('[users]\n"@police.test" = "partner"\n', "[domains]"),
        ('[users]\n"police.test" = "partner"\n', "[domains]"),
        ('[domains]\n"@police.test" = "partner"\n', "without the @"),
        ('[domains]\n"officer@police.test" = "partner"\n', "[users]"),
        ('[user]\n"ana@example.org" = "staff"\n', "[users]"),
    ],
)
def test_an_entry_in_the_wrong_section_is_an_error_not_a_silent_denial(tmp_path, text, hint):
    path = tmp_path / "roles.toml"
    path.write_text(text)
    with pytest.raises(RolesFileProblem) as problem:
        load_role_map(path)
    assert hint in str(problem.value)


def test_only_staff_see_participant_level_lists_and_data_quality():
    for role in ROLES:
        sees_lists = role == "staff"
        assert PERMISSIONS[role].participant_lists is sees_lists
        assert PERMISSIONS[role].may_open("participants") is sees_lists
        assert PERMISSIONS[role].may_open("data_quality") is sees_lists


def test_treatment_and_service_details_never_reach_partners_or_the_public():
    for role in ("partner", "public"):
        assert not PERMISSIONS[role].services
        assert not may_load(role, participants.service_linkage)
    assert may_load("staff", participants.service_linkage) and may_load("leadership", participants.service_linkage)


def test_the_public_sees_only_the_suppressed_summary():
    assert PERMISSIONS["public"].pages == ("public_summary",)


def test_the_point_map_is_for_staff_and_leadership_only():
    assert [role for role in ROLES if PERMISSIONS[role].may_open("referral_map")] == ["staff", "leadership"]
    assert [role for role in ROLES if may_load(role, referral_places.referral_locations)] == ["staff", "leadership"]


def test_a_mark_naming_no_real_permission_is_refused_when_the_module_loads():
    with pytest.raises(ValueError, match="not a permission"):
        needs("participant_list")(lambda conn: 0)


def test_a_figure_may_carry_only_one_mark():
    with pytest.raises(TypeError, match="two access marks"):
        aggregate(needs("services")(lambda conn: 0))
