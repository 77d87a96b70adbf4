"""``--debug`` redacts secrets by key at any depth, the value beside a ``key`` that names a
secret (Nextcloud's own password change: ``key=password&value=...``), and query strings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from clirunner import TalkctlRunner

from talkctl.api.transport.redact import REDACTED, redact_form, redact_url
from talkctl.sandbox import FakeTalkServer

SECRET = "S3cret-Do-Not-Log"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {"key": "password", "value": SECRET},
            {"key": "password", "value": REDACTED},
            id="key-names-a-secret",
        ),
        pytest.param(
            {"KEY": "appPassword", "Value": SECRET},
            {"KEY": "appPassword", "Value": REDACTED},
            id="key-any-case",
        ),
        pytest.param(
            {"key": "email", "value": "a@example.com"},
            {"key": "email", "value": "a@example.com"},
            id="key-names-no-secret",
        ),
        pytest.param(
            {"settings": {"password": SECRET, "name": "x"}},
            {"settings": {"password": REDACTED, "name": "x"}},
            id="nested",
        ),
        pytest.param(
            {"a": [{"b": {"token": SECRET}}, {"key": "password", "value": SECRET}]},
            {"a": [{"b": {"token": REDACTED}}, {"key": "password", "value": REDACTED}]},
            id="in-lists",
        ),
        pytest.param({"settings[password]": SECRET}, {"settings[password]": REDACTED}, id="flat"),
        pytest.param(
            {"participants[users][]": ["alice"]},
            {"participants[users][]": ["alice"]},
            id="no-secret",
        ),
    ],
)
def test_bodies_are_redacted_at_any_depth(body: dict[str, Any], expected: dict[str, Any]) -> None:
    assert redact_form(body) == expected


@pytest.mark.parametrize(
    "pairs",
    [
        [("filter[password]", SECRET)],
        [("key", "password"), ("value", SECRET)],
        [("config[key]", "password"), ("config[value]", SECRET)],
        [("a[b][appPassword]", SECRET), ("x", "1")],
    ],
)
def test_query_strings_are_redacted(pairs: list[tuple[str, str]]) -> None:
    shown = redact_url("https://cloud.example.com/ocs/v2.php/x?" + urlencode(pairs))
    assert SECRET not in shown
    assert REDACTED.strip("<>") in shown


def test_harmless_query_is_kept() -> None:
    url = "https://cloud.example.com/x?key=email&value=a%40example.com&limit=5"
    assert redact_url(url) == url


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("PUT", "/ocs/v2.php/cloud/users/alice", "-f", "key=password",
                      "-f", f"value={SECRET}"), id="key-value"),
        pytest.param(("PUT", "room/TOKEN/password", "-f", f"settings[password]={SECRET}"),
                     id="nested-body"),
        pytest.param(("GET", "room", "-f", f"filter[password]={SECRET}"), id="nested-query"),
        pytest.param(("GET", "room", "-f", "key=password", "-f", f"value={SECRET}"),
                     id="key-value-query"),
    ],
)  # fmt: skip
def test_debug_never_shows_the_secret(
    run: TalkctlRunner, fake_talk: FakeTalkServer, args: tuple[str, ...]
) -> None:
    token = fake_talk.add_room(owner="admin", type=3, name="Public")
    argv = [a.replace("TOKEN", token) for a in args]
    result = run("--debug", "api", *argv)
    assert "> " + argv[0] in result.stderr  # the request was logged
    assert SECRET not in result.stderr and SECRET not in result.stdout
    assert "<redacted>" in result.stderr
