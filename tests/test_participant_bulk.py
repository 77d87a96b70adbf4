"""Participant verbs on the one engine and the one result record (issue 14's last gap, issue 13
item 4): the record's keys and changes, the summary wording, --jobs, signals, end to end."""

from __future__ import annotations

import json
import signal

import pytest
from clirunner import Result, TalkctlRunner
from e2e_support import signal_on_request

from talkctl.cli.results import RECORD_KEYS
from talkctl.sandbox import FakeTalkServer

PARTICIPANT_KEYS = [*RECORD_KEYS, "participant"]  # the contract, plus who the ID named
USERS = [f"u{n}" for n in range(6)]


@pytest.fixture
def crowd(fake_talk: FakeTalkServer) -> str:
    """'Crowd' owned by admin, with alice (moderator) and u0..u5 (users)."""
    for user in USERS:
        fake_talk.add_user(user, display_name=f"User {user}")
    members = {"alice": 2, **{user: 3 for user in USERS}}
    return fake_talk.add_room(owner="admin", name="Crowd", participants=members)


def records(result: Result) -> list[dict[str, object]]:
    data = json.loads(result.stdout)
    assert isinstance(data, list), result
    for record in data:
        assert list(record) == PARTICIPANT_KEYS
    return data


def changing(srv: FakeTalkServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in srv.changing_requests()]


def test_records_carry_exactly_the_record_keys_and_participant(
    run: TalkctlRunner, fake_talk: FakeTalkServer, crowd: str
) -> None:
    fake_talk.add_user("carol")
    # one ID: one object; real, unchanged, unresolved and dry run alike
    for args in (
        ["add", crowd, "carol"],
        ["add", crowd, "alice"],
        ["promote", crowd, "nobody"],
        ["demote", crowd, "alice", "--dry-run"],
    ):
        result = run("participant", *args, "--json")
        record = json.loads(result.stdout)
        assert list(record) == PARTICIPANT_KEYS, (args, result)
        assert record["token"] == crowd and record["name"] == "Crowd"
        assert record["conversation"] is None and record["skipped"] is None
    unresolved = json.loads(run("participant", "promote", crowd, "nobody", "--json").stdout)
    assert (unresolved["input"], unresolved["action"], unresolved["ok"]) == ("nobody", None, False)
    assert unresolved["participant"] is None and unresolved["exit_code"] == 3
    assert unresolved["changes"] == [] and "nobody" in unresolved["error"]
    # --stdin with one line is an array; jsonl is one record a line
    assert (
        len(records(run("participant", "promote", crowd, "--stdin", "--json", input="u0\n"))) == 1
    )
    lines = run("participant", "demote", crowd, "u0", "alice", "--format", "jsonl").stdout
    assert [list(json.loads(line)) for line in lines.splitlines()] == [PARTICIPANT_KEYS] * 2


def test_changes_say_what_changed_from_the_listing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, crowd: str
) -> None:
    fake_talk.add_user("carol")
    add = json.loads(run("participant", "add", crowd, "carol", "--json").stdout)
    assert add["action"] == "add" and add["participant"] is None  # not listed before
    assert add["changes"] == [{"field": "participants", "from": None, "to": "carol"}]
    group = json.loads(run("participant", "add", crowd, "staff", "--group", "--json").stdout)
    assert group["changes"] == [{"field": "participants", "from": None, "to": "group staff"}]
    attendee = fake_talk.room(crowd)["attendeeIds"]["u0"]
    promote = json.loads(
        run("participant", "promote", crowd, f"attendee:{attendee}", "--json").stdout
    )
    assert promote["input"] == f"attendee:{attendee}" and promote["participant"]["actorId"] == "u0"
    assert promote["changes"] == [{"field": "role", "from": "user", "to": "moderator"}]
    demote = json.loads(run("participant", "demote", crowd, "alice", "--json").stdout)
    assert demote["changes"] == [{"field": "role", "from": "moderator", "to": "user"}]
    remove = json.loads(run("participant", "remove", crowd, "u1", "--yes", "--json").stdout)
    assert remove["changes"] == [{"field": "participants", "from": "u1", "to": None}]
    assert remove["participant"]["actorType"] == "users" and remove["action"] == "remove"
    same = json.loads(run("participant", "promote", crowd, "u0", "--json").stdout)
    assert (same["action"], same["changes"]) == ("unchanged", [])
    room = fake_talk.room(crowd)["participants"]
    assert (room["carol"], room["u0"], room["alice"], "u1" in room) == (3, 2, 3, False)


def test_summary_wording_real_and_dry_run(
    run: TalkctlRunner, fake_talk: FakeTalkServer, crowd: str
) -> None:
    fake_talk.add_user("carol")
    fake_talk.add_user("dave")
    plan = run("participant", "add", crowd, "carol", "dave", "alice", "--dry-run")
    assert plan.code == 0, plan
    assert plan.stderr.splitlines()[-1] == "dry run: 2 to add, 1 unchanged; nothing was sent"
    assert plan.stdout.splitlines() == [
        f"{crowd}\tCrowd\twould add carol",
        f"{crowd}\tCrowd\twould add dave",
        f"{crowd}\tCrowd\tunchanged: user alice (attendee:{attendee(fake_talk, crowd, 'alice')})"
        " (already in)",
    ]
    assert changing(fake_talk) == []
    real = run("participant", "add", crowd, "carol", "dave", "alice")
    assert real.code == 0, real
    assert real.stderr.splitlines() == [
        "ok\tcarol\tadded carol",
        "ok\tdave\tadded dave",
        f"ok\talice\tunchanged: user alice (attendee:{attendee(fake_talk, crowd, 'alice')})"
        " (already in)",
        "2 added, 1 unchanged",
    ]
    assert run("participant", "promote", crowd, "u0", "u1").stderr.endswith("2 promoted\n")
    demoted = run("participant", "demote", crowd, "u0", "u2", "--dry-run")
    assert demoted.stderr == "dry run: 1 to demote, 1 unchanged; nothing was sent\n"
    removed = run("participant", "remove", crowd, "u3", "nobody", "--yes")
    assert removed.code == 3 and removed.stderr.endswith("1 removed, 1 failed\n")
    assert "failed\tnobody\t" in removed.stderr


def attendee(srv: FakeTalkServer, token: str, user: str) -> int:
    return int(srv.room(token)["attendeeIds"][user])


def test_one_id_is_one_sentence(run: TalkctlRunner, fake_talk: FakeTalkServer, crowd: str) -> None:
    u0 = attendee(fake_talk, crowd, "u0")
    promoted = run("participant", "promote", crowd, "u0")
    assert promoted.code == 0 and promoted.stdout.startswith(f"{crowd}\tCrowd\tpromoted user u0")
    assert promoted.stderr == (
        f"Promoted user u0 'User u0' (attendee:{u0}) in Crowd ({crowd}), role user → moderator\n"
    )
    again = run("participant", "promote", crowd, "u0")
    assert again.stderr == (
        f"Crowd ({crowd}): unchanged: user u0 'User u0' (attendee:{u0}) (already moderator)\n"
    )
    removed = run("participant", "remove", crowd, "u0", "--yes")
    assert removed.stderr == f"Removed user u0 'User u0' (attendee:{u0}) from Crowd ({crowd})\n"


@pytest.mark.parametrize("verb", ["promote", "remove"])
def test_jobs_2_gives_the_same_records_in_input_order(
    run: TalkctlRunner, fake_talk: FakeTalkServer, verb: str
) -> None:
    for user in USERS:
        fake_talk.add_user(user)
    order = ["u4", "u1", "nobody", "u5", "u0", "u3", "u2"]
    yes = ["--yes"] if verb == "remove" else []
    results = {}
    for jobs in ("1", "2"):
        members = dict.fromkeys(USERS, 3)
        token = fake_talk.add_room(owner="admin", name="Same", participants=members)
        ids = fake_talk.room(token)["attendeeIds"]
        fake_talk.clear_log()
        result = run("participant", verb, token, *order, "--jobs", jobs, *yes, "--json")
        assert result.code == 3, result  # nobody: the first (and only) failure
        got = records(result)
        assert [r["input"] for r in got] == order
        sent = [r.form for r in fake_talk.changing_requests()]
        wanted = [{"attendeeId": str(ids[u])} for u in order if u != "nobody"]
        if jobs == "1":  # one at a time: sent in input order
            assert sent == wanted
        assert sorted(sent, key=str) == sorted(wanted, key=str)
        for record in got:  # the two runs differ by their conversation only
            record["token"] = record["participant"] = None
            record["error"] = record["error"] and str(record["error"]).replace(token, "TOKEN")
        results[jobs] = got
    assert results["1"] == results["2"]
    assert results["1"][2]["exit_code"] == 3 and all(
        r["ok"] for r in results["1"] if r["input"] != "nobody"
    )


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_mid_run_reports_the_rest_not_sent(
    run: TalkctlRunner,
    fake_talk: FakeTalkServer,
    crowd: str,
    signum: int,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The signal goes out the moment the first promote reaches the server, which holds it:
    that one finishes, and every record says truly whether its ID was sent (no polling)."""
    result = signal_on_request(
        fake_talk,
        monkeypatch,
        ["participant", "promote", crowd, *USERS, "--json"],
        run.env,
        signum=signum,
        method="POST",
        path_part="/moderators",
        hold=1.0,
        times=len(USERS),
    )
    stdout, stderr = result.stdout, result.stderr
    assert result.code == code, stderr
    assert "Traceback" not in stderr
    got = json.loads(stdout)
    assert [r["input"] for r in got] == USERS  # every ID, in input order
    # every record is true to what the server saw: the first promote (signal and all) was
    # sent and finished; each later one was either sent before the signal took effect (a
    # loaded machine may take a moment: each is held 1 s, so never all) or "not sent"
    moderators = {p for p, t in fake_talk.room(crowd)["participants"].items() if t == 2}
    sent = [r for r in got if r["ok"]]
    never = [r for r in got if not r["ok"]]
    assert got[0]["ok"] and got[0]["action"] == "promote", stderr
    assert {r["input"] for r in sent} <= moderators
    assert not {r["input"] for r in never} & moderators
    assert never and got[: len(sent)] == sent  # in input order: sent first, then the rest
    assert {(r["error"], r["exit_code"]) for r in never} == {
        ("interrupted before it was sent", code)
    }
    promoted = f"{len(sent)} promoted, " if sent else ""
    assert stderr.splitlines()[-1] == f"{promoted}{len(never)} not sent (interrupted)"
    assert fake_talk.count("POST", "/moderators") == len(sent)
    roles = fake_talk.room(crowd)["participants"]
    assert [roles[user] for user in USERS] == [2] * len(sent) + [3] * len(never)


def test_remove_asks_only_when_something_would_be_sent(
    run: TalkctlRunner, fake_talk: FakeTalkServer, crowd: str
) -> None:
    unknown = run("participant", "remove", crowd, "nobody")  # nothing to send: nothing to ask
    assert unknown.code == 3 and "nobody" in unknown.stderr, unknown
    piped = run("participant", "remove", crowd, "--stdin", input="u0\nu1\n")
    assert piped.code == 2 and "refusing to remove without --yes" in piped.stderr, piped
    assert changing(fake_talk) == []


def test_a_participant_named_twice_is_changed_once(
    run: TalkctlRunner, fake_talk: FakeTalkServer, crowd: str
) -> None:
    """By id and by attendee id, or an add given twice: one request each, the later input
    skipped (the server would refuse the second promote, and add the same one twice)."""
    fake_talk.add_user("carol")
    attendee = fake_talk.room(crowd)["attendeeIds"]["u0"]
    promoted = run("participant", "promote", crowd, "u0", f"attendee:{attendee}", "--json")
    assert promoted.code == 0, promoted
    assert [(r["action"], r["skipped"]) for r in records(promoted)] == [
        ("promote", None),
        ("skip", 'given twice (as "u0" before)'),
    ]
    added = run("participant", "add", crowd, "carol", "carol")
    assert added.code == 0, added
    assert added.stderr.splitlines()[-1] == "1 added, 1 skipped (given twice)"
    assert [c.split("/")[-1] for c in changing(fake_talk)] == ["moderators", "participants"]
