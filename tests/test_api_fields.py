"""``talkctl api`` fields: -f strings, -F typed values, key[] lists and key[sub] objects."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from talkctl.api.raw import _query, check_path
from talkctl.cli.api_cmd import add_field, typed_value
from talkctl.errors import UsageError


def fields(*specs: str, typed: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in specs:
        add_field(
            out, spec, (lambda t: typed_value(t, io.StringIO("from stdin"))) if typed else str, "-F"
        )
    return out


def test_typed_values() -> None:
    assert fields("a=true", "b=false", "c=null", "d=42", "e=-7", "f=4.5", "g=text") == {
        "a": True, "b": False, "c": None, "d": 42, "e": -7, "f": "4.5", "g": "text",
    }  # fmt: skip
    assert fields("a=true", typed=False) == {"a": "true"}
    assert fields("empty=") == {"empty": ""}
    assert fields("x=a=b") == {"x": "a=b"}


def test_nesting() -> None:
    nested = fields("p[users][]=alice", "p[users][]=bob", "p[groups][]=staff")
    assert nested == {"p": {"users": ["alice", "bob"], "groups": ["staff"]}}
    assert fields("ids[]=1", "ids[]=2") == {"ids": [1, 2]}


@pytest.mark.parametrize("spec", ["novalue", "=x", "a[=1", "a]b=1"])
def test_malformed(spec: str) -> None:
    with pytest.raises(UsageError):
        fields(spec)


def test_conflicting_shapes() -> None:
    with pytest.raises(UsageError):
        fields("a[]=1", "a[b]=2")


def test_files_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    path.write_text("content\n", encoding="utf-8")
    assert fields(f"v=@{path}", "s=@-") == {"v": "content\n", "s": "from stdin"}


def test_query_flattening() -> None:
    assert _query({"a": True, "b": None, "c": [1, 2], "d": {"e": "f"}}) == {
        "a": ["1"], "b": [""], "c[]": ["1", "2"], "d[e]": ["f"],
    }  # fmt: skip


@pytest.mark.parametrize("path", ["room", "/ocs/v2.php/cloud/user", "room/abc?x=1"])
def test_paths_accepted(path: str) -> None:
    assert check_path(path) == path


@pytest.mark.parametrize(
    "path", ["https://x/y", "//x/y", "\\\\x\\y", "ftp:x", "ro om", "a\nb", "room#x", " "]
)
def test_paths_refused(path: str) -> None:
    with pytest.raises(UsageError):
        check_path(path)
