"""Unpublishing removes e-mail invitees (issue "What real servers and real people do", item
10, and the sandbox side: issue "The sandbox answers as Talk 22 does", 22.1 and 22.5).

The sandbox answers as recorded in ../shared/fixtures/talk22-moderation/ (u-*, x-*); talkctl
names the invitees a run will lose (``room unpublish``, ``apply`` with type = "group") in
the plan, the dry run and the result, and needs --yes to lose any."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import requests
from clirunner import TalkctlRunner

from talkctl.sandbox import FakeTalkServer

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "talk22-moderation"
OWNER, USER, GUEST = 1, 3, 4
GROUP, PUBLIC = 2, 3
STRONG = "Correct-Horse-Battery-42"


def ocs(srv: FakeTalkServer, method: str, path: str, user: str = "admin", **form: str) -> Any:
    response = requests.request(
        method,
        f"{srv.url}/ocs/v2.php/apps/spreed/api/v4/room{path}",
        data=form or None,
        auth=(user, srv.password_of(user)),
        headers={"OCS-APIRequest": "true", "Accept": "application/json"},
        timeout=10,
    )
    return response.status_code, response.json()["ocs"]["data"]


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def public_with_invitee(srv: FakeTalkServer, address: str = "guest@example.com") -> str:
    token = srv.add_room(
        name="fx-unpublish", type=PUBLIC, participants={"alice": USER}, password=STRONG
    )
    assert (
        ocs(srv, "POST", f"/{token}/participants", newParticipant=address, source="emails")[0]
        == 200
    )
    return token


def kinds(srv: FakeTalkServer, token: str) -> list[str]:
    return sorted(key for key in srv.room(token)["participants"])


# -- the sandbox, as recorded ----------------------------------------------------------------


def test_sandbox_unpublish_removes_invitees_and_keeps_the_password(
    fake_talk: FakeTalkServer,
) -> None:
    token = public_with_invitee(fake_talk)
    status, room = ocs(fake_talk, "DELETE", f"/{token}/public")
    expected = recorded("u-unpublish-200.json")["body"]["ocs"]["data"]
    assert (status, room["type"], room["hasPassword"]) == (200, GROUP, expected["hasPassword"])
    assert expected["type"] == GROUP and expected["hasPassword"] is True
    _, participants = ocs(fake_talk, "GET", f"/{token}/participants")
    after = recorded("u-participants-after-unpublish-200.json")["body"]["ocs"]["data"]
    assert sorted(p["actorType"] for p in participants) == sorted(p["actorType"] for p in after)
    assert ocs(fake_talk, "GET", f"/{token}")[1]["hasPassword"] is True
    # a group conversation takes no password: setting or clearing it is refused (recorded:
    # talk22/room-password-on-group-400.json)
    for password in (STRONG + "x", ""):
        assert ocs(fake_talk, "PUT", f"/{token}/password", password=password) == (
            400,
            {"error": "type"},
        )


def test_sandbox_invites_any_text_by_email_and_publishes_a_group_conversation(
    fake_talk: FakeTalkServer,
) -> None:
    token = fake_talk.add_room(name="fx-create-form", participants={"alice": USER})
    answer = ocs(
        fake_talk, "POST", f"/{token}/participants", newParticipant="notanemail", source="emails"
    )
    assert answer == (200, recorded("x-add-email-not-an-email-200.json")["body"]["ocs"]["data"])
    assert fake_talk.room(token)["type"] == PUBLIC
    _, mine = ocs(fake_talk, "GET", f"/{token}/participants")
    invitee = next(p for p in mine if p["actorType"] == "emails")
    assert invitee["invitedActorId"] == "notanemail"
    assert invitee["actorId"] == hashlib.sha256(b"notanemail").hexdigest()


def test_sandbox_shows_invitees_to_others_as_recorded(fake_talk: FakeTalkServer) -> None:
    token = public_with_invitee(fake_talk)
    _, seen = ocs(fake_talk, "GET", f"/{token}/participants", user="alice")
    invitee = next(p for p in seen if p["actorType"] == "emails")
    real = next(
        p
        for p in recorded("u-participants-as-alice-200.json")["body"]["ocs"]["data"]
        if p["actorType"] == "emails"
    )
    assert "invitedActorId" not in real and "invitedActorId" not in invitee
    assert (invitee["actorId"], invitee["displayName"]) == (real["actorId"], real["displayName"])


# -- room unpublish ----------------------------------------------------------------------------


def test_room_unpublish_names_the_invitees_it_loses_and_needs_yes(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = public_with_invitee(fake_talk)
    fake_talk.clear_log()
    plan = run("room", "unpublish", token, "--dry-run", "--json")
    assert plan.code == 0, plan
    assert json.loads(plan.stdout)["changes"] == [
        {"field": "type", "from": "public", "to": "group"},
        {"field": "participants", "from": "email guest@example.com", "to": None},
    ]
    refused = run("room", "unpublish", token)
    assert refused.code == 2, refused
    assert f'"fx-unpublish" ({token}): "guest@example.com"' in refused.stderr
    assert "refusing to remove e-mail invitees without --yes" in refused.stderr
    assert fake_talk.changing_requests() == []
    assert fake_talk.room(token)["type"] == PUBLIC

    done = run("room", "unpublish", token, "--yes", "--json")
    assert done.code == 0, done
    assert json.loads(done.stdout)["changes"][1] == {
        "field": "participants",
        "from": "email guest@example.com",
        "to": None,
    }
    assert fake_talk.room(token)["type"] == GROUP
    assert not any(key.startswith("emails/") for key in kinds(fake_talk, token))


def test_room_unpublish_without_invitees_needs_no_yes(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = fake_talk.add_room(name="Open", type=PUBLIC, participants={"alice": USER})
    done = run("room", "unpublish", token, "--json")
    assert done.code == 0, done
    assert json.loads(done.stdout)["changes"] == [
        {"field": "type", "from": "public", "to": "group"}
    ]


# -- apply with type = "group" -----------------------------------------------------------------


def test_apply_type_group_names_the_invitees_and_needs_yes(
    run: TalkctlRunner, fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    token = public_with_invitee(fake_talk)
    file = tmp_path / "talk.toml"
    file.write_text(
        '[[conversation]]\nname = "fx-unpublish"\ntype = "group"\n'
        'participants = { users = ["admin", "alice"] }\nexclusive = true\n',
        "utf-8",
    )
    fake_talk.clear_log()
    plan = run("apply", str(file), "--dry-run")
    assert plan.code == 0, plan
    assert plan.stdout.splitlines() == [
        f"fx-unpublish\t{token}\tupdate\ttype public → group",
        f"fx-unpublish\t{token}\tupdate\t- email guest@example.com "
        "(the server removes e-mail invitees when unpublishing)",
    ]
    assert plan.stderr.splitlines()[-1] == (
        "the real run asks first, and needs --yes where nobody can answer: unpublishing "
        "removes 1 e-mail invitee"
    )
    refused = run("apply", str(file))
    assert refused.code == 2, refused
    assert f'"fx-unpublish" ({token}): "guest@example.com"' in refused.stderr
    assert "refusing to remove e-mail invitees without --yes" in refused.stderr
    assert fake_talk.changing_requests() == []

    done = run("apply", str(file), "--yes", "--json")
    assert done.code == 0, done
    assert json.loads(done.stdout)[0]["changes"] == [
        {"field": "type", "from": "public", "to": "group"},
        {"field": "participants", "from": "email guest@example.com", "to": None},
    ]
    # the server removed the invitee: no removal is sent for it (it would be a 404)
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake_talk.changing_requests()] == [
        ("DELETE", "public")
    ]
    assert fake_talk.room(token)["type"] == GROUP
    again = run("apply", str(file), "--json")
    assert again.code == 0, again
    assert json.loads(again.stdout)[0]["action"] == "unchanged"


def test_room_ensure_type_group_names_the_invitees_and_needs_yes(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    token = public_with_invitee(fake_talk, "notanemail")
    fake_talk.clear_log()
    plan = run("room", "ensure", "fx-unpublish", "--type", "group", "--dry-run", "--json")
    assert plan.code == 0, plan
    lost = {"field": "participants", "from": "email notanemail", "to": None}
    assert json.loads(plan.stdout)["changes"] == [
        {"field": "type", "from": "public", "to": "group"},
        lost,
    ]
    refused = run("room", "ensure", "fx-unpublish", "--type", "group")
    assert refused.code == 2, refused
    assert f'"fx-unpublish" ({token}): "notanemail"' in refused.stderr
    assert fake_talk.changing_requests() == []
    done = run("room", "ensure", "fx-unpublish", "--type", "group", "--yes", "--json")
    assert done.code == 0, done
    assert json.loads(done.stdout)["changes"][1] == lost
    assert fake_talk.room(token)["type"] == GROUP
