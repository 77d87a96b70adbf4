"""``talkctl api -F``: an integer of 5000 digits and ``@/dev/zero`` are bad input (exit 2,
nothing sent), never "unexpected error" or an endless read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from clirunner import TalkctlRunner

from talkctl.cli.api_cmd import typed_value
from talkctl.errors import UsageError
from talkctl.sandbox import FakeTalkServer


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
        ("0000000000000000000000042", 42),
    ],
)
def test_64_bit_integers_are_numbers(text: str, value: int) -> None:
    assert typed_value(text, io.StringIO()) == value


@pytest.mark.parametrize("text", ["9223372036854775808", "-9223372036854775809", "7" * 5000])
def test_longer_integers_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError) as info:
        typed_value(text, io.StringIO())
    assert "-f" in str(info.value)
    assert len(str(info.value)) < 200  # 5000 digits are not repeated back


def test_a_file_beyond_the_limit_is_not_read_to_its_end(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2049)
    assert typed_value(f"@{big}", io.StringIO(), limit=2049) == "a" * 2049
    with pytest.raises(UsageError, match="more than 2K"):
        typed_value(f"@{big}", io.StringIO(), limit=2048)
    with pytest.raises(UsageError, match="more than 2K"):
        typed_value("@-", io.StringIO("b" * 2049), limit=2048)
    assert typed_value("@-", io.StringIO("b" * 2048), limit=2048) == "b" * 2048


def test_api_with_5000_digits_is_exit_2(run: TalkctlRunner, fake_talk: FakeTalkServer) -> None:
    result = run("api", "POST", "room", "-F", "roomType=2", "-F", "x=" + "9" * 5000)
    assert result.code == 2, result
    assert result.stderr.startswith("talkctl: error: -F ")
    assert "unexpected" not in result.stderr
    assert fake_talk.changing_requests() == []


def test_api_reading_dev_zero_stops_at_the_limit(
    run: TalkctlRunner, fake_talk: FakeTalkServer
) -> None:
    result = run("--max-response-size", "64K", "api", "POST", "room", "-F", "x=@/dev/zero")
    assert result.code == 2, result
    assert "more than 64K" in result.stderr
    assert fake_talk.changing_requests() == []
