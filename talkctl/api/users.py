"""Nextcloud's provisioning API, the users' side: an account's own rights, and whether a
user still exists and is enabled. Reads only.

``GET /ocs/v2.php/cloud/users/{id}`` answers the user's record (``enabled``, ``groups``,
``subadmin``) to the user themselves, an admin, or a sub-admin of one of the user's groups;
to anybody else Nextcloud answers 404 for every user, so whether a user can be checked is
decided from the account's rights (``Rights``), never from that answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from talkctl.api.errors import ApiError
from talkctl.api.transport.http import Transport

CLOUD = "/ocs/v2.php/cloud"


@dataclass(frozen=True)
class Rights:
    """What the account may read of other users."""

    admin: bool
    subadmin_of: tuple[str, ...]  # groups

    @property
    def any(self) -> bool:
        return self.admin or bool(self.subadmin_of)


def _record(transport: Transport, user: str) -> dict[str, Any]:
    data = transport.ocs("GET", f"{CLOUD}/users/{quote(user, safe='')}").data
    return data if isinstance(data, dict) else {}


def rights_of(transport: Transport, me: str) -> Rights:
    """The account's own rights, from its own record (always readable by itself)."""
    record = _record(transport, me)
    return Rights(
        admin="admin" in _strings(record.get("groups")),
        subadmin_of=tuple(_strings(record.get("subadmin"))),
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):  # PHP arrays with gaps arrive as objects
        value = list(value.values())
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def is_enabled(transport: Transport, user: str) -> bool:
    """Whether ``user`` exists and is enabled; ask only for a user the account may read
    (an admin: anybody; a sub-admin: members of its groups): then 404 means no such user."""
    try:
        record = _record(transport, user)
    except ApiError as exc:
        if exc.status == 404:
            return False
        raise
    return record.get("enabled") is not False
