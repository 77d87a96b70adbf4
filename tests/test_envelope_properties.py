"""Property tests (hypothesis): the OCS envelope parser, token URL-encoding, name resolution,
and redaction, on arbitrary input."""

from __future__ import annotations

import json
import unicodedata
from typing import Any
from urllib.parse import quote, unquote, urlencode

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from talkctl.api.conversations import room_path
from talkctl.api.errors import ApiError, InvalidResponseError, InvalidToken
from talkctl.api.models import Conversation
from talkctl.api.transport.envelope import api_error, decode_json, unwrap
from talkctl.api.transport.redact import REDACTED, redact_form, redact_url
from talkctl.cli.errors import error_line, exit_status_for
from talkctl.errors import Ambiguous, NotFound
from talkctl.exit_codes import ExitStatus
from talkctl.resolve import Resolver

URL = "https://cloud.example.com/ocs/v2.php/apps/spreed/api/v4/room"
PROFILE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
statuses = st.sampled_from(
    [200, 201, 202, 204, 301, 400, 401, 403, 404, 412, 422, 426, 429, 500, 502, 503, 504]
) | st.integers(100, 599)
header_maps = st.dictionaries(
    st.sampled_from(
        [
            "Retry-After",
            "X-Nextcloud-Maintenance-Mode",
            "X-Nextcloud-Bruteforce-Throttled",
            "Content-Type",
            "X-Other",
        ]
    ),
    st.text(max_size=30),
    max_size=4,
)


def envelope(meta: Any, data: Any) -> dict[str, Any]:
    return {"ocs": {"meta": meta, "data": data}}


@PROFILE
@given(st.binary(max_size=200), st.text(max_size=40), statuses)
def test_decode_json_returns_or_raises_invalid_response(
    body: bytes, ctype: str, status: int
) -> None:
    try:
        decode_json(body, content_type=ctype, url=URL, status=status)
    except InvalidResponseError as exc:
        assert exc.kind in {"html", "json", "empty"}
        assert URL in str(exc)
        assert "\n" not in error_line(exc)
        assert exit_status_for(exc) == ExitStatus.ERROR


@PROFILE
@given(json_values, statuses, header_maps)
def test_unwrap_classifies_every_payload(
    payload: Any, status: int, headers: dict[str, str]
) -> None:
    has_envelope = isinstance(payload, dict) and isinstance(payload.get("ocs"), dict)
    try:
        response = unwrap(
            payload, status=status, method="GET", url=URL, path="/room", headers=headers
        )
    except ApiError as exc:
        assert status >= 400
        assert exc.status == status
        assert "\n" not in str(exc)
        assert exit_status_for(exc) != ExitStatus.OK
    except InvalidResponseError as exc:
        assert status < 400 and not has_envelope
        assert exc.kind == "envelope"
    else:
        assert status < 400 and has_envelope
        assert response.data == payload["ocs"].get("data")


@PROFILE
@given(json_values, json_values, statuses)
def test_any_envelope_round_trips_through_json(meta: Any, data: Any, status: int) -> None:
    """What the server sends as JSON bytes is what the caller gets (success) or an ApiError."""
    body = json.dumps(envelope(meta, data)).encode()
    payload = decode_json(body, content_type="application/json", url=URL, status=status)
    try:
        response = unwrap(payload, status=status, method="GET", url=URL, path="/room", headers={})
    except ApiError:
        assert status >= 400
    else:
        assert response.data == data
        assert response.meta == (meta if isinstance(meta, dict) else {})


@PROFILE
@given(statuses.filter(lambda s: s >= 400), header_maps, json_values, json_values)
def test_api_error_is_one_line_with_the_documented_exit_code(
    status: int, headers: dict[str, str], meta: Any, data: Any
) -> None:
    exc = api_error(
        status, "PUT", "/room/x", headers, meta if isinstance(meta, dict) else None, data
    )
    line = error_line(exc)
    assert "\n" not in line and line.strip() == line
    code = exit_status_for(exc)
    if status == 401:
        assert code == ExitStatus.AUTH
    elif status == 404:
        assert code == ExitStatus.NOT_FOUND
    elif status == 426:
        assert code == ExitStatus.REJECTED
    elif status == 429 or status >= 500:
        assert code == ExitStatus.UNAVAILABLE


@PROFILE
@given(st.text(min_size=1, max_size=40))
def test_room_path_keeps_any_token_in_one_segment(token: str) -> None:
    if token.strip(".") == "":
        with pytest.raises(InvalidToken):
            room_path(token)
        return
    path = room_path(token, "/favorite")
    assert path.startswith("/room/") and path.endswith("/favorite")
    segment = path[len("/room/") : -len("/favorite")]
    assert not set(segment) & set("/?#\\ ")  # stays one path segment, no query or fragment
    assert segment.isascii()
    assert unquote(segment) == token


names = st.text(min_size=1, max_size=20).filter(lambda s: s.strip() != "")


def conv(token: str, name: str, display: str | None = None) -> Conversation:
    return Conversation({"token": token, "name": name, "displayName": display or name, "type": 2})


@PROFILE
@given(st.lists(names, min_size=1, max_size=8, unique=True), st.data())
def test_resolver_finds_each_unique_name_exactly(all_names: list[str], data: st.DataObject) -> None:
    rooms = [conv(f"tok{i:04d}", name) for i, name in enumerate(all_names)]
    pick = data.draw(st.integers(0, len(rooms) - 1))
    target = Resolver.match(all_names[pick], rooms)
    if all_names[pick] in {r.token for r in rooms}:
        return  # a name equal to another room's token: the token wins (tested below)
    assert target.token == rooms[pick].token


@PROFILE
@given(names, names)
def test_resolver_is_exact_and_case_sensitive(name: str, other: str) -> None:
    assume(unicodedata.normalize("NFC", name) != unicodedata.normalize("NFC", other))
    rooms = [conv("tokaaaa", name)]
    with pytest.raises(NotFound):
        Resolver.match(other, rooms)


@PROFILE
@given(names)
def test_resolver_exact_token_wins_over_names(name: str) -> None:
    rooms = [conv("tokaaaa", name), conv("tokbbbb", "tokaaaa")]
    assert Resolver.match("tokaaaa", rooms).token == "tokaaaa"


@PROFILE
@given(names, st.integers(2, 4))
def test_resolver_reports_duplicates_as_ambiguous(name: str, copies: int) -> None:
    assume(not name.startswith("tok"))
    rooms = [conv(f"tok{i:04d}", name) for i in range(copies)]
    with pytest.raises(Ambiguous) as info:
        Resolver.match(name, rooms)
    assert len(info.value.candidates) == copies
    assert exit_status_for(info.value) == ExitStatus.AMBIGUOUS


secrets = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S"]), min_size=6, max_size=30
).map(lambda s: "Zq9" + s)


@PROFILE
@given(secrets, st.sampled_from(["password", "appPassword", "app_password", "token", "Password"]))
def test_redaction_hides_secrets_in_forms_and_urls(secret: str, field: str) -> None:
    form = redact_form({field: secret, "roomName": "visible"})
    assert form == {field: REDACTED, "roomName": "visible"}
    url = "https://cloud.example.com/path?" + urlencode({field: secret, "x": "1"})
    shown = redact_url(url)
    assert secret not in shown and quote(secret) not in shown
    assert quote(secret, safe="") not in shown
    userinfo = redact_url(f"https://alice:{quote(secret, safe='')}@cloud.example.com/")
    assert quote(secret, safe="") not in userinfo and "alice" in userinfo
