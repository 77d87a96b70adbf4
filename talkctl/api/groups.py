"""Nextcloud's provisioning API, read side: who is in a group, which groups a user is in.

``GET /ocs/v2.php/cloud/groups/{id}/users`` answers ``{"users": [ids]}`` to an admin or the
group's sub-admin, 403 to anybody else and 404 for an unknown group (recorded:
talk22-membership/). Used by ``apply`` with ``exclusive`` to count a group's members as
declared.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from talkctl.api.transport.http import Transport

CLOUD = "/ocs/v2.php/cloud"


def _ids(data: Any, key: str) -> list[str]:
    values = data.get(key) if isinstance(data, dict) else None
    if isinstance(values, dict):  # PHP arrays with gaps arrive as objects
        values = list(values.values())
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _segment(value: str) -> str:
    if value.strip(".") == "":
        from talkctl.errors import UsageError

        raise UsageError(f"{value!r} is not a valid id")
    return quote(value, safe="")


class GroupsApi:
    """Reads of the provisioning API (never changes anything)."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def members(self, group: str) -> list[str]:
        """The user ids in ``group``; ApiError 403 without the right to read it, 404 unknown."""
        response = self.transport.ocs("GET", f"{CLOUD}/groups/{_segment(group)}/users")
        return _ids(response.data, "users")

    def groups_of(self, user: str) -> list[str]:
        """The groups ``user`` is in (an admin, or the user themselves)."""
        response = self.transport.ocs("GET", f"{CLOUD}/users/{_segment(user)}/groups")
        return _ids(response.data, "groups")


def group_members(transport: Transport, group: str) -> list[str]:
    """Shorthand for ``GroupsApi(transport).members(group)``."""
    return GroupsApi(transport).members(group)
