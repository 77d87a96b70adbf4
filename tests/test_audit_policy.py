"""The audit's rules on conversation objects (each rule, its parameters, fields a server
does not report), and its policy files: scope, exceptions, severities, and every problem
reported with its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from talkctl.api.models import Conversation
from talkctl.api.participants import Participant
from talkctl.audit import engine, policy
from talkctl.audit.rules import RULES
from talkctl.declarative.tomlfile import InputFileError

NOW = 1_800_000_000
DAY = 86400
OPTIONAL_CONSENT = engine.Server(True, frozenset())


def room(token: str, **fields: Any) -> Conversation:
    raw = {
        "token": token,
        "name": fields.pop("name", token),
        "displayName": token,
        "type": 2,
        "hasPassword": False,
        "lobbyState": 0,
        "listable": 0,
        "messageExpiration": 0,
        "lastActivity": NOW,
        "mentionPermissions": 1,
        "recordingConsent": 1,
        "defaultPermissions": 0,
    }
    raw.update(fields)
    return Conversation(raw)


def person(actor_id: str, participant_type: int = 3, actor_type: str = "users") -> Participant:
    raw = {"actorType": actor_type, "actorId": actor_id, "participantType": participant_type}
    if actor_type == "emails":
        raw |= {"actorId": "hash", "invitedActorId": actor_id}
    return Participant(raw)


TEAM = [person("admin", 1), person("bob", 2)]


def audit(
    chosen: policy.Policy,
    rooms: list[Conversation],
    people: dict[str, list[Participant]] | None = None,
    server: engine.Server = OPTIONAL_CONSENT,
) -> engine.Audit:
    result = engine.Audit(chosen)
    engine.run(chosen, rooms, lambda t: (people or {}).get(t, TEAM), server, result, now=NOW)
    return result


def found(result: engine.Audit) -> set[tuple[str, str]]:
    return {(f.rule, f.conversation.token) for f in result.findings}


def load(tmp_path: Path, text: str) -> policy.Policy:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return policy.load(path)


def test_every_rule_finds_its_case_and_passes_the_others(tmp_path: Path) -> None:
    chosen = load(
        tmp_path,
        """
[rules.message-expiration]
max = "30d"
[rules.email-domains]
allowed = ["example.com"]
[rules.name-pattern]
pattern = "[A-Z].*"
[rules.default-permissions]
max = 246
""",
    )
    rooms = [
        room("fine", name="Fine", messageExpiration=DAY),
        room("public", name="Pub", type=3, hasPassword=True, messageExpiration=DAY),
        room(
            "nolobby", name="Lobby", type=3, hasPassword=True, lobbyState=1, messageExpiration=DAY
        ),
        room("expires", name="Exp", messageExpiration=31 * DAY),
        room("never", name="Never"),
        room("lowercase", name="lower", messageExpiration=DAY),
        room("perms", name="Perms", defaultPermissions=255, messageExpiration=DAY),
        room("consent", name="Consent", recordingConsent=0, messageExpiration=DAY),
        room("mail", name="Mail", messageExpiration=DAY),
    ]
    people = {
        "mail": [*TEAM, person("x@example.com", 4, "emails"), person("y@evil.test", 4, "emails")]
    }
    result = audit(chosen, rooms, people)
    assert found(result) == {
        ("public-without-lobby", "public"),
        ("message-expiration", "expires"),
        ("message-expiration", "never"),
        ("name-pattern", "lowercase"),
        ("default-permissions", "perms"),
        ("recording-consent", "consent"),
        ("email-domains", "mail"),
    }
    messages = {
        f.conversation.token: f.message for f in result.findings if f.rule != "public-without-lobby"
    }
    assert messages["expires"] == "messages expire after 31d (at most 30d allowed)"
    assert messages["never"] == "messages never expire (at most 30d allowed)"
    assert messages["mail"] == "e-mail invitees outside the allowed domains: y@evil.test"
    assert messages["perms"] == (
        "default permissions all go beyond chat,start-call,join-call,audio,video,screen"
        " (also lobby-ignore)"
    )
    assert {f.fix for f in result.findings if f.rule == "message-expiration"} == {
        ("message_expiration", "30d")
    }
    # the permission settings' apply keys fix them: the default less what goes beyond max
    fixes = {f.rule: f.fix for f in result.findings}
    assert fixes["default-permissions"] == (
        "default_permissions",
        "chat,start-call,join-call,audio,video,screen",
    )
    assert fixes["recording-consent"] == ("recording_consent", True)


def test_the_built_in_thresholds(tmp_path: Path) -> None:
    big = [person("admin", 1), person("bob", 2)] + [person(f"u{n}") for n in range(48)]
    rooms = [
        room("fifty", mentionPermissions=0),
        room("fortynine", mentionPermissions=0),
        room("year", lastActivity=NOW - 365 * DAY),
        room("older", lastActivity=NOW - 366 * DAY),
        room("solo"),
    ]
    people = {
        "fifty": big,
        "fortynine": big[:-1],
        "solo": [person("admin", 1), person("g", 6, "guests")],
    }
    result = audit(policy.builtin(), rooms, people)
    assert found(result) == {
        ("mention-all", "fifty"),
        ("inactive", "older"),
        ("moderators", "solo"),
    }


def test_fields_a_server_does_not_report_are_not_checked_and_said_so() -> None:
    old = Conversation({"token": "t", "name": "Old", "type": 3, "hasPassword": False})
    no_consent = engine.Server(False, frozenset())
    result = audit(policy.builtin(), [old], server=no_consent)
    assert found(result) == {("public-without-password", "t")}
    assert set(result.not_checked) == {
        "public-without-lobby",
        "listable-to-everyone",
        "mention-all",
        "recording-consent",
        "default-permissions",
    }
    assert result.not_checked["mention-all"] == "the server does not report mentionPermissions"


def test_scope_and_exceptions(tmp_path: Path) -> None:
    chosen = load(
        tmp_path,
        """
[scope]
types = ["public"]
names = ["Project *", "tok3"]

[[exceptions]]
rule = "public-without-lobby"
conversation = "Project town*"
reason = "open Q&A every Friday"
""",
    )
    rooms = [
        room("tok1", name="Project town hall", type=3, hasPassword=True),
        room("tok2", name="Project B", type=3, hasPassword=True),
        room("tok3", name="Other", type=3, hasPassword=True),
        room("tok4", name="Elsewhere", type=3, hasPassword=True),
        room("tok5", name="Project group", type=2, listable=2),
    ]
    result = audit(chosen, rooms)
    assert result.audited == 3
    assert found(result) == {("public-without-lobby", "tok2"), ("public-without-lobby", "tok3")}
    assert result.excepted == 1


def test_severities_and_disabled_rules(tmp_path: Path) -> None:
    chosen = load(
        tmp_path,
        """
[rules.public-without-password]
severity = "warning"
[rules.listable-to-everyone]
enabled = false
[rules.inactive]
days = 30
severity = "error"
""",
    )
    rooms = [room("a", type=3, listable=2, lobbyState=1, lastActivity=NOW - 31 * DAY)]
    result = audit(chosen, rooms)
    assert {(f.rule, f.severity) for f in result.findings} == {
        ("public-without-password", "warning"),
        ("inactive", "error"),
    }
    assert result.errors == 1


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("[rules.no-such]\n", ["1: unknown rule 'no-such'"]),
        (
            '\n[rules.inactive]\ndays = "long"\n',
            ['3: inactive.days = "long": must be a whole number'],
        ),
        ("[rules.inactive]\nweeks = 3\n", ["2: unknown key 'weeks' for rule inactive"]),
        ('[rules.moderators]\nseverity = "fatal"\n', ['2: severity = "fatal": one of error']),
        ('[rules.message-expiration]\nmax = "soon"\n', ['2: message-expiration.max = "soon"']),
        ('[rules.name-pattern]\npattern = "("\n', ['2: name-pattern.pattern = "("']),
        ("[rules.email-domains]\n", ["1: email-domains needs allowed"]),
        ('[scope]\ntypes = ["room"]\n', ['2: types = ["room"]: a list of']),
        ("[scope]\nowner = 1\n", ["2: unknown key 'owner' in [scope]"]),
        (
            '[[exceptions]]\nrule = "inactive"\nconversation = "X"\n',
            ["1: an exception needs reason"],
        ),
        (
            '[[exceptions]]\nrule = "nope"\nconversation = "X"\nreason = "r"\n',
            ['2: rule = "nope": one of public-without-password'],
        ),
        (
            '[[exceptions]]\nrule = ["inactive"]\nconversation = "X"\nreason = "r"\n',
            ['2: rule = ["inactive"]: one of public-without-password'],
        ),
        ('[exceptions]\nrule = "inactive"\n', ["1: exceptions must be [[exceptions]] tables"]),
        ("\n[[rules]]\nx = 1\n", ["2: rules must be tables"]),
        ("[[scope]]\nx = 1\n", ["1: scope must be a table"]),
        (
            '[rules.message-expiration]\nmax = "2w3d"\n',
            ['2: message-expiration.max = "2w3d": must be a duration such as "30d" or "4w"$'],
        ),
        (
            '[rules.message-expiration]\nmax = "0s"\n',
            ['2: message-expiration.max = "0s": must be a duration such as "30d" or "4w" (not'],
        ),
        (
            '[rules.email-domains]\nallowed = ["", "x.org"]\n',
            ['2: email-domains.allowed = ["", "x.org"]: must be a list of non-empty strings'],
        ),
        (
            '[rules]\nmoderators.min = 1\ninactive.days = "x"\n',
            ['3: inactive.days = "x": must be a whole number'],
        ),
        ("verbose = true\n", ["1: unknown key 'verbose' = true"]),
        ("[rules\n", ["1: invalid TOML"]),
    ],
)
def test_policy_file_problems_name_their_line(
    tmp_path: Path, text: str, problems: list[str]
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    with pytest.raises(InputFileError) as caught:
        policy.load(path)
    assert len(caught.value.problems) == len(problems), caught.value.problems
    for got, wanted in zip(caught.value.problems, problems, strict=True):
        if wanted.endswith("$"):  # the whole problem
            assert got == f"{path}:{wanted[:-1]}", got
        else:
            assert got.startswith(f"{path}:{wanted}"), got


def test_the_readme_policy_example_is_a_valid_policy(tmp_path: Path) -> None:
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    section = readme.split("### Policy as code: `talkctl audit`", 1)[1].split("\n### ", 1)[0]
    found = re.search(r"```toml\n(.*?)```", section, re.S)
    assert found is not None
    chosen = load(tmp_path, found.group(1))
    assert [item.rule.id for item in chosen.rules] == [
        "public-without-password",
        "public-without-lobby",
        "message-expiration",
        "inactive",
        "moderators",
        "mention-all",
        "recording-consent",
        "email-domains",
        "default-permissions",
    ]
    assert chosen.names == ("Project *", "Town hall") and len(chosen.exceptions) == 1
    for rule in RULES:  # the README's table names every rule
        assert f"| `{rule.id}` | {rule.severity} |" in section, rule.id


def test_findings_on_a_terminal_are_a_table_grouped_by_conversation_printed_literally(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    monkeypatch.setenv("COLUMNS", "200")
    from talkctl.cli.audit import show
    from talkctl.cli.context import Environment
    from talkctl.cli.output import Renderer

    hostile = "[bold]x[/bold]\x1b]0;pwned\x07"
    rooms = [room("tok1", name=hostile, type=3, listable=2), room("tok2", name="Calm", type=3)]
    result = audit(policy.builtin(), rooms)
    out, err = io.StringIO(), io.StringIO()
    env = Environment(out, err, io.StringIO(), {"NO_COLOR": "1"}, stdout_isatty=True)
    show(Renderer(env, "table"), result, "admin on https://cloud.example", complete=True)
    text = out.getvalue()
    assert "[bold]x[/bold]\\x1b]0;pwned\\x07  tok1" in text and "\x1b" not in text
    assert text.count("tok1") == 1 and text.count("tok2") == 1  # once per conversation
    assert text.count("public-without-password") == 2
    assert err.getvalue().splitlines()[0] == (
        "audited 2 conversation(s) as admin on https://cloud.example with the built-in "
        "policy: 2 errors, 3 warnings"
    )


def test_scope_and_exceptions_compare_names_after_nfc(tmp_path: Path) -> None:
    # a policy written with a composed "é" covers a conversation named with a decomposed one
    # (and the reverse), as every command compares names
    chosen = load(
        tmp_path,
        '[scope]\ntypes = ["public"]\nnames = ["Caf\u00e9 *"]\n\n[[exceptions]]\n'
        'rule = "public-without-lobby"\nconversation = "Cafe\u0301 open"\nreason = "r"\n',
    )
    rooms = [
        room("tok1", name="Cafe\u0301 open", type=3, hasPassword=True),
        room("tok2", name="Cafe\u0301 closed", type=3, hasPassword=True),
        room("tok3", name="Caf\u00e9 open", type=3, hasPassword=True),
    ]
    result = audit(chosen, rooms)
    assert result.audited == 3
    assert found(result) == {("public-without-lobby", "tok2")}
    assert result.excepted == 2
