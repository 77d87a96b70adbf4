"""``talkctl audit``, end to end on the fake server: the built-in rules, the reads it makes
(one listing, participants at most once per conversation, nothing changed), the records of
--json/jsonl/csv, exit 9 for an error-severity finding, an error of the run winning over 9
with the findings so far printed, and the summary's honesty about scope."""

from __future__ import annotations

import csv
import io
import json
import stat
import time
from pathlib import Path

from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer

OWNER, MODERATOR, USER = 1, 2, 3
DAY = 86400
RECORD_KEYS = ["rule", "severity", "token", "name", "message", "fix"]


def seed(srv: FakeTalkServer) -> dict[str, str]:
    """One conversation per built-in rule it breaks, and one that breaks none."""
    srv.add_user("carol")
    now = int(time.time())
    tokens = {
        "clean": srv.add_room(name="Clean", participants={"admin": OWNER, "bob": MODERATOR}),
        "open": srv.add_room(
            name="Open house", type=3, participants={"admin": OWNER, "bob": MODERATOR}
        ),
        "listed": srv.add_room(
            name="Listed", listable=2, participants={"admin": OWNER, "bob": MODERATOR}
        ),
        "alone": srv.add_room(name="Alone", participants={"admin": OWNER, "bob": USER}),
        "old": srv.add_room(
            name="Old",
            participants={"admin": OWNER, "bob": MODERATOR},
            last_activity=now - 400 * DAY,
        ),
        "big": srv.add_room(
            name="Big",
            participants={"admin": OWNER, "bob": MODERATOR}
            | {f"user{n:02d}": USER for n in range(50)},
        ),
        "one": srv.add_room(type=1, name="carol", participants={"carol": OWNER}),
    }
    with srv.state.lock:
        srv.state.rooms[tokens["open"]].lobby_state = 0
        srv.state.rooms[tokens["old"]].lobby_state = 0
        for key in ("clean", "listed", "alone", "old", "big"):
            srv.state.rooms[tokens[key]].mention_permissions = 1 if key != "big" else 0
    return tokens


def findings(run: TalkctlRunner, *args: str, code: int) -> list[dict[str, object]]:
    result = run("audit", *args, "--json")
    assert result.code == code, result
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    return records


def test_the_built_in_rules_find_each_broken_conversation_and_nothing_else(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = seed(fake_talk)
    records = findings(run, "--all", code=9)
    assert all(list(r) == RECORD_KEYS for r in records)
    found = {(r["rule"], r["token"]) for r in records}
    assert found == {
        ("public-without-password", tokens["open"]),
        ("public-without-lobby", tokens["open"]),
        ("listable-to-everyone", tokens["listed"]),
        ("moderators", tokens["alone"]),
        ("inactive", tokens["old"]),
        ("mention-all", tokens["big"]),
    }
    by_rule = {r["rule"]: r for r in records}
    assert by_rule["public-without-password"] == {
        "rule": "public-without-password",
        "severity": "error",
        "token": tokens["open"],
        "name": "Open house",
        "message": "public conversation without a password",
        "fix": f'password_env = "TALK_PASSWORD_{tokens["open"].upper()}"',
    }
    assert by_rule["mention-all"]["fix"] == 'mention_permissions = "moderators"'
    assert by_rule["listable-to-everyone"]["fix"] == 'listable = "users"'
    assert by_rule["public-without-lobby"]["fix"] == "lobby = true"  # as apply files write it
    assert by_rule["moderators"]["fix"] is None
    assert by_rule["inactive"]["message"] == "inactive for 400 days (more than 365)"


def test_an_audit_reads_the_listing_once_and_each_participant_list_once(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = seed(fake_talk)
    fake_talk.clear_log()
    result = run("audit", "--all", "--json", "--jobs", "3")
    assert result.code == 9, result
    spreed = [(r.method, r.path) for r in fake_talk.requests if r.is_spreed]
    listings = [p for m, p in spreed if p.endswith("/room")]
    people = [p for m, p in spreed if p.endswith("/participants")]
    assert len(listings) == 1
    audited = [t for k, t in tokens.items() if k != "one"]  # scope: group and public
    assert sorted(people) == sorted({p for p in people})
    assert sorted(p.split("/")[-2] for p in people) == sorted(audited)
    assert fake_talk.changing_requests() == []
    assert all(m == "GET" for m, _ in spreed)


def test_without_rules_needing_them_no_participants_are_read(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    seed(fake_talk)
    policy = tmp_path / "policy.toml"
    policy.write_text("[rules.moderators]\nenabled = false\n[rules.mention-all]\nenabled = false\n")
    fake_talk.clear_log()
    result = run("audit", "--all", "--policy", str(policy), "--json")
    assert result.code == 9, result
    assert not any(r.path.endswith("/participants") for r in fake_talk.requests)


def test_warnings_only_exit_0_and_nothing_found_says_so(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = seed(fake_talk)
    warned = run("audit", "Alone", "--json")
    assert warned.code == 0, warned
    assert [r["rule"] for r in json.loads(warned.stdout)] == ["moderators"]
    clean = run("audit", tokens["clean"])
    assert clean.code == 0, clean
    assert clean.stdout == ""
    assert "audited 1 conversation(s) as admin on " in clean.stderr
    assert "with the built-in policy: nothing found" in clean.stderr


def test_jsonl_and_csv_hold_one_record_per_finding(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    seed(fake_talk)
    lines = run("audit", "--all", "--format", "jsonl")
    assert lines.code == 9, lines
    records = [json.loads(line) for line in lines.stdout.splitlines()]
    assert len(records) == 6 and all(list(r) == RECORD_KEYS for r in records)
    table = run("audit", "--all", "--format", "csv")
    assert table.code == 9, table
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert list(rows[0]) == ["name", "token", "severity", "rule", "message", "fix"]
    assert {(r["rule"], r["token"]) for r in rows} == {(r["rule"], r["token"]) for r in records}


def test_a_failing_read_wins_over_9_and_the_findings_so_far_are_printed(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = seed(fake_talk)
    fake_talk.inject("GET", f"/room/{tokens['old']}/participants", times=10, status=503)
    result = run("--retries", "0", "audit", "Open house", "Old", "--json", "--jobs", "1")
    assert result.code == 7, result
    records = json.loads(result.stdout)
    assert {r["rule"] for r in records} == {"public-without-password", "public-without-lobby"}
    assert "the audit stopped early" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("talkctl: error: ")


def test_the_summary_names_what_could_not_be_checked(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    seed(fake_talk)
    result = run("audit", "--all")
    assert result.code == 9, result
    assert (
        "not checked: recording-consent: the server's configuration does not let "
        "conversations choose recording consent" in result.stderr
    )
    assert "only conversations this account is in were audited" in result.stderr
    assert "1 error, " in result.stderr
    assert "talkctl: error" not in result.stderr


def test_audit_needs_conversations_or_all(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    for args in ((), ("--all", "Clean")):
        result = run("audit", *args)
        assert result.code == 2, result
        assert result.stderr == "talkctl: error: give CONV arguments or --all (not both)\n"
    assert fake_talk.requests == []


def test_a_bad_policy_file_lists_every_problem_and_sends_nothing(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[rules.inactive]\ndays = -1\n\n[rules.bogus]\nseverity = "error"\n')
    result = run("audit", "--all", "--policy", str(policy))
    assert result.code == 2, result
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{policy}:2: inactive.days = -1: must be a whole number, 0 or more",
        f"{policy}:4: unknown rule 'bogus' (rules: public-without-password, "
        "public-without-lobby, listable-to-everyone, message-expiration, inactive, "
        "moderators, mention-all, recording-consent, email-domains, name-pattern, "
        "default-permissions)",
        f"talkctl: error: {policy}: 2 problems; nothing was changed",
    ]
    assert fake_talk.requests == []


def test_fix_file_round_trip_audit_apply_audit_finds_none_of_those_rules(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    tokens = seed(fake_talk)
    target = tmp_path / "fix.toml"
    first = run("audit", "--all", "--json", "--fix-file", str(target))
    assert first.code == 9, first
    fixable = {r["rule"] for r in json.loads(first.stdout) if r["fix"]}
    assert fixable == {
        "public-without-password",
        "public-without-lobby",
        "listable-to-everyone",
        "mention-all",
    }
    variable = f"TALK_PASSWORD_{tokens['open'].upper()}"
    assert f"set these variables to the new passwords before applying: {variable}" in (first.stderr)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text("utf-8")
    assert text.count("[[conversation]]") == 3  # open house, listed, big
    assert f'password_env = "{variable}"' in text

    secret = {variable: "Correct-Horse-Battery-42"}
    plan = run("apply", str(target), "--dry-run", "--json", env=secret)
    assert plan.code == 0, plan
    assert {r["token"] for r in json.loads(plan.stdout)} == {
        tokens["open"],
        tokens["listed"],
        tokens["big"],
    }
    assert fake_talk.changing_requests() == []
    applied = run("apply", str(target), "--yes", env=secret)
    assert applied.code == 0, applied
    again = run("audit", "--all", "--json")
    assert again.code == 0, again
    left = {r["rule"] for r in json.loads(again.stdout)}
    assert left == {"moderators", "inactive"}  # what no setting fixes
    assert fake_talk.state.rooms[tokens["open"]].password == "Correct-Horse-Battery-42"


def test_after_a_failed_read_the_reads_not_started_are_never_sent(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = fake_talk.seed_rooms("admin", 40)
    fake_talk.inject("GET", f"/room/{tokens[0]}/participants", status=503)
    fake_talk.clear_log()
    # a read that has not started when one fails is never sent: with one read at a time
    # the failed read is the last one sent (the pool's next task starts, sees the failure and
    # sends nothing), and it is sent once
    result = run("--retries", "0", "audit", "--all", "--json", "--jobs", "1")
    assert result.code == 7, result
    assert json.loads(result.stdout) == []
    reads = [r.path for r in fake_talk.requests if r.path.endswith("/participants")]
    failed = f"/room/{tokens[0]}/participants"
    assert reads[-1].endswith(failed), reads
    assert sum(path.endswith(failed) for path in reads) == 1, reads


def test_a_lobby_that_keeps_the_account_out_skips_that_conversation_s_participant_rules(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = seed(fake_talk)
    closed = fake_talk.add_room(
        owner="bob", name="Closed", participants={"bob": OWNER, "admin": USER}
    )
    with fake_talk.state.lock:
        fake_talk.state.rooms[closed].lobby_state = 1
    result = run("audit", "--all", "--json")
    assert result.code == 9, result
    found = {(r["rule"], r["token"]) for r in json.loads(result.stdout)}
    assert ("moderators", tokens["alone"]) in found
    assert not any(token == closed for _, token in found)
    assert (
        "not checked: the participant rules in 1 conversation(s) whose lobby keeps this "
        "account out of the participant list: Closed" in result.stderr
    )


def test_the_fix_file_leaves_out_what_apply_cannot_manage_and_counts_its_tables(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # a one-to-one in the policy's scope gets findings, but apply refuses type = "one-to-one"
    # (the whole file would be refused); a name holding "[[conversation]]" is one table
    fake_talk.add_user("carol")
    one = fake_talk.add_room(type=1, name="carol", participants={"carol": OWNER})
    odd = fake_talk.add_room(name="[[conversation]]", participants={"admin": OWNER})
    policy = tmp_path / "policy.toml"
    policy.write_text('[scope]\ntypes = ["one-to-one", "group"]\n[rules.message-expiration]\n')
    target = tmp_path / "fix.toml"
    first = run("audit", "--all", "--policy", str(policy), "--json", "--fix-file", str(target))
    assert first.code == 0, first
    fixed = {r["token"] for r in json.loads(first.stdout) if r["fix"]}
    assert fixed == {one, odd}
    assert f"wrote fixes for 1 conversation(s) to {target}" in first.stderr
    assert one not in target.read_text("utf-8")
    plan = run("apply", str(target), "--dry-run", "--json")
    assert plan.code == 0, plan
    assert [r["token"] for r in json.loads(plan.stdout)] == [odd]


def test_named_conversations_are_audited_once_and_those_out_of_scope_are_named(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    # the same conversation by name and token is one; a named one the policy's scope leaves
    # out (a one-to-one) is said to be unaudited, not reported as "nothing found"
    tokens = seed(fake_talk)
    fake_talk.add_user("dave")
    one = fake_talk.add_room(type=1, name="dave", participants={"dave": OWNER})
    result = run("audit", "Alone", tokens["alone"], one, "--json")
    assert result.code == 0, result
    assert [(r["rule"], r["token"]) for r in json.loads(result.stdout)] == [
        ("moderators", tokens["alone"])
    ]
    assert result.stderr.startswith("audited 1 conversation(s) as admin")
    assert (
        "\nnot audited: 1 named conversation(s) outside the policy's scope "
        f"(types group, public): dave ({one})\n" in result.stderr
    )


def test_a_fix_file_with_nothing_to_fix_applies_as_nothing_to_do(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    # audit --fix-file, then apply, from cron: once everything is fixed the written file must
    # still apply (exit 0), not fail as a file without [[conversation]] tables
    tokens = seed(fake_talk)
    target = tmp_path / "fix.toml"
    first = run("audit", tokens["clean"], "--fix-file", str(target))
    assert first.code == 0, first
    assert f"wrote fixes for 0 conversation(s) to {target}" in first.stderr
    applied = run("apply", str(target), "--json")
    assert applied.code == 0, applied
    assert json.loads(applied.stdout) == []
    assert fake_talk.changing_requests() == []
