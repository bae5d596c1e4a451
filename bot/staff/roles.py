"""Roles: a staff member holds one or more, stored as a space-separated list ("admin caseworker").

A small shelter gives one person several roles rather than making several accounts. What each
role may do is `bot.staff.access.PERMISSIONS`; the dashboard names and explains each role.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, or_

from bot.store.models import Staff

ROLES = ("admin", "caseworker", "analyst", "auditor")


class RoleError(ValueError):
    """Roles that cannot be given, said in one sentence."""


def parse_roles(value: str | Iterable[str]) -> list[str]:
    """Known roles, in the order of ROLES, from a list or a text with spaces or commas."""
    parts = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    names = {part.strip().lower() for part in parts if part.strip()}
    if not names or not names <= set(ROLES):
        raise RoleError(f"Roles are one or more of: {', '.join(ROLES)}.")
    return [role for role in ROLES if role in names]


def roles_of(staff: Staff) -> tuple[str, ...]:
    """The roles a staff member holds (unknown words in the column are ignored)."""
    held = set(staff.roles.split())
    return tuple(role for role in ROLES if role in held)


def has_role(role: str) -> ColumnElement[bool]:
    """A query condition: the staff member holds `role` (among others or alone)."""
    column = Staff.roles
    return or_(
        column == role,
        column.like(f"{role} %"),
        column.like(f"% {role}"),
        column.like(f"% {role} %"),
    )
