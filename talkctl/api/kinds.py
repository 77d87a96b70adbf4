"""The one table of participant kinds and participant types: a new kind is one row.

Every surface reads it: the participant verbs (``--group`` ...), ``room create --source``,
the apply file's ``participants`` keys and export, the membership plan, the sources an add
sends (openapi-talk22.json against openapi-talk18.0.14.json: Talk 21+ takes ``teams`` and
``federated_users``, earlier releases ``circles`` and ``remotes``), and how a listing's
``actorType`` is named. No imports: the apply planner and the completion read it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A kind of participant one adds, and every name it has."""

    name: str  # user, group, email, team, federated: the participant verbs' kind
    key: str  # users, groups, ...: the apply file's participants key, create's JSON key
    actor_type: str  # the attendee's actorType in a listing
    label: str  # how a sentence calls one of them
    option: str  # room create --source NAME
    flag: str | None  # the participant verbs' option, no dashes (None: the default kind)
    feature: str | None  # the capability that adding one needs
    sources: tuple[str, str]  # the ``source`` of an add: (before Talk 21, Talk 21+)
    aliases: tuple[str, ...] = ()  # older names of --source (and of the flag)

    @property
    def prefix(self) -> str:
        """How a changes value names one: ``bob``, ``group staff``, ``email x@example.com``."""
        return "" if self.name == "user" else f"{self.name} "

    def source(self, modern: bool) -> str:
        """The ``source`` to send: Talk 21+ (``modern``) or before."""
        return self.sources[1] if modern else self.sources[0]


KINDS_TABLE: tuple[Kind, ...] = (
    Kind("user", "users", "users", "user", "users", None, None, ("users", "users")),
    Kind(
        "group",
        "groups",
        "groups",
        "group",
        "groups",
        "group",
        "invite-groups-and-mails",
        ("groups", "groups"),
    ),
    Kind(
        "team",
        "teams",
        "circles",
        "team",
        "teams",
        "team",
        "circles-support",
        ("circles", "teams"),
        ("circles",),
    ),
    Kind(
        "federated",
        "federated_users",
        "federated_users",
        "federated user",
        "federated",
        "federated",
        "federation-v1",
        ("remotes", "federated_users"),
    ),
    Kind(
        "email",
        "emails",
        "emails",
        "e-mail invitee",
        "emails",
        "email",
        "invite-groups-and-mails",
        ("emails", "emails"),
    ),
)
KINDS: dict[str, Kind] = {kind.name: kind for kind in KINDS_TABLE}
BY_KEY: dict[str, Kind] = {kind.key: kind for kind in KINDS_TABLE}
BY_ACTOR_TYPE: dict[str, Kind] = {kind.actor_type: kind for kind in KINDS_TABLE}
BY_OPTION: dict[str, Kind] = {
    name: kind for kind in KINDS_TABLE for name in (kind.option, *kind.aliases)
}
FILE_KEYS: tuple[str, ...] = tuple(kind.key for kind in KINDS_TABLE)  # in the plan's order
# actorType values that are no kind one adds (guests joined by link, bots, ...)
OTHER_ACTOR_TYPES = {"guests": "guest", "bots": "bot", "bridged": "bridged", "phones": "phone"}

# participantType (constants.md)
OWNER, MODERATOR, USER, GUEST, USER_SELF_JOINED, GUEST_MODERATOR = 1, 2, 3, 4, 5, 6
MODERATOR_TYPES = (OWNER, MODERATOR, GUEST_MODERATOR)
ROLE_NAMES = {
    OWNER: "owner",
    MODERATOR: "moderator",
    USER: "user",
    GUEST: "guest",
    USER_SELF_JOINED: "user",
    GUEST_MODERATOR: "moderator",
}
