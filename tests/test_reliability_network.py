"""No HTTP answer at all: connection refused, unknown host, TLS verification, CA bundles."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirunner import TalkctlRunner
from reliability_support import FAST_BACKOFF, Account, make_account, one_error
from tls_helper import Certificate, self_signed

from talkctl.sandbox import FakeTalkServer


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port that refuses connections for the whole test: bound but not listening, so no
    other process (another xdist worker, another test run) can take it meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def runner_for(server: str, home: Path) -> TalkctlRunner:
    return TalkctlRunner(
        home,
        server=server,
        user="alice",
        app_password="not-used-anyway",
        extra_env={"TALKCTL_RETRY_BACKOFF": FAST_BACKOFF},
    )


def test_connection_refused(talkctl_home: Path, refused_port: int) -> None:
    url = f"http://127.0.0.1:{refused_port}"
    result = runner_for(url, talkctl_home)("room", "list")
    assert result.code == 7
    line = one_error(result)
    assert "connection refused" in line and url in line
    assert "not-used-anyway" not in result.stderr


def test_unknown_host(talkctl_home: Path) -> None:
    result = runner_for("https://no-such-host.invalid", talkctl_home)("room", "list")
    assert result.code == 7
    assert "cannot resolve host no-such-host.invalid" in one_error(result)


def test_server_url_with_a_password_in_it_is_refused_and_never_shown(
    talkctl_home: Path, refused_port: int
) -> None:
    url = f"http://bob:Url-Pa55word@127.0.0.1:{refused_port}"
    result = runner_for(url, talkctl_home)("--debug", "room", "list")
    assert result.code == 2
    assert "login or password" in one_error(result)
    assert "Url-Pa55word" not in result.stderr + result.stdout


# -- TLS ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_account(certificate: Certificate, talkctl_home: Path) -> Iterator[Account]:
    srv = FakeTalkServer(talk="22", tls=certificate.server_context()).start()
    try:
        account = make_account(srv, talkctl_home)
        account.room("Secure")
        yield account
    finally:
        srv.stop()


def test_self_signed_certificate_fails_verification(tls_account: Account) -> None:
    assert tls_account.srv.url.startswith("https://")
    result = tls_account("room", "list")
    assert result.code == 7
    line = one_error(result)
    assert "TLS failure" in line and "certificate verify failed" in line
    assert "--ca-bundle" in line
    assert tls_account.srv.requests == []  # nothing got past the handshake, nothing retried


def test_ca_bundle_option_trusts_the_certificate(
    tls_account: Account, certificate: Certificate
) -> None:
    result = tls_account("--ca-bundle", str(certificate.cert), "room", "list")
    assert result.code == 0, result
    assert "Secure" in result.stdout
    assert "warning" not in result.stderr


@pytest.mark.parametrize("variable", ["TALKCTL_CA_BUNDLE", "REQUESTS_CA_BUNDLE"])
def test_ca_bundle_from_the_environment(
    tls_account: Account, certificate: Certificate, variable: str
) -> None:
    result = tls_account("room", "list", env={variable: str(certificate.cert)})
    assert result.code == 0, result
    assert "Secure" in result.stdout


def test_missing_ca_bundle_file_is_a_usage_error(tls_account: Account, tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    result = tls_account("--ca-bundle", str(missing), "room", "list")
    assert result.code == 2
    assert str(missing) in one_error(result)


def test_insecure_works_and_warns_on_every_run(tls_account: Account) -> None:
    for _ in range(2):
        result = tls_account("--insecure", "room", "list")
        assert result.code == 0, result
        assert "Secure" in result.stdout
        assert "--insecure: TLS certificates are not verified" in result.stderr
    result = tls_account("room", "list", env={"TALKCTL_INSECURE": "1"})
    assert result.code == 0
    assert "not verified" in result.stderr
    # never stored: the next run without the flag verifies again
    assert tls_account("room", "list").code == 7
