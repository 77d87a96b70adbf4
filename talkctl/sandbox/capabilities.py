"""GET /ocs/v2.php/cloud/capabilities payloads per profile."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from .profiles import LOCAL_FEATURES, Profile

FIXTURES = Path(__file__).resolve().parent / "recordings" / "talk22"


@cache
def fixture(name: str) -> dict[str, Any]:
    with open(FIXTURES / name, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def nextcloud_version(profile: Profile) -> dict[str, Any]:
    major, minor, micro = profile.nextcloud
    return {
        "major": major,
        "minor": minor,
        "micro": micro,
        "string": f"{major}.{minor}.{micro}",
        "edition": "",
        "extendedSupport": False,
    }


def _spreed_config(profile: Profile, force_passwords: bool, epoch: int) -> dict[str, Any]:
    talk = profile.talk
    config: dict[str, Any] = {"attachments": {}, "chat": {"max-length": 32000}, "conversations": {}}
    if talk >= (9, 0):
        config["attachments"] = {"allowed": True, "folder": "/Talk"}
        config["conversations"]["can-create"] = True
    if talk >= (11, 0):
        config["chat"]["read-privacy"] = 0
        config["previews"] = {"max-gif-size": 3145728 + epoch}
    else:
        config["chat"]["max-length"] = 32000 - epoch
    if talk >= (15, 0):
        config["call"] = {"enabled": True}
        config["signaling"] = {"session-ping-limit": 200}
    if talk >= (16, 0):
        config["call"].update({"breakout-rooms": True, "recording": False})
    if talk >= (17, 0):
        config["chat"]["typing-privacy"] = 0
    if talk >= (18, 0):
        config["call"].update(
            {
                "recording-consent": 0,
                "sip-enabled": False,
                "sip-dialout-enabled": False,
                "can-enable-sip": True,
            }
        )
        config["chat"]["has-translation-providers"] = False
    if talk >= (19, 0):
        config["federation"] = {
            "enabled": False,
            "incoming-enabled": False,
            "outgoing-enabled": False,
            "only-trusted-servers": True,
        }
    if talk >= (21, 0):
        config["conversations"].update(
            {
                "force-passwords": force_passwords,
                "list-style": "two-lines",
                "description-length": 2000,
            }
        )
    return config


def spreed_capabilities(
    profile: Profile, force_passwords: bool, epoch: int, cron: bool = True
) -> dict[str, Any]:
    """Talk 22 replays the recorded capabilities. They were taken before that server ran its
    background jobs by cron, so they lack ``message-expiration`` (Talk advertises it only
    with cron) although the recorded set answer succeeded: with ``cron`` (the default) the
    profile advertises it as a server with cron does; without, the recording is replayed."""
    if profile.name == "22":
        spreed = copy.deepcopy(
            fixture("capabilities.json")["body"]["ocs"]["data"]["capabilities"]["spreed"]
        )
        if cron and "message-expiration" not in spreed["features"]:
            spreed["features"].append("message-expiration")
        spreed["config"]["conversations"]["force-passwords"] = force_passwords
        spreed["config"]["previews"]["max-gif-size"] += epoch
        return dict(spreed)
    spreed = {
        "features": list(profile.features),
        "config": _spreed_config(profile, force_passwords, epoch),
    }
    if profile.talk >= (21, 0):  # features-local, config-local and version: Talk 21 openapi
        spreed["features-local"] = [f for f in profile.features if f in LOCAL_FEATURES]
        spreed["config-local"] = {
            "attachments": ["allowed", "folder"],
            "conversations": ["can-create", "list-style", "description-length"],
            "previews": ["max-gif-size"],
        }
        spreed["version"] = "21.0.3"
    return spreed


def capabilities(
    profile: Profile, *, talk_enabled: bool, force_passwords: bool, epoch: int, cron: bool = True
) -> dict[str, Any]:
    if profile.name == "22":
        data = dict(copy.deepcopy(fixture("capabilities.json")["body"]["ocs"]["data"]))
        caps = data["capabilities"]
    else:
        caps = {"core": {"pollinterval": 60, "webdav-root": "remote.php/webdav"}}
        data = {"version": nextcloud_version(profile), "capabilities": caps}
    caps.pop("spreed", None)
    if talk_enabled:
        caps["spreed"] = spreed_capabilities(profile, force_passwords, epoch, cron)
    return data


def with_federation(data: dict[str, Any]) -> dict[str, Any]:
    """The capabilities of a server whose administrator enabled federation (the recorded
    server and the profiles have it off: ``config.federation.enabled`` false)."""
    spreed = data.get("capabilities", {}).get("spreed")
    federation = spreed.get("config", {}).get("federation") if isinstance(spreed, dict) else None
    if isinstance(federation, dict):
        federation.update({"enabled": True, "incoming-enabled": True, "outgoing-enabled": True})
    return data
