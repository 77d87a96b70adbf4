"""URL routing: which endpoints exist on which profile and API version."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import handlers_avatar as avatar
from . import handlers_bans as bans
from . import handlers_bots as bots
from . import handlers_breakout as breakout
from . import handlers_chat as chat
from . import handlers_core as core
from . import handlers_create as create
from . import handlers_participants as parts
from . import handlers_permissions as perms
from . import handlers_provisioning as prov
from . import handlers_rooms as rooms
from .context import Ctx
from .ocs import Ocs, Response
from .profiles import Profile

Handler = Callable[[Ctx], "Ocs | Response"]
SPREED = re.compile(r"^/ocs/v2\.php/apps/spreed/api/v(?P<api>\d+)/(?P<rest>.*)$")
TOKEN = r"(?P<token>[a-z0-9]{4,30})"
BREAKOUT = "breakout-rooms-v1"
TALK22_ROUTES = Path(__file__).resolve().parent / "recordings" / "talk22-routes" / "routes.json"


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    apis: tuple[int, ...] = (1, 2, 3, 4)
    feature: str | None = None
    auth: bool = True
    own_version: bool = False  # a family of its own version (bots: v1), not the negotiated one

    @property
    def has_token(self) -> bool:
        return "token" in self.pattern.groupindex


def _r(
    method: str,
    path: str,
    handler: Handler,
    apis: tuple[int, ...] = (1, 2, 3, 4),
    feature: str | None = None,
    auth: bool = True,
) -> Route:
    pattern = re.compile("^" + path.replace("{T}", TOKEN) + "$")
    return Route(method, pattern, handler, apis, feature, auth)


def _v1(method: str, path: str, handler: Handler, feature: str) -> Route:
    """A route of a v1 family (bots, breakout rooms: api/families.py), served under v1 by
    every server with ``feature`` whatever its conversation API."""
    pattern = re.compile("^" + path.replace("{T}", TOKEN) + "$")
    return Route(method, pattern, handler, (1,), feature, own_version=True)


SPREED_ROUTES = [
    _r("GET", "room", rooms.list_rooms),
    _r("POST", "room", create.create_room),
    _r("GET", "room/note-to-self", rooms.note_to_self, (4,), "note-to-self"),
    _r("GET", "listed-room", rooms.listed_rooms, feature="listable-rooms"),
    _r("GET", "room/{T}", rooms.get_room),
    _r("PUT", "room/{T}", rooms.rename),
    _r("DELETE", "room/{T}", rooms.delete_room),
    _r("PUT", "room/{T}/description", rooms.set_description, feature="room-description"),
    _r("POST", "room/{T}/public", rooms.make_public),
    _r("DELETE", "room/{T}/public", rooms.make_private),
    _r("PUT", "room/{T}/read-only", rooms.set_read_only, feature="read-only-rooms"),
    _r("PUT", "room/{T}/password", rooms.set_password),
    _r("POST", "room/{T}/favorite", rooms.favorite, feature="favorites"),
    _r("DELETE", "room/{T}/favorite", rooms.favorite, feature="favorites"),
    _r("POST", "room/{T}/notify", rooms.notify, feature="notification-levels"),
    _r("PUT", "room/{T}/listable", rooms.set_listable, feature="listable-rooms"),
    _r("PUT", "room/{T}/webinar/lobby", rooms.set_lobby, feature="webinary-lobby"),
    _r(
        "POST",
        "room/{T}/message-expiration",
        rooms.set_message_expiration,
        feature="message-expiration",
    ),
    _r(
        "PUT",
        "room/{T}/mention-permissions",
        rooms.set_mention_permissions,
        (4,),
        "mention-permissions",
    ),
    _r("PUT", "room/{T}/permissions/[a-z]+", perms.set_default, (4,), "conversation-permissions"),
    _r(
        "PUT",
        "room/{T}/attendees/permissions",
        perms.set_attendee,
        (4,),
        "conversation-permissions",
    ),
    _r(
        "PUT",
        "room/{T}/attendees/permissions/all",
        perms.set_all_attendees,
        (4,),
        "conversation-permissions",
    ),
    _r("PUT", "room/{T}/recording-consent", rooms.needs_configuration, (4,), "recording-consent"),
    _r("PUT", "room/{T}/webinar/sip", rooms.needs_configuration, feature="sip-support"),
    _r("POST", "room/{T}/important", rooms.important, (4,), "important-conversations"),
    _r("DELETE", "room/{T}/important", rooms.important, (4,), "important-conversations"),
    _r("POST", "room/{T}/archive", rooms.archive, feature="archived-conversations-v2"),
    _r("DELETE", "room/{T}/archive", rooms.archive, feature="archived-conversations-v2"),
    _v1("POST", "room/{T}/avatar/emoji", avatar.set_emoji, "avatar"),
    _v1("POST", "room/{T}/avatar", avatar.set_image, "avatar"),
    _v1("DELETE", "room/{T}/avatar", avatar.clear, "avatar"),
    _v1("POST", "ban/{T}", bans.add, "ban-v1"),
    _v1("GET", "ban/{T}", bans.listing, "ban-v1"),
    _v1("DELETE", "ban/{T}/[0-9]+", bans.remove, "ban-v1"),
    _r("GET", "room/{T}/participants", parts.list_participants),
    _r("POST", "room/{T}/participants", parts.add_participant),
    _r("DELETE", "room/{T}/participants/self", parts.leave_room),
    _r("POST", "room/{T}/participants/resend-invitations", parts.resend_invitations, (4,)),
    _r("POST", "room/{T}/import-emails", parts.import_emails, (4,)),
    _r("DELETE", "room/{T}/participants", parts.remove_attendee, (1, 2)),
    _r("POST", "room/{T}/moderators", parts.promote),
    _r("DELETE", "room/{T}/moderators", parts.demote),
    _r("DELETE", "room/{T}/attendees", parts.remove_attendee, (3, 4)),
    _r("GET", "room/{T}/breakout-rooms", breakout.list_breakout_rooms, (4,), BREAKOUT),
    _r("GET", "room/{T}/breakout-rooms/participants", breakout.list_participants, (4,), BREAKOUT),
    _v1("POST", "breakout-rooms/{T}", breakout.configure, BREAKOUT),
    _v1("DELETE", "breakout-rooms/{T}", breakout.remove, BREAKOUT),
    _v1("POST", "breakout-rooms/{T}/rooms", breakout.start, BREAKOUT),
    _v1("DELETE", "breakout-rooms/{T}/rooms", breakout.stop, BREAKOUT),
    _v1("POST", "breakout-rooms/{T}/broadcast", breakout.broadcast, BREAKOUT),
    _v1("POST", "breakout-rooms/{T}/attendees", breakout.move, BREAKOUT),
    _v1("GET", "bot/admin", bots.admin_list, "bots-v1"),
    _v1("GET", "bot/{T}", bots.list_bots, "bots-v1"),
    _v1("POST", "bot/{T}/[0-9]+", bots.enable_bot, "bots-v1"),
    _v1("DELETE", "bot/{T}/[0-9]+", bots.disable_bot, "bots-v1"),
    # chat is v1 whatever conversation API the server offers (api/families.py)
    _v1("GET", "chat/{T}", chat.receive, "chat-v2"),
    _v1("POST", "chat/{T}", chat.send, "chat-v2"),
    _v1("DELETE", "chat/{T}", chat.clear_history, "clear-history"),
    _v1("DELETE", r"chat/{T}/\d+", chat.delete, "delete-messages"),
    _v1("PUT", r"chat/{T}/\d+", chat.edit, "edit-messages"),
]

CORE_ROUTES = [
    _r("GET", "/ocs/v2.php/cloud/capabilities", core.get_capabilities, auth=False),
    _r("GET", "/ocs/v2.php/cloud/user", core.get_cloud_user),
    _r("GET", "/ocs/v2.php/core/getapppassword", core.get_app_password),
    _r("DELETE", "/ocs/v2.php/core/apppassword", core.delete_app_password),
    _r("POST", "/index.php/login/v2", core.login_start, auth=False),
    _r("POST", "/index.php/login/v2/poll", core.login_poll, auth=False),
    _r("GET", "/index.php/login/v2/flow/[A-Za-z0-9]+", core.login_page, auth=False),
    _r("GET", "/status.php", core.status, auth=False),
    _r("GET", "/ocs/v2.php/cloud/users", prov.list_users),
    _r("POST", "/ocs/v2.php/cloud/users", prov.create_user),
    _r("GET", "/ocs/v2.php/cloud/users/[^/]+", prov.get_user),
    _r("DELETE", "/ocs/v2.php/cloud/users/[^/]+", prov.delete_user),
    _r("GET", "/ocs/v2.php/cloud/users/[^/]+/subadmins", prov.user_subadmin_groups),
    _r("GET", "/ocs/v2.php/cloud/users/[^/]+/groups", prov.user_groups),
    _r("POST", "/ocs/v2.php/cloud/users/[^/]+/groups", prov.add_to_group),
    _r("DELETE", "/ocs/v2.php/cloud/users/[^/]+/groups", prov.remove_from_group),
    _r("GET", "/ocs/v2.php/cloud/groups", prov.list_groups),
    _r("GET", "/ocs/v2.php/cloud/groups/details", prov.groups_details),
    _r("POST", "/ocs/v2.php/cloud/groups", prov.create_group),
    _r("GET", "/ocs/v2.php/cloud/groups/[^/]+", prov.group_members),
    _r("DELETE", "/ocs/v2.php/cloud/groups/[^/]+", prov.delete_group),
    _r("GET", "/ocs/v2.php/cloud/groups/[^/]+/users", prov.group_members),
    _r("GET", "/ocs/v2.php/cloud/groups/[^/]+/users/details", prov.group_members_details),
    _r("GET", "/ocs/v2.php/cloud/groups/[^/]+/subadmins", prov.group_subadmins),
]


@dataclass
class Match:
    route: Route
    api: int = 0
    token: str = ""
    spreed: bool = False


def resolve(profile: Profile, method: str, path: str) -> Match | None:
    """The route for a request on this profile, None for an unknown route."""
    # HEAD is routed as GET, as Nextcloud's (Symfony's) router does; the body is left out
    # (recorded: talk22-moderation/head-room-list-200.json)
    method = "GET" if method == "HEAD" else method
    m = SPREED.match(path)
    if m:
        api = int(m.group("api"))
        for route in SPREED_ROUTES:
            if api not in profile.apis and not route.own_version:
                continue
            rm = route.pattern.match(m.group("rest"))
            if (
                rm
                and route.method == method
                and api in route.apis
                and (route.feature is None or profile.has(route.feature))
            ):
                return Match(route, api, rm.groupdict().get("token") or "", True)
        return None
    for route in CORE_ROUTES:
        if route.method == method and route.pattern.match(path):
            return Match(route)
    return None


@cache
def _talk22_operations() -> tuple[tuple[str, frozenset[int], re.Pattern[str]], ...]:
    """Every operation Talk 22 has (its OpenAPI files): method, API versions, path."""
    with open(TALK22_ROUTES, encoding="utf-8") as fh:
        listed = json.load(fh)["routes"]
    operations = []
    for method, versions, template in listed:
        # Talk's routes require a token of [a-z0-9]{4,30}; anything else is no route at all
        escaped = re.escape(template).replace(r"\{token\}", "[a-z0-9]{4,30}")
        pattern = re.sub(r"\\\{[A-Za-z]+\\\}", "[^/]+", escaped)
        if "apiVersion" in template:  # the first placeholder
            pattern = pattern.replace("[^/]+", r"v(?P<api>\d+)", 1)
        operations.append((method, frozenset(versions), re.compile(f"^{pattern}$")))
    return tuple(operations)


def on_talk22(method: str, path: str) -> bool:
    """Talk 22 answers ``method path`` (on the API versions it offers for it)."""
    for op_method, versions, pattern in _talk22_operations():
        m = pattern.match(path)
        if m and op_method == method:
            api = m.groupdict().get("api")
            if api is None or int(api) in versions:
                return True
    return False


def is_absent(profile: Profile, method: str, path: str) -> bool:
    """An OCS request the sandbox knows the real server has no route for (answered 404 with
    statuscode 998, as Nextcloud does): a Talk endpoint the sandbox serves elsewhere (another
    API version, a release with the feature), or a Talk path Talk 22 does not have. Anything
    else it does not serve (other apps, Talk endpoints it does not emulate) is not absent:
    the sandbox cannot tell and answers 501."""
    m = SPREED.match(path)
    if m is None:
        return False
    method = "GET" if method == "HEAD" else method  # routed as GET, as Nextcloud's router does
    rest = m.group("rest")
    if any(r.method == method and r.pattern.match(rest) for r in SPREED_ROUTES):
        return True
    return not on_talk22(method, path)
