"""``chat list/send/delete/edit`` and ``room clear-history`` end to end on the sandbox, the
refusals as the server words them, and hostile text in the Markdown transcript."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.cli.chat.markdown import block, escape
from talkctl.sandbox import FakeTalkServer

POSTS = "POST /ocs/v2.php/apps/spreed/api/v1/chat/"


def changing(srv: FakeTalkServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in srv.changing_requests()]


@pytest.fixture
def team(fake_talk: FakeTalkServer) -> str:
    return fake_talk.add_room(owner="admin", name="Team chat", participants={"alice": 3})


def test_send_to_many_gives_one_record_each_with_the_message_id(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    rooms = [team] + [fake_talk.add_room(owner="admin", name=f"Room {n}") for n in range(5)]
    result = run("chat", "send", *rooms, "Archived on Friday", "--jobs", "3", "--json")
    assert result.code == 0, result
    records = json.loads(result.stdout)
    assert [r["token"] for r in records] == rooms
    for record in records:
        assert record["ok"] and record["action"] == "send"
        texts = {m["id"]: m["message"] for m in fake_talk.messages(record["token"])}
        assert texts[record["messageId"]] == "Archived on Friday"
    assert sum(1 for c in changing(fake_talk) if c.startswith(POSTS)) == 6


def test_send_from_a_file_silently_as_a_reply(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    (first,) = fake_talk.add_history(team, 1, authors=["alice"])
    notice = tmp_path / "notice.txt"
    notice.write_text("line one\nline two", encoding="utf-8")
    args = ("chat", "send", team, "--message-file", str(notice), "--silent")
    result = run(*args, "--reply-to", str(first), "--json")
    assert result.code == 0, result
    message = json.loads(result.stdout)["message"]
    assert message["message"] == "line one\nline two" and message["silent"] is True
    assert message["parent"]["id"] == first
    piped = run("chat", "send", team, "--message-file", "-", input="from stdin")
    assert piped.code == 0 and "sent: message" in piped.stderr + piped.stdout


@pytest.mark.parametrize("path", ["-", "/dev/stdin"])
def test_a_message_file_that_is_stdin_and_stdin_conversations_are_refused(
    fake_talk: FakeTalkServer, team: str, talkctl_home: Path, path: str
) -> None:
    # the message would take all of stdin: --stdin read no conversation, sent nothing, exit 0
    runner = TalkctlRunner(
        talkctl_home,
        server=fake_talk.url,
        user="admin",
        app_password=fake_talk.new_app_password("admin"),
        subprocess=True,  # a real stdin, with a descriptor /dev/stdin names
    )
    result = runner("chat", "send", "--stdin", "--message-file", path, input=f"{team}\n")
    assert (result.code, result.stdout) == (2, ""), result
    assert result.stderr == (
        f"talkctl: error: --message-file {path} and --stdin both read stdin: use a file\n"
    )
    assert changing(fake_talk) == []


def test_too_long_is_refused_before_any_request(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    result = run("chat", "send", team, "é" * 32001)  # characters, not bytes
    assert result.code == 2 and "32001 characters" in result.stderr
    assert changing(fake_talk) == []
    fits = run("chat", "send", team, "é" * 32000)
    assert fits.code == 0, fits


def test_send_is_never_retried(run: TalkctlRunner, fake_talk: FakeTalkServer, team: str) -> None:
    fake_talk.inject("POST", f"/chat/{team}", status=503, times=5)
    result = run("--retries", "3", "chat", "send", team, "once")
    assert result.code == 7, result
    assert sum(1 for c in changing(fake_talk) if c.startswith(POSTS)) == 1


def test_send_refusals(run: TalkctlRunner, fake_talk: FakeTalkServer, team: str) -> None:
    locked = fake_talk.add_room(owner="admin", name="Locked", read_only=1)
    refused = run("chat", "send", locked, "hello")  # one CONV: the server refuses
    assert refused.code == 5 and "read-only" in refused.stderr + refused.stdout, refused
    bulk = run("chat", "send", team, "Locked", "hello", "--json")
    records = json.loads(bulk.stdout)
    assert bulk.code == 5 and [r["ok"] for r in records] == [True, False]
    assert "read-only" in records[1]["error"]
    lobby = fake_talk.add_room(owner="alice", name="Webinar", participants={"admin": 3})
    with fake_talk.state.lock:
        fake_talk.state.rooms[lobby].lobby_state = 1
    waiting = run("chat", "send", "Webinar", "let me in")
    assert waiting.code == 6 and "lobby" in waiting.stderr + waiting.stdout
    assert run("chat", "send", team, "   ").code == 2


def test_list_newest_messages_oldest_first_and_page_back(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    ids = fake_talk.add_history(team, 30)
    listed = json.loads(run("chat", "list", team, "--limit", "5", "--json").stdout)
    assert [m["id"] for m in listed] == ids[-5:]
    back = run("chat", "list", team, "--limit", "5", "--before", str(ids[-5]), "--json")
    assert [m["id"] for m in json.loads(back.stdout)] == ids[-10:-5]
    rows = run("chat", "list", team, "--limit", "2").stdout.splitlines()
    assert rows[-1].split("\t")[-1] == "Message 30 from alice"
    assert changing(fake_talk) == []


def test_delete_and_edit_with_their_refusals(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    mine = json.loads(run("chat", "send", team, "mine", "--json").stdout)["messageId"]
    (hers,) = fake_talk.add_history(team, 1, authors=["alice"])
    created = fake_talk.messages(team)[0]["id"]
    edited = run("chat", "edit", team, str(hers), "moderated", "--json")
    assert edited.code == 0, edited
    assert json.loads(edited.stdout)["message"]["systemMessage"] == "message_edited"
    assert run("chat", "delete", team, str(mine)).code == 0
    again = run("chat", "delete", team, str(mine))
    assert again.code == 6 and "deleted" in again.stderr
    system = run("chat", "edit", team, str(created), "nope")
    assert system.code == 6 and "system message" in system.stderr
    assert run("chat", "delete", team, "999999999").code == 3
    alice = TalkctlRunner(
        run.home, server=fake_talk.url, user="alice",
        app_password=fake_talk.new_app_password("alice"),
    )  # fmt: skip
    theirs = json.loads(run("chat", "send", team, "admin's", "--json").stdout)["messageId"]
    forbidden = alice("chat", "delete", team, str(theirs))
    assert forbidden.code == 5 and "author or a moderator" in forbidden.stderr
    assert run("chat", "edit", team, str(theirs), "x" * 32001).code == 2


def test_clear_history_exports_first_and_asks(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    fake_talk.add_history(team, 250)
    before = [m["id"] for m in fake_talk.messages(team)]
    refused = run("room", "clear-history", team)  # stdin is no terminal
    assert refused.code == 2 and "--yes" in refused.stderr
    out = tmp_path / "before-clear.jsonl"
    result = run("room", "clear-history", team, "--export-first", str(out), "--yes")
    assert result.code == 0, result
    exported = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert exported == before
    left = fake_talk.messages(team)
    assert [m["systemMessage"] for m in left] == ["history_cleared"]


def test_clear_history_clears_nothing_when_the_export_fails(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    fake_talk.add_history(team, 5)
    result = run("room", "clear-history", team, "--export-first", "/dev/full", "--yes")
    assert result.code == 1 and "nothing was cleared" in result.stderr + result.stdout, result
    assert len(fake_talk.messages(team)) == 6
    assert not any(c.startswith("DELETE") for c in changing(fake_talk))
    one = fake_talk.add_room(owner="admin", type=1, participants={"bob": 1})
    refused = run("room", "clear-history", one, "--yes")
    assert refused.code == 5 and "one-to-one" in refused.stderr + refused.stdout


HOSTILE = (
    "# Not a heading\n[click](javascript:alert(1)) <script>x</script> &amp; *b* _i_ `c`\n"
    "1. not a list\n- nor this\n    not code\n\n| a | b |\n\x1b]0;title\x07 --- ==="
)


def test_hostile_text_stays_literal_in_markdown() -> None:
    text = escape(HOSTILE)
    for line in text.split("\n"):
        assert not line.startswith(("#", "-", "1.", "|", "    ", "<", "=", ">")), line
    for raw in ("[click]", "](", "<script>", "*b*", "_i_", "`c`", "\x1b", "\x07"):
        assert raw not in text, raw
    assert "\\&amp;" in text  # shown as typed, not an entity
    message = {
        "id": 7,
        "timestamp": 0,
        "actorDisplayName": "**Mallory** [x](y)",
        "message": HOSTILE + " {mention-user1} shared {file}",
        "messageParameters": {
            "mention-user1": {"type": "user", "id": "bob", "name": "Bob # B"},
            "file": {"type": "file", "id": "1", "name": "<evil>.txt"},
        },
        "messageType": "comment",
    }
    rendered, _ = block(message, None)
    assert "@Bob \\# B" in rendered and "\\<evil\\>.txt" in rendered
    assert "**\\*\\*Mallory\\*\\* \\[x\\]\\(y\\)**" in rendered


def test_markdown_export_of_replies_edits_deletions_and_system_messages(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    first = json.loads(run("chat", "send", team, "Hello *all*", "--json").stdout)["messageId"]
    assert run("chat", "send", team, "Hi back", "--reply-to", str(first)).code == 0
    assert run("chat", "edit", team, str(first), "Hello *everyone*").code == 0
    gone = json.loads(run("chat", "send", team, "secret", "--json").stdout)["messageId"]
    assert run("chat", "delete", team, str(gone)).code == 0
    result = run("chat", "export", team, "--format", "markdown", env={"TZ": "UTC"})
    assert result.code == 0, result
    text = result.stdout
    assert text.startswith("# Team chat\n")
    assert "_You created the conversation_" in text
    assert "**admin** _(edited)_: Hello \\*everyone\\*" in text
    assert "> admin: Hello \\*everyone\\*\n\n" in text  # the reply quotes its parent
    assert "_(deleted)_: Message deleted by you" in text and "secret" not in text
    assert "## " in text and "<!-- message " in text


def test_delete_and_edit_report_result_records_on_the_one_engine(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    """One record per ID (an array for several), a dry run sends nothing, an ID given twice
    is sent once, a refusal is its failed record with the same exit code."""
    first, second = fake_talk.add_history(team, 2, authors=["admin"])
    planned = run("chat", "delete", team, str(first), str(second), "--dry-run", "--json")
    assert planned.code == 0, planned
    assert [(r["action"], r["dry_run"], r["changes"]) for r in json.loads(planned.stdout)] == [
        ("delete-message", True, [{"field": "message", "from": str(n), "to": None}])
        for n in (first, second)
    ]
    assert changing(fake_talk) == []
    done = run("chat", "delete", team, str(first), str(first), "999999999", "--json")
    assert done.code == 3, done
    records = json.loads(done.stdout)
    assert [(r["input"], r["action"], r["ok"]) for r in records] == [
        (str(first), "delete-message", True),
        (str(first), "skip", True),
        ("999999999", "delete-message", False),
    ]
    assert records[0]["message"]["systemMessage"] == "message_deleted"
    assert records[2]["error"] == "message 999999999 not found in this conversation"
    assert done.stderr.splitlines()[-1] == "1 deleted, 1 skipped (given twice), 1 failed"
    said = run("chat", "edit", team, str(second), "Stand-up at 9:45")
    assert said.code == 0, said
    assert said.stderr == f"Edited message {second} in Team chat ({team})\n"
