"""The performance contract, without timing anything (speed is measured in benchmarks/).

- Cold start: a command imports only what it needs. ``--version`` and ``--help`` import
  neither requests nor keyring nor rich; ``room list`` imports no other verb's module;
  rich only renders for a terminal; keyring only when the secret comes from it.
- Requests, counted in the fake server's log: one per single-conversation command with a
  cached token on Talk 21+, two with a name; capabilities come from the cache, fetched
  again once after a changed X-Nextcloud-Talk-Hash or after a day; ``room list`` asks for
  ``lastMessage`` only when it prints it.
- Bulk: ``--jobs N`` runs over one session whose pool holds N connections.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from clirunner import TalkctlRunner
from keyring_memory import subprocess_env

from talkctl.accounts.cache import account_key
from talkctl.cli.lazy import LAZY_GROUPS
from talkctl.sandbox import FakeTalkServer, RequestRecord
from talkctl.settings import FAVORITE

HEAVY = ("requests", "urllib3", "keyring", "rich", "pydantic")
CAPABILITIES = "/ocs/v2.php/cloud/capabilities"
SPREED = "/ocs/v2.php/apps/spreed/api/v4"

# Runs talkctl's entry point in-process, then reports which modules were imported.
HARNESS = """
import json, os, sys
sys.argv = ["talkctl", *json.loads(os.environ["PERF_ARGV"])]
from talkctl.__main__ import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
with open(os.environ["PERF_MODULES_OUT"], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


class Imports:
    """What one talkctl run imported (``python -c HARNESS``, same env as TalkctlRunner)."""

    def __init__(self, runner: TalkctlRunner, tmp_path: Path) -> None:
        self.runner = runner
        self.out = tmp_path / "modules.json"

    def __call__(self, *args: str, tty: bool = False, stdin: str = "", code: int = 0) -> set[str]:
        env = dict(self.runner.env, PERF_ARGV=json.dumps(args), PERF_MODULES_OUT=str(self.out))
        if tty:
            main_fd, terminal_fd = pty.openpty()
            try:
                process = subprocess.Popen(
                    [sys.executable, "-c", HARNESS],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=terminal_fd,
                    stderr=subprocess.PIPE,
                )
                os.close(terminal_fd)
                while True:  # drain the terminal so the child never blocks on it
                    try:
                        if not os.read(main_fd, 65536):
                            break
                    except OSError:
                        break
                process.wait(timeout=60)
                assert process.stderr is not None
                stderr = process.stderr.read().decode()
                process.stderr.close()
            finally:
                os.close(main_fd)
        else:
            completed = subprocess.run(
                [sys.executable, "-c", HARNESS],
                env=env,
                input=stdin,
                capture_output=True,
                text=True,
                timeout=60,
            )
            stderr = completed.stderr
        report = json.loads(self.out.read_text())
        assert report["code"] == code, f"talkctl {' '.join(args)} exited {report['code']}: {stderr}"
        return set(report["modules"])


def heavy(modules: set[str]) -> set[str]:
    """The heavy libraries (top-level names) among ``modules``."""
    return {name.split(".")[0] for name in modules} & set(HEAVY)


@pytest.fixture
def srv(fake_talk: FakeTalkServer) -> FakeTalkServer:
    fake_talk.seed_rooms("admin", 3)
    return fake_talk


@pytest.fixture
def run(srv: FakeTalkServer, talkctl_home: Path) -> TalkctlRunner:
    return TalkctlRunner(
        talkctl_home, server=srv.url, user="admin", app_password=srv.new_app_password("admin")
    )


@pytest.fixture
def imports(run: TalkctlRunner, tmp_path: Path) -> Imports:
    return Imports(run, tmp_path)


def tokens(srv: FakeTalkServer) -> list[str]:
    return [room["token"] for room in sorted(srv.rooms_of("admin"), key=lambda r: r["name"])]


# --- cold start: what gets imported ------------------------------------------------------------


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["room", "--help"]])
def test_version_and_help_import_no_http_keyring_or_rich(imports: Imports, args: list[str]) -> None:
    assert heavy(imports(*args)) == set()


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_import_no_command_module(imports: Imports, args: list[str]) -> None:
    modules = imports(*args)
    assert not any(name.startswith(("talkctl.cli.room", "talkctl.api")) for name in modules)
    # nor any other group's package (the summaries are read from their source), nor the
    # fake server behind `sandbox`: that alone once doubled the time of --help
    groups = {target.split(":")[0] for target in LAZY_GROUPS.values()}
    assert "talkctl.cli.sandbox" in groups
    assert modules & groups == set()
    assert not any(name.startswith("talkctl.sandbox") for name in modules)


def test_room_list_imports_its_own_verb_module_only(imports: Imports) -> None:
    modules = imports("room", "list", "--json")
    assert "requests" in modules  # it did send its request
    assert "talkctl.cli.room.listing" in modules
    others = {"talkctl.cli.room.change", "talkctl.cli.room.create", "talkctl.cli.room.remove"}
    assert modules & others == set()
    assert heavy(modules) - {"requests", "urllib3"} == set()


@pytest.mark.parametrize(
    "args",
    [
        ["room", "list"],
        ["room", "list", "--format", "csv"],
        ["room", "show", "{token}"],
        ["room", "rename", "{token}", "Renamed"],
        ["room", "favorite", "{token}"],
    ],
)
def test_commands_on_a_pipe_import_neither_rich_nor_keyring(
    imports: Imports, srv: FakeTalkServer, args: list[str]
) -> None:
    token = tokens(srv)[0]
    modules = imports(*[arg.format(token=token) for arg in args])
    assert "rich" not in modules and "keyring" not in modules


def test_room_list_does_not_import_the_settings_table(
    imports: Imports, srv: FakeTalkServer
) -> None:
    # the settings' verbs, show rows and values are looked up when a command needs them
    assert not any(name.startswith("talkctl.settings") for name in imports("room", "list"))
    assert "talkctl.settings" in imports("room", "show", tokens(srv)[0])  # the control


def test_input_rejected_before_any_request_imports_no_http(imports: Imports) -> None:
    modules = imports("room", "notify", "sometoken", "sometimes", code=2)
    assert heavy(modules) == set()


def test_a_table_on_a_terminal_does_import_rich(imports: Imports) -> None:
    # the control for the test above: the harness does see rich when it is used
    assert "rich" in imports("room", "list", tty=True)


def _login(srv: FakeTalkServer, home: Path, store: str) -> TalkctlRunner:
    runner = TalkctlRunner(home, extra_env=subprocess_env(home))
    result = runner(
        "auth", "login", srv.url, "--user", "admin", "--app-password-stdin", "--store", store,
        input=srv.new_app_password("admin") + "\n",
    )  # fmt: skip
    assert result.code == 0, result
    return runner


def test_a_secret_from_a_file_imports_no_keyring(
    srv: FakeTalkServer, talkctl_home: Path, tmp_path: Path
) -> None:
    runner = _login(srv, talkctl_home, "file")
    modules = Imports(runner, tmp_path)("room", "list", "--json")
    assert "requests" in modules
    assert "keyring" not in modules


def test_a_secret_from_the_keyring_does_import_keyring(
    srv: FakeTalkServer, talkctl_home: Path, tmp_path: Path
) -> None:
    runner = _login(srv, talkctl_home, "keyring")
    assert "keyring" in Imports(runner, tmp_path)("room", "list", "--json")


# --- requests per command ----------------------------------------------------------------------


def sent(srv: FakeTalkServer, action: Callable[[], object]) -> list[RequestRecord]:
    srv.clear_log()
    action()
    return list(srv.requests)


def described(records: list[RequestRecord]) -> list[str]:
    return [f"{r.method} {r.path.replace(SPREED, '')}" for r in records]


def ok(run: TalkctlRunner, *args: str) -> Callable[[], None]:
    def action() -> None:
        result = run(*args, input="")
        assert result.code == 0, result

    return action


@pytest.fixture(params=["21", "22"])
def modern(request: pytest.FixtureRequest, fake_talk_factory: Callable[..., FakeTalkServer],
           talkctl_home: Path) -> Iterator[tuple[FakeTalkServer, TalkctlRunner]]:  # fmt: skip
    srv = fake_talk_factory(talk=request.param)
    srv.seed_rooms("admin", 3)
    runner = TalkctlRunner(
        talkctl_home, server=srv.url, user="admin", app_password=srv.new_app_password("admin")
    )
    yield srv, runner


def test_capabilities_are_fetched_once_then_come_from_the_cache(
    srv: FakeTalkServer, run: TalkctlRunner
) -> None:
    first = sent(srv, ok(run, "room", "list", "--json"))
    assert described(first) == [f"GET {CAPABILITIES}", "GET /room"]
    token = tokens(srv)[0]
    later = sent(srv, ok(run, "room", "list", "--json"))
    later += sent(srv, ok(run, "room", "show", token, "--json"))
    assert described(later) == ["GET /room", f"GET /room/{token}"]


@pytest.mark.parametrize(
    ("args", "request_line"),
    [
        (["room", "show", "{token}", "--json"], "GET /room/{token}"),
        (["room", "rename", "{token}", "New name", "--json"], "PUT /room/{token}"),
        (["room", "favorite", "{token}", "--json"], "POST /room/{token}/favorite"),
        (["room", "unfavorite", "{token}"], "DELETE /room/{token}/favorite"),
        (["room", "notify", "{token}", "mention", "--json"], "POST /room/{token}/notify"),
        (["room", "read-only", "{token}", "on", "--json"], "PUT /room/{token}/read-only"),
        (["room", "publish", "{token}", "--json"], "POST /room/{token}/public"),
        (["room", "delete", "{token}", "--yes"], "DELETE /room/{token}"),
    ],
)
def test_one_request_per_command_with_a_cached_token(
    modern: tuple[FakeTalkServer, TalkctlRunner], args: list[str], request_line: str
) -> None:
    srv, run = modern
    ok(run, "room", "list")()  # caches the capabilities and the tokens
    token = tokens(srv)[0]
    records = sent(srv, ok(run, *[arg.format(token=token) for arg in args]))
    assert described(records) == [request_line.format(token=token)]


def test_a_name_costs_two_requests_list_and_change(
    modern: tuple[FakeTalkServer, TalkctlRunner],
) -> None:
    srv, run = modern
    ok(run, "room", "list")()
    token = tokens(srv)[1]
    name = srv.room(token)["name"]
    records = sent(srv, ok(run, "room", "rename", name, "Renamed", "--json"))
    assert described(records) == ["GET /room", f"PUT /room/{token}"]
    assert records[0].query.get("includeLastMessage") == "0"


def test_a_changed_talk_hash_refreshes_the_capabilities_once(
    srv: FakeTalkServer, run: TalkctlRunner
) -> None:
    ok(run, "room", "list")()
    token = tokens(srv)[0]
    srv.bump_talk_hash()
    seeing = sent(srv, ok(run, "room", "show", token))
    after = sent(srv, ok(run, "room", "show", token))
    steady = sent(srv, ok(run, "room", "show", token))
    assert described(seeing) == [f"GET /room/{token}"]
    assert described(after) == [f"GET {CAPABILITIES}", f"GET /room/{token}"]
    assert described(steady) == [f"GET /room/{token}"]


def test_capabilities_older_than_a_day_are_fetched_again(
    srv: FakeTalkServer, run: TalkctlRunner
) -> None:
    ok(run, "room", "list")()
    cached = run.cache_dir / account_key(srv.url, "admin") / "capabilities.json"
    data = json.loads(cached.read_text())
    data["fetched_at"] -= 25 * 3600
    cached.write_text(json.dumps(data))
    records = sent(srv, ok(run, "room", "list"))
    assert described(records) == [f"GET {CAPABILITIES}", "GET /room"]
    assert described(sent(srv, ok(run, "room", "list"))) == ["GET /room"]


@pytest.mark.parametrize(
    ("args", "asks_for_last_message"),
    [
        (["room", "list"], False),
        (["room", "list", "--format", "csv"], False),
        (["room", "list", "--json", "--fields", "token,name"], False),
        (["room", "list", "--json"], True),
        (["room", "list", "--format", "jsonl"], True),
        (["room", "list", "--json", "--fields", "token,lastMessage"], True),
        (["room", "list", "--format", "tsv", "--fields", "token,lastMessage"], True),
    ],
)
def test_room_list_asks_for_last_message_only_when_it_prints_it(
    srv: FakeTalkServer, run: TalkctlRunner, args: list[str], asks_for_last_message: bool
) -> None:
    ok(run, "room", "list")()
    records = sent(srv, ok(run, *args))
    assert described(records) == ["GET /room"]
    query = records[0].query
    assert query.get("noStatusUpdate") == "1"
    assert ("includeLastMessage" not in query) is asks_for_last_message
    if not asks_for_last_message:
        assert query["includeLastMessage"] == "0"


def test_a_printed_last_message_is_really_there(srv: FakeTalkServer, run: TalkctlRunner) -> None:
    result = run("room", "list", "--format", "tsv", "--fields", "token,lastMessage")
    assert result.code == 0, result
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == 3 and all(json.loads(row[1])["message"] for row in rows)


# --- bulk: one pooled session ------------------------------------------------------------------


def count_connections(srv: FakeTalkServer) -> list[object]:
    """Record every TCP connection the fake server accepts from now on."""
    httpd = srv._httpd
    assert httpd is not None
    accepted: list[object] = []
    original = httpd.process_request

    def process_request(request: object, client_address: object) -> None:
        accepted.append(client_address)
        original(request, client_address)  # type: ignore[arg-type]

    httpd.process_request = process_request  # type: ignore[method-assign]
    return accepted


@pytest.mark.parametrize("jobs", [1, 8, 32])
def test_jobs_share_one_session_and_reuse_its_connections(
    fake_talk: FakeTalkServer, talkctl_home: Path, jobs: int
) -> None:
    all_tokens = fake_talk.seed_rooms("admin", 64)
    run = TalkctlRunner(talkctl_home, server=fake_talk.url, user="admin",
                        app_password=fake_talk.new_app_password("admin"))  # fmt: skip
    ok(run, "room", "list")()
    fake_talk.latency = 0.02  # keeps all the jobs busy at once
    connections = count_connections(fake_talk)
    fake_talk.clear_log()
    result = run("room", "favorite", "--stdin", "--jobs", str(jobs), "--json",
                 input="\n".join(all_tokens) + "\n")  # fmt: skip
    assert result.code == 0, result
    assert "pool is full" not in result.stderr  # urllib3: more jobs than pooled connections
    assert len(fake_talk.requests) == 1 + len(all_tokens)  # one listing resolves them all
    assert len(connections) <= jobs
    cookies = {r.headers.get("Cookie") for r in fake_talk.changing_requests()}
    assert len(cookies) == 1 and None not in cookies  # one session: the listing's cookie


def test_the_session_pool_holds_a_connection_for_each_of_the_most_jobs(
    fake_talk: FakeTalkServer, tmp_path: Path
) -> None:
    import io
    import typing
    from concurrent.futures import ThreadPoolExecutor

    from talkctl.cli.context import Environment, Factory, GlobalOptions
    from talkctl.cli.options import JobsOption

    most_jobs = typing.get_args(JobsOption)[1].max
    room_tokens = fake_talk.seed_rooms("admin", 2 * most_jobs)
    environment = Environment(
        stdout=io.StringIO(), stderr=io.StringIO(), stdin=io.StringIO(),
        env={"TALKCTL_APP_PASSWORD": fake_talk.new_app_password("admin")},
        config_dir=tmp_path / "config", cache_dir=tmp_path / "cache",
    )  # fmt: skip
    factory = Factory(GlobalOptions(server=fake_talk.url, user="admin"), environment)
    assert factory.client.capabilities.api_version == 4  # fetched before the threads start
    fake_talk.latency = 0.05  # every thread holds its connection at the same time
    connections = count_connections(fake_talk)
    api = factory.conversations
    with ThreadPoolExecutor(most_jobs) as pool:
        for wave in (room_tokens[:most_jobs], room_tokens[most_jobs:]):
            list(pool.map(lambda token: FAVORITE.send(api, token, True), wave))
    # between the waves every connection is idle: a pool smaller than the jobs drops some,
    # and the second wave opens new ones
    assert len(fake_talk.requests) == 1 + len(room_tokens)
    assert len(connections) <= most_jobs
