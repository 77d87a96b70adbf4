"""Round trips and convergence (issue "What real servers and real people do", items 4-8 and
the BOM of 24): whatever ``export`` writes, ``apply`` reads back; a second run changes
nothing; what export skips, apply refuses; an address is checked before it is sent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from clirunner import TalkctlRunner

from talkctl.declarative.applyfile import ApplyFileError, load
from talkctl.sandbox import FakeTalkServer

OWNER, USER = 1, 3
PUBLIC = 3


def write(tmp_path: Path, text: str, name: str = "talk.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def invite(srv: FakeTalkServer, token: str, address: str) -> dict[str, object]:
    """An e-mail invitee added as the real server takes it (no check of the address)."""
    response = requests.post(
        f"{srv.url}/ocs/v2.php/apps/spreed/api/v4/room/{token}/participants",
        data={"newParticipant": address, "source": "emails"},
        auth=("admin", srv.password_of("admin")),
        headers={"OCS-APIRequest": "true", "Accept": "application/json"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()["ocs"]
    return data


def rooms_named(srv: FakeTalkServer, name: str) -> list[dict[str, object]]:
    return [room for room in srv.rooms_of("admin") if room["name"] == name]


# -- item 4: names repeat on the server; tokens tell them apart ----------------------------


def test_export_all_then_apply_with_two_conversations_of_one_name(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    first = fake_talk.add_room(name="Dup", participants={"alice": USER})
    second = fake_talk.add_room(name="Dup", description="the other one")
    target = tmp_path / "talk.toml"
    assert run("export", "--all", "-o", str(target)).code == 0
    assert target.read_text("utf-8").count('name = "Dup"') == 2

    plan = run("apply", str(target), "--dry-run", "--json")
    assert plan.code == 0, plan
    records = json.loads(plan.stdout)
    assert sorted(r["token"] for r in records) == sorted([first, second])
    assert {r["action"] for r in records} == {"unchanged"}
    fake_talk.clear_log()
    applied = run("apply", str(target))
    assert applied.code == 0, applied
    assert fake_talk.changing_requests() == []


def test_a_name_repeats_only_among_entries_without_a_token(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """[[conversation]]
name = "Dup"
token = "abcd1234"
[[conversation]]
name = "Dup"
token = "efgh5678"
[[conversation]]
name = "Dup"
[[conversation]]
name = "Dup "
""",
    )
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    # the third and fourth both mean "Dup" (the server trims names): the only problem
    assert caught.value.problems == [
        f'{path}:10: name "Dup" appears twice among conversations without a token (first at line 8)'
    ]


# -- item 5: the server trims names ----------------------------------------------------------


def test_a_name_with_white_space_around_it_converges(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    path = write(tmp_path, '[[conversation]]\nname = "Trail "\n[[conversation]]\nname = "\\tTab"\n')
    plan = run("apply", str(path), "--dry-run", "--json")
    assert plan.code == 0, plan
    notes = [record["notes"] for record in json.loads(plan.stdout)]
    assert notes == [
        ['name "Trail " compared as "Trail": the server removes white space around a name'],
        ['name "\\tTab" compared as "Tab": the server removes white space around a name'],
    ]
    first = run("apply", str(path), "--json")
    assert first.code == 0, first
    assert [r["action"] for r in json.loads(first.stdout)] == ["create", "create"]
    fake_talk.clear_log()
    second = run("apply", str(path), "--json")
    assert second.code == 0, second
    assert [r["action"] for r in json.loads(second.stdout)] == ["unchanged", "unchanged"]
    assert fake_talk.changing_requests() == []
    assert len(rooms_named(fake_talk, "Trail")) == len(rooms_named(fake_talk, "Tab")) == 1


def test_room_ensure_compares_the_name_as_the_server_stores_it(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    assert run("room", "ensure", "Trail ").code == 0
    fake_talk.clear_log()
    again = run("room", "ensure", "Trail ", "--json")
    assert again.code == 0, again
    assert json.loads(again.stdout)["action"] == "unchanged"
    assert "note: 'Trail ' is compared as 'Trail'" in again.stderr
    assert fake_talk.changing_requests() == []
    assert len(rooms_named(fake_talk, "Trail")) == 1


# -- item 6: export writes what the server holds; adding checks the address -----------------


def test_an_invitee_that_is_no_address_is_written_and_read_back(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    token = fake_talk.add_room(name="Mail", participants={"alice": USER})
    assert invite(fake_talk, token, "notanemail")["data"] == {"type": PUBLIC}
    target = tmp_path / "talk.toml"
    assert run("export", "Mail", "-o", str(target)).code == 0
    assert 'emails = [\n    "notanemail",\n]' in target.read_text("utf-8")
    fake_talk.clear_log()
    plan = run("apply", str(target), "--dry-run", "--json")
    assert plan.code == 0, plan
    assert [r["action"] for r in json.loads(plan.stdout)] == ["unchanged"]
    assert fake_talk.changing_requests() == []


def test_apply_checks_an_address_it_would_add(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    fake_talk.add_room(name="Mail", type=PUBLIC)
    path = write(
        tmp_path,
        '[[conversation]]\nname = "Mail"\ntype = "public"\n'
        'participants = { emails = ["notanemail", "ok@example.com"] }\n',
    )
    fake_talk.clear_log()
    result = run("apply", str(path))
    assert result.code == 2, result
    assert "not an e-mail address: 'notanemail'" in result.stderr
    assert fake_talk.changing_requests() == []


def test_participant_add_checks_the_address_before_sending(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(name="Group")
    fake_talk.clear_log()
    result = run("participant", "add", token, "notanemail", "--email", "--yes")
    assert result.code == 2, result
    assert "not an e-mail address: 'notanemail'" in result.stderr
    assert fake_talk.changing_requests() == []
    assert fake_talk.room(token)["type"] == 2


# -- item 7: a relative time is no desired state ---------------------------------------------


def test_a_relative_lobby_time_in_an_apply_file_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[defaults]\nlobby = "+1d"\n[[conversation]]\nname = "A"\nlobby = "+2h"\n',
    )
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    assert [p.split(": ", 1)[0] for p in caught.value.problems] == [f"{path}:2", f"{path}:5"]
    assert (
        "lobby '+2h' is relative to each run, so every run would change it: give a "
        in (caught.value.problems[1])
    )
    assert "2026-12-24T18:00:00+01:00" in caught.value.problems[1]


def test_room_ensure_refuses_a_relative_lobby_and_room_lobby_keeps_it(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(name="Hall")
    fake_talk.clear_log()
    refused = run("room", "ensure", "Hall", "--lobby", "+2h")
    assert refused.code == 2, refused
    assert "--lobby '+2h' is relative to each run" in refused.stderr
    assert "on or off ('talkctl room lobby CONV on --until +2h' takes a" in refused.stderr
    assert fake_talk.requests == []
    kept = run("room", "lobby", token, "on", "--until", "+2h")
    assert kept.code == 0, kept
    assert fake_talk.room(token)["lobbyState"] == 1


# -- item 8: what export skips, apply refuses ------------------------------------------------


def test_apply_refuses_a_token_of_a_conversation_export_skips(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    note = fake_talk.make_note_to_self("admin").token
    shared = fake_talk.add_room(
        name="report.pdf",
        participants={"alice": USER, "bob": USER},
        object_type="file",
        object_id="468",
    )
    plain = fake_talk.add_room(name="Plain")
    path = write(
        tmp_path,
        f'[[conversation]]\nname = "Renamed notes"\ntoken = "{note}"\n'
        f'[[conversation]]\nname = "report.pdf"\ntoken = "{shared}"\n'
        'participants = { users = ["alice"] }\nexclusive = true\n'
        f'[[conversation]]\nname = "Plain"\ntoken = "{plain}"\ndescription = "managed"\n',
    )
    fake_talk.clear_log()
    result = run("apply", str(path), "--json")
    assert result.code == 6, result
    records = json.loads(result.stdout)
    assert [r["ok"] for r in records] == [False, False, True]
    assert "your note-to-self conversation" in records[0]["error"]
    assert "bound to file 468" in records[1]["error"]
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake_talk.changing_requests()] == [
        ("PUT", "description")
    ]
    assert fake_talk.room(note)["name"] == "Note to self"
    assert fake_talk.room(shared)["name"] == "report.pdf"


def test_room_ensure_refuses_a_conversation_bound_to_an_object(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    fake_talk.add_room(name="report.pdf", object_type="file", object_id="468")
    fake_talk.clear_log()
    result = run("room", "ensure", "report.pdf", "--description", "x")
    assert result.code == 6, result
    assert "bound to file 468" in result.stderr
    assert fake_talk.changing_requests() == []


# -- item 24: a BOM ------------------------------------------------------------------------


def test_an_apply_file_that_starts_with_a_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "talk.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[[conversation]]\nname = "Team"\n')
    assert [entry.name for entry in load(path, {})] == ["Team"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("guest@example.com", True),
        ("first.last+tag@sub.example.org", True),
        ("root@localhost", True),
        ("notanemail", False),
        ("Bob <bob@example.com>", False),
        ("a@@example.com", False),
        ("a@example..com", False),
        ("a@.example.com", False),
        ("a@example.com\nb@example.com", False),
        ("@example.com", False),
    ],
)
def test_what_counts_as_an_address_to_send(text: str, address: bool) -> None:
    from talkctl.declarative.addresses import is_address

    assert is_address(text) is address


def test_a_decomposed_name_finds_its_conversation_as_everywhere_else(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # names are compared after NFC (README, resolve.normalized): a file written on a Mac
    # (decomposed "café") must not create a second café that later commands find ambiguous
    token = fake_talk.add_room(name="Caf\u00e9", participants={"admin": OWNER})
    path = write(tmp_path, '[[conversation]]\nname = "Cafe\u0301"\nread_only = true\n')
    result = run("apply", str(path), "--json")
    assert result.code == 0, result
    assert [(r["token"], r["action"]) for r in json.loads(result.stdout)] == [(token, "update")]
    assert [r["token"] for r in fake_talk.rooms_of("admin")] == [token]
    ensured = run("room", "ensure", "Cafe\u0301", "--read-only", "on", "--json")
    assert ensured.code == 0, ensured
    assert len(fake_talk.rooms_of("admin")) == 1


def test_a_value_a_newer_talk_has_is_left_out_of_the_export_with_a_comment(
    tmp_path: Path,
) -> None:
    # listable 3, sipEnabled 7, notificationLevel 9: no name in the file stands for them, and
    # "unknown(3)" made apply refuse the whole file; left out, apply leaves them as they are
    from talkctl.api.models import Conversation
    from talkctl.declarative.export import Exported, render

    raw = {"token": "abcd1234", "name": "Future", "type": 2, "listable": 3, "sipEnabled": 7}
    raw |= {"notificationLevel": 9, "readOnly": 1, "defaultPermissions": 129 | 512}
    text = render([Exported(Conversation(raw))], [])
    assert "# listable: the server reports 3, which talkctl does not know: left out" in text
    assert "# sip: the server reports 7" in text and "# notify: the server reports 9" in text
    (entry,) = load(write(tmp_path, text), {})
    assert list(entry.settings) == ["read_only", "default_permissions"]  # unknown(512) kept


def test_a_failure_after_the_create_names_the_participant_and_the_conversation_made(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # the team does not exist: the conversation was made, alice added, then the add failed;
    # the record has the new token, and the error says which participant and what was done
    path = write(
        tmp_path,
        '[[conversation]]\nname = "Kinds"\ndescription = "x"\n'
        'participants = { users = ["admin", "alice"], teams = ["no-such-team"] }\n',
    )
    result = run("apply", str(path), "--json")
    assert result.code == 3, result
    (record,) = json.loads(result.stdout)
    (made,) = [r for r in fake_talk.rooms_of("admin") if r["name"] == "Kinds"]
    assert record["token"] == made["token"]
    error = record["error"]
    assert error.startswith("+ team no-such-team: "), error
    assert error.endswith(" (done before: created, description, + alice)"), error
