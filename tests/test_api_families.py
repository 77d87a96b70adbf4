"""The API version goes by the path (talkctl.api.families), for the api modules and for
``talkctl api``'s relative paths: chat, bots, bans, breakout-room actions, reactions, polls,
recording and room/{token}/avatar are v1; the rest of room/... is the negotiated conversation
API (v4 today, v1-v3 before)."""

from __future__ import annotations

import re

import pytest
import responses
from api_support import SERVER, VERSION_FEATURES, MemoryStore, cached, make_client, ocs_body
from clirunner import TalkctlRunner

from talkctl.api.errors import ApiError, UnsupportedError
from talkctl.api.families import FAMILIES, api_base, api_version
from talkctl.api.raw import RawApi
from talkctl.cli.errors import error_line
from talkctl.sandbox import FakeTalkServer

SPREED_API = "/ocs/v2.php/apps/spreed/api"

# every {apiVersion} path of openapi-talk22.json (and its bots and administration parts), by
# the one version the spec allows for it (a v4 path is the conversation API: negotiated)
SPEC_PATHS: dict[int, tuple[str, ...]] = {
    1: (
        "ban/{token}",
        "ban/{token}/{banId}",
        "bot/admin",
        "bot/{token}",
        "bot/{token}/message",
        "bot/{token}/reaction/{messageId}",
        "bot/{token}/{botId}",
        "breakout-rooms/{token}",
        "breakout-rooms/{token}/attendees",
        "breakout-rooms/{token}/broadcast",
        "breakout-rooms/{token}/request-assistance",
        "breakout-rooms/{token}/rooms",
        "breakout-rooms/{token}/switch",
        "bridge",
        "bridge/version",
        "bridge/{token}",
        "bridge/{token}/process",
        "certificate/expiration",
        "chat/{token}",
        "chat/{token}/mentions",
        "chat/{token}/read",
        "chat/{token}/share",
        "chat/{token}/share/overview",
        "chat/{token}/summarize",
        "chat/{token}/{messageId}",
        "chat/{token}/{messageId}/context",
        "chat/{token}/{messageId}/reminder",
        "file/{fileId}",
        "guest/{token}/name",
        "hostedsignalingserver/delete",
        "hostedsignalingserver/requesttrial",
        "poll/{token}",
        "poll/{token}/draft/{pollId}",
        "poll/{token}/drafts",
        "poll/{token}/{pollId}",
        "publicshare/{shareToken}",
        "publicshareauth",
        "reaction/{token}/{messageId}",
        "recording/welcome/{serverId}",
        "recording/{token}",
        "recording/{token}/notification",
        "recording/{token}/share-chat",
        "room/{token}/avatar",
        "room/{token}/avatar/dark",
        "room/{token}/avatar/emoji",
        "settings/sip",
        "settings/user",
    ),
    3: (
        "signaling/settings",
        "signaling/welcome/{serverId}",
        "signaling/{token}",
    ),
    4: (
        "call/{token}",
        "call/{token}/dialout/{attendeeId}",
        "call/{token}/download",
        "call/{token}/federation",
        "call/{token}/notification-state",
        "call/{token}/ring/{attendeeId}",
        "listed-room",
        "room",
        "room/note-to-self",
        "room/{token}",
        "room/{token}/archive",
        "room/{token}/attendees",
        "room/{token}/attendees/permissions",
        "room/{token}/attendees/permissions/all",
        "room/{token}/breakout-rooms",
        "room/{token}/breakout-rooms/participants",
        "room/{token}/capabilities",
        "room/{token}/description",
        "room/{token}/favorite",
        "room/{token}/import-emails",
        "room/{token}/important",
        "room/{token}/listable",
        "room/{token}/meeting",
        "room/{token}/mention-permissions",
        "room/{token}/message-expiration",
        "room/{token}/moderators",
        "room/{token}/notify",
        "room/{token}/notify-calls",
        "room/{token}/participants",
        "room/{token}/participants/active",
        "room/{token}/participants/resend-invitations",
        "room/{token}/participants/self",
        "room/{token}/participants/state",
        "room/{token}/password",
        "room/{token}/permissions/{mode}",
        "room/{token}/public",
        "room/{token}/read-only",
        "room/{token}/recording-consent",
        "room/{token}/webinar/lobby",
        "room/{token}/webinar/sip",
    ),
}


@pytest.mark.parametrize(
    ("path", "negotiated", "version"),
    [
        ("room", 4, 4),
        ("/room", 3, 3),
        ("room/abc123", 4, 4),
        ("room/abc123/participants", 2, 2),
        ("room/abc123/breakout-rooms", 4, 4),  # the breakout listing is the conversation API
        ("room/abc123/avatar", 4, 1),
        ("room/abc123/avatar/dark", 3, 1),
        ("listed-room", 4, 4),
        ("call/abc123", 4, 4),
        ("chat/abc123", 4, 1),
        ("/chat/abc123/read", 3, 1),
        ("chat/abc123?limit=5", 4, 1),
        ("bot/abc123", 4, 1),
        ("ban/abc123/7", 4, 1),
        ("breakout-rooms/abc123/broadcast", 4, 1),
        ("reaction/abc123/12", 4, 1),
        ("poll/abc123", 4, 1),
        ("recording/abc123", 4, 1),
        ("settings/user", 4, 1),
        ("signaling/settings", 4, 3),
        ("no-such-family/x", 4, 4),
        ("chatter", 4, 4),  # a whole segment, not a prefix
        ("roomy/x", 3, 3),
    ],
)
def test_version_by_path(path: str, negotiated: int, version: int) -> None:
    assert api_version(path, negotiated) == version
    assert api_base(path, negotiated) == f"{SPREED_API}/v{version}"


def test_the_table_agrees_with_the_talk22_openapi_spec() -> None:
    checked = 0
    for version, paths in SPEC_PATHS.items():
        for template in paths:
            path = re.sub(r"\{[A-Za-z]+\}", "abc123", template)
            assert api_version(path, 4) == version, template
            checked += 1
    assert checked == 90
    assert len({family.name for family in FAMILIES}) == len(FAMILIES)


def test_spreed_sends_chat_to_v1_and_rooms_to_the_negotiated_version() -> None:
    client = make_client(MemoryStore(cached(VERSION_FEATURES[3] + ("chat-v2", "avatar"))))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(f"{SERVER}{SPREED_API}/v1/chat/abc123", json=ocs_body([]))
        mock.get(f"{SERVER}{SPREED_API}/v3/room", json=ocs_body([]))
        mock.get(f"{SERVER}{SPREED_API}/v1/room/abc123/avatar/emoji", json=ocs_body({}))
        assert client.spreed("GET", "/chat/abc123").data == []
        assert client.spreed("GET", "/room").data == []
        assert client.spreed("GET", "/room/abc123/avatar/emoji").data == {}


def test_a_family_the_server_lacks_is_refused_unsent() -> None:
    client = make_client(MemoryStore(cached(VERSION_FEATURES[4])))
    with responses.RequestsMock() as mock, pytest.raises(UnsupportedError) as info:
        client.spreed("GET", "/ban/abc123")
    assert len(mock.calls) == 0
    assert info.value.feature == "ban-v1"
    assert "bans" in str(info.value)


def test_unknown_path_998_on_a_v1_family_is_not_resent() -> None:
    """A 998 from a fixed-version family: refreshing the capabilities cannot change its base."""
    client = make_client(MemoryStore(cached(VERSION_FEATURES[4] + ("chat-v2",))))
    capabilities = {
        "version": {"string": "32.0.0"},
        "capabilities": {"spreed": {"features": ["conversation-v4", "chat-v2"], "config": {}}},
    }
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        chat = mock.get(
            f"{SERVER}{SPREED_API}/v1/chat/abc123", json=ocs_body(None, 998), status=404
        )
        mock.get(f"{SERVER}/ocs/v2.php/cloud/capabilities", json=ocs_body(capabilities))
        with pytest.raises(ApiError):
            client.spreed("GET", "/chat/abc123")
        assert chat.call_count == 1


def test_raw_relative_404_says_which_base_it_went_to() -> None:
    client = make_client(MemoryStore(cached(VERSION_FEATURES[4])))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.post(f"{SERVER}{SPREED_API}/v1/chat/abc123", json=ocs_body(None, 404), status=404)
        answer = RawApi(client).request("POST", "chat/abc123", {"message": "hi"})
    assert answer.error is not None and answer.error.status == 404
    line = error_line(answer.error)
    assert f"{SPREED_API}/v1/chat/abc123" in line and "chat API" in line


def test_api_command_sends_chat_under_v1(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    token = fake_talk.add_room(owner="admin", name="Team chat")
    run("api", "GET", f"chat/{token}", "-F", "limit=5")
    paths = [r.path for r in fake_talk.requests if "/chat/" in r.path]
    assert paths and all(p.startswith(f"{SPREED_API}/v1/chat/{token}") for p in paths)
    assert not any(f"{SPREED_API}/v4/chat" in r.path for r in fake_talk.requests)


def test_api_command_404_names_the_base(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("api", "GET", "room/nosuchroom")
    assert result.code == 3, result
    assert f"{SPREED_API}/v4/room/nosuchroom" in result.stderr
    assert "conversation API" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_raw_404_line_redacts_a_secret_in_the_path() -> None:
    client = make_client(MemoryStore(cached(VERSION_FEATURES[4])))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(f"{SERVER}{SPREED_API}/v4/room/x", json=ocs_body(None, 404), status=404)
        answer = RawApi(client).request("GET", "room/x?password=Hunter2-secret", {})
    assert answer.error is not None
    line = error_line(answer.error)
    assert "Hunter2-secret" not in line and "room/x" in line
