"""Talk capabilities: API version negotiation and feature gates."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from talkctl.api.errors import TalkNotEnabledError, UnsupportedError
from talkctl.api.families import api_base, family_of

CAPABILITIES_PATH = "/ocs/v2.php/cloud/capabilities"
MAX_AGE_SECONDS = 24 * 3600
# Talk N ships with Nextcloud N + 10 (Talk 3 with Nextcloud 13, Talk 22 with Nextcloud 32).
NEXTCLOUD_TALK_OFFSET = 10

# Which API version each conversation-API feature flag announces, newest first.
API_VERSION_FEATURES: tuple[tuple[str, int], ...] = (
    ("conversation-v4", 4),
    ("conversation-v3", 3),
    ("conversation-v2", 2),
)


@dataclass
class Capabilities:
    """The spreed capabilities of one server for one account."""

    features: frozenset[str]
    config: dict[str, Any] = field(default_factory=dict)
    talk_version: str | None = None
    nextcloud_version: str | None = None
    talk_hash: str | None = None
    fetched_at: float = 0.0

    @property
    def api_version(self) -> int:
        for feature, version in API_VERSION_FEATURES:
            if feature in self.features:
                return version
        return 1

    @property
    def base_path(self) -> str:
        """The conversation API's base (``room``, ``listed-room``, ``call``)."""
        return api_base("room", self.api_version)

    def base_for(self, path: str) -> str:
        """The base ``path`` goes under: by its API family (talkctl.api.families)."""
        return api_base(path, self.api_version)

    def require_family(self, path: str) -> None:
        """Raise UnsupportedError (send nothing) when the server lacks ``path``'s API family."""
        family = family_of(path)
        if family.feature is not None:
            self.require(family.feature, f"the {family.name} API")

    def has(self, feature: str) -> bool:
        return feature in self.features

    def require(self, feature: str, what: str) -> None:
        """Raise UnsupportedError (and send nothing) when the server lacks ``feature``."""
        if feature not in self.features:
            raise UnsupportedError(
                f"{what}: not supported by this server ({self.describe_server()}): "
                f"it lacks the '{feature}' capability",
                feature,
            )

    def conversations_config(self) -> dict[str, Any]:
        value = self.config.get("conversations")
        return value if isinstance(value, dict) else {}

    @property
    def force_passwords(self) -> bool:
        return bool(self.conversations_config().get("force-passwords", False))

    @property
    def talk_release(self) -> int | None:
        """The Talk major: the one the server says, else the one its Nextcloud major ships
        with (``derived_talk_major``); None when neither can be told."""
        said = _major(self.talk_version)
        return said if said is not None else self.derived_talk_major

    @property
    def derived_talk_major(self) -> int | None:
        """The Talk major the Nextcloud major ships with (Talk 8 with Nextcloud 18), for a
        server that does not say its Talk version; None when that cannot be told either."""
        major = _major(self.nextcloud_version)
        if major is not None and major >= NEXTCLOUD_TALK_OFFSET + 3:
            return major - NEXTCLOUD_TALK_OFFSET
        return None

    def describe_server(self) -> str:
        """``Talk 22.0.0``; servers before Talk 15 do not say their Talk version, but each
        Talk major ships with one Nextcloud major (Talk 8 with Nextcloud 18): derive it."""
        if self.talk_version:
            return f"Talk {self.talk_version}"
        derived = self.derived_talk_major
        if derived is not None:
            return f"Talk {derived} (Nextcloud {self.nextcloud_version})"
        if self.nextcloud_version:
            return f"Nextcloud {self.nextcloud_version}"
        return "an older Talk"

    def is_stale(self, now: float | None = None) -> bool:
        return ((now or time.time()) - self.fetched_at) > MAX_AGE_SECONDS

    def to_cache(self) -> dict[str, Any]:
        return {
            "features": sorted(self.features),
            "config": self.config,
            "talk_version": self.talk_version,
            "nextcloud_version": self.nextcloud_version,
            "talk_hash": self.talk_hash,
            "fetched_at": self.fetched_at,
        }

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> Capabilities:
        """Capabilities from the cache file; ValueError when it does not validate (valid JSON
        of the wrong types, say): the caller then fetches them again."""
        features = data.get("features", [])
        config = data.get("config") or {}
        fetched_at = data.get("fetched_at", 0.0)
        if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
            raise ValueError("capabilities cache: 'features' is not a list of strings")
        if not isinstance(config, dict):
            raise ValueError("capabilities cache: 'config' is not an object")
        if isinstance(fetched_at, bool) or not isinstance(fetched_at, int | float):
            raise ValueError("capabilities cache: 'fetched_at' is not a number")
        if not math.isfinite(fetched_at) or fetched_at > time.time() + 3600:
            raise ValueError("capabilities cache: 'fetched_at' is not a past time")
        strings: dict[str, str | None] = {}
        for key in ("talk_version", "nextcloud_version", "talk_hash"):
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"capabilities cache: {key!r} is not a string")
            strings[key] = value
        return cls(
            features=frozenset(features),
            config=config,
            talk_version=strings["talk_version"],
            nextcloud_version=strings["nextcloud_version"],
            talk_hash=strings["talk_hash"],
            fetched_at=float(fetched_at),
        )


def _major(version: str | None) -> int | None:
    head = (version or "").split(".", 1)[0]
    return int(head) if head.isdigit() else None


def parse_capabilities(data: Any, *, now: float | None = None) -> Capabilities:
    """Read ``ocs.data`` of ``/cloud/capabilities``; raise TalkNotEnabledError without spreed."""
    data = data if isinstance(data, dict) else {}
    capabilities = data.get("capabilities")
    spreed = capabilities.get("spreed") if isinstance(capabilities, dict) else None
    if not isinstance(spreed, dict):
        raise TalkNotEnabledError("Talk is not enabled for this account on this server")
    features = spreed.get("features")
    config = spreed.get("config")
    version = data.get("version")
    nextcloud_version = version.get("string") if isinstance(version, dict) else None
    talk_version = spreed.get("version")
    return Capabilities(
        features=frozenset(f for f in features if isinstance(f, str))
        if isinstance(features, list)
        else frozenset(),
        config=config if isinstance(config, dict) else {},
        talk_version=talk_version if isinstance(talk_version, str) else None,
        nextcloud_version=nextcloud_version if isinstance(nextcloud_version, str) else None,
        fetched_at=now if now is not None else time.time(),
    )


class CapabilitiesStore(Protocol):
    """Where capabilities are cached between runs (a file per server and user)."""

    def load_capabilities(self) -> dict[str, Any] | None: ...

    def save_capabilities(self, data: dict[str, Any]) -> None: ...
