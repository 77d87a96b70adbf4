"""Each participant's own permissions in apply files and export (issue 23):
``[conversation.participant_permissions]``, set after the default (setting the default resets
every participant's own on the server), the resets named and needing --yes, and a round trip
export → apply that changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from e2e_support import Factory, Session, start
from test_permissions import own

from talkctl.declarative.applyfile import ApplyFileError, load

USER = 3


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "talk.toml"
    path.write_text(text, "utf-8")
    return path


# --- the file ----------------------------------------------------------------------------------


def test_the_table_is_read_as_bits(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[conversation]]\nname = "A"\n\n[conversation.participant_permissions]\n'
        'alice = "chat,join-call"\n"carol@example.com" = "none"\nbob = "default"\n',
    )
    (entry,) = load(path, {})
    assert entry.permissions == {"alice": 132, "carol@example.com": 1, "bob": 0}


def test_no_table_leaves_them_alone(tmp_path: Path) -> None:
    (entry,) = load(write(tmp_path, '[[conversation]]\nname = "A"\n'), {})
    assert entry.permissions is None


def test_problems_with_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[conversation]]\nname = "A"\n\n[conversation.participant_permissions]\n'
        'alice = "chat,shout"\n"attendee:12" = "chat"\nbob = 5\n',
    )
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith(f"{path}:5: participant_permissions.alice must be a comma list")
    assert 'not "chat,shout"' in problems[0]
    assert problems[1].startswith(f'{path}:6: participant_permissions: "attendee:12"')
    assert "give the user id" in problems[1]
    assert problems[2].startswith(f"{path}:7: participant_permissions.bob must be")


def test_not_a_table_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[[conversation]]\nname = "A"\nparticipant_permissions = "chat"\n')
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    assert caught.value.problems == [
        f'{path}:3: participant_permissions must be a table of participants = "permissions", '
        'not "chat"'
    ]


# --- apply -------------------------------------------------------------------------------------


def test_apply_sets_own_permissions_then_a_second_run_sends_nothing(
    admin: Session, tmp_path: Path
) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER, "bob": USER})
    path = write(
        tmp_path,
        f'[[conversation]]\nname = "A"\ntoken = "{token}"\n\n'
        '[conversation.participant_permissions]\nalice = "chat,join-call"\n',
    )
    dry = admin.run("apply", str(path), "--dry-run")
    assert dry.code == 0, dry
    assert "permissions alice" in dry.stdout and "chat,join-call" in dry.stdout
    assert admin.srv.changing_requests() == []
    done = admin.run("apply", str(path))
    assert done.code == 0, done
    assert admin.srv.room(token)["attendeePermissions"] == {"alice": 133}
    assert admin.forms("PUT", "/attendees/permissions") == [
        {
            "attendeeId": str(admin.srv.room(token)["attendeeIds"]["alice"]),
            "method": "set",
            "permissions": "132",
        }
    ]
    admin.srv.clear_log()
    again = admin.run("apply", str(path), "--json")
    assert again.code == 0, again
    assert [r["action"] for r in json.loads(again.stdout)] == ["unchanged"]
    assert admin.srv.changing_requests() == []


def test_a_new_default_is_set_before_the_own_permissions(admin: Session, tmp_path: Path) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER})
    own(admin.srv, token, "alice", 128)
    path = write(
        tmp_path,
        f'[[conversation]]\nname = "A"\ntoken = "{token}"\ndefault_permissions = "all"\n\n'
        '[conversation.participant_permissions]\nalice = "chat"\n',
    )
    admin.srv.clear_log()
    (plan,) = json.loads(admin.run("apply", str(path), "--dry-run", "--json").stdout)
    # alice's stay "chat": the plan says they are sent again, not a change "chat → chat"
    assert [c["field"] for c in plan["changes"]] == ["default-permissions"]
    assert plan["notes"] == [
        "permissions alice: chat, set again after the new default permissions (which reset them)"
    ]
    done = admin.run("apply", str(path))  # alice's are set again: nothing lost, no --yes
    assert done.code == 0, done
    paths = [r.path for r in admin.srv.changing_requests()]
    assert len(paths) == 2
    assert paths[0].endswith("/permissions/default")
    assert paths[1].endswith("/attendees/permissions")
    room = admin.srv.room(token)
    assert room["defaultPermissions"] == 255
    assert room["attendeePermissions"] == {"alice": 129}
    admin.srv.clear_log()
    again = admin.run("apply", str(path), "--json")
    assert [r["action"] for r in json.loads(again.stdout)] == ["unchanged"]
    assert admin.srv.changing_requests() == []


def test_resetting_own_permissions_the_file_does_not_set_needs_yes(
    admin: Session, tmp_path: Path
) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER, "bob": USER})
    own(admin.srv, token, "alice", 128)
    own(admin.srv, token, "bob", 128)
    path = write(
        tmp_path,
        f'[[conversation]]\nname = "A"\ntoken = "{token}"\ndefault_permissions = "all"\n\n'
        '[conversation.participant_permissions]\nbob = "chat"\n',
    )
    dry = admin.run("apply", str(path), "--dry-run")
    assert dry.code == 0, dry
    assert "resets 1 participant's own permissions (alice)" in dry.stdout
    assert dry.stderr.splitlines()[-1] == (
        "the real run asks first, and needs --yes where nobody can answer: setting the "
        "default permissions resets 1 participant's own permissions"
    )
    assert "needs --yes" not in admin.run("apply", str(path), "--dry-run", "--yes").stderr
    admin.srv.clear_log()
    refused = admin.run("apply", str(path))
    assert refused.code == 2, refused
    assert "resets 1 participant's own permissions" in refused.stderr
    assert "--yes" in refused.stderr
    assert admin.srv.changing_requests() == []
    done = admin.run("apply", str(path), "--yes")
    assert done.code == 0, done
    assert admin.srv.room(token)["attendeePermissions"] == {"bob": 129}


def test_someone_not_in_the_conversation_is_refused(admin: Session, tmp_path: Path) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER})
    path = write(
        tmp_path,
        f'[[conversation]]\nname = "A"\ntoken = "{token}"\n\n'
        '[conversation.participant_permissions]\nzoe = "chat"\n',
    )
    admin.srv.clear_log()
    result = admin.run("apply", str(path))
    assert result.code == 2, result
    assert "'zoe' is not a participant" in result.stderr
    assert admin.srv.changing_requests() == []


def test_someone_added_this_run_gets_their_permissions(admin: Session, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[conversation]]\nname = "New"\nparticipants = { users = ["alice"] }\n\n'
        '[conversation.participant_permissions]\nalice = "chat"\n',
    )
    done = admin.run("apply", str(path), "--json")
    assert done.code == 0, done
    (record,) = json.loads(done.stdout)
    assert admin.srv.room(record["token"])["attendeePermissions"] == {"alice": 129}


# --- export ------------------------------------------------------------------------------------


def test_export_then_apply_changes_nothing(admin: Session, tmp_path: Path) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER, "bob": USER})
    own(admin.srv, token, "alice", 128 | 4)
    exported = admin.run("export", "A")
    assert exported.code == 0, exported
    assert '[conversation.participant_permissions]\nalice = "chat,join-call"\n' in exported.stdout
    assert "bob =" not in exported.stdout
    path = write(tmp_path, exported.stdout)
    admin.srv.clear_log()
    again = admin.run("apply", str(path), "--json")
    assert again.code == 0, again
    assert [r["action"] for r in json.loads(again.stdout)] == ["unchanged"]
    assert admin.srv.changing_requests() == []


def test_export_without_own_permissions_writes_no_table(admin: Session) -> None:
    admin.srv.add_room(name="A", participants={"alice": USER})
    exported = admin.run("export", "A")
    assert exported.code == 0, exported
    assert "participant_permissions" not in exported.stdout


def test_a_moderator_is_refused_before_any_request(admin: Session, tmp_path: Path) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": 2})
    path = write(
        tmp_path,
        f'[[conversation]]\nname = "A"\ntoken = "{token}"\n\n'
        '[conversation.participant_permissions]\nalice = "chat"\n',
    )
    admin.srv.clear_log()
    result = admin.run("apply", str(path))
    assert result.code == 2, result
    assert "'alice' is a moderator" in result.stderr
    assert admin.srv.changing_requests() == []


def test_a_new_default_without_the_table_names_the_resets(admin: Session, tmp_path: Path) -> None:
    token = admin.srv.add_room(name="A", participants={"alice": USER, "bob": USER})
    own(admin.srv, token, "alice", 128)
    own(admin.srv, token, "bob", 4)
    path = write(
        tmp_path, f'[[conversation]]\nname = "A"\ntoken = "{token}"\ndefault_permissions = "all"\n'
    )
    dry = admin.run("apply", str(path), "--dry-run")
    assert dry.code == 0, dry
    assert "resets 2 participants' own permissions (alice, bob)" in dry.stdout
    admin.srv.clear_log()
    assert admin.run("apply", str(path)).code == 2
    assert admin.srv.changing_requests() == []
    done = admin.run("apply", str(path), "--yes")
    assert done.code == 0, done
    assert admin.srv.room(token)["attendeePermissions"] == {}


def test_a_server_without_them_exits_6_sending_nothing(
    fake_talk_factory: Factory, talkctl_home: Path, tmp_path: Path
) -> None:
    old = start(fake_talk_factory, talkctl_home, "11")
    token = old.srv.add_room(name="Old", participants={"alice": USER})
    path = write(
        tmp_path,
        f'[[conversation]]\nname = "Old"\ntoken = "{token}"\n\n'
        '[conversation.participant_permissions]\nalice = "chat"\n',
    )
    old.srv.clear_log()
    result = old.run("apply", str(path))
    assert result.code == 6, result
    assert "participant permissions" in result.stderr
    assert old.srv.changing_requests() == []
