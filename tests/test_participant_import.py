"""``participant import CONV FILE.csv`` end to end against the sandbox (which answers as
recorded on Talk 22: talk22-moderation/i-import-*, replayed by
test_fake_fidelity_moderation.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import Factory, Session, start

GROUP, PUBLIC = 2, 3
MIXED = (
    '"email","name"\n"one@example.com","One Fx"\n"two@example.com","Two Fx"\n'
    '"not-an-email","Broken"\n"one@example.com","One again"\n'
)
VALID = '"email","name"\n"one@example.com","One Fx"\n"two@example.com","Two Fx"\n'


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "invitees.csv"
    path.write_text(MIXED, encoding="utf-8")
    return path


def invitees(session: Session, token: str) -> dict[str, str]:
    listed = session.server_get(f"/room/{token}/participants")
    return {p["invitedActorId"]: p["displayName"] for p in listed if p["actorType"] == "emails"}


def room_type(session: Session, token: str) -> int:
    return int(session.server_get(f"/room/{token}")["type"])


def test_import_into_a_public_conversation(admin: Session, csv_file: Path) -> None:
    token = admin.srv.add_room(name="Town hall", type=PUBLIC)
    result = admin.run("participant", "import", token, str(csv_file))
    assert result.code == 0, result
    assert result.stdout == (
        f"invited 2 e-mail addresses to Town hall ({token}) (1 duplicate; invalid lines: 4)\n"
    )
    assert invitees(admin, token) == {"one@example.com": "One Fx", "two@example.com": "Two Fx"}
    uploads = [r.files for r in admin.srv.requests if r.path.endswith("/import-emails")]
    assert [u["file"].content.decode() for u in uploads] == [MIXED]


def test_importing_again_reports_duplicates_as_json(admin: Session, csv_file: Path) -> None:
    token = admin.srv.add_room(name="Town hall", type=PUBLIC)
    admin.json("participant", "import", token, str(csv_file))
    record = admin.json("participant", "import", token, str(csv_file))
    assert record == {
        "conversation": token,
        "dryRun": False,
        "invites": 0,
        "duplicates": 3,
        "invalidLines": [4],
        "type": PUBLIC,
    }


def test_dry_run_is_the_servers_test_run(admin: Session, csv_file: Path) -> None:
    token = admin.srv.add_room(name="Team", type=GROUP)
    result = admin.run("participant", "import", token, str(csv_file), "--dry-run")
    assert result.code == 0, result
    assert result.stdout == (
        f"would invite 2 e-mail addresses to Team ({token}) (1 duplicate; invalid lines: 4)\n"
    )
    assert "makes Team" in result.stderr and "public" in result.stderr
    sent = [r.form for r in admin.srv.requests if r.path.endswith("/import-emails")]
    assert sent == [{"testRun": "true"}]
    assert invitees(admin, token) == {}
    assert room_type(admin, token) == GROUP


def test_dry_run_of_a_valid_file(admin: Session, tmp_path: Path) -> None:
    token = admin.srv.add_room(name="Town hall", type=PUBLIC)
    path = tmp_path / "ok.csv"
    path.write_text(VALID, encoding="utf-8")
    record = admin.json("participant", "import", token, str(path), "--dry-run")
    assert record == {
        "conversation": token,
        "dryRun": True,
        "invites": 2,
        "duplicates": 0,
        "invalidLines": [],
    }


def test_a_group_conversation_needs_yes_and_becomes_public(admin: Session, csv_file: Path) -> None:
    token = admin.srv.add_room(name="Team", type=GROUP)
    refused = admin.run("participant", "import", token, str(csv_file))
    assert refused.code == 2, refused
    assert "public" in refused.stderr and "--yes" in refused.stderr
    assert not [r for r in admin.srv.requests if r.path.endswith("/import-emails")]
    done = admin.run("participant", "import", token, str(csv_file), "--yes")
    assert done.code == 0, done
    assert room_type(admin, token) == PUBLIC
    assert set(invitees(admin, token)) == {"one@example.com", "two@example.com"}


def test_a_file_without_an_email_column_is_refused(admin: Session, tmp_path: Path) -> None:
    token = admin.srv.add_room(name="Town hall", type=PUBLIC)
    path = tmp_path / "bad.csv"
    path.write_text('"name","mail"\n"One Fx","one@example.com"\n', encoding="utf-8")
    result = admin.run("participant", "import", token, str(path))
    assert result.code == 6, result
    assert "Missing email field in header line" in result.stderr
    assert invitees(admin, token) == {}


def test_a_missing_file_is_exit_2_and_sends_nothing(admin: Session, tmp_path: Path) -> None:
    token = admin.srv.add_room(name="Town hall", type=PUBLIC)
    admin.srv.clear_log()
    result = admin.run("participant", "import", token, str(tmp_path / "none.csv"))
    assert result.code == 2, result
    assert "cannot read" in result.stderr
    assert admin.srv.changing_requests() == []


def test_stdin_is_read_with_dash(admin: Session) -> None:
    token = admin.srv.add_room(name="Town hall", type=PUBLIC)
    result = admin.run("participant", "import", token, "-", input=VALID)
    assert result.code == 0, result
    assert set(invitees(admin, token)) == {"one@example.com", "two@example.com"}


def test_not_a_participant_is_not_found(
    fake_talk_factory: Factory, talkctl_home: Path, csv_file: Path
) -> None:
    alice = start(fake_talk_factory, talkctl_home, "22", user="alice")
    token = alice.srv.add_room(owner="admin", name="Town hall", type=PUBLIC)
    result = alice.run("participant", "import", token, str(csv_file))
    assert result.code == 3, result


def test_an_older_server_without_the_capability_is_refused_unsent(
    fake_talk_factory: Factory, talkctl_home: Path, csv_file: Path
) -> None:
    old = start(fake_talk_factory, talkctl_home, "18")
    token = old.srv.add_room(name="Town hall", type=PUBLIC)
    result = old.run("participant", "import", token, str(csv_file))
    assert result.code == 6, result
    assert not [r for r in old.srv.requests if r.path.endswith("/import-emails")]
