"""``chat export`` end to end on the sandbox: paging at every boundary, streaming to files,
resuming, the time window, several conversations, never marking read, and the refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.api.chat import ChatApi
from talkctl.api.client import TalkClient
from talkctl.api.transport.http import Transport
from talkctl.cli.chat.exporting import Resume, export_history, open_output, resume_point
from talkctl.sandbox import FakeTalkServer

CHAT = "/ocs/v2.php/apps/spreed/api/v1/chat/"


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def ids_in_state(srv: FakeTalkServer, token: str) -> list[int]:
    return [int(m["id"]) for m in srv.messages(token)]


@pytest.fixture
def team(fake_talk: FakeTalkServer) -> str:
    return fake_talk.add_room(owner="admin", name="Team chat", participants={"alice": 3})


@pytest.mark.parametrize("count", [0, 199, 200, 201, 400])
def test_every_message_once_oldest_first_at_each_page_boundary(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path, count: int
) -> None:
    # the conversation_created system message is one more: 200 messages + 1 fall across a
    # boundary on the first message, 199 + 1 fill exactly one page
    fake_talk.add_history(team, count)
    out = tmp_path / "team.jsonl"
    result = run("chat", "export", "Team chat", "-o", str(out))
    assert result.code == 0, result
    exported = [m["id"] for m in lines_of(out)]
    assert exported == ids_in_state(fake_talk, team)
    assert len(exported) == count + 1
    reads = [r for r in fake_talk.requests if r.path.startswith(CHAT)]
    # a short page is the last; after a full one, the next answers 304
    assert len(reads) == (count + 1) // 200 + 1
    assert f"exported {count + 1} messages" in result.stderr


def test_an_empty_history_is_an_empty_file(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    with fake_talk.state.lock:
        fake_talk.state.rooms[team].messages.clear()
    out = tmp_path / "empty.jsonl"
    result = run("chat", "export", team, "-o", str(out))
    assert result.code == 0, result
    assert out.read_text() == ""


def test_a_page_boundary_on_a_system_message(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    fake_talk.add_history(team, 198)  # + created = 199; the 200th is a system message
    assert run("room", "rename", team, "Team chat 2").code == 0
    fake_talk.add_history(team, 5)
    out = tmp_path / "team.jsonl"
    assert run("chat", "export", team, "-o", str(out)).code == 0
    exported = lines_of(out)
    assert exported[199]["systemMessage"] == "conversation_renamed"
    assert [m["id"] for m in exported] == ids_in_state(fake_talk, team)


def test_export_marks_nothing_read_joins_nothing_and_changes_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    fake_talk.add_history(team, 10, authors=["alice"])
    before = fake_talk.room(team)
    with fake_talk.state.lock:
        admin = fake_talk.state.rooms[team].attendee_of("admin")
        assert admin is not None
        read_before = admin.last_read_message
    assert run("chat", "export", team, "-o", str(tmp_path / "x.jsonl")).code == 0
    assert fake_talk.changing_requests() == []
    reads = [r for r in fake_talk.requests if r.path.startswith(CHAT)]
    assert reads and all(
        r.query["setReadMarker"] == "0"
        and r.query["noStatusUpdate"] == "1"
        and r.query["markNotificationsAsRead"] == "0"
        and r.query["timeout"] == "0"
        for r in reads
    )
    assert admin.last_read_message == read_before < max(ids_in_state(fake_talk, team))
    assert fake_talk.room(team) == before


def test_jsonl_keeps_replies_deletions_edits_and_system_messages_as_sent(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    sent = json.loads(run("chat", "send", team, "first", "--json").stdout)["messageId"]
    assert run("chat", "send", team, "answer", "--reply-to", str(sent)).code == 0
    assert run("chat", "edit", team, str(sent), "first (edited)").code == 0
    other = json.loads(run("chat", "send", team, "oops", "--json").stdout)["messageId"]
    assert run("chat", "delete", team, str(other)).code == 0
    out = tmp_path / "all.jsonl"
    assert run("chat", "export", team, "-o", str(out)).code == 0
    by_id = {m["id"]: m for m in lines_of(out)}
    assert by_id[sent]["message"] == "first (edited)" and "lastEditTimestamp" in by_id[sent]
    assert by_id[other]["messageType"] == "comment_deleted"
    reply = next(m for m in by_id.values() if m["message"] == "answer")
    assert reply["parent"]["id"] == sent  # type: ignore[index]
    kinds = {m["systemMessage"] for m in by_id.values()}
    assert {"conversation_created", "message_edited", "message_deleted"} <= kinds


def test_resume_after_a_kill_loses_and_repeats_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    fake_talk.add_history(team, 450)
    full = tmp_path / "full.jsonl"
    assert run("chat", "export", team, "-o", str(full)).code == 0
    whole = full.read_bytes()
    # killed in the middle of a line of the second page: the partial file as it was left
    cut = whole.index(b"\n", len(whole) // 2) + 25
    partial = tmp_path / "partial.jsonl"
    partial.write_bytes(whole[:cut])
    result = run("chat", "export", team, "-o", str(partial), "--resume")
    assert result.code == 0, result
    assert partial.read_bytes() == whole


@pytest.mark.parametrize("cut_at", [0.3, 0.7])
def test_markdown_resume_writes_the_same_transcript(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path, cut_at: float
) -> None:
    fake_talk.add_history(team, 300, text="line {n}\nsecond line of {author}")
    full = tmp_path / "full.md"
    env = {"TZ": "UTC"}
    assert run("chat", "export", team, "--format", "markdown", "-o", str(full), env=env).code == 0
    whole = full.read_bytes()
    partial = tmp_path / "partial.md"
    partial.write_bytes(whole[: int(len(whole) * cut_at)])
    args = ("chat", "export", team, "--format", "markdown", "-o", str(partial), "--resume")
    assert run(*args, env=env).code == 0
    assert partial.read_bytes() == whole


def test_a_message_deleted_while_exporting(
    fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    ids = fake_talk.add_history(team, 300, authors=["alice"])
    transport = Transport(fake_talk.url, "admin", fake_talk.password_of("admin"))
    api = ChatApi(TalkClient(transport))
    out = tmp_path / "x.jsonl"
    deleted: list[int] = []

    def delete_one(_: int) -> None:  # after the first page: one already written, one not
        if not deleted:
            for victim in (ids[10], ids[250]):
                api.delete(team, victim)
                deleted.append(victim)

    with open_output(out, None) as handle:
        count = export_history(api, team, "Team chat", handle, "jsonl", on_page=delete_one)
    exported = lines_of(out)
    assert count == len(exported) == 301 + 2  # the two message_deleted notes come later
    by_id = {m["id"]: m for m in exported}
    assert by_id[ids[10]]["messageType"] == "comment"  # written before it was deleted
    assert by_id[ids[250]]["messageType"] == "comment_deleted"
    assert len(by_id) == len(exported)


def test_since_and_until_take_talkctls_times(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    start = 1_800_000_000
    fake_talk.add_history(team, 100, start=start, step=3600)
    out = tmp_path / "window.jsonl"
    since, until = "2027-01-15T09:00:00+00:00", "2027-01-15T12:00:00+00:00"
    result = run("chat", "export", team, "-o", str(out), "--since", since, "--until", until)
    assert result.code == 0, result
    stamps = [int(str(m["timestamp"])) for m in lines_of(out)]
    assert stamps and all(s >= 1_800_000_000 for s in stamps)
    from datetime import datetime

    low, high = (int(datetime.fromisoformat(t).timestamp()) for t in (since, until))
    assert all(low <= s <= high for s in stamps)
    assert len(stamps) == len(
        [s for s in range(start, start + 100 * 3600, 3600) if low <= s <= high]
    )


def test_several_conversations_go_into_a_directory(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    other = fake_talk.add_room(owner="admin", name="Ops / night shift")
    fake_talk.add_history(other, 3)
    target = tmp_path / "archive"
    result = run("chat", "export", team, other, "-o", str(target))
    assert result.code == 0, result
    names = sorted(p.name for p in target.iterdir())
    assert names == sorted([f"{team}-Team-chat.jsonl", f"{other}-Ops-night-shift.jsonl"])
    assert len(lines_of(target / f"{other}-Ops-night-shift.jsonl")) == 4
    listed = run("room", "list", "--json").stdout
    again = run("chat", "export", "--stdin", "-o", str(tmp_path / "all"), input=listed)
    assert again.code == 0, again
    assert len(list((tmp_path / "all").iterdir())) == len(json.loads(listed))


def test_refusals_unknown_lobby_full_disk_and_usage(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    unknown = run("chat", "export", "No such room", "-o", str(tmp_path / "x.jsonl"))
    assert unknown.code == 3, unknown
    lobby = fake_talk.add_room(owner="alice", name="Webinar", participants={"admin": 3})
    with fake_talk.state.lock:
        fake_talk.state.rooms[lobby].lobby_state = 1
    refused = run("chat", "export", "Webinar", "-o", str(tmp_path / "w.jsonl"))
    assert refused.code == 6 and "lobby keeps non-moderators out" in refused.stderr
    full = run("chat", "export", team, "-o", "/dev/full")
    assert full.code == 1 and "No space left" in full.stderr, full
    assert "Traceback" not in full.stderr
    several = run("chat", "export", team, lobby)
    assert several.code == 2 and "-o DIRECTORY" in several.stderr
    assert run("chat", "export", team, "--resume").code == 2
    assert run("chat", "export", team, "--format", "html").code == 2


def test_resume_point_of_a_missing_file_is_the_start(tmp_path: Path) -> None:
    assert resume_point(tmp_path / "nothing.jsonl", "jsonl") == Resume()


def test_ctrl_c_mid_export_keeps_whole_messages_and_resumes(
    run: TalkctlRunner,
    fake_talk: FakeTalkServer,
    team: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import signal

    from e2e_support import signal_on_request

    ids = fake_talk.add_history(team, 450)
    out = tmp_path / "team.jsonl"
    second_page = f"lastKnownMessageId={ids[198]}"  # after the first 200 (created + 199)
    stopped = signal_on_request(
        fake_talk,
        monkeypatch,
        ["chat", "export", team, "-o", str(out)],
        run.env,
        signum=signal.SIGINT,
        method="GET",
        path_part=second_page,
        hold=1.0,
    )
    assert stopped.code == 130, stopped
    assert "Traceback" not in stopped.stderr
    kept = out.read_bytes()
    assert kept.endswith(b"\n") and len(kept.splitlines()) in (200, 400)
    assert run("chat", "export", team, "-o", str(out), "--resume").code == 0
    assert [m["id"] for m in lines_of(out)] == ids_in_state(fake_talk, team)


def test_an_output_that_cannot_be_opened_is_a_usage_error(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    result = run("chat", "export", team, "-o", str(tmp_path))  # a directory, one conversation
    assert result.code == 2 and "Is a directory" in result.stderr, result
    assert not any(r.path.startswith(CHAT) for r in fake_talk.requests)


def test_the_sandbox_makes_a_long_history_on_request(run: TalkctlRunner, tmp_path: Path) -> None:
    out = tmp_path / "long.jsonl"
    export = f'talkctl chat export "Long chat" -o {out}'
    result = run("sandbox", "run", "--chat-history", "450", "--", "sh", "-c", export)
    assert result.code == 0, result
    exported = lines_of(out)
    assert len(exported) == 451 and str(exported[-1]["message"]).startswith("Message 450 from ")


def test_markdown_reaches_a_stdout_without_a_binary_buffer(
    fake_talk: FakeTalkServer, team: str
) -> None:
    import io

    from talkctl.cli.chat.export import _TextSink

    fake_talk.add_history(team, 3, text="Grüße {n}")
    api = ChatApi(TalkClient(Transport(fake_talk.url, "admin", fake_talk.password_of("admin"))))
    text = io.StringIO()
    sink = _TextSink(text)
    count = export_history(api, team, "Team", sink, "markdown", seekable=False)  # type: ignore[arg-type]
    assert count == 4 and text.getvalue().startswith("# Team\n") and "Grüße 3" in text.getvalue()


def test_since_starts_near_the_end_of_a_long_history(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, tmp_path: Path
) -> None:
    start = 1_800_000_000
    ids = fake_talk.add_history(team, 1000, start=start, step=60)
    since = start + 990 * 60  # the last 10 messages
    out = tmp_path / "recent.jsonl"
    result = run("chat", "export", team, "-o", str(out), "--since", f"@{since}")
    assert result.code == 2  # not a time talkctl takes
    from datetime import datetime, timezone

    when = datetime.fromtimestamp(since, timezone.utc).isoformat()
    fake_talk.clear_log()
    assert run("chat", "export", team, "-o", str(out), "--since", when).code == 0
    assert [m["id"] for m in lines_of(out)] == ids[-10:]
    reads = [r.query for r in fake_talk.requests if r.path.startswith(CHAT)]
    assert [q["lookIntoFuture"] for q in reads] == ["0", "1"]  # one page back, one forward
