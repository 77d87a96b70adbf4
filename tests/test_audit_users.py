"""The ``moderators`` rule's user reads: whether a moderator is still an enabled user, read
through the provisioning API only where the account may (admin: everybody; sub-admin: its
groups' members), decided from the account's rights, each user read at most once."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from clirunner import TalkctlRunner
from e2e_support import session

from talkctl.audit.engine import OncePerUser
from talkctl.sandbox import FakeTalkServer

OWNER, MODERATOR, USER = 1, 2, 3


def seed(srv: FakeTalkServer) -> dict[str, str]:
    for user in ("carol", "dave"):
        srv.add_user(user)
    srv.add_group("staff", ["bob"])
    everyone = {"admin": USER, "alice": USER}
    tokens = {
        "gone": srv.add_room(
            owner="bob", name="Gone", participants={"bob": OWNER, "dave": MODERATOR} | everyone
        ),
        "half": srv.add_room(
            owner="bob", name="Half", participants={"bob": OWNER, "carol": MODERATOR} | everyone
        ),
        "outside": srv.add_room(
            owner="dave",
            name="Outside",
            participants={"dave": OWNER, "carol": MODERATOR} | everyone,
        ),
    }
    tokens["mine"] = srv.add_room(name="Mine", participants={"admin": OWNER, "bob": MODERATOR})
    srv.disable_user("bob")
    srv.disable_user("dave")
    return tokens


def user_reads(srv: FakeTalkServer) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] for r in srv.requests if "/cloud/users/" in r.path]


def test_an_admin_finds_conversations_whose_moderators_are_all_disabled(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    tokens = seed(fake_talk)
    fake_talk.clear_log()
    result = run("audit", "--all", "--json")
    assert result.code == 0, result
    found = [
        (r["token"], r["message"]) for r in json.loads(result.stdout) if r["rule"] == "moderators"
    ]
    assert found == [(tokens["gone"], "no moderator is still an enabled user")]
    reads = user_reads(fake_talk)
    assert sorted(reads) == ["admin", "bob", "carol", "dave"]  # the account, then each once
    assert "not checked: moderators" not in result.stderr


def test_a_plain_user_gets_not_checked_and_reads_no_other_user(
    fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    seed(fake_talk)
    alice = session(fake_talk, tmp_path, "alice")
    fake_talk.clear_log()
    result = alice.run("audit", "--all", "--json")
    assert result.code == 0, result
    assert not any(r["message"].startswith("no moderator") for r in json.loads(result.stdout))
    assert user_reads(fake_talk) == ["alice"]
    assert (
        "not checked: moderators (enabled users): this account is neither an admin nor a "
        "sub-admin: Nextcloud shows it no user" in result.stderr
    )


def test_a_sub_admin_checks_the_members_of_its_groups_only(
    fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    tokens = seed(fake_talk)
    fake_talk.add_subadmin("alice", "staff")
    alice = session(fake_talk, tmp_path, "alice")
    fake_talk.clear_log()
    result = alice.run("audit", "--all", "--json")
    assert result.code == 0, result
    found = [r["token"] for r in json.loads(result.stdout) if r["message"].startswith("no mod")]
    assert found == []  # dave (gone's moderator) is outside alice's groups: not decided
    assert sorted(user_reads(fake_talk)) == ["alice", "bob"]
    assert "checked only for members of the groups this account is a sub-admin of (staff)" in (
        result.stderr
    )
    fake_talk.add_group("former", ["dave"])
    fake_talk.add_subadmin("alice", "former")
    again = alice.run("audit", "--all", "--json")
    found = [r["token"] for r in json.loads(again.stdout) if r["message"].startswith("no mod")]
    assert found == [tokens["gone"]]


def test_the_sandbox_demo_breaks_every_built_in_rule_the_sandbox_can_check(
    tmp_path: Path,
) -> None:
    from talkctl.audit.policy import builtin
    from talkctl.sandbox.service import Sandbox, SandboxOptions

    with Sandbox(SandboxOptions(seed=7)) as sandbox:
        env = sandbox.environment()
        runner = TalkctlRunner(
            tmp_path,
            server=env["TALKCTL_SERVER"],
            user=env["TALKCTL_USER"],
            app_password=env["TALKCTL_APP_PASSWORD"],
        )
        result = runner("audit", "--all", "--json")
    assert result.code == 9, result
    found = {r["rule"] for r in json.loads(result.stdout)}
    checked = {item.rule.id for item in builtin().rules} - {"recording-consent"}
    # the sandbox's recorded capabilities do not let conversations choose recording consent;
    # "Open office" lets everybody skip the lobby (default permissions all)
    assert found == checked
    assert "not checked: recording-consent" in result.stderr


def test_with_jobs_each_moderator_is_still_read_once_and_the_findings_are_the_same(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    """The user reads run beside the participant reads (--jobs at a time); a user shared by
    many conversations is asked once however the threads meet."""
    tokens = seed(fake_talk)
    for n in range(12):  # more conversations sharing the same moderators
        fake_talk.add_room(
            owner="bob", name=f"Shared {n}", participants={"bob": OWNER, "carol": MODERATOR}
        )
    fake_talk.clear_log()
    one = run("audit", "--all", "--json", "--jobs", "1")
    fake_talk.clear_log()
    many = run("audit", "--all", "--json", "--jobs", "8")
    assert (one.code, many.code) == (0, 0), many
    assert json.loads(many.stdout) == json.loads(one.stdout)
    assert sorted(user_reads(fake_talk)) == ["admin", "bob", "carol", "dave"]
    assert tokens["gone"] in {r["token"] for r in json.loads(many.stdout)}


def test_once_per_user_asks_once_and_shares_a_failure() -> None:
    asked: list[str] = []
    gate = threading.Event()

    def enabled(user: str) -> bool | None:
        asked.append(user)
        gate.wait(5)  # the other threads ask meanwhile (or after: the answer is the same)
        if user == "broken":
            raise OSError("network down")
        return user != "dave"

    once = OncePerUser(enabled)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = [pool.submit(once, user) for user in ["bob", "dave", "bob", "bob", "broken"]]
        gate.set()
        assert [a.result() for a in answers[:4]] == [True, False, True, True]
        with pytest.raises(OSError):
            answers[4].result()
    with pytest.raises(OSError):
        once("broken")  # asked once: its failure is the answer
    assert sorted(asked) == ["bob", "broken", "dave"]
