"""Helpers for the API-layer tests (``responses`` stubs, clients on a chosen API version)."""

from __future__ import annotations

import json
import time
from typing import Any

from talkctl.api.client import TalkClient
from talkctl.api.conversations import ConversationsApi
from talkctl.api.transport.http import Transport

SERVER = "https://cloud.example.com"
CAPABILITIES_URL = f"{SERVER}/ocs/v2.php/cloud/capabilities"
GATED_FEATURES = (
    "favorites",
    "notification-levels",
    "read-only-rooms",
    "room-description",
    "conversation-creation-password",
    "circles-support",
)
# capability set → API version it must negotiate
VERSION_FEATURES: dict[int, tuple[str, ...]] = {
    4: ("conversation-v4",),
    3: ("conversation-v3", "conversation-v2"),
    2: ("conversation-v2",),
    1: (),
}


def base(version: int) -> str:
    return f"{SERVER}/ocs/v2.php/apps/spreed/api/v{version}"


def ocs_body(data: Any, statuscode: int = 200, message: str | None = "OK") -> dict[str, Any]:
    meta: dict[str, Any] = {
        "status": "ok" if statuscode < 300 else "failure",
        "statuscode": statuscode,
    }
    if message is not None:
        meta["message"] = message
    return {"ocs": {"meta": meta, "data": data}}


def capabilities_body(
    features: tuple[str, ...] | list[str],
    *,
    config: dict[str, Any] | None = None,
    talk_version: str | None = None,
    nextcloud: str = "30.0.0",
    spreed: bool = True,
) -> dict[str, Any]:
    capabilities: dict[str, Any] = {"core": {"pollinterval": 60}}
    if spreed:
        entry: dict[str, Any] = {"features": list(features), "config": config or {}}
        if talk_version:
            entry["version"] = talk_version
        capabilities["spreed"] = entry
    return ocs_body({"version": {"string": nextcloud}, "capabilities": capabilities})


def room(token: str = "abc123", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "token": token,
        "type": 2,
        "name": "Team",
        "displayName": "Team",
        "participantType": 1,
        "notificationLevel": 2,
    }
    data.update(fields)
    return data


class MemoryStore:
    """A CapabilitiesStore in memory that records what was saved."""

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self.data = json.loads(json.dumps(data)) if data is not None else None
        self.saved: list[dict[str, Any]] = []

    def load_capabilities(self) -> dict[str, Any] | None:
        return self.data

    def save_capabilities(self, data: dict[str, Any]) -> None:
        self.data = json.loads(json.dumps(data))
        self.saved.append(self.data)


def cached(
    features: tuple[str, ...] | list[str],
    *,
    age: float = 0.0,
    talk_hash: str | None = "hash-1",
    talk_version: str | None = "21.0.0",
    config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A capabilities cache entry as the client writes it."""
    return {
        "features": sorted(features),
        "config": config or {},
        "talk_version": talk_version,
        "nextcloud_version": None,
        "talk_hash": talk_hash,
        "fetched_at": time.time() - age,
    }


def make_client(store: MemoryStore | None = None) -> TalkClient:
    return TalkClient(Transport(SERVER, "alice", "app-secret", timeout=5), store)


def api_for(version: int, extra: tuple[str, ...] = GATED_FEATURES, **kw: Any) -> ConversationsApi:
    """A ConversationsApi whose (fresh, cached) capabilities negotiate ``version``."""
    store = MemoryStore(cached(VERSION_FEATURES[version] + extra, **kw))
    return ConversationsApi(make_client(store))
