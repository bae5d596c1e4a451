"""Roles: several per person, parsed strictly; the first screen is the work they can do."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.staff.access import HOME, PERMISSIONS, allowed, home
from bot.staff.roles import ROLES, RoleError, parse_roles


def test_roles_parse_from_text_or_lists_in_a_fixed_order() -> None:
    assert parse_roles("caseworker, admin") == ["admin", "caseworker"]
    assert parse_roles(["Analyst", "auditor", "analyst"]) == ["analyst", "auditor"]
    for bad in ("", "root", "admin superuser", [], [" "]):
        with pytest.raises(RoleError):
            parse_roles(bad)


@given(st.text(max_size=60))
def test_any_text_is_roles_or_one_clear_error(text: str) -> None:
    try:
        held = parse_roles(text)
    except RoleError as exc:
        assert str(exc).endswith(".")
    else:
        assert held and set(held) <= set(ROLES)


def test_the_first_screen_is_the_work_the_person_can_do() -> None:
    assert home(["admin", "caseworker"]) == "/dashboard/cases"
    assert home(["admin", "analyst"]) == "/dashboard/stats"
    assert home(["auditor"]) == "/dashboard/audit"
    assert home(["admin"]) == "/dashboard/staff"
    assert home([]) is None


def test_a_combination_holds_exactly_the_union_of_its_roles_permissions() -> None:
    for size in range(1, len(ROLES) + 1):
        for combo in combinations(ROLES, size):
            for permission, holders in PERMISSIONS.items():
                assert allowed(combo, permission) == any(role in holders for role in combo)
    # Least privilege: no role but the caseworker reads cases; none but the admin manages staff.
    assert [r for r in ROLES if allowed(r, "cases:read")] == ["caseworker"]
    assert [r for r in ROLES if allowed(r, "staff:manage")] == ["admin"]
    assert all(permission in PERMISSIONS for permission, _ in HOME)
