"""Permissions by name (talkctl/settings/permissions.py) both ways, and ``room permissions``
end to end against the sandbox, which answers as recorded on Talk 22
(recordings/talk22-moderation/, replayed by test_fake_fidelity_moderation.py)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import requests
from e2e_support import Factory, Session, start

from talkctl.errors import UsageError
from talkctl.sandbox import FakeTalkServer
from talkctl.settings.permissions import (
    ALL,
    PERMISSION_BITS,
    file_permissions,
    parse_permissions,
    permission_names,
    stored,
)

USER = 3  # participantType of a plain user (constants.md)
HEADERS = {"OCS-APIRequest": "true", "Accept": "application/json"}


# --- names <-> bits ----------------------------------------------------------------------------


@pytest.mark.parametrize("bits", range(256))
def test_every_stored_value_reads_back_as_names_that_send_it_again(bits: int) -> None:
    names = permission_names(bits)
    assert names.isascii() and str(bits) not in names.split(",")
    assert stored(parse_permissions(names)) == stored(bits)


def test_every_combination_of_names_shows_as_itself() -> None:
    names = list(PERMISSION_BITS)
    for size in range(1, len(names) + 1):
        for chosen in itertools.combinations(names, size):
            bits = parse_permissions(",".join(reversed(chosen)))
            assert bits == sum(PERMISSION_BITS[n] for n in chosen)
            shown = permission_names(stored(bits))
            expected = "all" if size == len(names) else ",".join(chosen)
            assert shown == expected


def test_the_words_and_unknown_bits() -> None:
    assert (parse_permissions("all"), parse_permissions("none")) == (ALL, 1)
    assert parse_permissions("default") == 0
    assert [permission_names(b) for b in (0, 1, 129, 246, 254, 255)] == [
        "default",
        "none",
        "chat",
        "chat,start-call,join-call,audio,video,screen",
        "all",
        "all",
    ]
    assert permission_names(129 | 512) == "chat,unknown(512)"


@pytest.mark.parametrize("bits", [256, 129 | 512, 255 | 256, 1 | 1024 | 2048, 2**30])
def test_bits_no_name_stands_for_read_back_as_shown(bits: int) -> None:
    """A newer Talk's permission: export writes it as unknown(N), apply reads it again."""
    names = permission_names(bits)
    assert "unknown(" in names
    assert stored(parse_permissions(names)) == stored(bits)
    assert stored(file_permissions(names)) == stored(bits)  # an exported apply file


@pytest.mark.parametrize(
    "text", ["unknown(0)", "unknown(128)", "unknown(257)", "unknown(-1)", "unknown(x)",
             "unknown(99999999999)", "unknown(4294967296)", "chat,unknown()"],
)  # fmt: skip
def test_unknown_bits_that_a_name_stands_for_or_no_bits_are_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        parse_permissions(text)


@pytest.mark.parametrize("text", ["bogus", "chat,", "all,chat", "", "CHAT"])
def test_an_unknown_or_misplaced_name_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        parse_permissions(text)


# --- room permissions --------------------------------------------------------------------------


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def own(srv: FakeTalkServer, token: str, user: str, bits: int) -> None:
    """Give ``user`` permissions of their own, as the recorded request does."""
    attendee = srv.room(token)["attendeeIds"][user]
    resp = requests.put(
        f"{srv.url}/ocs/v2.php/apps/spreed/api/v4/room/{token}/attendees/permissions",
        data={"attendeeId": attendee, "method": "set", "permissions": bits},
        auth=("admin", srv.password_of("admin")),
        headers=HEADERS,
        timeout=10,
    )
    assert resp.status_code == 200, resp.text


def test_the_verb_sets_the_default_by_name_and_room_show_shows_names(admin: Session) -> None:
    token = admin.srv.add_room(name="A")
    record = admin.json("room", "permissions", token, "chat,join-call")
    assert record["changes"] == [
        {"field": "default-permissions", "from": "default", "to": "chat,join-call"}
    ]
    assert admin.forms("PUT", "/permissions/default") == [{"permissions": "133"}]
    assert admin.srv.room(token)["defaultPermissions"] == 133  # the custom bit added
    shown = admin.run("room", "show", token)
    assert shown.code == 0, shown
    assert "default permissions\tchat,join-call" in shown.stdout
    assert "133" not in shown.stdout


def test_setting_it_again_is_unchanged_and_sends_nothing(admin: Session) -> None:
    a, b = admin.srv.add_room(name="A"), admin.srv.add_room(name="B")
    admin.json("room", "permissions", a, b, "chat")
    admin.srv.clear_log()
    again = admin.json("room", "permissions", a, b, "chat")
    assert [r["action"] for r in again] == ["unchanged", "unchanged"]
    assert admin.srv.changing_requests() == []


def test_resetting_participants_own_permissions_is_said_and_needs_yes(admin: Session) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER, "bob": USER})
    own(admin.srv, token, "alice", 128)
    dry = admin.run("room", "permissions", token, "all", "--dry-run")
    assert dry.code == 0, dry
    assert "would set default-permissions default → all" in dry.stdout
    assert "resets 1 participant's own permissions" in dry.stdout
    admin.srv.clear_log()
    refused = admin.run("room", "permissions", token, "all")
    assert refused.code == 2, refused
    assert "resets 1 participant's own permissions" in refused.stderr and "--yes" in refused.stderr
    assert admin.srv.changing_requests() == []
    assert admin.srv.room(token)["attendeePermissions"] == {"alice": 129}
    done = admin.run("room", "permissions", token, "all", "--yes")
    assert done.code == 0, done
    assert "resets 1 participant's own permissions" in done.stdout
    assert admin.srv.room(token)["attendeePermissions"] == {}  # as recorded: 129 -> 0
    assert admin.srv.room(token)["defaultPermissions"] == 255


def test_nobody_with_own_permissions_needs_no_yes(admin: Session) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER})
    result = admin.run("room", "permissions", token, "none")
    assert result.code == 0, result
    assert "resets" not in result.stdout
    assert admin.srv.room(token)["defaultPermissions"] == 1


def test_an_unknown_name_is_exit_2_with_the_names_before_any_request(admin: Session) -> None:
    admin.srv.add_room(name="A")
    admin.srv.clear_log()
    result = admin.run("room", "permissions", "A", "chat,shout")
    assert result.code == 2, result
    assert "unknown permission 'shout'" in result.stderr
    assert "chat, start-call, join-call, lobby-ignore" in result.stderr
    assert admin.srv.requests == []


def test_a_participant_who_is_no_moderator_is_refused(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    alice = start(fake_talk_factory, talkctl_home, "22", user="alice")
    token = alice.srv.add_room(name="Theirs", participants={"alice": USER})
    result = alice.run("room", "permissions", token, "chat")
    assert result.code == 5, result
    assert "only moderators can change" in result.stderr
    assert alice.srv.room(token)["defaultPermissions"] == 0


def test_a_one_to_one_refusal_says_why(admin: Session) -> None:
    token = admin.srv.add_room(name="bob", type=1, participants={"bob": 1})
    result = admin.run("room", "permissions", token, "chat")
    assert result.code != 0, result
    assert "cannot have default permissions" in result.stderr


def test_a_server_without_it_exits_6_sending_nothing(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    old = start(fake_talk_factory, talkctl_home, "11")
    token = old.srv.add_room(name="Old")
    old.srv.clear_log()
    result = old.run("room", "permissions", token, "chat")
    assert result.code == 6, result
    assert "conversation permissions" in result.stderr and "not supported" in result.stderr
    assert old.srv.changing_requests() == []


def test_create_takes_the_flag(admin: Session) -> None:
    made = admin.json("room", "create", "Made", "--default-permissions", "chat")
    assert admin.srv.room(made["token"])["defaultPermissions"] == 129


def test_apply_then_export_then_apply_round_trip(admin: Session, tmp_path: Path) -> None:
    rooms = tmp_path / "rooms.toml"
    rooms.write_text(
        '[[conversation]]\nname = "Town hall"\ndefault_permissions = "chat,join-call"\n'
    )
    applied = admin.run("apply", str(rooms), "--json")
    assert applied.code == 0, applied
    (record,) = json.loads(applied.stdout)
    assert admin.srv.room(record["token"])["defaultPermissions"] == 133
    exported = admin.run("export", "Town hall")
    assert exported.code == 0, exported
    assert 'default_permissions = "chat,join-call"' in exported.stdout
    again = tmp_path / "again.toml"
    again.write_text(exported.stdout)
    admin.srv.clear_log()
    plan = admin.run("apply", str(again), "--json")
    assert plan.code == 0, plan
    assert [r["action"] for r in json.loads(plan.stdout)] == ["unchanged"]
    assert admin.srv.changing_requests() == []


def test_an_apply_file_with_an_unknown_name_is_refused(admin: Session, tmp_path: Path) -> None:
    rooms = tmp_path / "rooms.toml"
    rooms.write_text('[[conversation]]\nname = "X"\ndefault_permissions = "shout"\n')
    result = admin.run("apply", str(rooms))
    assert result.code == 2, result
    assert "default_permissions" in result.stderr
    assert admin.srv.changing_requests() == []
