"""The bot API (api/bots.py) with ``responses``: paths under v1 whatever the conversation API,
the recorded answers, the gate, unknown states and features."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import responses
from api_support import VERSION_FEATURES, MemoryStore, base, cached, make_client

from talkctl.api.bots import BotsApi, bot_path, feature_names, state_name
from talkctl.api.errors import ApiError, InvalidToken, UnsupportedError
from talkctl.cli.errors import exit_status_for

RECORDINGS = Path(__file__).resolve().parent.parent / "talkctl/sandbox/recordings/talk22-moderation"
TOKEN = "p9kwuhuw"


def recorded(name: str) -> tuple[int, dict[str, Any]]:
    rec = json.loads((RECORDINGS / name).read_text(encoding="utf-8"))
    return int(rec["status"]), rec["body"]


def api_for(features: tuple[str, ...] = ("bots-v1",), version: int = 4) -> BotsApi:
    return BotsApi(make_client(MemoryStore(cached(VERSION_FEATURES[version] + features))))


@pytest.mark.parametrize("version", [3, 4])
@responses.activate
def test_list_is_v1_and_keeps_the_server_fields(version: int) -> None:
    status, body = recorded("bot-list-200.json")
    responses.get(f"{base(1)}/bot/{TOKEN}", json=body, status=status)
    [bot] = api_for(version=version).in_conversation(TOKEN)
    assert (bot.id, bot.name, bot.state, bot.enabled) == (5, "Fx Bot", 0, False)
    assert bot.raw == body["ocs"]["data"][0]


@responses.activate
def test_admin_list_has_features() -> None:
    status, body = recorded("bot-admin-list-200.json")
    responses.get(f"{base(1)}/bot/admin", json=body, status=status)
    [bot] = api_for().installed()
    assert (bot.features, feature_names(bot.features)) == (3, ["webhook", "response"])


@responses.activate
def test_admin_list_refused_to_a_user_is_exit_5() -> None:
    status, body = recorded("bot-admin-list-as-alice-403.json")
    responses.get(f"{base(1)}/bot/admin", json=body, status=status)
    with pytest.raises(ApiError) as caught:
        api_for().installed()
    assert caught.value.status == 403 and int(exit_status_for(caught.value)) == 5


@pytest.mark.parametrize(
    ("name", "changed"), [("bot-enable-201.json", True), ("bot-enable-again-200.json", False)]
)
@responses.activate
def test_enable_says_whether_it_changed(name: str, changed: bool) -> None:
    status, body = recorded(name)
    responses.post(f"{base(1)}/bot/{TOKEN}/5", json=body, status=status)
    bot, did = api_for().enable(TOKEN, 5)
    assert (bot.state, did) == (1, changed)


@responses.activate
def test_disable_answers_the_bot() -> None:
    status, body = recorded("bot-disable-200.json")
    responses.delete(f"{base(1)}/bot/{TOKEN}/5", json=body, status=status)
    assert api_for().disable(TOKEN, 5).state == 0


@pytest.mark.parametrize("name", ["bot-enable-unknown-400.json", "bot-disable-unknown-400.json"])
@responses.activate
def test_unknown_bot_is_400_bot_exit_6(name: str) -> None:
    status, body = recorded(name)
    responses.add(
        "POST" if "enable" in name else "DELETE",
        f"{base(1)}/bot/{TOKEN}/999999",
        json=body,
        status=status,
    )
    api = api_for()
    with pytest.raises(ApiError) as caught:
        if "enable" in name:
            api.enable(TOKEN, 999999)
        else:
            api.disable(TOKEN, 999999)
    assert (caught.value.status, caught.value.error) == (400, "bot")
    assert int(exit_status_for(caught.value)) == 6
    assert len(responses.calls) == 1  # a 400 is not retried


@responses.activate
def test_without_bots_v1_nothing_is_sent() -> None:
    api = api_for(features=())
    with pytest.raises(UnsupportedError) as caught:
        api.require()
    assert "bots-v1" in str(caught.value) and int(exit_status_for(caught.value)) == 6
    with pytest.raises(UnsupportedError):
        api.in_conversation(TOKEN)  # the family gate too
    assert len(responses.calls) == 0


def test_unknown_states_and_features_are_shown_as_numbers() -> None:
    assert [state_name(s) for s in (0, 1, 2, 7, None)] == [
        "disabled", "enabled", "no-setup", "7", ""
    ]  # fmt: skip
    assert feature_names(0) == [] and feature_names(15 | 32) == [
        "webhook", "response", "event", "reaction", "32"
    ]  # fmt: skip


def test_a_token_stays_one_path_segment() -> None:
    assert bot_path("a/b", 5) == "/bot/a%2Fb/5"
    with pytest.raises(InvalidToken):
        bot_path("..")


@pytest.mark.parametrize(
    ("name", "features"),
    [("bot-admin-list-200.json", 3), ("bot-admin-list-as-alice-403.json", None)],
)
@responses.activate
def test_with_features_adds_the_admin_lists_features(name: str, features: int | None) -> None:
    status, body = recorded("bot-list-200.json")
    responses.get(f"{base(1)}/bot/{TOKEN}", json=body, status=status)
    status, body = recorded(name)
    responses.get(f"{base(1)}/bot/admin", json=body, status=status)
    api = api_for()
    [bot] = api.with_features(api.in_conversation(TOKEN))
    assert bot.features == features
    assert "features" not in bot.raw  # the server's object stays as it was sent
