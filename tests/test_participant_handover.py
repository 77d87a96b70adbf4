"""``talkctl participant hand-over`` end to end on the fake server (issue 25): what it changes,
every skip reason, --remove, the owner, the dry run, idempotence, bad input, signals."""

from __future__ import annotations

import io
import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from clirunner import TalkctlRunner
from e2e_support import signal_on_request

from talkctl.cli.context import Environment
from talkctl.cli.engine.jobs import Job
from talkctl.cli.participant.handover import confirm_removals
from talkctl.cli.results import Record
from talkctl.errors import UsageError
from talkctl.sandbox import FakeTalkServer
from talkctl.settings import FieldChange

HAND_OVER = ("participant", "hand-over")
TRANSFER = "occ talk:user:transfer-ownership"


def changing(srv: FakeTalkServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in srv.changing_requests()]


def roles(srv: FakeTalkServer, token: str) -> dict[str, int]:
    return dict(srv.room(token)["participants"])


@pytest.fixture
def team(fake_talk: FakeTalkServer) -> str:
    """'Team chat' owned by admin (you), alice a moderator, carol a user; bob exists."""
    fake_talk.add_user("carol")
    return fake_talk.add_room(
        owner="admin", name="Team chat", participants={"alice": 2, "carol": 3}
    )


def test_adds_promotes_and_removes_then_a_second_run_changes_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    result = run(
        *HAND_OVER, "Team chat", "--from", "alice", "--to", "bob", "--remove", "--yes", "--json"
    )
    assert result.code == 0, result
    record = json.loads(result.stdout)  # one CONV: one object
    assert (record["token"], record["action"], record["ok"]) == (team, "hand-over", True)
    assert record["changes"] == [
        {"field": "participants", "from": None, "to": "bob"},
        {"field": "moderators", "from": None, "to": "bob"},
        {"field": "participants", "from": "alice", "to": None},
    ]
    after = roles(fake_talk, team)
    assert after["bob"] == 2 and "alice" not in after and after["admin"] == 1
    sent = changing(fake_talk)
    again = run(*HAND_OVER, team, "--from", "alice", "--to", "bob", "--remove", "--yes", "--json")
    assert again.code == 0, again
    second = json.loads(again.stdout)
    assert (second["action"], second["skipped"]) == ("skip", "alice is not in it")
    assert changing(fake_talk) == sent  # nothing more was sent
    assert roles(fake_talk, team) == after


def test_without_remove_the_giver_stays_and_a_moderator_taker_is_unchanged(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    promoted = run(*HAND_OVER, team, "--from", "alice", "--to", "carol", "--json")
    assert promoted.code == 0, promoted
    assert json.loads(promoted.stdout)["changes"] == [
        {"field": "moderators", "from": None, "to": "carol"}
    ]
    assert roles(fake_talk, team) == {"admin": 1, "alice": 2, "carol": 2}
    again = run(*HAND_OVER, team, "--from", "alice", "--to", "carol")
    assert again.code == 0, again
    assert "unchanged (carol moderates it already)" in again.stderr
    assert len(changing(fake_talk)) == 1


def test_every_skip_reason_and_nothing_sent_where_you_cannot_act(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    fake_talk.add_room(owner="admin", type=1, participants={"alice": 1}, name="alice")
    fake_talk.add_room(owner="admin", name="Budget.ods", participants={"alice": 2},
                       object_type="file", object_id="42")  # fmt: skip
    fake_talk.add_room(owner="alice", name="Alice's", participants={"admin": 3})
    fake_talk.add_room(owner="admin", name="Plain", participants={"alice": 3})
    fake_talk.add_room(owner="admin", name="Without", participants={"carol": 3})
    result = run(*HAND_OVER, "--all", "--from", "alice", "--to", "bob", "--json")
    assert result.code == 0, result
    by_name: dict[str, dict[str, Any]] = {r["name"]: r for r in json.loads(result.stdout)}
    skipped = {name: r["skipped"] for name, r in by_name.items() if r["action"] == "skip"}
    assert skipped["alice"].startswith("a one-to-one conversation")
    assert skipped["Budget.ods"].startswith("bound to an object (file 42)")
    assert skipped["Alice's"] == "you do not moderate it"
    assert skipped["Plain"] == "alice is no moderator of it"
    assert skipped["Without"] == "alice is not in it"
    assert by_name["Team chat"]["action"] == "hand-over"
    assert all(r["ok"] and r["exit_code"] == 0 for r in by_name.values())
    assert [c.split(" ")[0] for c in changing(fake_talk)] == ["POST", "POST"]  # add, promote
    assert all("/" + team + "/" in c for c in changing(fake_talk))
    assert "skipped (" in result.stderr.splitlines()[-1]


def test_the_owner_stays_owner_and_is_never_removed(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(owner="alice", name="Alice's", participants={"admin": 2})
    result = run(*HAND_OVER, token, "--from", "alice", "--to", "bob", "--remove", "--yes", "--json")
    assert result.code == 0, result
    record = json.loads(result.stdout)
    assert record["changes"] == [
        {"field": "participants", "from": None, "to": "bob"},
        {"field": "moderators", "from": None, "to": "bob"},
    ]
    assert roles(fake_talk, token) == {"alice": 1, "admin": 2, "bob": 2}
    text = run(*HAND_OVER, token, "--from", "alice", "--to", "bob", "--remove", "--yes")
    assert text.code == 0, text
    assert "alice stays owner" in text.stdout + text.stderr
    assert TRANSFER in text.stdout + text.stderr


def test_dry_run_sends_nothing_and_says_what_would_happen(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    other = fake_talk.add_room(owner="admin", name="Other", participants={"alice": 2})
    result = run(*HAND_OVER, team, other, "--from", "alice", "--to", "bob", "--remove",
                 "--dry-run", "--json")  # fmt: skip
    assert result.code == 0, result
    records = json.loads(result.stdout)  # two CONVs: an array
    assert [(r["action"], r["dry_run"]) for r in records] == [("hand-over", True)] * 2
    assert changing(fake_talk) == []
    table = run(*HAND_OVER, team, other, "--from", "alice", "--to", "bob", "--dry-run")
    assert table.code == 0, table
    assert "would hand over: participants bob" in table.stdout
    assert table.stderr.splitlines()[-1] == "dry run: 2 to hand over; nothing was sent"
    assert changing(fake_talk) == []


def test_jobs_give_the_same_records(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    tokens = [
        fake_talk.add_room(owner="admin", name=f"Room {i}", participants={"alice": 2})
        for i in range(4)
    ]
    result = run(*HAND_OVER, *tokens, "--from", "alice", "--to", "bob", "--jobs", "3", "--json")
    assert result.code == 0, result
    assert [r["token"] for r in json.loads(result.stdout)] == tokens  # input order
    assert all(roles(fake_talk, t)["bob"] == 2 for t in tokens)


def test_a_conversation_given_twice_is_handed_over_once(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    result = run(*HAND_OVER, team, "Team chat", "--from", "alice", "--to", "bob", "--json")
    assert result.code == 0, result
    first, second = json.loads(result.stdout)
    assert first["action"] == "hand-over"
    assert (second["action"], second["skipped"]) == ("skip", f'given twice (as "{team}" before)')
    assert len(changing(fake_talk)) == 2  # one add, one promote


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--from", "alice", "--to", "bob"], "give CONV arguments or --all"),
        (["Team chat", "--all", "--from", "alice", "--to", "bob"], "not both"),
        (["Team chat", "--from", "alice", "--to", "alice"], "the same user"),
        (["Team chat", "--from", "attendee:3", "--to", "bob"], "by user id"),
        (["Team chat", "--from", "", "--to", "bob"], "--from must name a user id"),
        (["Team chat", "--from", "alice", "--to", "b\x1b[2Job"], "no control characters"),
        (["Team chat", "--to", "bob"], "--from"),
        (["Team chat", "--from", "admin", "--to", "bob", "--remove"], "never removes you"),
    ],
)
def test_bad_input_exits_2_and_sends_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str, argv: list[str], words: str
) -> None:
    result = run(*HAND_OVER, *argv)
    assert result.code == 2, result
    assert words in result.stderr and "Traceback" not in result.stderr
    assert changing(fake_talk) == []


def test_unknown_conversation_and_unknown_user_fail_with_their_codes(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    missing = run(*HAND_OVER, "No such chat", team, "--from", "alice", "--to", "bob", "--json")
    assert missing.code == 3, missing
    first, second = json.loads(missing.stdout)
    assert (first["ok"], first["token"], second["action"]) == (False, None, "hand-over")
    nobody = run(*HAND_OVER, team, "--from", "bob", "--to", "nobody")
    assert nobody.code == 3, nobody
    assert "no user 'nobody' exists on the server" in nobody.stderr


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143)])
def test_a_signal_reports_the_rest_not_sent(
    run: TalkctlRunner,
    fake_talk: FakeTalkServer,
    signum: int,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokens = [
        fake_talk.add_room(owner="admin", name=f"Room {i}", participants={"alice": 2, "bob": 3})
        for i in range(4)
    ]
    result = signal_on_request(
        fake_talk,
        monkeypatch,
        [*HAND_OVER, *tokens, "--from", "alice", "--to", "bob", "--json"],
        run.env,
        signum=signum,
        method="POST",
        path_part="/moderators",
        hold=1.0,
        times=len(tokens),
    )
    assert result.code == code, result.stderr
    got = json.loads(result.stdout)
    assert [r["token"] for r in got] == tokens
    assert got[0]["ok"] and got[0]["action"] == "hand-over"
    never = [r for r in got if not r["ok"]]
    assert never and {r["error"] for r in never} == {"interrupted before it was sent"}
    for record in got:
        assert (roles(fake_talk, record["token"])["bob"] == 2) == record["ok"]


def test_a_display_name_selects_nobody(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    fake_talk.add_user("dave", display_name="Dave D.")
    token = fake_talk.add_room(owner="admin", name="Dave's", participants={"dave": 2})
    result = run(*HAND_OVER, token, "--from", "Dave D.", "--to", "bob")  # a display name
    assert result.code == 3, result
    assert "display name" in result.stderr and "user dave" in result.stderr
    assert changing(fake_talk) == []


def test_a_refusal_half_way_says_what_was_done_before(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    fake_talk.inject("POST", f"/room/{team}/moderators", status=403, body={
        "ocs": {"meta": {"status": "failure", "statuscode": 403, "message": ""}, "data": []}
    })  # fmt: skip
    result = run(*HAND_OVER, team, "--from", "alice", "--to", "bob", "--remove", "--yes", "--json")
    assert result.code == 5, result
    record = json.loads(result.stdout)
    assert record["ok"] is False
    assert record["error"] == (
        "only moderators can change the participants of Team chat "
        f"({team}) (done before: added bob)"
    )
    after = roles(fake_talk, team)
    assert after["bob"] == 3 and after["alice"] == 2  # alice stays: bob is no moderator


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_planning_ends_the_run_with_nothing_sent(
    run: TalkctlRunner,
    fake_talk: FakeTalkServer,
    signum: int,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokens = [
        fake_talk.add_room(owner="admin", name=f"Room {i}", participants={"alice": 2})
        for i in range(6)
    ]
    result = signal_on_request(
        fake_talk,
        monkeypatch,
        [*HAND_OVER, *tokens, "--from", "alice", "--to", "bob"],
        run.env,
        signum=signum,
        method="GET",
        path_part="/participants",
        hold=1.0,
        times=6,  # every listing held: planning cannot end before the signal lands
    )
    assert result.code == code, result.stderr
    assert result.stderr.strip().endswith("interrupted") and "Traceback" not in result.stderr
    assert changing(fake_talk) == []
    assert all("bob" not in roles(fake_talk, t) for t in tokens)


@pytest.mark.parametrize("talk", ["10", "18"])
def test_older_servers_hand_over_too(
    fake_talk_factory: Callable[..., FakeTalkServer], talkctl_home: Path, talk: str
) -> None:
    """API v1/v2 (Talk 10: participants by user id) and Talk 18 (changes answer data: [])."""
    srv = fake_talk_factory(talk=talk)
    token = srv.add_room(owner="admin", name="Team chat", participants={"alice": 2})
    runner = TalkctlRunner(
        talkctl_home, server=srv.url, user="admin", app_password=srv.new_app_password("admin")
    )
    result = runner(
        *HAND_OVER, token, "--from", "alice", "--to", "bob", "--remove", "--yes", "--json"
    )
    assert result.code == 0, result
    assert json.loads(result.stdout)["action"] == "hand-over"
    assert roles(srv, token) == {"admin": 1, "bob": 2}


# --- --remove asks first (as participant remove) ------------------------------------------


def test_remove_without_yes_is_refused_where_nobody_can_answer_and_nothing_is_sent(
    run: TalkctlRunner, fake_talk: FakeTalkServer, team: str
) -> None:
    other = fake_talk.add_room(owner="admin", name="Other", participants={"alice": 2})
    result = run(*HAND_OVER, team, other, "--from", "alice", "--to", "bob", "--remove")
    assert result.code == 2, result
    assert result.stderr == (
        "talkctl: error: refusing to remove alice from 2 conversations without --yes (stdin is "
        "not a terminal); nothing was changed\n"
    )
    assert changing(fake_talk) == []
    # without --remove, or where nobody is removed (the owner stays), nothing is asked
    kept = run(*HAND_OVER, team, "--from", "alice", "--to", "bob")
    assert kept.code == 0, kept
    owner = fake_talk.add_room(owner="alice", name="Hers", participants={"admin": 2})
    assert run(*HAND_OVER, owner, "--from", "alice", "--to", "bob", "--remove").code == 0


def handover_jobs(*labels: str, removes: bool = True) -> list[Job]:
    """Planned hand-over jobs: each removes alice (or only adds bob)."""
    change = FieldChange("participants", "alice", None) if removes else None
    return [
        Job(
            Record(label, f"tok{n}", label, "hand-over", changes=[change] if change else []),
            lambda: Record("x", None),
        )
        for n, label in enumerate(labels)
    ]


@pytest.mark.parametrize(("answer", "asked"), [("y\n", True), ("n\n", False), ("\n", False)])
def test_remove_is_asked_on_a_terminal_naming_the_conversations(answer: str, asked: bool) -> None:
    err = io.StringIO()
    env = Environment(io.StringIO(), err, io.StringIO(answer), {}, stdin_isatty=True)
    jobs = handover_jobs("Team chat", "Line\nbreak", *(f"C{n}" for n in range(25)))
    if asked:
        confirm_removals(env, "alice", jobs)
    else:
        with pytest.raises(UsageError, match="not confirmed: nothing was changed"):
            confirm_removals(env, "alice", jobs)
    lines = err.getvalue().split("\n")
    # names with their tokens (names may be equal), each one line (others typed them)
    assert lines[:2] == ["  Team chat (tok0)", "  Line\\nbreak (tok1)"]
    assert lines[20] == "  and 7 more"
    assert lines[21] == "Hand over and remove alice from these 27 conversations? [y/N] "


def test_removing_from_one_conversation_asks_naming_it() -> None:
    err = io.StringIO()
    env = Environment(io.StringIO(), err, io.StringIO("y\n"), {}, stdin_isatty=True)
    confirm_removals(env, "alice", handover_jobs("Line\nbreak"))
    # the one conversation is named in the question itself, on one line
    assert err.getvalue() == "Hand over and remove alice from Line\\nbreak (tok0)? [y/N] "


def test_nothing_is_asked_when_nobody_is_removed_or_nothing_is_sent() -> None:
    env = Environment(io.StringIO(), io.StringIO(), io.StringIO(), {}, stdin_isatty=False)
    confirm_removals(env, "alice", handover_jobs("A", removes=False))
    planned_only = handover_jobs("B")
    planned_only[0].send = None  # a dry run's or an unchanged conversation's job
    confirm_removals(env, "alice", planned_only)
    with pytest.raises(UsageError, match="from 1 conversation without --yes"):
        confirm_removals(env, "alice", handover_jobs("C"))
