"""The one table of conversation settings (talkctl/settings): one shape per setting on the
command line and in the apply file, the effective value read from a conversation, the text
shown, the create fields, the gates, and the one password rule."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from talkctl.api.models import Conversation
from talkctl.declarative.export import settings_of
from talkctl.errors import UsageError
from talkctl.settings import (
    BY_KEY,
    BY_NAME,
    SETTINGS,
    Lobby,
    check_password_rule,
    on_off_setting,
    parse_flags,
    shortest_duration,
)


class Recorder:
    """Stands in for ConversationsApi: records what ``change`` would send."""

    def __init__(self) -> None:
        self.sent: list[tuple[Any, ...]] = []

    def change(
        self, token: str, method: str, suffix: str, data: Any = None, *, gate: Any = None
    ) -> None:
        self.sent.append((token, method, suffix, data, gate))


def conv(**raw: Any) -> Conversation:
    return Conversation({"token": "t", "type": 2, **raw})


def test_every_setting_is_complete() -> None:
    for setting in SETTINGS:
        assert setting.key == setting.name.replace("-", "_")
        assert setting.gate is not None and setting.gate[0] and setting.gate[1]
        assert setting.personal == (setting.create_field is None)
        assert setting.help and setting.metavar and setting.reported_as


@pytest.mark.parametrize(
    ("name", "text", "value", "shown"),
    [
        ("read-only", "on", True, "on"),
        ("listable", "everyone", 2, "everyone"),
        ("message-expiration", "90m", 5400, "90m"),
        ("message-expiration", "off", 0, "off"),
        ("archived", "off", False, "off"),
        ("notify", "never", 3, "never"),
        ("lobby", "off", Lobby(False), "off"),
        ("description", "Hello", "Hello", "Hello"),
    ],
)
def test_one_shape_parsed_and_shown(name: str, text: str, value: Any, shown: str) -> None:
    setting = BY_NAME[name]
    assert setting.parse(text) == value
    assert setting.show(value) == shown


@pytest.mark.parametrize(
    ("name", "text"),
    [("read-only", "yes"), ("listable", "all"), ("message-expiration", "1.5h"), ("notify", "0")],
)
def test_bad_values_name_the_value(name: str, text: str) -> None:
    with pytest.raises(UsageError, match=repr(text).replace(".", r"\.")):
        BY_NAME[name].parse(text)


def test_effective_values_are_read_from_a_conversation() -> None:
    notify = BY_NAME["notify"]
    assert notify.read(conv(notificationLevel=0)) == 2  # the group default: mention
    assert not notify.differs(0, conv(notificationLevel=2))  # default on a group = mention
    assert notify.differs(0, conv(type=1, notificationLevel=2))  # one-to-one default: always
    lobby = BY_NAME["lobby"]
    later = int(datetime.now(timezone.utc).timestamp()) + 86400
    assert lobby.read(conv(lobbyState=1, lobbyTimer=later)) == Lobby(True, later)
    assert lobby.read(conv(lobbyState=1, lobbyTimer=99)) == Lobby(False)  # passed: off
    assert lobby.read(conv(lobbyState=0, lobbyTimer=99)) == Lobby(False)
    assert BY_NAME["message-expiration"].read(conv()) == 0


def test_apply_file_values() -> None:
    assert BY_KEY["notify"].parse_file(1) == 1 and BY_KEY["notify"].parse_file("mention") == 2
    assert BY_KEY["message_expiration"].parse_file("4w") == 4 * 7 * 86400
    past = datetime(2001, 1, 1, tzinfo=timezone.utc)
    assert BY_KEY["lobby"].parse_file(past) == Lobby(False)  # passed: Talk turned it off
    future = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
    assert BY_KEY["lobby"].parse_file(future) == Lobby(True, int(future.timestamp()))
    assert BY_KEY["lobby"].to_file(Lobby(True, int(future.timestamp()))) == future
    with pytest.raises(ValueError, match="true or false"):
        BY_KEY["read_only"].parse_file("yes")


def test_an_on_off_setting_is_one_call() -> None:
    """on_off_setting gives the shape every on/off entry has (read-only, archived, favorite)."""
    api = Recorder()
    setting = on_off_setting(
        "new-thing", "on: new; off: old.", "newThing", "/new-thing", ("new-thing", "new things")
    )
    assert (setting.key, setting.metavar) == ("new_thing", "on|off")
    assert setting.parse("on") is True and setting.parse("off") is False
    with pytest.raises(UsageError, match="'yes'"):
        setting.parse("yes")
    assert setting.parse_file(False) is False and setting.to_file(True) is True
    assert setting.show(True) == "on" and setting.describe(False) == "set new-thing off"
    assert setting.read(conv(newThing=True)) is True and setting.differs(False, conv(newThing=1))
    setting.send(api, "t", True)  # type: ignore[arg-type]
    assert api.sent == [("t", "PUT", "/new-thing", {"state": 1}, ("new-thing", "new things"))]
    assert setting.create_field is not None and setting.create_field(True) == {"newThing": 1}
    assert setting.moderator_only and not setting.personal and setting.reported_as == "newThing"
    mine = on_off_setting(
        "mine", "h", "mine", "/mine", ("m", "m"), field=None, method="POST", method_off="DELETE",
        personal=True,
    )  # fmt: skip
    assert mine.personal and not mine.moderator_only and mine.create_field is None
    mine.send(api, "t", False)  # type: ignore[arg-type]
    assert api.sent[-1] == ("t", "DELETE", "/mine", None, ("m", "m"))
    for name in ("read-only", "archived", "favorite"):
        assert (BY_NAME[name].metavar, BY_NAME[name].show(False)) == ("on|off", "off")


def test_export_writes_a_setting_exactly_when_the_server_reports_it() -> None:
    sample = {"description": "d", "readOnly": 1, "listable": 1, "lobbyState": 0}
    sample |= {"messageExpiration": 60, "isArchived": True, "isFavorite": True}
    sample |= {"notificationLevel": 1, "mentionPermissions": 1, "defaultPermissions": 129}
    sample |= {"recordingConsent": 1, "sipEnabled": 2, "isImportant": True}
    assert settings_of(conv()) == {}
    assert list(settings_of(conv(**sample))) == [s.key for s in SETTINGS]
    for setting in SETTINGS:
        alone = conv(**{setting.reported_as: sample[setting.reported_as]})
        assert list(settings_of(alone)) == [setting.key], setting.name


def test_shortest_duration() -> None:
    assert [shortest_duration(s) for s in (0, 59, 5400, 86400, 604800, 90000)] == [
        "off",
        "59s",
        "90m",
        "1d",
        "1w",
        "25h",
    ]


def test_create_fields_follow_the_openapi_names() -> None:
    fields: dict[str, Any] = {}
    for name, text in [("read-only", "on"), ("listable", "users"), ("lobby", "on")]:
        fields |= BY_NAME[name].create_field(BY_NAME[name].parse(text))  # type: ignore[misc]
    fields |= BY_NAME["message-expiration"].create_field(3600)  # type: ignore[misc]
    assert fields == {"readOnly": 1, "listable": 1, "lobbyState": 1, "messageExpiration": 3600}


def test_parse_flags_by_name_to_values_by_key() -> None:
    assert parse_flags({"read-only": "on", "listable": None, "notify": "always"}) == {
        "read_only": True,
        "notify": 1,
    }


def test_the_one_password_rule() -> None:
    check_password_rule(3, "pw", force_passwords=True)
    check_password_rule(2, None, force_passwords=True)
    with pytest.raises(UsageError, match="requires a password"):
        check_password_rule(3, None, force_passwords=True)
    with pytest.raises(UsageError, match="needs a public conversation"):
        check_password_rule(2, "pw", force_passwords=False)
