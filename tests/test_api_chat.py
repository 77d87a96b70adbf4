"""The chat API family (api/chat.py) with ``responses``: the quiet reads, 304, paging to the
end, max-length from the capabilities, and a send that is never repeated."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from api_support import SERVER, VERSION_FEATURES, MemoryStore, cached, make_client, ocs_body

from talkctl.api.chat import ChatApi
from talkctl.api.errors import ApiError, InvalidToken
from talkctl.api.families import SPREED_API

URL = f"{SERVER}{SPREED_API}/v1/chat/abc123"


def chat_api(*features: str, config: dict[str, Any] | None = None) -> ChatApi:
    store = MemoryStore(cached(VERSION_FEATURES[4] + ("chat-v2", *features), config=config))
    return ChatApi(make_client(store))


def query_of(url: str | None) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url or "").query))


def messages(*ids: int) -> list[dict[str, Any]]:
    return [{"id": n, "message": f"m{n}", "timestamp": n} for n in ids]


def test_history_pages_oldest_first_quietly_until_304() -> None:
    api = chat_api("chat-keep-notifications")
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(URL, json=ocs_body(messages(1, 2)), headers={"X-Chat-Last-Given": "2"})
        mock.get(URL, json=ocs_body(messages(5)), headers={"X-Chat-Last-Given": "5"})
        mock.get(URL, status=304)
        assert [m["id"] for m in api.history("abc123")] == [1, 2, 5]
        queries = [query_of(call.request.url) for call in mock.calls]
    assert [q["lastKnownMessageId"] for q in queries] == ["0", "2", "5"]
    for query in queries:
        assert query["lookIntoFuture"] == "1" and query["timeout"] == "0"
        assert query["setReadMarker"] == "0" and query["noStatusUpdate"] == "1"
        assert query["markNotificationsAsRead"] == "0" and query["limit"] == "200"


def test_without_keep_notifications_the_parameter_is_not_sent() -> None:
    api = chat_api()
    with responses.RequestsMock() as mock:
        mock.get(URL, status=304)
        assert api.page("abc123", future=False).messages == []
        query = query_of(mock.calls[0].request.url)
        assert "markNotificationsAsRead" not in query and query["lookIntoFuture"] == "0"


def test_max_length_comes_from_the_capabilities() -> None:
    assert chat_api(config={"chat": {"max-length": 1000}}).max_length == 1000
    assert chat_api(config={"chat": {"max-length": "big"}}).max_length == 32000
    assert chat_api().max_length == 32000


def test_a_send_is_never_repeated() -> None:
    api = chat_api()
    with responses.RequestsMock() as mock:
        mock.post(URL, status=503, json=ocs_body([], 503))
        with pytest.raises(ApiError):
            api.send("abc123", "hello", silent=True, reply_to=7, reference_id="r1")
        assert len(mock.calls) == 1
        body = mock.calls[0].request.body
    assert isinstance(body, str)
    assert "silent=true" in body and "replyTo=7" in body and "referenceId=r1" in body


def test_a_token_of_dots_is_never_sent() -> None:
    with pytest.raises(InvalidToken):
        chat_api().page("..", future=True)
