"""Hostile or broken server answers (issue 12, "Server answers"; issue 13 item 9).

A body past the size limit (also a gzip bomb), a server that trickles its headers or body,
NaN in JSON, unreadable Retry-After values, bad login poll endpoints, an answer of the wrong
shape, a redirect without Location, bad --timeout values, TLS spoken to a plain-http server.
Each ends in one line and a non-zero documented exit code, never a traceback, never an empty
list with exit 0.
"""

from __future__ import annotations

import gzip
import json
import math
import socket
import threading
import time
from pathlib import Path

import pytest
from clirunner import TalkctlRunner
from reliability_support import FAST_BACKOFF, SPREED, Account, one_error, warm_account

from talkctl.sandbox import FakeTalkServer

LIST = rf"{SPREED}/room$"


@pytest.fixture
def acct(fake_talk: FakeTalkServer, talkctl_home: Path) -> Account:
    return warm_account(fake_talk, talkctl_home)


def ocs(data: object, status: int = 200) -> dict[str, object]:
    return {"ocs": {"meta": {"status": "ok", "statuscode": status, "message": "OK"}, "data": data}}


# -- the size of an answer -----------------------------------------------------------------
def test_a_body_past_the_limit_is_one_line_and_exit_1(acct: Account) -> None:
    big = ocs([{"token": f"t{i}", "name": "x" * 200} for i in range(2000)])  # ~500 KB
    acct.srv.inject("GET", "/room?", body=big)
    result = acct("--max-response-size", "100K", "room", "list")
    assert result.code == 1, result
    line = one_error(result)
    assert "larger than 100K" in line and "--max-response-size" in line
    assert result.stdout == ""
    assert len(acct.requests("GET", LIST)) == 1  # exit 1: nothing to retry


def test_a_gzip_bomb_is_cut_off_after_decompression(acct: Account) -> None:
    inflated = b'{"ocs":{"meta":{},"data":[' + b" " * (40 * 1024 * 1024) + b"]}}"
    bomb = gzip.compress(inflated, compresslevel=9)
    assert len(bomb) < 100 * 1024  # small on the wire, under the limit before decompression
    acct.srv.inject(
        "GET",
        "/room?",
        status=200,
        body=bomb,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    result = acct("room", "list", env={"TALKCTL_MAX_RESPONSE_SIZE": "1M"})
    assert result.code == 1, result
    assert "larger than 1M" in one_error(result)


def test_the_default_limit_and_a_raised_one_read_normal_answers(acct: Account) -> None:
    assert acct("room", "list").code == 0
    assert acct("--max-response-size", "2G", "room", "list").code == 0


@pytest.mark.parametrize("value", ["lots", "1T", "-5", "10"])
def test_a_bad_size_is_a_usage_error(acct: Account, value: str) -> None:
    result = acct("--max-response-size", value, "room", "list")
    assert result.code == 2, result
    assert "Traceback" not in result.stderr and "--max-response-size" in result.stderr
    assert acct.srv.requests == []


# -- --timeout bounds a request as a whole --------------------------------------------------
class Trickler:
    """A server on 127.0.0.1 that answers every connection slowly, one byte every 0.5 s, for
    at most ``seconds``: a complete status line then its headers (``slow_headers``), or
    complete headers then the body. It stops by itself."""

    def __init__(self, *, slow_headers: bool, seconds: float = 60.0) -> None:
        self.slow_headers = slow_headers
        self.seconds = seconds
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        end = time.monotonic() + self.seconds
        while not self.stop.is_set() and time.monotonic() < end:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn, end), daemon=True).start()

    def _answer(self, conn: socket.socket, end: float) -> None:
        with conn:
            try:
                conn.recv(65536)
                if self.slow_headers:
                    conn.sendall(b"HTTP/1.1 200 OK\r\n")
                    drip = b"X-Slow: " + b"a" * 200
                else:
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 200\r\n\r\n"
                    )
                    drip = b" " * 200
                for byte in drip:
                    if self.stop.is_set() or time.monotonic() > end:
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(0.5)
            except OSError:
                return  # the client hung up

    def __enter__(self) -> Trickler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.mark.parametrize(
    ("slow_headers", "proxy"),
    [(False, False), (True, False), (False, True)],
    ids=["slow-body", "slow-headers", "slow-proxy"],
)
def test_timeout_bounds_a_trickling_answer(
    talkctl_home: Path, slow_headers: bool, proxy: bool
) -> None:
    with Trickler(slow_headers=slow_headers) as server:
        # through a proxy: the trickler is the proxy, the server name is never resolved
        url = "http://talk.invalid" if proxy else server.url
        run = TalkctlRunner(talkctl_home, server=url, user="alice", app_password="pw")
        env = {"HTTP_PROXY": server.url, "NO_PROXY": None, "no_proxy": None} if proxy else {}
        started = time.monotonic()
        result = run("--timeout", "2", "--retries", "0", "room", "list", timeout=50, env=env)
        elapsed = time.monotonic() - started
    assert result.code == 7, result
    assert "within 2 s" in one_error(result)
    # the trickle would last 60 s (100 s for the headers); 2 s and start-up, with a margin
    # for a loaded machine, is far below that
    assert elapsed < 30, elapsed


@pytest.mark.parametrize("value", ["inf", "1e308", "nan", "-1", "0"])
def test_a_timeout_that_is_no_number_of_seconds_is_exit_2(talkctl_home: Path, value: str) -> None:
    run = TalkctlRunner(talkctl_home, server="http://127.0.0.1:9", user="a", app_password="pw")
    for result in (
        run("--timeout", value, "room", "list"),
        run("room", "list", env={"TALKCTL_TIMEOUT": value}),
    ):
        assert result.code == 2, result
        assert "Traceback" not in result.stderr and "OverflowError" not in result.stderr
        assert [line for line in result.stderr.splitlines() if "--timeout" in line]


# -- values the JSON writer cannot write as they are -------------------------------------------
def test_nan_and_infinity_from_the_server_stay_valid_json(acct: Account) -> None:
    listing = json.loads(acct("room", "list", "--json").stdout)
    room = dict(listing[0], nanField=math.nan, infField=math.inf, minusInf=-math.inf)
    body = json.dumps(ocs([room]))  # Python writes NaN / Infinity, as a broken server would
    assert "NaN" in body
    for fmt in ("json", "jsonl"):
        acct.srv.inject("GET", "/room?", status=200, body=body.encode(), headers=JSON)
        result = acct("room", "list", "--format", fmt)
        assert result.code == 0, result

        def refuse(constant: str) -> None:
            raise AssertionError(f"{constant} in the output")

        first = result.stdout.splitlines()[0] if fmt == "jsonl" else result.stdout
        parsed = json.loads(first, parse_constant=refuse)
        item = parsed if fmt == "jsonl" else parsed[0]
        assert item["nanField"] is None and item["infField"] is None
        assert item["token"] == room["token"]


JSON = {"Content-Type": "application/json; charset=utf-8"}


# -- Retry-After values that are no number ----------------------------------------------------
@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_an_unreadable_retry_after_is_treated_as_absent(acct: Account, value: str) -> None:
    acct.srv.inject("GET", "/room?", status=429, body=ocs([], 429), headers={"Retry-After": value})
    throttled = acct("room", "list")
    assert throttled.code == 7, throttled
    assert "brute-force" in one_error(throttled)  # a 429 without a usable Retry-After
    assert len(acct.requests("GET", LIST)) == 1
    acct.srv.inject("GET", "/room?", status=503, body=ocs([], 503), headers={"Retry-After": value})
    retried = acct("room", "list")
    assert retried.code == 0, retried  # a 503 is retried after the usual backoff
    assert "Team" in retried.stdout


# -- the login flow's poll endpoint -----------------------------------------------------------
@pytest.mark.parametrize(
    "endpoint", ["http://[::1/index.php/login/v2/poll", "http://127.0.0.1:99999/poll"]
)
def test_a_malformed_poll_endpoint_is_exit_4(
    fake_talk: FakeTalkServer, talkctl_home: Path, endpoint: str
) -> None:
    answer = {
        "poll": {"token": "t" * 20, "endpoint": endpoint},
        "login": f"{fake_talk.url}/index.php/login/v2/flow/abc",
    }
    fake_talk.inject("POST", "/index.php/login/v2", status=200, body=answer)
    result = TalkctlRunner(talkctl_home)("auth", "login", fake_talk.url, "--store", "file")
    assert result.code == 4, result
    assert "invalid poll endpoint" in one_error(result)
    assert fake_talk.count("POST", "/login/v2/poll") == 0


# -- answers of the wrong shape ----------------------------------------------------------------
@pytest.mark.parametrize("data", [None, {}, {"token": "x"}, "rooms", 0])
def test_a_listing_that_is_no_list_is_an_error_not_an_empty_list(
    acct: Account, data: object
) -> None:
    acct.srv.inject("GET", "/room?", status=200, body=ocs(data))
    result = acct("room", "list", "--json")
    assert result.code == 1, result
    assert "where a list was expected" in one_error(result)
    assert result.stdout == ""


@pytest.mark.parametrize("data", [None, {"actorId": "bob"}])
def test_a_participant_listing_that_is_no_list_is_an_error(acct: Account, data: object) -> None:
    token = acct.room("Members")
    acct.srv.inject("GET", f"/room/{token}/participants", status=200, body=ocs(data))
    result = acct("participant", "list", token, "--json")
    assert result.code == 1, result
    assert "where a list was expected" in one_error(result)
    assert result.stdout == ""


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_without_location_is_an_error(acct: Account, status: int) -> None:
    acct.srv.inject("GET", "/room?", status=status, body=ocs([]))
    result = acct("room", "list", "--json")
    assert result.code == 1, result
    assert f"HTTP {status}" in one_error(result) and "without saying where" in result.stderr
    assert result.stdout == ""


# -- https spoken to a plain-http server (issue 13 item 9) ------------------------------------
def test_tls_to_a_plain_http_server_suggests_http(
    fake_talk: FakeTalkServer, talkctl_home: Path
) -> None:
    address = fake_talk.url.removeprefix("http://")
    run = TalkctlRunner(talkctl_home, extra_env={"TALKCTL_RETRY_BACKOFF": FAST_BACKOFF})
    result = run("auth", "login", address, "--store", "file")  # https:// is assumed
    assert result.code == 7, result
    line = one_error(result)
    assert "TLS failure" in line and f"use http://{address}" in line
