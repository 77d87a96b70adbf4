"""Version negotiation, feature gates, the capabilities cache, X-Nextcloud-Talk-Hash and 998."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import responses
from api_support import (
    CAPABILITIES_URL,
    GATED_FEATURES,
    MemoryStore,
    base,
    cached,
    capabilities_body,
    make_client,
    ocs_body,
    room,
)

from talkctl.api.capabilities import MAX_AGE_SECONDS
from talkctl.api.conversations import ConversationsApi
from talkctl.api.errors import ApiError, TalkNotEnabledError, UnsupportedError
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.settings import DESCRIPTION, FAVORITE, NOTIFY_SETTING, READ_ONLY


@pytest.mark.parametrize(
    ("features", "version"),
    [
        (["conversation-v4"], 4),
        (["conversation-v2", "conversation-v3", "conversation-v4"], 4),
        (["conversation-v2", "conversation-v3"], 3),
        (["conversation-v3"], 3),
        (["conversation-v2"], 2),
        ([], 1),
        (["favorites", "conversation-v5-someday"], 1),
    ],
)
def test_negotiates_the_newest_announced_api(features: list[str], version: int) -> None:
    store = MemoryStore()
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(CAPABILITIES_URL, json=capabilities_body(features))
        mock.get(base(version) + "/room", json=ocs_body([]))
        assert ConversationsApi(make_client(store)).list() == []
    assert store.saved and set(store.saved[-1]["features"]) == set(features)


@pytest.mark.parametrize("spreed", [None, [], "x"])
def test_talk_not_enabled_without_spreed(spreed: Any) -> None:
    body = capabilities_body([], spreed=False)
    if spreed is not None:
        body["ocs"]["data"]["capabilities"]["spreed"] = spreed
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(CAPABILITIES_URL, json=body)
        with pytest.raises(TalkNotEnabledError) as info:
            ConversationsApi(make_client(MemoryStore())).list()
    assert "Talk is not enabled for this account" in str(info.value)
    assert int(exit_status_for(info.value)) == 6


GATED: list[tuple[str, Callable[[ConversationsApi], Any]]] = [
    ("favorites", lambda a: FAVORITE.send(a, "abc123", True)),
    ("favorites", lambda a: FAVORITE.send(a, "abc123", False)),
    ("notification-levels", lambda a: NOTIFY_SETTING.send(a, "abc123", 2)),
    ("read-only-rooms", lambda a: READ_ONLY.send(a, "abc123", True)),
    ("room-description", lambda a: DESCRIPTION.send(a, "abc123", "x")),
    ("conversation-creation-password", lambda a: a.create(3, name="T", password="pw")),
    ("conversation-creation-password", lambda a: a.make_public("abc123", "pw")),
    ("circles-support", lambda a: a.create(2, name="T", invite="c1", source="circles")),
]


@pytest.mark.parametrize(
    ("feature", "call"), GATED, ids=[f"{f}-{n}" for n, (f, _) in enumerate(GATED)]
)
@pytest.mark.parametrize(
    ("nextcloud", "talk_version", "shown"),
    [("18.0.14", None, "(Talk 8 (Nextcloud 18.0.14))"), ("31.0.9", "21.0.3", "(Talk 21.0.3)")],
)
def test_feature_gate_refuses_without_a_request(
    feature: str,
    call: Callable[[ConversationsApi], Any],
    nextcloud: str,
    talk_version: str | None,
    shown: str,
) -> None:
    features = [f for f in GATED_FEATURES if f != feature] + ["conversation-v4"]
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(
            CAPABILITIES_URL,
            json=capabilities_body(features, nextcloud=nextcloud, talk_version=talk_version),
        )
        with pytest.raises(UnsupportedError) as info:
            call(ConversationsApi(make_client(MemoryStore())))
        assert len(mock.calls) == 1  # the capabilities only: no spreed request
    assert f"not supported by this server {shown}" in error_line(info.value)
    assert info.value.feature == feature
    assert int(exit_status_for(info.value)) == 6


def test_fresh_cached_capabilities_cost_no_request() -> None:
    store = MemoryStore(cached(["conversation-v4"], age=MAX_AGE_SECONDS - 60))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(base(4) + "/room", json=ocs_body([]), headers={"X-Nextcloud-Talk-Hash": "hash-1"})
        ConversationsApi(make_client(store)).list()
        assert len(mock.calls) == 1
    assert store.saved == []


@pytest.mark.parametrize(
    "stored",
    [
        cached(["conversation-v2"], age=MAX_AGE_SECONDS + 60),
        {"features": "garbage", "fetched_at": "never"},
        None,
    ],
)
def test_old_or_unreadable_capabilities_are_fetched_again(stored: Any) -> None:
    store = MemoryStore(stored)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(CAPABILITIES_URL, json=capabilities_body(["conversation-v4"]))
        mock.get(base(4) + "/room", json=ocs_body([]))
        ConversationsApi(make_client(store)).list()
    assert store.saved[-1]["features"] == ["conversation-v4"]


def test_changed_talk_hash_invalidates_the_cached_capabilities() -> None:
    store = MemoryStore(cached(["conversation-v4"], talk_hash="hash-1"))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(base(4) + "/room", json=ocs_body([]), headers={"X-Nextcloud-Talk-Hash": "hash-2"})
        ConversationsApi(make_client(store)).list()
    assert store.saved[-1]["talk_hash"] == "hash-2"
    # the next run refreshes them before its first request
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(CAPABILITIES_URL, json=capabilities_body(["conversation-v4", "favorites"]))
        mock.post(base(4) + "/room/abc123/favorite", json=ocs_body(room("abc123")))
        FAVORITE.send(ConversationsApi(make_client(store)), "abc123", True)
    assert "favorites" in store.saved[-1]["features"]


def test_first_talk_hash_is_remembered_without_invalidating() -> None:
    store = MemoryStore(cached(["conversation-v4"], talk_hash=None))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(base(4) + "/room", json=ocs_body([]), headers={"X-Nextcloud-Talk-Hash": "h"})
        ConversationsApi(make_client(store)).list()
    assert store.saved[-1]["talk_hash"] == "h"
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(base(4) + "/room", json=ocs_body([]), headers={"X-Nextcloud-Talk-Hash": "h"})
        ConversationsApi(make_client(store)).list()  # no capabilities request


UNKNOWN_PATH = ocs_body([], 998, "Invalid query, please check the syntax.")


@pytest.mark.parametrize("old", [1, 2, 3])
def test_998_refreshes_capabilities_and_retries_once_under_the_new_base(old: int) -> None:
    """The server was upgraded under us: the cached API version is gone."""
    features = {1: [], 2: ["conversation-v2"], 3: ["conversation-v3"]}[old]
    store = MemoryStore(cached(features))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.put(base(old) + "/room/abc123", json=UNKNOWN_PATH, status=404)
        mock.get(CAPABILITIES_URL, json=capabilities_body(["conversation-v4"]))
        mock.put(base(4) + "/room/abc123", json=ocs_body(room("abc123", name="New")))
        renamed = ConversationsApi(make_client(store)).rename("abc123", "New")
        assert [c.request.method for c in mock.calls] == ["PUT", "GET", "PUT"]
        assert mock.calls[2].request.body == "roomName=New"
    assert renamed is not None and renamed.name == "New"
    assert store.saved[-1]["features"] == ["conversation-v4"]


def test_998_is_retried_only_once() -> None:
    store = MemoryStore(cached(["conversation-v2"]))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(base(2) + "/room", json=UNKNOWN_PATH, status=404)
        mock.get(CAPABILITIES_URL, json=capabilities_body(["conversation-v4"]))
        mock.get(base(4) + "/room", json=UNKNOWN_PATH, status=404)
        with pytest.raises(ApiError) as info:
            ConversationsApi(make_client(store)).list()
        assert len(mock.calls) == 3
    assert info.value.ocs_status == 998


def test_998_without_a_newer_api_is_not_retried() -> None:
    store = MemoryStore(cached(["conversation-v4"]))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(base(4) + "/room", json=UNKNOWN_PATH, status=404)
        mock.get(CAPABILITIES_URL, json=capabilities_body(["conversation-v4"]))
        with pytest.raises(ApiError) as info:
            ConversationsApi(make_client(store)).list()
        assert len(mock.calls) == 2
    assert (info.value.status, info.value.ocs_status) == (404, 998)


@pytest.mark.parametrize("status", [401, 403, 404, 500])
def test_other_errors_do_not_refresh_capabilities(status: int) -> None:
    store = MemoryStore(cached(["conversation-v4"]))
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(base(4) + "/room/abc123", json=ocs_body([], status), status=status)
        with pytest.raises(ApiError):
            ConversationsApi(make_client(store)).get("abc123")
        assert len(mock.calls) == 1


def test_force_passwords_is_read_from_config() -> None:
    config = {"conversations": {"force-passwords": True}}
    store = MemoryStore()
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(CAPABILITIES_URL, json=capabilities_body(["conversation-v4"], config=config))
        assert make_client(store).capabilities.force_passwords
    assert (
        make_client(MemoryStore(cached(["conversation-v4"]))).capabilities.force_passwords is False
    )
