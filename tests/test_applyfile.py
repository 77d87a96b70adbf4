"""The apply file checker (talkctl.declarative.applyfile): every key of the settings table,
[defaults], tokens, membership, and every problem with its line and value."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from talkctl.declarative.applyfile import SETTING_KEYS, ApplyFileError, load
from talkctl.errors import UsageError
from talkctl.settings import Lobby


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conversations.toml"
    path.write_text(text, "utf-8")
    return path


def problems(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ApplyFileError) as caught:
        load(path, env or {})
    prefix = f"{path}:"
    assert all(p.startswith(prefix) for p in caught.value.problems)
    return [p[len(prefix) :] for p in caught.value.problems]


def test_valid_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
# comment
[[conversation]]
name = "Team"
description = '''
a = "not a key"
[[conversation]]
'''
read_only = true
notify = "never"

[[conversation]]
"name" = "Town hall"
type = "public"
password_env = "PW"
rotate_password = true
favorite = false
notify = 1
""",
    )
    entries = load(path, {"PW": "s3cret-pass"})
    assert [e.name for e in entries] == ["Team", "Town hall"]
    team, hall = entries
    assert team.settings == {
        "description": 'a = "not a key"\n[[conversation]]\n',
        "read_only": True,
        "notify": 3,
    }
    assert team.type is None and team.line == 3 and team.membership.empty
    assert hall.type == "public" and hall.password == "s3cret-pass" and hall.rotate_password
    assert hall.settings == {"favorite": False, "notify": 1}


def test_every_setting_key_defaults_and_membership(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """[defaults]
listable = "users"
notify = "mention"
type = "group"

[[conversation]]
name = "Class 6a"
token = "a1b2c3d4"
description = "Class chat"
read_only = false
listable = "none"
lobby = 2026-12-24T18:00:00+01:00
message_expiration = "90m"
archived = false
favorite = true
participants = { users = ["alice", "bob"], groups = ["class-6a"], federated_users = [] }
moderators = ["alice"]
exclusive = true

[[conversation]]
name = "Town hall"
type = "public"
lobby = true
message_expiration = "off"
moderators = ["carol"]
[conversation.participants]
users = ["carol"]
emails = ["guest@example.com"]
teams = ["team-x"]
""",
    )
    first, second = load(path, {})
    assert first.token == "a1b2c3d4" and first.type == "group"
    assert first.settings == {
        "listable": 0,
        "notify": 2,
        "description": "Class chat",
        "read_only": False,
        "lobby": Lobby(True, int(datetime(2026, 12, 24, 17, tzinfo=timezone.utc).timestamp())),
        "message_expiration": 5400,
        "archived": False,
        "favorite": True,
    }
    assert first.membership.participants == {
        "users": ("alice", "bob"),
        "groups": ("class-6a",),
        "federated_users": (),
    }
    assert first.membership.moderators == ("alice",) and first.membership.exclusive
    assert second.type == "public" and second.settings["listable"] == 1
    assert second.settings["lobby"] == Lobby(True)
    assert second.settings["message_expiration"] == 0
    assert second.membership.participants == {
        "users": ("carol",),
        "emails": ("guest@example.com",),
        "teams": ("team-x",),
    }
    assert not second.membership.exclusive


@pytest.mark.parametrize(("text", "seconds"), [("45s", 45), ("1h", 3600), ("4w", 2419200)])
def test_any_whole_duration(tmp_path: Path, text: str, seconds: int) -> None:
    (entry,) = load(
        write(tmp_path, f'[[conversation]]\nname = "A"\nmessage_expiration = "{text}"\n'), {}
    )
    assert entry.settings["message_expiration"] == seconds


def test_every_problem_with_its_line_and_value(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """[[conversation]]
name = "Team"
type = "privat"
read_only = "yes"

[[conversation]]
description = "no name"
colour = "blue"

[[conversation]]
name = "Pub"
password_env = "UNSET_VARIABLE"
notify = "loud"
listable = "all"
lobby = "tomorrow"
message_expiration = "1.5h"

[[conversation]]
name = "Team"
favorite = 1
rotate_password = true
""",
    )
    assert found == [
        '3: type must be "group" or "public", not "privat"',
        '4: read_only must be true or false, not "yes"',
        "6: [[conversation]] without a name",
        "8: unknown key 'colour' = \"blue\" (valid: name, token, type, "
        + ", ".join(SETTING_KEYS)
        + ", password_env, rotate_password, participants, moderators, exclusive, bots, "
        "participant_permissions)",
        "12: password_env: environment variable UNSET_VARIABLE is not set",
        '12: a password needs type = "public"',
        '13: notify must be "default", "always", "mention", "never" or 1-3, not "loud"',
        '14: listable must be "none", "users" or "everyone", not "all"',
        '15: lobby must be true, false or a date-time with its UTC offset, not "tomorrow"',
        '16: message_expiration must be a whole duration like "90m", "4w", or "off", not "1.5h"',
        '19: name "Team" appears twice among conversations without a token (first at line 2)',
        "20: favorite must be true or false, not 1",
        "21: rotate_password = true needs password_env",
    ]


def test_membership_problems(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """[[conversation]]
name = "A"
participants = { users = ["alice", "bob"], emails = ["guest@example.com"] }
moderators = ["alice",
  "carol"]

[[conversation]]
name = "B"
exclusive = true

[[conversation]]
name = "C"
type = "public"
exclusive = "yes"
moderators = "alice"
[conversation.participants]
users = ["alice", "alice", 3]
teams = ["t"]
emails = ["not-an-address"]
circles = ["x"]

[[conversation]]
name = "D"
participants = { groups = ["class"], teams = ["t"] }
exclusive = true
""",
    )
    assert found == [
        '3: participants.emails needs type = "public": inviting an e-mail address makes a '
        "group conversation public on the server, so the file could never converge",
        '5: moderators: "carol" is not a participant (add them to participants.users)',
        "9: exclusive = true needs a participants table or bots (who and what may stay)",
        '14: exclusive must be true or false, not "yes"',
        '15: moderators must be a list of non-empty strings, not "alice"',
        '17: participants.users must be a list of non-empty strings, not ["alice", "alice", 3]',
        "20: unknown key 'participants.circles' = [\"x\"] "
        "(valid: users, groups, teams, federated_users, emails)",
        "25: exclusive = true cannot be combined with teams: no API lists a team's members, "
        "so talkctl cannot tell who comes through one",
    ]


def test_duplicates(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """title = "x"
[[conversation]]
name = "A"
token = "abcd1234"
participants = { users = ["bob", "bob"] }
[[conversation]]
name = "A"
[[conversation]]
name = "C"
token = "abcd1234"
""",
    )
    assert found == [
        "1: unknown top-level key 'title': only [defaults] and [[conversation]]",
        '5: participants.users: "bob" appears twice',
        '10: token "abcd1234" appears twice (first at line 4)',
    ]


def test_secret_looking_unknown_keys_are_never_echoed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[defaults]\napi_key = "k-123456"\n[[conversation]]\nname = "A"\npassword = "hunter2"\n'
        'secret = "s3"\n',
    )
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    text = "\n".join(caught.value.problems)
    for secret in ("hunter2", "k-123456", "s3"):
        assert secret not in text.replace(str(path), "")
    assert f"{path}:5: unknown key 'password' (its value is not shown" in text
    assert text.count("password_env") == 3


def test_defaults_take_settings_only(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        '[defaults]\nname = "x"\nexclusive = true\nnotify = "loud"\ncolour = 1\n'
        '[[conversation]]\nname = "A"\n',
    )
    assert found[:3] == [
        "2: name cannot be a default: give it in each [[conversation]]",
        "3: exclusive cannot be a default: give it in each [[conversation]]",
        '4: notify must be "default", "always", "mention", "never" or 1-3, not "loud"',
    ]
    assert found[3].startswith("5: unknown key 'colour' = 1 (valid: type, description")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[conversation]]\nname = "A"\ntype = ["group"]\n',
            '3: type must be "group" or "public", not ["group"]',
        ),
        (
            '[[conversation]]\nname = "A"\nnotify = ["never"]\n',
            '3: notify must be "default", "always", "mention", "never" or 1-3, not ["never"]',
        ),
        ("[[conversation]]\nname = {a = 1}\n", "2: name must be a non-empty string, not {a = 1}"),
    ],
)
def test_values_of_the_wrong_shape(tmp_path: Path, text: str, expected: str) -> None:
    assert problems(tmp_path, text) == [expected]


def test_nested_50000_deep_is_one_problem(tmp_path: Path) -> None:
    path = write(tmp_path, '[[conversation]]\nname = "A"\nx = ' + "[" * 50000 + "]" * 50000 + "\n")
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    assert caught.value.problems == [f"{path}:3: invalid TOML: arrays or tables nested too deeply"]


def test_syntax_error_has_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[[conversation]]\nname = "A"\ntype = group\n')
    with pytest.raises(ApplyFileError) as caught:
        load(path, {})
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:3: invalid TOML: ")


def test_empty_or_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ApplyFileError, match="1 problem"):
        load(write(tmp_path, "# nothing\n"), {})
    with pytest.raises(UsageError, match="cannot read"):
        load(tmp_path / "missing.toml", {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a dotted key is located on its own line, not at its table's
            '[[conversation]]\nname = "A"\nparticipants.users = ["alice", 3]\n',
            '3: participants.users must be a list of non-empty strings, not ["alice", 3]',
        ),
        (
            '[[conversation]]\nname = "A"\nconversation.participants.users = ["a"]\n',
            "3: unknown key 'conversation' = {participants = {users = [\"a\"]}} (valid: ",
        ),
        (  # [conversation] where [[conversation]] was meant
            '# one\n[conversation]\nname = "A"\n',
            "2: 'conversation' must be [[conversation]] tables",
        ),
        (  # [[defaults]] where [defaults] was meant
            '[[conversation]]\nname = "A"\n\n[[defaults]]\nnotify = "never"\n',
            "4: defaults must be a [defaults] table",
        ),
        (  # [[conversation.participants]] where [conversation.participants] was meant
            '[[conversation]]\nname = "A"\n[[conversation.participants]]\nusers = ["a"]\n',
            "3: participants must be a table of users, groups",
        ),
        (  # an array of inline tables: its key's line
            '# one\nconversation = [{ name = "A", read_only = 3 }]\n',
            "2: read_only must be true or false, not 3",
        ),
    ],
)
def test_problems_are_located_on_their_line(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_name_twice_once_decomposed_is_the_same_name(tmp_path: Path) -> None:
    # names are compared after NFC: both tables would create (or find) the one "café"
    found = problems(
        tmp_path, '[[conversation]]\nname = "Caf\u00e9"\n\n[[conversation]]\nname = "Cafe\u0301"\n'
    )
    assert found == [
        '5: name "Caf\u00e9" appears twice among conversations without a token (first at line 2)'
    ]


@pytest.mark.parametrize(
    "first",
    [
        "name = \"it'''s\"",  # three quotes inside a one-line string open no multi-line one
        'name = "A" # a """ comment',
        'name = \'say """\'',
        'name = "A"\ndescription = """one\ntwo""" # closed, then a comment: """',
        'name = "A"\ndescription = """\nsays \\""" and \'\'\'\n"""',
    ],
)
def test_triple_quotes_that_open_no_multi_line_string_lose_no_line(
    tmp_path: Path, first: str
) -> None:
    text = f'[[conversation]]\n{first}\n\n[[conversation]]\nname = "B"\nread_only = 3\n'
    line = text.splitlines().index("read_only = 3") + 1
    assert problems(tmp_path, text) == [f"{line}: read_only must be true or false, not 3"]


@pytest.mark.parametrize("value", ["Hunter2-secret!", "correct horse", "2fast", 12345678, ""])
def test_a_password_written_where_its_variable_belongs_is_never_shown(
    tmp_path: Path, value: str | int
) -> None:
    # password_env = the password itself: no variable is named so; the value is not echoed
    written = f'"{value}"' if isinstance(value, str) else str(value)
    text = f'[[conversation]]\nname = "A"\ntype = "public"\npassword_env = {written}\n'
    found = problems(tmp_path, text, {str(value): "whatever-it-is"})
    assert found == [
        "4: password_env must be the NAME of an environment variable (letters, digits, _; "
        "its value is not shown: it may be the password itself)"
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\x1c"])
def test_a_unicode_line_separator_inside_a_string_is_no_line(
    tmp_path: Path, separator: str
) -> None:
    # TOML lines end at \n only: U+2028 (and NEL) in a name, as a server may hold it and export
    # writes it, must not shift the lines of every later problem
    if separator == "\x1c":  # a control character: TOML refuses it raw, with its line
        text = f'[[conversation]]\nname = "a{separator}b"\n'
        assert problems(tmp_path, text)[0].startswith("2: invalid TOML")
        return
    text = f'[[conversation]]\nname = "a{separator}b"\n\n'
    text += '[[conversation]]\nname = "B"\nread_only = 3\n'
    assert problems(tmp_path, text) == ["6: read_only must be true or false, not 3"]
