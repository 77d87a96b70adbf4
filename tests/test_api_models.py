"""Conversation keeps the raw dict and tolerates unknown or missing values."""

from __future__ import annotations

from typing import Any

import pytest

from talkctl.api.models import Conversation, default_notification_level, level_name, type_name
from talkctl.cli.output import cell_text
from talkctl.cli.room.columns import CONVERSATION, conversation_details


@pytest.mark.parametrize(
    "raw",
    [
        {"token": "t1", "type": 7, "notificationLevel": 9, "readOnly": 5},
        {"token": "t2"},
        {},
        {
            "token": None,
            "type": "group",
            "name": None,
            "displayName": None,
            "notificationLevel": "x",
            "lastActivity": "soon",
            "unreadMessages": None,
        },
    ],
)
def test_unknown_and_missing_values_never_crash(raw: dict[str, Any]) -> None:
    conversation = Conversation(raw)
    assert conversation.to_json() == raw
    for column in CONVERSATION.columns:
        for fmt in ("table", "csv", "tsv"):
            cell_text(column.get(conversation), fmt)
    rows = dict(conversation_details(conversation, "https://cloud.example.com"))
    assert rows["type"].startswith("unknown(") or rows["type"] in ("one-to-one", "group")


def test_unknown_enum_values_are_named_not_guessed() -> None:
    conversation = Conversation({"token": "t", "type": 7, "notificationLevel": 9})
    assert conversation.type_name == "unknown(7)"
    assert level_name(conversation.notification_level) == "unknown(9)"
    assert type_name(None) == "unknown(None)"


def test_raw_keeps_every_field() -> None:
    raw = {"token": "t", "type": 3, "future": {"nested": [1]}, "displayName": "D", "name": "n"}
    conversation = Conversation(raw)
    assert conversation.to_json() == raw
    assert (conversation.display_name, conversation.name, conversation.is_public) == (
        "D",
        "n",
        True,
    )


@pytest.mark.parametrize(("room_type", "level"), [(1, 1), (2, 2), (3, 2), (6, 2), (7, 2)])
def test_default_notification_level_per_type(room_type: int, level: int) -> None:
    assert default_notification_level(room_type) == level
