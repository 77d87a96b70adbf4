"""Keep the fake honest: replay every recorded Talk 22 exchange against it.

talkctl/sandbox/recordings/talk22/INDEX.md lists 66 requests sent in this order to a real
Nextcloud 32.0.1 + Talk 22.0.0.  The sequence is stateful, so it is replayed once
(module-scoped) against a fresh fake, mapping the recorded tokens, attendee ids and
login-flow tokens to the ones the fake handed out earlier; each step is then compared
on its own: HTTP status, ocs.meta, ocs.data.error, the key set of ocs.data and, for
single conversations and participants, the values that do not depend on ids or time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from talkctl.sandbox import FakeTalkServer

FIXTURES = Path(__file__).resolve().parent.parent / "talkctl" / "sandbox" / "recordings" / "talk22"
ORDER = re.findall(r"^\| `([^`]+\.json)`", (FIXTURES / "INDEX.md").read_text(), re.M)
# steps the recording made with an app password (the one getapppassword-200 handed out)
WITH_APP_PASSWORD = {
    "getapppassword-with-app-password-403.json",
    "room-list-with-app-password.json",
    "apppassword-delete-200.json",
    "cloud-user-revoked-app-password-401.json",
}
HEADERS = {"Accept": "application/json", "OCS-APIRequest": "true"}
ROOM_VALUE_KEYS = [
    "type",
    "name",
    "displayName",
    "objectType",
    "objectId",
    "participantType",
    "participantFlags",
    "readOnly",
    "hasPassword",
    "hasCall",
    "canStartCall",
    "unreadMessages",
    "unreadMention",
    "isFavorite",
    "canLeaveConversation",
    "canDeleteConversation",
    "notificationLevel",
    "notificationCalls",
    "lobbyState",
    "lobbyTimer",
    "lastPing",
    "sessionId",
    "sipEnabled",
    "actorType",
    "actorId",
    "permissions",
    "attendeePermissions",
    "callPermissions",
    "defaultPermissions",
    "canEnableSIP",
    "attendeePin",
    "description",
    "listable",
    "callFlag",
    "messageExpiration",
    "isCustomAvatar",
    "breakoutRoomMode",
    "breakoutRoomStatus",
    "recordingConsent",
    "mentionPermissions",
    "isArchived",
    "isImportant",
]
MESSAGE_VALUE_KEYS = [
    "actorType",
    "actorId",
    "actorDisplayName",
    "message",
    "systemMessage",
    "messageType",
    "isReplyable",
    "markdown",
]
PARTICIPANT_VALUE_KEYS = [
    "participantType",
    "actorType",
    "displayName",
    "permissions",
    "attendeePermissions",
    "inCall",
    "sessionIds",
]


@dataclass
class Step:
    name: str
    recorded: dict[str, Any]
    status: int
    headers: dict[str, str]
    body: Any


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def test_index_lists_every_fixture() -> None:
    on_disk = {p.name for p in FIXTURES.glob("*.json")}
    assert len(ORDER) == 66
    assert set(ORDER) == on_disk


REPEATED = re.compile(r"^(.) repeated (\d+) times$")


def _expand(value: str) -> str:
    """A recorded form value kept short (``n repeated 4001 times``) → the value sent."""
    match = REPEATED.match(value)
    return match.group(1) * int(match.group(2)) if match else value


class Replayer:
    def __init__(self, srv: FakeTalkServer, fixtures: Path = FIXTURES) -> None:
        self.srv = srv
        self.fixtures = fixtures
        self.ids: dict[str, str] = {}  # recorded token / attendee id / poll token -> fake's
        self.app_password = ""
        self.forms: dict[str, dict[str, str]] = {}  # step -> form values to send instead
        self.uploads: dict[str, bytes] = {}  # step -> a file's content the recording left out

    def map(self, value: str) -> str:
        return self.ids.get(value, value)

    def learn(self, recorded: Any, fake: Any) -> None:
        if isinstance(recorded, dict) and isinstance(fake, dict):
            if "ocs" in recorded:
                self.learn(recorded["ocs"].get("data"), fake.get("ocs", {}).get("data"))
            elif "poll" in recorded:  # login flow start
                self.ids[recorded["poll"]["token"]] = fake["poll"]["token"]
            elif "bannedActorId" in recorded and "id" in fake:  # a ban: its id
                self.ids.setdefault(str(recorded["id"]), str(fake["id"]))
            elif "token" in recorded and "token" in fake:
                self.ids.setdefault(recorded["token"], fake["token"])
                if "messageType" in recorded and "id" in fake:  # a chat message (and parent)
                    self.ids.setdefault(str(recorded["id"]), str(fake["id"]))
                    self.learn(recorded.get("parent"), fake.get("parent"))
                if recorded.get("attendeeId") and fake.get("attendeeId"):
                    self.ids.setdefault(str(recorded["attendeeId"]), str(fake["attendeeId"]))
            if isinstance(recorded, dict) and "apppassword" in recorded:
                self.app_password = fake["apppassword"]
        elif isinstance(recorded, list) and isinstance(fake, list):
            by_actor = {p.get("actorId"): p for p in fake if isinstance(p, dict)}
            for got, item in zip(fake, recorded, strict=False):
                if isinstance(item, dict) and "messageType" in item:
                    self.learn(item, got)
            for item in recorded:
                if isinstance(item, dict) and "roomToken" in item and item["actorId"] in by_actor:
                    mine = by_actor[item["actorId"]]
                    self.ids.setdefault(str(item["attendeeId"]), str(mine["attendeeId"]))

    def send(self, name: str) -> Step:
        rec: dict[str, Any] = json.loads((self.fixtures / name).read_text(encoding="utf-8"))
        req = rec["request"]
        path = "/".join(self.map(part) for part in req["path"].split("/"))
        form = {k: _expand(self.map(str(v))) for k, v in (req.get("form") or {}).items()}
        form.update(self.forms.get(name, {}))
        query = "&".join(
            f"{key}={self.map(value)}"
            for key, _, value in (part.partition("=") for part in req["query"].split("&"))
        )
        auth: tuple[str, str] | None = None
        if req["as"] is not None:
            if name in WITH_APP_PASSWORD:
                auth = (req["as"], self.app_password)
            elif "wrong-password" in name:
                auth = (req["as"], "not-the-password")
            else:
                auth = (req["as"], self.srv.password_of(req["as"]))
        url = self.srv.url + path + (f"?{query}" if req["query"] else "")
        files = {  # a multipart upload: recorded with its content (an image: its size only)
            field: (
                part["filename"],
                part["content"].encode() if "content" in part else self.uploads[name],
                part["content_type"],
            )
            for field, part in (req.get("multipart") or {}).items()
        }
        resp = requests.request(
            req["method"],
            url,
            data=form or None,
            files=files or None,
            json=req.get("json"),
            auth=auth,
            headers=HEADERS,
            timeout=10,
        )
        try:
            body = resp.json() if resp.content else None  # HEAD: no body, recorded as null
        except ValueError:
            body = resp.text
        self.learn(rec["body"], body)
        return Step(name, rec, resp.status_code, dict(resp.headers), body)


@pytest.fixture(scope="module")
def replay() -> Iterator[dict[str, Step]]:
    with FakeTalkServer(talk="22", seed=22) as srv:
        # The recording's server was not fresh: admin and alice already had a changelog,
        # note-to-self and sample conversation, admin some more group conversations.
        for user in ("admin", "alice"):
            srv.seed_realistic(user)
        for name in ("test", "test"):
            srv.add_room(owner="admin", type=2, name=name, last_message="hello")
        for _ in range(3):
            srv.add_room(owner="admin", type=2, name="---")
        replayer = Replayer(srv)
        yield {name: replayer.send(name) for name in ORDER}


def _keys_of_elements(items: list[Any]) -> set[frozenset[str]]:
    return {frozenset(x) for x in items if isinstance(x, dict)}


def _compare_room(
    recorded: dict[str, Any], fake: dict[str, Any], name: str, ignore: frozenset[str]
) -> None:
    for key in ROOM_VALUE_KEYS:
        if key in recorded and key not in ignore:
            assert fake.get(key) == recorded[key], f"{name}: {key}"
    if "lastMessage" in recorded and "lastMessage" not in ignore:
        rec_msg, fake_msg = recorded["lastMessage"], fake["lastMessage"]
        assert set(fake_msg) == set(rec_msg), f"{name}: lastMessage keys"
        for key in MESSAGE_VALUE_KEYS:
            assert fake_msg[key] == rec_msg[key], f"{name}: lastMessage.{key}"
        assert bool(fake_msg["expirationTimestamp"]) == bool(rec_msg["expirationTimestamp"])
        assert set(fake_msg["messageParameters"]) == set(rec_msg["messageParameters"])


def _compare_messages(recorded: list[Any], fake: list[Any], name: str) -> None:
    """Chat messages: the same messages in the same order (ids differ), each with the
    recording's keys, texts, types and rich-object parameter names, and the same parent."""
    assert len(fake) == len(recorded), f"{name}: number of messages"
    for rec_msg, fake_msg in zip(recorded, fake, strict=True):
        assert set(fake_msg) == set(rec_msg), f"{name}: keys of message {rec_msg['id']}"
        for key in [*MESSAGE_VALUE_KEYS, "referenceId", "silent", "deleted"]:
            assert fake_msg.get(key) == rec_msg.get(key), f"{name}: {rec_msg['id']}.{key}"
        assert set(fake_msg["messageParameters"]) == set(rec_msg["messageParameters"])
        if "parent" in rec_msg:
            _compare_messages([rec_msg["parent"]], [fake_msg["parent"]], f"{name} parent")


@pytest.mark.parametrize("name", ORDER)
def test_replayed_step_matches_recording(replay: dict[str, Step], name: str) -> None:
    check_step(replay[name], name)


def check_step(step: Step, name: str, ignore: frozenset[str] = frozenset()) -> None:
    """The fake's answer has the recording's status, meta, error and data keys; the values
    of the room keys in ``ignore`` are not compared."""
    rec = step.recorded
    assert step.status == rec["status"], step.body
    assert step.headers.get("Content-Type") == rec["headers"]["Content-Type"]
    for header in (
        "WWW-Authenticate",
        "X-Nextcloud-Talk-Hash",
        "X-Chat-Last-Given",
        "X-Chat-Last-Common-Read",
    ):
        assert (header in step.headers) == (header in rec["headers"]), header
    rec_body = rec["body"]
    if not (isinstance(rec_body, dict) and "ocs" in rec_body):  # login flow
        if isinstance(rec_body, dict):
            assert set(step.body) == set(rec_body)
            assert set(step.body["poll"]) == set(rec_body["poll"])
            assert step.body["poll"]["endpoint"].endswith("/index.php/login/v2/poll")
        else:
            assert step.body == rec_body
        return
    meta, data = rec_body["ocs"]["meta"], rec_body["ocs"]["data"]
    assert step.body["ocs"]["meta"] == meta
    fake_data = step.body["ocs"]["data"]
    if isinstance(data, dict):
        assert isinstance(fake_data, dict)
        assert set(fake_data) == set(data)
        if "error" in data:
            assert fake_data["error"] == data["error"]
        if "message" in data:
            assert fake_data["message"] == data["message"]
        if "messageType" in data:
            _compare_messages([data], [fake_data], name)
        elif "token" in data:
            _compare_room(data, fake_data, name, ignore)
    elif isinstance(data, list) and data:
        assert isinstance(fake_data, list) and fake_data, "expected a non-empty list"
        assert _keys_of_elements(fake_data) == _keys_of_elements(data)
        if "roomToken" in data[0]:
            fake_by_actor = {p["actorId"]: p for p in fake_data}
            assert set(fake_by_actor) == {p["actorId"] for p in data}
            for p in data:
                for key in PARTICIPANT_VALUE_KEYS:
                    assert fake_by_actor[p["actorId"]][key] == p[key], (p["actorId"], key)
        elif "messageType" in data[0]:
            _compare_messages(data, fake_data, name)
            given = step.headers["X-Chat-Last-Given"]
            assert given == str(fake_data[-1]["id"]), "X-Chat-Last-Given: the page's last id"
            assert rec["headers"]["X-Chat-Last-Given"] == str(data[-1]["id"])
        elif len(data) == 1:
            _compare_room(data[0], fake_data[0], name, ignore)
    else:
        assert fake_data == data  # null or []


def test_tokens_are_eight_lowercase_alphanumerics(replay: dict[str, Step]) -> None:
    token = replay["room-create-group-201.json"].body["ocs"]["data"]["token"]
    assert re.fullmatch(r"[a-z0-9]{8}", token)
    assert token != "o9mcivkm"


def test_room_object_is_about_as_big_as_on_talk22(replay: dict[str, Step]) -> None:
    recorded = load("room-get-200.json")["body"]["ocs"]["data"]
    fake = replay["room-get-200.json"].body["ocs"]["data"]
    size = len(json.dumps(fake, separators=(",", ":")))
    expected = len(json.dumps(recorded, separators=(",", ":")))
    assert abs(size - expected) < 100
