"""Selection logic of ``room list`` (talkctl.cli.filters) and the --fields catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from talkctl.api.models import Conversation
from talkctl.cli.filters import Selection, parse_age, parse_types
from talkctl.cli.room.columns import CONVERSATION, CONVERSATION_FIELDS
from talkctl.errors import UsageError

NOW = 1_800_000_000
DAY = 86400
FIXTURES = Path(__file__).resolve().parent.parent / "talkctl" / "sandbox" / "recordings" / "talk22"


def conv(token: str, **raw: Any) -> Conversation:
    base: dict[str, Any] = {
        "token": token,
        "type": 2,
        "name": token,
        "displayName": token,
        "lastActivity": NOW,
        "objectType": "",
    }
    base.update(raw)
    return Conversation(base)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("45s", 45), ("30m", 1800), ("12h", 43200), ("90d", 90 * DAY), ("2w", 14 * DAY), ("0d", 0)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_age(text) == seconds


@pytest.mark.parametrize("text", ["", "90", "d", "1.5d", "-3d", "3y", "3 days", "1h30m"])
def test_bad_durations_name_the_option(text: str) -> None:
    with pytest.raises(UsageError, match="--inactive"):
        parse_age(text, "--inactive")


def test_types_by_name_repeatable_and_comma_separated() -> None:
    assert parse_types(["group", "public"]) == {2, 3}
    assert parse_types(["one-to-one,former-one-to-one"]) == {1, 5}
    assert parse_types(["note-to-self", "changelog"]) == {6, 4}
    with pytest.raises(UsageError, match="unknown --type 'private'"):
        parse_types(["private"])


def test_default_order_is_talks_favorites_first_then_latest_activity() -> None:
    rooms = [
        conv("b1", lastActivity=NOW - 50),
        conv("b10", lastActivity=NOW - 10),
        conv("b2", lastActivity=NOW - 20),
        conv("fav-old", isFavorite=True, lastActivity=NOW - 999),
        conv("fav-new", isFavorite=True, lastActivity=NOW - 1),
    ]
    chosen = [c.token for c in Selection().apply(rooms, NOW)]
    assert chosen == ["fav-new", "fav-old", "b10", "b2", "b1"]
    by_name = [c.token for c in Selection(sort="name").apply(rooms, NOW)]
    assert by_name[:3] == ["b1", "b10", "b2"]  # --sort still decides


def test_every_filter_is_an_and() -> None:
    rooms = [
        conv("old", lastActivity=NOW - 100 * DAY),
        conv("new", lastActivity=NOW - 3600),
        conv("pub", type=3, hasPassword=True, lastActivity=NOW - 100 * DAY),
        conv("fav", isFavorite=True, unreadMessages=3, unreadMention=True),
        conv("direct", unreadMentionDirect=True),
        conv("ro", readOnly=1, isArchived=True),
        conv("file", objectType="file", lastActivity=NOW - 200 * DAY),
    ]

    def pick(**kwargs: Any) -> list[str]:
        chosen = [c.token for c in Selection(**kwargs).apply(rooms, NOW)]
        return [c.token for c in rooms if c.token in chosen]  # the order: see the next test

    assert pick() == [c.token for c in rooms]
    assert pick(inactive_for=90 * DAY) == ["old", "pub", "file"]
    assert pick(inactive_for=90 * DAY, types=frozenset({2})) == ["old", "file"]
    assert pick(active_within=2 * 3600) == ["new", "fav", "direct", "ro"]
    assert pick(public=True) == ["pub"]
    assert pick(has_password=True) == ["pub"]
    assert pick(favorite=True) == ["fav"]
    assert pick(unread=True) == ["fav"]
    assert pick(mentioned=True) == ["fav", "direct"]
    assert pick(read_only=True) == ["ro"]
    assert pick(archived=True) == ["ro"]
    assert "ro" not in pick(archived=False) and len(pick(archived=False)) == 6
    assert pick(object_types=frozenset({"file"})) == ["file"]
    assert "file" not in pick(object_types=frozenset({""}))
    assert pick(name_glob="?ld") == ["old"]
    assert pick(name_glob="F*") == []  # case-sensitive like CONV names


def test_glob_matches_display_name_or_name() -> None:
    one = conv("t1", name="alice", displayName="Alice Liddell", type=1)
    assert Selection(name_glob="Alice *").matches(one, NOW)
    assert Selection(name_glob="ali*").matches(one, NOW)
    assert not Selection(name_glob="bob*").matches(one, NOW)


def test_missing_fields_of_old_servers_do_not_crash() -> None:
    bare = Conversation({"token": "x", "type": 2})
    assert Selection(archived=False, inactive_for=DAY).matches(bare, NOW)
    assert not Selection(archived=True).matches(bare, NOW)


def test_sort_and_limit() -> None:
    rooms = [
        conv("b", displayName="beta", lastActivity=NOW - 10),
        conv("a", displayName="Alpha", lastActivity=NOW - 30),
        conv("c", displayName="gamma", lastActivity=NOW - 20),
    ]
    by_activity = Selection(sort="activity").apply(rooms, NOW)
    assert [c.token for c in by_activity] == ["b", "c", "a"]
    assert [c.token for c in Selection(sort="name").apply(rooms, NOW)] == ["a", "b", "c"]
    assert [c.token for c in Selection(sort="name", limit=2).apply(rooms, NOW)] == ["a", "b"]
    assert [c.token for c in Selection(limit=1).apply(rooms, NOW)] == ["b"]  # server order
    with pytest.raises(UsageError, match="--sort"):
        Selection(sort="size")
    with pytest.raises(UsageError, match="--limit"):
        Selection(limit=0)


def _recorded_conversations() -> list[dict[str, Any]]:
    """Every conversation object in the recorded Talk 22 answers."""
    found: list[dict[str, Any]] = []
    for path in sorted(FIXTURES.glob("*.json")):
        data = json.loads(path.read_text("utf-8")).get("body")
        payload = data.get("ocs", {}).get("data") if isinstance(data, dict) else None
        items = payload if isinstance(payload, list) else [payload]
        found += [
            item
            for item in items
            if isinstance(item, dict) and "token" in item and "participantType" in item
        ]
    return found


def test_every_recorded_talk22_field_is_known() -> None:
    conversations = _recorded_conversations()
    assert len(conversations) >= 20  # room-list, room-get, every change answer...
    keys = set().union(*(c.keys() for c in conversations))
    assert {"isArchived", "isImportant", "isSensitive"} & keys
    assert keys - CONVERSATION_FIELDS == set()
    assert CONVERSATION.parse_fields(",".join(sorted(keys))) == sorted(keys)


def test_unknown_field_lists_the_valid_ones() -> None:
    with pytest.raises(UsageError) as caught:
        CONVERSATION.parse_fields("token,colour")
    message = str(caught.value)
    assert "unknown field(s) colour" in message
    assert "isArchived" in message and "displayName" in message
