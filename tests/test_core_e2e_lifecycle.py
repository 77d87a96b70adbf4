"""create → list → rename → publish → password → read-only → favorite → notify → leave/delete,
through the installed talkctl against the fake server, on Talk 8 (v1), 9 (v2), 11 (v3),
18 (v4, changes answer data []) and 22 (v4, changes answer the room)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e_support import PROFILES, STRONG_PASSWORD, Factory, Session, start


@pytest.fixture(params=list(PROFILES), ids=lambda p: f"talk{p}")
def admin(
    request: pytest.FixtureRequest, fake_talk_factory: Factory, talkctl_home: Path
) -> Session:
    return start(fake_talk_factory, talkctl_home, request.param)


def change(admin: Session, token: str, *args: str, input: str | None = None) -> dict[str, Any]:
    """Run a single-conversation change with --json: one result record, ONE request. On
    Talk 21+ the change answers the room and the record carries it (exactly as the server
    now has it); before, the answer is data [] and the record's conversation is null (no
    extra request to fetch it). Returns the server's state after the change."""
    admin.srv.clear_log()
    out = admin.json("room", *args, input=input)
    verb = args[0]
    sent = [m for m, _ in admin.spreed_requests()]
    state: dict[str, Any] = admin.server_get(f"/room/{token}")
    assert out["ok"] is True and out["token"] == token and out["input"] == token
    reads = ["GET"] if verb == "unpublish" else []  # who it would lose: e-mail invitees
    assert sent[: len(reads)] == reads and len(sent) == len(reads) + 1, (verb, sent)
    if admin.srv.talk == "22":
        assert out["conversation"] == state
    else:
        assert out["conversation"] is None
    return state


def test_group_conversation_lifecycle(admin: Session) -> None:
    record = admin.json("room", "create", "Team A")
    created = record["conversation"]
    token = record["token"]
    assert (record["action"], record["ok"], record["input"]) == ("create", True, "Team A")
    assert (created["type"], created["name"], created["participantType"]) == (2, "Team A", 1)
    assert admin.forms("POST", "/room") == [{"roomType": "2", "roomName": "Team A"}]

    listed = admin.json("room", "list")
    assert listed == admin.server_get("/room", noStatusUpdate="1")  # every field, as sent
    assert token in [room["token"] for room in listed]

    assert change(admin, token, "rename", token, "Team B")["name"] == "Team B"
    assert change(admin, token, "publish", token)["type"] == 3
    out = change(admin, token, "password", token, "--password-stdin", input=STRONG_PASSWORD + "\n")
    assert out["hasPassword"] is True
    assert admin.forms("PUT", "/password") == [{"password": STRONG_PASSWORD}]
    assert change(admin, token, "password", token, "--clear")["hasPassword"] is False
    assert admin.forms("PUT", "/password") == [{"password": ""}]
    assert change(admin, token, "unpublish", token)["type"] == 2
    assert change(admin, token, "read-only", token, "on")["readOnly"] == 1
    assert change(admin, token, "read-only", token, "off")["readOnly"] == 0
    assert change(admin, token, "favorite", token)["isFavorite"] is True
    assert change(admin, token, "unfavorite", token)["isFavorite"] is False

    for level, sent in [
        ("always", 1),
        ("never", 3),
        ("mention", 2),
        ("default", 2),
        ("1", 1),
        ("3", 3),
        ("2", 2),
    ]:
        assert change(admin, token, "notify", token, level)["notificationLevel"] == sent
        assert admin.forms("POST", "/notify") == [{"level": str(sent)}]

    admin.srv.clear_log()
    deleted = admin.json("room", "delete", token, "--yes")
    assert (deleted["token"], deleted["action"], deleted["ok"]) == (token, "delete", True)
    assert admin.spreed_requests() == [("DELETE", f"/room/{token}")]
    assert not admin.srv.has_room(token)
    assert token not in admin.cached_tokens()


def test_one_to_one_create_notify_default_and_leave(admin: Session) -> None:
    record = admin.json("room", "create", "--type", "one-to-one", "--invite", "alice")
    token = record["token"]
    assert record["conversation"]["type"] == 1 and record["action"] == "create"
    assert admin.forms("POST", "/room") == [{"roomType": "1", "invite": "alice"}]

    again = admin.run("room", "create", "--type", "one-to-one", "--invite", "alice")
    assert again.code == 0, again
    assert "already exists" in again.stderr and token in again.stderr

    assert change(admin, token, "notify", token, "default")["notificationLevel"] == 1
    assert admin.forms("POST", "/notify") == [{"level": "1"}]

    admin.srv.clear_log()
    left = admin.json("room", "leave", token, "--yes")
    assert (left["token"], left["action"], left["ok"]) == (token, "leave", True)
    assert admin.spreed_requests() == [("DELETE", f"/room/{token}/participants/self")]
    assert token not in [room["token"] for room in admin.server_get("/room")]


def test_human_output_goes_to_stderr_and_data_to_stdout(admin: Session) -> None:
    result = admin.run("room", "create", "Plain")
    assert result.code == 0, result
    assert result.stderr.startswith("Created group conversation Plain (")
    token = result.stderr.strip().rsplit("(", 1)[1].rstrip(")")
    renamed = admin.run("room", "rename", token, "Plainer")
    assert renamed.code == 0 and renamed.stdout.startswith(f"{token}\t"), renamed
    # resolved from the cache: the old name is not named (this run did not read it)
    if admin.srv.talk == "22":  # the answer holds the room: its name after the change
        assert renamed.stderr == f'Plainer ({token}): updated: name "Plainer"\n'
    if admin.srv.talk != "22":  # data []: nothing but the token is known for sure
        assert renamed.stderr == f'{token}: updated: name "Plainer"\n'
    deleted = admin.run("room", "delete", token, "--yes")
    assert deleted.code == 0 and deleted.stdout.startswith(f"{token}\t"), deleted
    assert deleted.stderr.startswith("Deleted ")
