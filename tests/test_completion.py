"""Shell completion through the real mechanism: the committed script, sourced by the shell.

The conversations offered come from the cache a real ``talkctl room list`` wrote against the
fake server; the TAB callback must send no request and import neither requests nor keyring.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest
from clirunner import TalkctlRunner, talkctl_executable

from talkctl.cli.completion import completion_script
from talkctl.sandbox import FakeTalkServer

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "completions"


@pytest.fixture
def talk_server() -> Iterator[FakeTalkServer]:
    with FakeTalkServer(talk="22") as server:
        yield server


@pytest.fixture
def seeded(talk_server: FakeTalkServer, talkctl_home: Path) -> tuple[FakeTalkServer, TalkctlRunner]:
    """alice's conversations, listed once with credentials from the environment."""
    fake_talk = talk_server
    fake_talk.add_room("alice", 2, "Team chat")
    fake_talk.add_room("alice", 2, "Tea break")
    fake_talk.add_room("alice", 3, "Release; `rm -rf` $HOME")
    fake_talk.add_room("bob", 2, "Bob's private room")  # not alice's: never offered
    runner = TalkctlRunner(
        talkctl_home,
        server=fake_talk.url,
        user="alice",
        app_password=fake_talk.new_app_password("alice"),
    )
    listed = runner("room", "list", "--json")
    assert listed.code == 0, listed
    return fake_talk, runner


def two_profiles(runner: TalkctlRunner, fake: FakeTalkServer, second: str) -> None:
    """A config with the default profile "work" (alice) and ``second`` (bob), both on fake."""
    runner.config_dir.mkdir(parents=True, exist_ok=True)
    (runner.config_dir / "config.toml").write_text(
        'default = "work"\n'
        f'[profiles.work]\nserver = "{fake.url}"\nuser = "alice"\nstore = "keyring"\n'
        f'[profiles.{second}]\nserver = "{fake.url}"\nuser = "bob"\nstore = "keyring"\n',
        "utf-8",
    )


def completion_env(runner: TalkctlRunner, **overrides: str | None) -> dict[str, str]:
    env = dict(runner.env)
    env["PATH"] = f"{Path(talkctl_executable()).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("TALKCTL_APP_PASSWORD", None)  # a TAB needs no secret
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def bash_complete(words: list[str], env: Mapping[str, str]) -> tuple[list[str], str]:
    """Source completions/talkctl.bash, call its function as bash would; COMPREPLY, stderr."""
    program = (
        f'source "{SCRIPTS / "talkctl.bash"}"\n'
        'COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n'
        '_talkctl_completion talkctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\n'
        "printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program, "bash", *words],
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=30,
    )
    assert done.returncode == 0, done
    return [line for line in done.stdout.splitlines() if line], done.stderr


def tokens_starting(tokens: Iterable[str], prefix: str) -> list[str]:
    """The drawn tokens a TAB rightly offers for ``prefix``, sorted."""
    return sorted(token for token in tokens if token.startswith(prefix))


def test_completion_command_prints_each_committed_script(talkctl_home: Path) -> None:
    runner = TalkctlRunner(talkctl_home)
    for shell, name in (("bash", "talkctl.bash"), ("zsh", "_talkctl"), ("fish", "talkctl.fish")):
        result = runner("completion", shell)
        assert result.code == 0, result
        assert result.stderr == ""
        assert result.stdout == completion_script(shell) + "\n"
        assert result.stdout == (SCRIPTS / name).read_text("utf-8")
        assert "_TALKCTL_COMPLETE=complete_" + shell in result.stdout


def test_completion_of_an_unknown_shell_is_a_usage_error(talkctl_home: Path) -> None:
    result = TalkctlRunner(talkctl_home)("completion", "tcsh")
    assert result.code == 2, result
    assert result.stdout == ""
    assert "tcsh" in result.stderr


def test_bash_completes_commands_of_lazily_loaded_groups(
    seeded: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    _fake, runner = seeded
    env = completion_env(runner)
    top, _ = bash_complete(["talkctl", ""], env)
    assert {"room", "completion"} <= set(top)
    assert bash_complete(["talkctl", "ro"], env)[0] == ["room"]
    verbs, _ = bash_complete(["talkctl", "room", ""], env)
    assert {"list", "show", "create", "rename", "delete", "leave", "notify"} <= set(verbs)
    assert bash_complete(["talkctl", "room", "unf"], env)[0] == ["unfavorite"]
    options, _ = bash_complete(["talkctl", "room", "delete", "--dr"], env)
    assert options == ["--dry-run"]
    shells, _ = bash_complete(["talkctl", "completion", ""], env)
    assert sorted(shells) == ["bash", "fish", "zsh"]


def test_bash_completes_conversation_names_and_tokens_from_the_cache_only(
    seeded: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    fake, runner = seeded
    env = completion_env(runner)
    tokens = {room["token"]: room["name"] for room in fake.rooms_of("alice")}
    before = len(fake.requests)

    names, stderr = bash_complete(["talkctl", "room", "show", "Te"], env)
    # shell-quoted, so a name with a space is inserted as one word
    assert sorted(names) == ["'Tea break'", "'Team chat'"]
    assert stderr == ""
    # a quoted, half-typed word completes too
    assert bash_complete(["talkctl", "room", "delete", "'Team c"], env)[0] == ["'Team chat'"]
    # in double quotes: escaped for inside them (readline keeps the opening quote, closes it)
    assert bash_complete(["talkctl", "room", "delete", '"Team c'], env)[0] == ["Team chat"]
    offered, _ = bash_complete(["talkctl", "room", "show", '"Rel'], env)
    assert offered == ["Release; \\`rm -rf\\` \\$HOME"]
    # the several-CONV commands offer names after the first CONV as well
    token = next(t for t, name in tokens.items() if name == "Team chat")
    offered, _ = bash_complete(["talkctl", "room", "favorite", token, "Rel"], env)
    assert offered == ["'Release; `rm -rf` $HOME'"]
    # tokens complete from their prefix (another drawn token may share it)
    offered, _ = bash_complete(["talkctl", "room", "leave", token[:3]], env)
    assert token in offered
    assert sorted(offered) == tokens_starting(tokens, token[:3])
    everything, _ = bash_complete(["talkctl", "room", "unpublish", ""], env)
    assert set(tokens) <= set(everything)
    assert "'Bob'\\''s private room'" not in everything
    assert all("Bob" not in item for item in everything)
    # global options before the command are understood
    assert bash_complete(["talkctl", "--debug", "room", "show", "Tea"], env)[0] != []

    assert len(fake.requests) == before, "a TAB must never contact the server"


def test_bash_completes_a_name_with_a_bang_in_double_quotes_outside_them(
    seeded: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    """An interactive bash expands ``!time`` inside double quotes ("event not found") and
    keeps the backslash of ``\\!``: the ``!`` goes in single quotes between them."""
    fake, runner = seeded
    fake.add_room("alice", 2, 'Party!time "$x"')
    assert runner("room", "list").code == 0
    offered, _ = bash_complete(["talkctl", "room", "show", '"Party'], completion_env(runner))
    assert offered == ['Party"\'!\'"time \\"\\$x\\"']
    # readline keeps the opening quote and adds the closing one: the shell reads the name
    word = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", f'printf %s "{offered[0]}"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert word.stdout == 'Party!time "$x"'


def test_bash_completes_conv_value_commands(
    seeded: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    """rename, read-only and notify take CONV... VALUE: conversations and the values."""
    fake, runner = seeded
    env = completion_env(runner)
    tokens = [room["token"] for room in fake.rooms_of("alice")]
    before = len(fake.requests)
    assert bash_complete(["talkctl", "room", "rename", "'Tea b"], env)[0] == ["'Tea break'"]
    # the values first, then conversations (another CONV may follow): tokens starting with o
    offered, _ = bash_complete(["talkctl", "room", "read-only", "'Team chat'", "o"], env)
    assert offered[:2] == ["on", "off"]
    assert sorted(offered[2:]) == tokens_starting(tokens, "o")
    offered, _ = bash_complete(["talkctl", "room", "notify", "'Team chat'", "me"], env)
    assert offered[:1] == ["mention"]
    assert sorted(offered[1:]) == tokens_starting(tokens, "me")
    offered, _ = bash_complete(["talkctl", "room", "notify", "Te"], env)
    assert sorted(offered) == ["'Tea break'", "'Team chat'"]
    assert len(fake.requests) == before


def test_bash_completion_uses_the_default_profile_without_its_secret(
    seeded: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    fake, runner = seeded
    two_profiles(runner, fake, "other")
    env = completion_env(runner, TALKCTL_SERVER=None, TALKCTL_USER=None)
    assert bash_complete(["talkctl", "room", "show", "Team"], env)[0] == ["'Team chat'"]
    # bob's cache is empty: --profile and TALKCTL_PROFILE pick his account
    assert bash_complete(["talkctl", "--profile", "other", "room", "show", "Team"], env)[0] == []
    other = completion_env(runner, TALKCTL_SERVER=None, TALKCTL_USER=None, TALKCTL_PROFILE="other")
    assert bash_complete(["talkctl", "room", "show", "Team"], other)[0] == []


def test_bash_completion_without_cache_or_with_a_corrupt_config_offers_nothing_quietly(
    talkctl_home: Path,
) -> None:
    runner = TalkctlRunner(talkctl_home)
    env = completion_env(runner)
    assert bash_complete(["talkctl", "room", "show", ""], env) == ([], "")
    runner.config_dir.mkdir(parents=True)
    (runner.config_dir / "config.toml").write_text("default = [broken\n", "utf-8")
    assert bash_complete(["talkctl", "room", "show", ""], env) == ([], "")


TAB_PROBE = """
import atexit, socket, sys

def refuse(*args, **kwargs):
    raise AssertionError("a TAB opened a network connection")

socket.socket.connect = refuse
socket.create_connection = refuse

def report():
    heavy = sorted({m.split(".")[0] for m in sys.modules} & {"requests", "urllib3", "keyring"})
    sys.stderr.write("IMPORTED:" + ",".join(heavy) + "\\n")

atexit.register(report)
sys.argv = ["talkctl"]
from talkctl.__main__ import main
main()
"""


def test_tab_callback_imports_neither_requests_nor_keyring(
    seeded: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    _fake, runner = seeded
    for words, cword in ((["talkctl", "room", "show", "Te"], 3), (["talkctl", ""], 1)):
        env = completion_env(
            runner,
            _TALKCTL_COMPLETE="complete_bash",
            COMP_WORDS=" ".join(words),
            COMP_CWORD=str(cword),
        )
        done = subprocess.run(
            [sys.executable, "-c", TAB_PROBE], capture_output=True, text=True, env=env, timeout=30
        )
        assert done.returncode == 0, done
        assert "IMPORTED:\n" in done.stderr, done.stderr
        assert done.stdout.strip(), "the probe must have completed something"


VERB_PROBE = TAB_PROBE.replace(
    'heavy = sorted({m.split(".")[0] for m in sys.modules} & {"requests", "urllib3", "keyring"})',
    'heavy = sorted(m for m in sys.modules if m.startswith("talkctl.cli.room."))',
)


def test_tab_after_a_group_imports_no_verb_module(
    seeded: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    """The verbs a table makes (``room read-only`` ...) are offered with their help read from
    the table: the TAB builds no verb, so it imports none of the verb modules."""
    _fake, runner = seeded
    env = completion_env(
        runner, _TALKCTL_COMPLETE="complete_bash", COMP_WORDS="talkctl room ", COMP_CWORD="2"
    )
    done = subprocess.run(
        [sys.executable, "-c", VERB_PROBE], capture_output=True, text=True, env=env, timeout=30
    )
    assert done.returncode == 0, done
    offered = done.stdout.split()
    assert "list" in offered and "read-only" in offered and "mention-permissions" in offered
    assert "IMPORTED:\n" in done.stderr, done.stderr


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_completes_conversations(seeded: tuple[FakeTalkServer, TalkctlRunner]) -> None:
    _fake, runner = seeded
    program = (
        "compdef() { :; }\n"
        '_arguments() { print -rl -- "$@"; }\n'
        "_files() { print -r -- FILES; }\n"
        f'source "{SCRIPTS / "_talkctl"}"\n'
        "words=(talkctl room show Team); CURRENT=4\n"
        "_talkctl_completion\n"
    )
    done = subprocess.run(
        ["zsh", "-f", "-c", program], capture_output=True, text=True, env=completion_env(runner)
    )
    assert done.returncode == 0, done
    assert '"Team chat"' in done.stdout, done.stdout
    assert "Tea break" not in done.stdout


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_script_completes_conversations(seeded: tuple[FakeTalkServer, TalkctlRunner]) -> None:
    _fake, runner = seeded
    program = f'source "{SCRIPTS / "talkctl.fish"}"; complete -C "talkctl room show Te"'
    env = completion_env(runner, XDG_CONFIG_HOME=str(runner.home / "fish-config"))
    done = subprocess.run(
        ["fish", "--no-config", "-c", program], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done
    values = sorted(line.split("\t")[0] for line in done.stdout.splitlines())
    assert values == ["Tea break", "Team chat"], done.stdout


def test_bash_completes_option_values_from_the_command_tree(
    seeded: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    fake, runner = seeded
    env = completion_env(runner)
    before = len(fake.requests)
    assert bash_complete(["talkctl", "room", "list", "--format", "j"], env)[0] == [
        "json",
        "jsonl",
    ]
    assert bash_complete(["talkctl", "room", "list", "--sort", ""], env)[0] == [
        "activity",
        "name",
    ]
    assert bash_complete(["talkctl", "room", "list", "--type", "one"], env)[0] == ["one-to-one"]
    notify, _ = bash_complete(["talkctl", "room", "ensure", "X", "--notify", "m"], env)
    assert notify == ["mention"]
    assert bash_complete(["talkctl", "room", "create", "--type", "pu"], env)[0] == ["public"]
    assert bash_complete(["talkctl", "room", "browse", "--format", "cs"], env)[0] == ["csv"]
    assert len(fake.requests) == before  # a TAB never asks the server


def test_bash_completes_profiles_from_the_config(
    seeded: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    fake, runner = seeded
    two_profiles(runner, fake, "home")
    env = completion_env(runner)
    assert bash_complete(["talkctl", "--profile", ""], env)[0] == ["home", "work"]
    assert bash_complete(["talkctl", "auth", "switch", "h"], env)[0] == ["home"]
    assert bash_complete(["talkctl", "auth", "logout", "--profile", "w"], env)[0] == ["work"]


def test_a_name_with_a_newline_completes_as_one_word_on_one_line(
    talk_server: FakeTalkServer, talkctl_home: Path
) -> None:
    """Others type names: a newline in one must not split bash's list of offers (one offer a
    line) nor the word; bash's $'...' gives back the exact name. Inside double quotes a
    newline cannot be typed: such a name is not offered there."""
    talk_server.add_room("alice", 2, "Line\nbreak")
    runner = TalkctlRunner(
        talkctl_home,
        server=talk_server.url,
        user="alice",
        app_password=talk_server.new_app_password("alice"),
    )
    assert runner("room", "list", "--json").code == 0
    env = completion_env(runner)
    assert bash_complete(["talkctl", "room", "show", "Li"], env)[0] == ["$'Line\\nbreak'"]
    assert bash_complete(["talkctl", "room", "show", '"Li'], env)[0] == []
    echoed = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", "printf '%s' $'Line\\nbreak'"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert echoed.stdout == "Line\nbreak"  # the offer, as bash reads it, is the exact name
