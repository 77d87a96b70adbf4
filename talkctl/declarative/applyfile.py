"""The ``talkctl apply`` file: ``[defaults]`` and ``[[conversation]]`` tables → entries, or
EVERY problem with its line and value.

    [defaults]                      # every setting key; a conversation's own value wins
    notify = "mention"

    [[conversation]]
    name = "Class 6a"
    token = "a1b2c3d4"              # optional: matched before the name
    type = "group"                  # group | public
    ...every setting key of the table (description, read_only, listable, lobby, ...)
    password_env = "CLASS6A_PW"     # public only: the NAME of an environment variable
    rotate_password = false
    participants = { users = ["alice"], groups = ["class-6a"], teams = [], federated_users = [] }
    moderators = ["alice"]          # users; each a participant (listed, or via a group)
    exclusive = true                # remove participants (and bots) the file does not declare
    bots = ["Call summary"]         # bots enabled here (ids or exact names)

    [conversation.participant_permissions]   # each participant's own permissions
    alice = "chat,join-call"        # user ids, e-mail addresses of invitees

No typer, no rich.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talkctl.declarative.converge import TRIMS, relative_time_problem, stored_name
from talkctl.declarative.membership import KINDS, Declared
from talkctl.declarative.tomlfile import InputFileError, Layout, Section, layout_of, read_toml, show
from talkctl.resolve import normalized
from talkctl.settings import BY_KEY, SETTINGS
from talkctl.settings.permissions import file_permissions

ApplyFileError = InputFileError
TYPES = ("group", "public")
MEMBERSHIP_KEYS = ("participants", "moderators", "exclusive", "bots", "participant_permissions")
OWN_KEYS = ("name", "token", "type", "password_env", "rotate_password")
SETTING_KEYS = tuple(setting.key for setting in SETTINGS)  # the one table's keys
KEYS = (*OWN_KEYS[:3], *SETTING_KEYS, *OWN_KEYS[3:], *MEMBERSHIP_KEYS)
DEFAULT_KEYS = ("type", *SETTING_KEYS)
_SECRET_LOOKING = re.compile(r"pass|secret|token|key|credential", re.IGNORECASE)
_TOKEN = re.compile(r"^[a-z0-9]{4,30}$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # what a shell can export


@dataclass(frozen=True)
class Entry:
    """One ``[[conversation]]`` of the file, checked."""

    line: int
    name: str
    token: str | None = None
    type: str | None = None  # "group" | "public"; None: as it is (group when created)
    settings: Mapping[str, Any] = field(default_factory=dict)  # setting key → parsed value
    password: str | None = field(default=None, repr=False)
    rotate_password: bool = False
    membership: Declared = field(default_factory=Declared)
    notes: tuple[str, ...] = ()  # how the file was read (a trimmed name), for the plan
    bots: tuple[str, ...] | None = None  # None: the bots are left as they are
    # participant (user id or invitee's address) → own permissions (bits as sent, method set);
    # None: left as they are
    permissions: Mapping[str, int] | None = None


Report = Callable[[int | None, str], None]


def load(path: Path, env: Mapping[str, str]) -> list[Entry]:
    """Read and check ``path``; raises ApplyFileError listing every problem."""
    data, text = read_toml(path)
    return parse(data, text, str(path), env)


def parse(data: dict[str, Any], text: str, label: str, env: Mapping[str, str]) -> list[Entry]:
    """Check the parsed document; every problem is collected before raising."""
    layout = layout_of(text)
    found: list[tuple[int, str]] = []  # (line, message), reported in line order

    def at(line: int | None, message: str) -> None:
        found.append((line or 0, f"{label}:{line if line else '?'}: {message}"))

    def fail() -> ApplyFileError:
        return ApplyFileError(label, [m for _, m in sorted(found, key=lambda item: item[0])])

    for key in data:
        if key not in ("conversation", "defaults"):
            where = layout.line_of(key)
            at(where, f"unknown top-level key {key!r}: only [defaults] and [[conversation]]")
    defaults = _defaults(data.get("defaults"), layout, at)
    tables = data.get("conversation")
    if tables is None:
        at(1, "no [[conversation]] tables")
        raise fail()
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        at(layout.line_of("conversation"), "'conversation' must be [[conversation]] tables")
        raise fail()
    sections = layout.arrays.get("conversation", [])
    inline = Section(layout.line_of("conversation") or 0)  # conversation = [{...}]: its line
    entries: list[Entry] = []
    names: dict[str, int] = {}
    tokens: dict[str, int] = {}
    for index, table in enumerate(tables):
        section = sections[index] if index < len(sections) else inline
        before = len(found)
        entry = _entry(table, section, layout, defaults, env, at)
        if entry is None:
            continue
        if entry.token is not None:  # names repeat on the server (export writes tokens)
            _twice("token", entry.token, section, tokens, at)
        else:
            _twice("name", normalized(entry.name), section, names, at)  # as names compare
        if len(found) == before:
            entries.append(entry)
    if found:
        raise fail()
    return entries


def _twice(key: str, value: str, section: Section, seen: dict[str, int], at: Report) -> None:
    line = section.keys.get(key, section.line)
    if value in seen:
        among = " among conversations without a token" if key == "name" else ""
        at(line, f"{key} {show(value)} appears twice{among} (first at line {seen[value]})")
    else:
        seen[value] = line


def _unknown(key: str, value: Any, valid: tuple[str, ...], line: int | None, at: Report) -> None:
    if _SECRET_LOOKING.search(key):
        at(
            line,
            f"unknown key {key!r} (its value is not shown: it looks like a secret; never put "
            "a password in the file: name an environment variable with password_env)",
        )
    else:
        at(line, f"unknown key {key!r} = {show(value)} (valid: {', '.join(valid)})")


def _defaults(value: Any, layout: Layout, at: Report) -> dict[str, Any]:
    if value is None:
        return {}
    section = layout.tables.get("defaults", Section(layout.line_of("defaults") or 0))
    if not isinstance(value, dict):
        at(section.line, "defaults must be a [defaults] table")
        return {}
    parsed: dict[str, Any] = {}
    for key, item in value.items():
        line = section.keys.get(key, section.line)
        if key not in DEFAULT_KEYS and key in KEYS:
            at(line, f"{key} cannot be a default: give it in each [[conversation]]")
        elif key not in DEFAULT_KEYS:
            _unknown(key, item, DEFAULT_KEYS, line, at)
        elif key == "type":
            if not isinstance(item, str) or item not in TYPES:
                at(line, f'type must be "group" or "public", not {show(item)}')
            else:
                parsed[key] = item
        elif (value := _setting(key, item, line, at)) is not _INVALID:
            parsed[key] = value
    return parsed


_INVALID = object()


def _setting(key: str, value: Any, line: int | None, at: Report) -> Any:
    """The table's ``parse_file`` of ``key``; a problem (and _INVALID) when it refuses."""
    if (relative := relative_time_problem(key, value)) is not None:
        at(line, relative)
        return _INVALID
    try:
        return BY_KEY[key].parse_file(value)
    except ValueError as exc:
        at(line, f"{key} must be {exc}, not {show(value)}")
        return _INVALID


def _entry(
    table: dict[str, Any],
    section: Section,
    layout: Layout,
    defaults: Mapping[str, Any],
    env: Mapping[str, str],
    at: Report,
) -> Entry | None:
    start = section.line

    def line(key: str) -> int | None:
        return section.keys.get(key, getattr(section.subtables.get(key), "line", start))

    def wrong(key: str, expected: str) -> None:
        at(line(key), f"{key} must be {expected}, not {show(table[key])}")

    for key in table:
        if key not in KEYS:
            _unknown(key, table[key], KEYS, line(key), at)
    name = table.get("name")
    if name is None:
        at(start, "[[conversation]] without a name")
    elif not isinstance(name, str) or not name.strip():
        wrong("name", "a non-empty string")
    token = table.get("token")
    if token is not None and (not isinstance(token, str) or not _TOKEN.match(token)):
        wrong("token", "a conversation token (4-30 lower-case letters and digits)")
    kind = table.get("type", defaults.get("type"))
    if "type" in table and (not isinstance(kind, str) or kind not in TYPES):
        wrong("type", '"group" or "public"')
        kind = None
    settings = dict(defaults)
    settings.pop("type", None)
    for key in SETTING_KEYS:
        if key in table and (value := _setting(key, table[key], line(key), at)) is not _INVALID:
            settings[key] = value
    password = _password(table, kind, env, line, wrong, at)
    membership = _membership(table, kind, section, layout, line, wrong, at)
    bots = _ids("bots", table["bots"], line("bots"), layout, at) if "bots" in table else None
    permissions = _permissions(table, section, line, wrong, at)
    if not isinstance(name, str) or not name.strip():
        return None
    stored = stored_name(name)
    notes = () if stored == name else (f"name {show(name)} compared as {show(stored)}: {TRIMS}",)
    return Entry(
        line=start,
        name=stored,
        notes=notes,
        token=token if isinstance(token, str) else None,
        type=kind if isinstance(kind, str) and kind in TYPES else None,
        settings=settings,
        password=password,
        rotate_password=table.get("rotate_password") is True,
        membership=membership,
        bots=bots,
        permissions=permissions,
    )


def _permissions(
    table: dict[str, Any],
    section: Section,
    line: Callable[[str], int | None],
    wrong: Callable[[str, str], None],
    at: Report,
) -> dict[str, int] | None:
    """``[conversation.participant_permissions]``: ``alice = "chat"``; ids by the one rule
    (user ids, invitees' addresses; ``attendee:N`` changes between servers: refused)."""
    value = table.get("participant_permissions")
    if value is None:
        return None
    if not isinstance(value, dict):
        wrong("participant_permissions", 'a table of participants = "permissions"')
        return None
    sub = section.subtables.get("participant_permissions")
    found: dict[str, int] = {}
    for who, perms in value.items():
        where = sub.keys.get(who, sub.line) if sub else line("participant_permissions")
        if not who.strip():
            at(where, "participant_permissions: an empty participant id")
        elif who.startswith("attendee:"):
            at(
                where,
                f"participant_permissions: {show(who)}: attendee ids differ between servers "
                "and runs; give the user id (or an invitee's e-mail address)",
            )
        else:
            try:
                found[who] = file_permissions(perms)
            except ValueError as exc:
                at(where, f"participant_permissions.{who} must be {exc}, not {show(perms)}")
    return found


def _password(
    table: dict[str, Any],
    kind: Any,
    env: Mapping[str, str],
    line: Callable[[str], int | None],
    wrong: Callable[[str, str], None],
    at: Report,
) -> str | None:
    rotate = table.get("rotate_password")
    if rotate is not None and not isinstance(rotate, bool):
        wrong("rotate_password", "true or false")
    variable = table.get("password_env")
    if variable is None:
        if rotate is True:
            at(line("rotate_password"), "rotate_password = true needs password_env")
        return None
    password: str | None = None
    if not isinstance(variable, str) or not _VARIABLE.match(variable):
        at(
            line("password_env"),
            "password_env must be the NAME of an environment variable (letters, digits, _; "
            "its value is not shown: it may be the password itself)",
        )
    elif not env.get(variable):
        at(line("password_env"), f"password_env: environment variable {variable} is not set")
    else:
        password = env[variable]
    if kind != "public":
        at(line("password_env"), 'a password needs type = "public"')
    return password


def _membership(
    table: dict[str, Any],
    kind: Any,
    section: Section,
    layout: Layout,
    line: Callable[[str], int | None],
    wrong: Callable[[str, str], None],
    at: Report,
) -> Declared:
    participants: dict[str, tuple[str, ...]] | None = None
    value = table.get("participants")
    sub = section.subtables.get("participants")
    if value is not None:
        if not isinstance(value, dict):
            wrong("participants", "a table of " + ", ".join(KINDS))
        else:
            participants = {}
            for key, ids in value.items():
                where = sub.keys.get(key, sub.line) if sub else line("participants")
                if key not in KINDS:
                    _unknown(f"participants.{key}", ids, KINDS, where, at)
                    continue
                checked = _ids(f"participants.{key}", ids, where, layout, at)
                if key == "emails":
                    checked = _emails(checked, kind, where, at)
                participants[key] = checked
    moderators: tuple[str, ...] | None = None
    if "moderators" in table:
        moderators = _ids("moderators", table["moderators"], line("moderators"), layout, at)
        _moderators_are_participants(moderators, participants, line("moderators"), layout, at)
    exclusive = table.get("exclusive", False)
    if not isinstance(exclusive, bool):
        wrong("exclusive", "true or false")
        exclusive = False
    if exclusive and participants is None and "bots" not in table:
        at(
            line("exclusive"),
            "exclusive = true needs a participants table or bots (who and what may stay)",
        )
    if exclusive and participants and participants.get("teams"):
        at(
            line("exclusive"),
            "exclusive = true cannot be combined with teams: no API lists a team's members, "
            "so talkctl cannot tell who comes through one",
        )
    return Declared(participants, moderators, exclusive)


def _ids(key: str, value: Any, line: int | None, layout: Layout, at: Report) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        at(line, f"{key} must be a list of non-empty strings, not {show(value)}")
        return ()
    seen: set[str] = set()
    for item in value:
        if item in seen:
            at(layout.value_line(line, item), f"{key}: {show(item)} appears twice")
        seen.add(item)
    return tuple(dict.fromkeys(value))


def _emails(emails: tuple[str, ...], kind: Any, line: int | None, at: Report) -> tuple[str, ...]:
    # not checked as addresses: the server keeps any invitee (export writes what it has);
    # adding one that is no address is refused when the plan would send it
    if emails and kind != "public":
        at(
            line,
            'participants.emails needs type = "public": inviting an e-mail address makes a '
            "group conversation public on the server, so the file could never converge",
        )
    return emails


def _moderators_are_participants(
    moderators: tuple[str, ...],
    participants: Mapping[str, tuple[str, ...]] | None,
    line: int | None,
    layout: Layout,
    at: Report,
) -> None:
    """Checked with the file where it can be: without groups a moderator must be a user of
    the file (with groups, at plan time through the group members)."""
    if participants is None or participants.get("groups"):
        return
    users = participants.get("users", ())
    for user in moderators:
        if user not in users:
            at(
                layout.value_line(line, user),
                f"moderators: {show(user)} is not a participant (add them to participants.users)",
            )
