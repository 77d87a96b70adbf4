"""``talkctl api``: the escape hatch, end to end on the fake server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer

SPREED = "/ocs/v2.php/apps/spreed/api/v4"


def test_relative_path_is_under_the_talk_api(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", name="Team chat")
    result = run("api", "GET", "room")
    assert result.code == 0, result
    assert token in {room["token"] for room in json.loads(result.stdout)}
    assert fake_talk.count("GET", f"{SPREED}/room") == 1


def test_slash_path_is_on_the_server(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("api", "GET", "/ocs/v2.php/cloud/user")
    assert result.code == 0, result
    assert json.loads(result.stdout)["id"] == "admin"
    raw = run("api", "GET", "/ocs/v2.php/cloud/user", "--raw")
    envelope = json.loads(raw.stdout)
    assert envelope["ocs"]["meta"]["statuscode"] == 200
    assert envelope["ocs"]["data"]["id"] == "admin"


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/ocs/v2.php/cloud/user",
        "//evil.example/ocs/v2.php/cloud/user",
        "http:room",
        "room#frag",
        "",
    ],
)
def test_urls_and_hosts_are_refused(
    run: TalkctlRunner, fake_talk: FakeTalkServer, path: str
) -> None:
    result = run("api", "GET", path)
    assert result.code == 2, result
    assert result.stderr.startswith("talkctl: error:")
    assert len(fake_talk.requests) == 0


def test_unknown_method_is_usage(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("api", "FETCH", "room")
    assert result.code == 2 and "unknown method" in result.stderr
    assert len(fake_talk.requests) == 0


def test_post_fields_go_in_a_json_body(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run(
        "api", "POST", "room", "-F", "roomType=2", "-f", "roomName=Made by api",
        "-F", "participants[users][]=alice", "-F", "readOnly=1",
    )  # fmt: skip
    assert result.code == 0, result
    created = json.loads(result.stdout)
    assert created["name"] == "Made by api" and created["readOnly"] == 1
    (post,) = [r for r in fake_talk.requests if r.method == "POST"]
    assert post.json == {
        "roomType": 2,
        "roomName": "Made by api",
        "participants": {"users": ["alice"]},
        "readOnly": 1,
    }
    assert "alice" in fake_talk.room(created["token"])["participants"]


def test_get_fields_go_in_the_query(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("api", "GET", "room", "-F", "noStatusUpdate=true", "-f", "includeLastMessage=0")
    assert result.code == 0, result
    (get,) = [r for r in fake_talk.requests if r.path.endswith("/room")]
    assert get.query == {"noStatusUpdate": "1", "includeLastMessage": "0"}


def test_typed_values_and_files(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    token = fake_talk.add_room(owner="admin", name="Described")
    text = tmp_path / "description.txt"
    text.write_text("From a file", encoding="utf-8")
    result = run("api", "PUT", f"room/{token}/description", "-F", f"description=@{text}")
    assert result.code == 0, result
    assert fake_talk.room(token)["description"] == "From a file"
    missing = run("api", "PUT", f"room/{token}/description", "-F", "description=@/no/such")
    assert missing.code == 2 and "cannot read" in missing.stderr
    bad = run("api", "POST", "room", "-f", "no-equals-sign")
    assert bad.code == 2 and "key=value" in bad.stderr


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "room/zzzzzzzz", 3),
        ("DELETE", "room/TOKEN", 5),
        ("PUT", "room/TOKEN/read-only", 6),
        ("GET", "/ocs/v2.php/apps/spreed/api/v4/nothing-here", 3),  # Talk 22 has no such path
    ],
)
def test_error_statuses_map_to_exit_codes(
    run: TalkctlRunner, fake_talk: FakeTalkServer, method: str, path: str, code: int
) -> None:
    owner = "admin" if "read-only" in path else "alice"
    token = fake_talk.add_room(owner=owner, name="x", participants={"bob": 3, "admin": 3})
    args = ["-F", "state=7"] if "read-only" in path else []
    result = run("api", method, path.replace("TOKEN", token), *args)
    assert result.code == code, result
    assert result.stdout == ""
    assert result.stderr.startswith("talkctl: error:")


def test_raw_prints_the_error_envelope(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("api", "GET", "room/zzzzzzzz", "--raw")
    assert result.code == 3
    assert json.loads(result.stdout)["ocs"]["meta"]["statuscode"] == 404


def test_post_is_never_retried(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    fake_talk.inject("POST", "/room", times=3, status=503)
    result = run("api", "POST", "room", "-F", "roomType=2", "-f", "roomName=x",
                 env={"TALKCTL_RETRY_BACKOFF": "0"})  # fmt: skip
    assert result.code == 7, result
    assert fake_talk.count("POST", f"{SPREED}/room") == 1


def test_get_is_retried(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    fake_talk.inject("GET", f"{SPREED}/room", times=1, status=503)
    result = run("api", "GET", "room", env={"TALKCTL_RETRY_BACKOFF": "0"})
    assert result.code == 0, result
    assert fake_talk.count("GET", f"{SPREED}/room") == 2


def test_debug_redacts_secrets(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", type=3, name="Public")
    secret = "Very-Secret-Password-42"
    result = run("--debug", "api", "PUT", f"room/{token}/password", "-f", f"password={secret}")
    assert result.code == 0, result
    assert secret not in result.stderr and secret not in result.stdout
    assert run.env["TALKCTL_APP_PASSWORD"] not in result.stderr
    assert "<redacted>" in result.stderr
