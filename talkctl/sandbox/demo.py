"""The sandbox's demo data: users, a group and a used account's conversations.

Every conversation kind the README's command tour touches exists, with times relative to
the moment the sandbox starts (active an hour ago, inactive for 120 days, a lobby open in two
days), so the tour keeps working on any date. The main user owns them; the other users are
participants, some of them moderators. Names the README uses: "Team chat", "Town hall",
"Announcements", "Old project", "Open office", "Project *", the group "staff".

Together they break every built-in rule of ``talkctl audit`` the sandbox can check: public
without a password or lobby, listable to everyone, too few moderators, inactive for more
than a year ("Archive 2024"), @all open to everyone among 50 or more ("All hands", with
e-mail invitees), and default permissions that let everybody skip the lobby ("Open office").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .bots import EVENT, NO_SETUP, REACTION, RESPONSE, WEBHOOK, install_bot
from .handlers_participants import email_actor_id
from .seeding import comment
from .state import (
    FORMER_ONE_TO_ONE,
    GROUP,
    GUEST,
    MODERATOR,
    ONE_TO_ONE,
    PUBLIC,
    USER,
    now,
)

if TYPE_CHECKING:
    from .server import FakeTalkServer
    from .state import Room, State

HOUR, DAY = 3600, 86400
DEMO_GROUP = "staff"
FORMER_USER = "dave"  # the other side of the former one-to-one: a deleted account


def display_name(user: str) -> str:
    return "Administrator" if user == "admin" else user.capitalize()


def add_users(srv: FakeTalkServer, users: list[str]) -> None:
    """The sandbox's users with drawn login passwords; ``admin`` always, in group admin."""
    for user in dict.fromkeys([*users, "admin"]):
        srv.add_user(user, srv.state.random_string(24), display_name(user))
    srv.add_group("admin", ["admin"], "admin")


def seed_demo(srv: FakeTalkServer, main: str) -> dict[str, str]:
    """Create the demo conversations of ``main``; returns {name: token} of the named ones."""
    t = now()
    others = [u for u in srv.state.users if u != main]
    first = others[0] if others else None
    second = others[1] if len(others) > 1 else first
    members = {u: USER for u in others}
    srv.add_group(DEMO_GROUP, [main, *others[:2]], "Staff")
    tokens: dict[str, str] = {}

    def room(name: str, **kwargs: object) -> str:
        kwargs.setdefault("participants", dict(members))
        kwargs.setdefault("last_activity", t - HOUR)
        token = srv.add_room(main, name=name, **kwargs)  # type: ignore[arg-type]
        tokens[name] = token
        return token

    def moderators(*users: str | None) -> dict[str, int]:
        return {**members, **{u: MODERATOR for u in users if u is not None}}

    team = room(
        "Team chat",
        participants=moderators(first),
        description="Daily coordination of the team",
        favorite_for=[main],
        last_activity=t - 600,
    )
    _history(srv, team, t - 600)
    srv.set_unread(team, main, 3, mention=True)
    room(
        "Announcements",
        read_only=1,
        favorite_for=[main],
        description="News for everyone; only moderators write here",
        last_message="The office is closed on Friday",
        last_activity=t - 2 * DAY,
    )
    room("Town hall", type=PUBLIC, description="Open to guests", last_activity=t - 3 * DAY)
    room(
        "Board meeting",
        type=PUBLIC,
        password=srv.state.random_string(16),
        participants=moderators(second),
        last_activity=t - 5 * DAY,
    )
    apollo = room("Project Apollo", participants=moderators(second), unread_for={main: 12})
    lobby = srv.state.rooms[apollo]
    lobby.lobby_state, lobby.lobby_timer = 1, t + 2 * DAY
    room("Project Zephyr", last_message="Draft is in the shared folder", unread_for={main: 2})
    hermes = room("Project Hermes", last_activity=t - 4 * HOUR)
    if srv.profile.has("message-expiration"):
        srv.state.rooms[hermes].message_expiration = 7 * DAY
    release = room("Release planning", last_activity=t - 30 * 60)
    srv.set_unread(release, main, 1, mention=True)
    room("Coffee corner", listable=1, description="Anything but work", last_activity=t - DAY)
    room("Support desk", type=PUBLIC, listable=2, last_activity=t - 6 * HOUR)
    office = room("Open office", description="Drop in any time", last_activity=t - 3 * HOUR)
    # everybody may do everything, skipping the lobby too: what audit's default-permissions
    # finds (stored with the custom bit, as Talk 22 stores 254: a-permissions-default-254)
    srv.state.rooms[office].default_permissions = 255
    room("Hiring", participants=moderators(*others[2:3]), description="Interviews and offers")
    room("Old project", last_activity=t - 120 * DAY)
    room("Old project notes", last_activity=t - 150 * DAY, archived_for=[main])
    room("Offsite 2025", last_activity=t - 200 * DAY, archived_for=[main])
    room("Archive 2024", last_activity=t - 400 * DAY, archived_for=[main])
    hands = room(
        "All hands",
        type=PUBLIC,
        password=srv.state.random_string(16),
        participants=moderators(first),
        description="Everybody, and the guests invited by e-mail",
        last_activity=t - 2 * DAY,
    )
    everybody = srv.state.rooms[hands]
    everybody.lobby_state = 1
    for n in range(1, 51):
        address = f"guest{n:02d}@example.com"
        guest = srv.state.add_attendee(everybody, email_actor_id(address), GUEST, "emails")
        guest.invited_actor_id, guest.display_name = address, ""
    room(
        "Q3 report.odt",
        object_type="file",
        object_id="4711",
        participants={u: USER for u in others[:1]},
        last_activity=t - 20 * DAY,
    )
    for other in others[:2]:
        srv.add_room(main, ONE_TO_ONE, participants={other: USER}, last_activity=t - 2 * HOUR)
    if srv.profile.talk >= (16, 0):
        srv.state.create_room(
            FORMER_ONE_TO_ONE, f"{main}\n{FORMER_USER}", main, last_activity=t - 40 * DAY
        )
    srv.seed_realistic(main)
    if srv.profile.has("bots-v1"):
        seed_bots(srv.state, srv.state.rooms[team])
    if first is not None:  # listable, and main is not in them: `room browse` finds them
        for name, description in (("Book club", "Monthly"), ("Project Orion", "Next year")):
            tokens[name] = srv.add_room(first, GROUP, name, {}, listable=1, description=description)
    return tokens


def seed_bots(state: State, team: Room) -> None:
    """The bots an administrator installed (``occ talk:bot:install``): two a moderator may
    enable per conversation (the first is enabled in "Team chat"), one set up by the
    administrator only (no-setup), and one disabled server-wide (not listed per conversation)."""
    summary = install_bot(
        state,
        "Call summary",
        description="Posts a summary of the call with its tasks",
        features=WEBHOOK | RESPONSE | EVENT,
    )
    install_bot(
        state,
        "Translator",
        description="Translates on request",
        features=WEBHOOK | RESPONSE | REACTION,
    )
    install_bot(state, "Helpdesk", description="Set up by the administrator", bot_state=NO_SETUP)
    install_bot(state, "Old reminder", description="Retired", bot_state=0)
    team.bots.append(summary.id)


TEAM_CHAT = (
    "Good morning! Who takes the release notes this week?",
    "I can do them, will have a draft by noon",
    "Thanks. The build on main is green again",
    "Reminder: the **customer demo** is on Thursday at 14:00",
    "Can someone review the login fix? It is small",
    "Looking at it now",
    "# Not a heading, just a hash\n[and](not a link) <b>nor html</b>",
    "Lunch at the usual place?",
)


def _history(srv: FakeTalkServer, token: str, last: int) -> None:
    """A week of the team's chat (worth exporting), then its last message at ``last``."""
    room = srv.state.rooms[token]
    people = room.user_ids()
    count = 7 * len(TEAM_CHAT)
    for n in range(count):
        when = last - (count - n) * (DAY // len(TEAM_CHAT))
        comment(srv.state, room, people[n % len(people)], TEAM_CHAT[n % len(TEAM_CHAT)], ts=when)
    comment(srv.state, room, people[0], "Stand-up moved to 9:30 tomorrow", ts=last)
