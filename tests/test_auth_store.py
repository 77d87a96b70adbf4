"""Secret stores (keyring selection, owner-only files), the config file and profile naming."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring_memory import KEYRING_FILE_ENV, MemoryKeyring
from keyrings.alt.file import PlaintextKeyring

from talkctl.accounts import secrets
from talkctl.accounts.config import Config, Profile, load_config
from talkctl.accounts.saving import profile_name_for
from talkctl.errors import ConfigError, CredentialsError, UsageError

SERVER = "https://cloud.example.com"
ALICE = secrets.keyring_username(SERVER, "alice")


@pytest.fixture
def memory_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.setenv(KEYRING_FILE_ENV, str(tmp_path / "keyring.json"))
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def use_backend(backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)


# --- keyring selection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (fail.Keyring(), "no keyring backend"),
        (null.Keyring(), "disabled"),
        (PlaintextKeyring(), "PlaintextKeyring"),
    ],
)
def test_insecure_backends_are_refused_naming_alternatives(
    memory_keyring: MemoryKeyring, backend: KeyringBackend, words: str
) -> None:
    use_backend(backend)
    with pytest.raises(CredentialsError) as caught:
        secrets.keyring_set(ALICE, "s3cret")
    message = str(caught.value)
    assert words in message
    for alternative in ("TALKCTL_APP_PASSWORD", "TALKCTL_APP_PASSWORD_FILE", "--store file"):
        assert alternative in message
    with pytest.raises(CredentialsError):
        secrets.keyring_get(ALICE)


def test_secure_backend_stores_reads_and_deletes(memory_keyring: MemoryKeyring) -> None:
    secrets.keyring_set(ALICE, "s3cret")
    assert secrets.keyring_get(ALICE) == "s3cret"
    assert secrets.keyring_delete(ALICE) is True
    assert secrets.keyring_delete(ALICE) is False
    assert secrets.keyring_get(ALICE) is None


def test_empty_chainer_counts_as_no_keyring(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ChainerBackend, "backends", [], raising=False)
    use_backend(ChainerBackend())
    with pytest.raises(CredentialsError, match="no keyring backend"):
        secrets.check_store("keyring")


def test_chainer_uses_its_first_backend(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ChainerBackend, "backends", [memory_keyring], raising=False)
    use_backend(ChainerBackend())
    assert secrets.current_backend() is memory_keyring
    monkeypatch.setattr(ChainerBackend, "backends", [PlaintextKeyring()], raising=False)
    with pytest.raises(CredentialsError, match="PlaintextKeyring"):
        secrets.check_store("keyring")


def test_a_hanging_keyring_times_out(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    monkeypatch.setattr(MemoryKeyring, "get_password", lambda self, service, user: release.wait(30))
    monkeypatch.setattr(secrets, "KEYRING_TIMEOUT_SECONDS", 0.2)
    try:
        with pytest.raises(CredentialsError, match=r"did not answer within 0\.2 s"):
            secrets.keyring_get(ALICE)
    finally:
        release.set()


# --- owner-only files ----------------------------------------------------------------------


def test_secret_file_is_0600_and_group_readable_is_refused(tmp_path: Path) -> None:
    path = secrets.secret_file(tmp_path, SERVER, "alice")
    secrets.write_secret_file(path, "s3cret")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secrets.read_secret_file(path) == "s3cret"
    path.chmod(0o640)
    with pytest.raises(CredentialsError, match="readable by others"):
        secrets.read_secret_file(path)
    with pytest.raises(CredentialsError, match="refusing to use the secret file"):
        secrets.write_secret_file(path, "new")
    assert path.read_text() == "s3cret\n"
    path.chmod(0o600)
    assert secrets.delete_secret_file(path) is True
    assert secrets.delete_secret_file(path) is False


# --- config --------------------------------------------------------------------------------


def test_config_round_trip_is_0600_keeps_unknown_keys_and_holds_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'colour = "never"\n[profiles.work]\nserver = "https://a"\nuser = "bob"\nnote = "x"\n'
    )
    config = load_config(tmp_path)
    config.put(Profile("home", SERVER, "alice", store="file"))
    config.default = "home"
    config.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_config(tmp_path)
    assert again.extra == {"colour": "never"}
    assert again.profiles["work"].extra == {"note": "x"}
    assert (again.default, again.default_name) == ("home", "home")
    assert again.profiles["home"].store == "file"
    assert again.remove("home") is not None and again.default is None
    assert again.default_name == "work"  # the only one left


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('default = "x"\n[profiles.x\n', "line 2"),
        ('[profiles.x]\nserver = "https://a"\nuser = "b"\nstore = "vault"\n', "'store'"),
        ('[profiles.x]\nserver = "https://a"\n', "needs 'server' and 'user'"),
        # values of the wrong kind are located in the text: tomllib gives no position
        (
            'default = "x"\n[profiles.x]\nserver = "https://a"\nuser = "b"\nstore = "vault"\n',
            "config.toml:5: [profiles.x] 'store' must be",
        ),
        ('\n[profiles.x]\nserver = "https://a"\nuser = 5\n', "config.toml:4: [profiles.x] needs"),
        ('# x\n[profiles.y]\nserver = "https://a"\n', "config.toml:2: [profiles.y] needs"),
        ("default = 3\n", "config.toml:1: 'default' must be"),
    ],
)
def test_corrupt_config_names_the_file(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "config.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(tmp_path / "config.toml") in str(caught.value)
    assert expected in str(caught.value)


# --- profile names -------------------------------------------------------------------------


def test_profile_names() -> None:
    config = Config(path=Path("unused"))
    assert profile_name_for(config, None, SERVER, "alice") == "default"
    config.put(Profile("default", SERVER, "alice"))
    assert profile_name_for(config, None, SERVER, "alice") == "default"
    assert profile_name_for(config, "mine", SERVER, "alice") == "mine"
    assert profile_name_for(config, None, SERVER, "bob") == "bob@cloud.example.com"
    config.put(Profile("bob@cloud.example.com", "https://other", "bob"))
    assert profile_name_for(config, None, SERVER, "bob") == "bob@cloud.example.com-2"
    assert profile_name_for(config, None, SERVER, "Jane Doe") == "Jane-Doe@cloud.example.com"


def test_invalid_profile_name_is_a_usage_error() -> None:
    from talkctl.accounts.config import check_profile_name

    with pytest.raises(UsageError):
        check_profile_name("-rf")
