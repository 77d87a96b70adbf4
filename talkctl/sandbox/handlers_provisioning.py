"""Nextcloud's provisioning API for users and groups (``/ocs/v2.php/cloud/users|groups``).

Recorded on Nextcloud 32 (talk22-membership/): create and delete a group, add a member, a
group's members as an admin (200), as a plain user (403) and of an unknown group (404), its
members' details and a user's groups. Everything else here is a documented guess from
Nextcloud's provisioning_api: errors are ``OCSException(message, code)``, which OCS v2 answers
with HTTP 400 and ``meta.statuscode`` = that code (100 is success); a caller who is neither an
admin nor a sub-admin of the group gets 403 with an empty message, as recorded for the member
list. The user-details object is the recorded one with the user's id, name and groups.
Under ``/ocs/v1.php`` the same handlers answer with OCS v1's rules (``app.py``).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any
from urllib.parse import unquote

from .capabilities import FIXTURES
from .context import Ctx
from .ocs import Ocs, fail, ok
from .state import State


def _segment(ctx: Ctx, index: int) -> str:
    """The URL-decoded path segment ``index`` after ``/ocs/v2.php/cloud/``."""
    parts = ctx.path.split("/")[4:]
    return unquote(parts[index]) if len(parts) > index else ""


def _ocs_error(code: int, message: str = "") -> Ocs:
    return Ocs(400, [], statuscode=code, message=message)


def _forbidden() -> Ocs:
    return fail(403)


def may_manage(state: State, user: str | None, group: str) -> bool:
    """An admin, or a sub-admin of ``group``."""
    return state.is_admin(user) or (user is not None and user in state.subadmins.get(group, set()))


# -- groups -------------------------------------------------------------------------
def list_groups(ctx: Ctx) -> Ocs:
    """GET /cloud/groups (a guess: ``{"groups": [...]}``, admins and sub-admins)."""
    st = ctx.state
    if not st.is_admin(ctx.user) and not any(ctx.user in s for s in st.subadmins.values()):
        return _forbidden()
    search = ctx.str_param("search").lower()
    return ok({"groups": sorted(g for g in st.groups if search in g.lower())})


def create_group(ctx: Ctx) -> Ocs:
    """POST /cloud/groups groupid (recorded 200, data []); an existing group is 102."""
    if not ctx.state.is_admin(ctx.user):
        return _forbidden()
    group = ctx.str_param("groupid")
    if not group:
        return _ocs_error(101, "Invalid group name")
    if group in ctx.state.groups:
        return _ocs_error(102, "group exists")
    ctx.state.add_group(group, [], ctx.str_param("displayname") or None)
    return ok([])


def delete_group(ctx: Ctx) -> Ocs:
    """DELETE /cloud/groups/{id} (recorded 200); unknown 101, ``admin`` 102."""
    if not ctx.state.is_admin(ctx.user):
        return _forbidden()
    group = _segment(ctx, 1)
    if group not in ctx.state.groups:
        return _ocs_error(101)
    if group == "admin":
        return _ocs_error(102)
    ctx.state.delete_group(group, ctx.user or "")  # out of its conversations too
    return ok([])


def group_members(ctx: Ctx) -> Ocs:
    """GET /cloud/groups/{id}/users (recorded: 200 admin, 403 plain user, 404 unknown), and
    the older GET /cloud/groups/{id} the provisioning docs name (the same answer)."""
    group = _segment(ctx, 1)
    found = ctx.state.groups.get(group)
    if found is None:
        return fail(404, message="The requested group could not be found")
    if not may_manage(ctx.state, ctx.user, group):
        return _forbidden()
    return ok({"users": sorted(found[1])})


def group_members_details(ctx: Ctx) -> Ocs:
    """GET /cloud/groups/{id}/users/details (recorded 200 as admin)."""
    group = _segment(ctx, 1)
    found = ctx.state.groups.get(group)
    if found is None:
        return fail(404, message="The requested group could not be found")
    if not may_manage(ctx.state, ctx.user, group):
        return _forbidden()
    return ok({"users": {user: user_details(ctx.state, user) for user in sorted(found[1])}})


@cache
def _recorded_details() -> dict[str, Any]:
    path = FIXTURES.parent / "talk22-membership" / "group-members-details-200.json"
    recorded = json.loads(path.read_text(encoding="utf-8"))
    details: dict[str, Any] = recorded["body"]["ocs"]["data"]["users"]["alice"]
    return details


def user_details(state: State, user: str) -> dict[str, Any]:
    data = copy.deepcopy(_recorded_details())
    name = state.display_name(user)
    data.update(
        {
            "id": user,
            "displayname": name,
            "display-name": name,
            "storageLocation": f"/srv/nextcloud/data/{user}",
            "groups": state.groups_of(user),
            "subadmin": sorted(g for g, users in state.subadmins.items() if user in users),
            "enabled": state.users[user].enabled,
        }
    )
    return data


def group_subadmins(ctx: Ctx) -> Ocs:
    """GET /cloud/groups/{id}/subadmins (a guess from provisioning_api: admins only, a list of
    user ids; an unknown group is 101 "Group does not exist")."""
    if not ctx.state.is_admin(ctx.user):
        return _forbidden()
    group = _segment(ctx, 1)
    if group not in ctx.state.groups:
        return _ocs_error(101, "Group does not exist")
    return ok(sorted(ctx.state.subadmins.get(group, set())))


def groups_details(ctx: Ctx) -> Ocs:
    """GET /cloud/groups/details (a guess from provisioning_api: admins and sub-admins, each
    group's id, display name and member count)."""
    st = ctx.state
    if not st.is_admin(ctx.user) and not any(ctx.user in s for s in st.subadmins.values()):
        return _forbidden()
    search = ctx.str_param("search").lower()
    groups = [
        {
            "id": gid,
            "displayname": name,
            "usercount": len(members),
            "disabled": 0,
            "canAdd": st.is_admin(ctx.user),
            "canRemove": st.is_admin(ctx.user),
        }
        for gid, (name, members) in sorted(st.groups.items())
        if search in gid.lower()
    ]
    return ok({"groups": groups})


# -- users --------------------------------------------------------------------------
def get_user(ctx: Ctx) -> Ocs:
    """GET /cloud/users/{id}: the recorded user-details object (see ``user_details``) for
    oneself, an admin, or a sub-admin of one of the user's groups. An unknown user is 404
    "User does not exist"; anyone else gets 404 with statuscode 998 and no message
    (provisioning_api's ``getUser`` when ``getUserData`` finds no permission; a guess)."""
    user = _segment(ctx, 1)
    st = ctx.state
    if user not in st.users:
        return fail(404, message="User does not exist")
    if (
        ctx.user != user
        and not st.is_admin(ctx.user)
        and not any(may_manage(st, ctx.user, g) for g in st.groups_of(user))
    ):
        return Ocs(404, [], statuscode=998, message="")
    return ok(user_details(st, user))


def user_subadmin_groups(ctx: Ctx) -> Ocs:
    """GET /cloud/users/{id}/subadmins (a guess from provisioning_api: admins only, the
    groups the user is a sub-admin of; an unknown user is 404 "User does not exist")."""
    if not ctx.state.is_admin(ctx.user):
        return _forbidden()
    user = _segment(ctx, 1)
    if user not in ctx.state.users:
        return fail(404, message="User does not exist")
    return ok(sorted(g for g, users in ctx.state.subadmins.items() if user in users))


def list_users(ctx: Ctx) -> Ocs:
    """GET /cloud/users (a guess: ``{"users": [...]}``, admins only)."""
    if not ctx.state.is_admin(ctx.user):
        return _forbidden()
    search = ctx.str_param("search").lower()
    return ok({"users": sorted(u for u in ctx.state.users if search in u.lower())})


def create_user(ctx: Ctx) -> Ocs:
    """POST /cloud/users userid, password[, displayName] (a guess: ``{"id": ...}``; an
    existing user is 102). The new user logs in with that password (default
    ``<user>-password``) and can get app passwords like the others."""
    if not ctx.state.is_admin(ctx.user):
        return _forbidden()
    user = ctx.str_param("userid")
    if not user or "/" in user:
        return _ocs_error(101, "Invalid user name")
    if user in ctx.state.users:
        return _ocs_error(102, "User already exists")
    ctx.state.add_user(
        user, ctx.str_param("password") or None, ctx.str_param("displayName") or None
    )
    groups = ctx.params.get("groups")
    for group in groups if isinstance(groups, list) else []:
        if str(group) in ctx.state.groups:
            ctx.state.change_group(str(group), user, add=True, by=ctx.user or "")
    return ok({"id": user})


def delete_user(ctx: Ctx) -> Ocs:
    """DELETE /cloud/users/{id} (a guess): gone from groups and conversations too."""
    st = ctx.state
    if not st.is_admin(ctx.user):
        return _forbidden()
    user = _segment(ctx, 1)
    if user not in st.users or user == ctx.user:
        return _ocs_error(101)
    st.delete_user(user)
    return ok([])


def user_groups(ctx: Ctx) -> Ocs:
    """GET /cloud/users/{id}/groups (recorded 200 as admin); yourself too (a guess)."""
    user = _segment(ctx, 1)
    if user not in ctx.state.users:
        return fail(404, message="User does not exist")
    if ctx.user != user and not ctx.state.is_admin(ctx.user):
        return _forbidden()
    return ok({"groups": ctx.state.groups_of(user)})


def add_to_group(ctx: Ctx) -> Ocs:
    """POST /cloud/users/{id}/groups groupid (recorded 200, data []); 101 no group id, 102
    unknown group, 103 unknown user, 104 neither admin nor sub-admin of the group."""
    return _change_membership(ctx, add=True)


def remove_from_group(ctx: Ctx) -> Ocs:
    """DELETE /cloud/users/{id}/groups groupid (a guess, like the add)."""
    return _change_membership(ctx, add=False)


def _change_membership(ctx: Ctx, *, add: bool) -> Ocs:
    st = ctx.state
    user, group = _segment(ctx, 1), ctx.str_param("groupid")
    if not group:
        return _ocs_error(101)
    if group not in st.groups:
        return _ocs_error(102)
    if user not in st.users:
        return _ocs_error(103)
    if not may_manage(st, ctx.user, group):
        return _ocs_error(104)
    st.change_group(group, user, add=add, by=ctx.user or "")  # conversations follow
    return ok([])
