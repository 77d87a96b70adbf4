"""CONV resolution end to end: tokens, names, the local cache and what each costs."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from e2e_support import USER, Factory, Session, start


@pytest.fixture
def admin(fake_talk_factory: Factory, talkctl_home: Path) -> Session:
    return start(fake_talk_factory, talkctl_home, "22")


def test_exact_token_wins_over_a_name_equal_to_another_token(admin: Session) -> None:
    target = admin.srv.add_room(owner="admin", name="Real")
    impostor = admin.srv.add_room(owner="admin", name=target)
    out = admin.json("room", "rename", target, "Renamed")
    assert out["token"] == target
    assert admin.srv.room(target)["name"] == "Renamed"
    assert admin.srv.room(impostor)["name"] == target


@pytest.mark.parametrize("cached", [False, True], ids=["listed", "cached"])
def test_cached_token_wins_over_a_name_too(admin: Session, cached: bool) -> None:
    target = admin.srv.add_room(owner="admin", name="Real")
    admin.srv.add_room(owner="admin", name=target)
    if cached:
        assert admin.run("room", "list").code == 0
    admin.srv.clear_log()
    assert admin.run("room", "favorite", target).code == 0
    expected = [("POST", f"/room/{target}/favorite")]
    assert admin.spreed_requests() == ([] if cached else [("GET", "/room")]) + expected


def test_name_and_display_name_match_case_sensitively(admin: Session) -> None:
    admin.srv.add_user("carol", display_name="Carol Example")
    group = admin.srv.add_room(owner="admin", name="Team")
    one_to_one = admin.srv.add_room(owner="admin", type=1, participants={"carol": USER})
    listed = {room["token"]: room for room in admin.json("room", "list")}
    assert (listed[one_to_one]["name"], listed[one_to_one]["displayName"]) == (
        "carol",
        "Carol Example",
    )
    for ref, token in (("Team", group), ("carol", one_to_one), ("Carol Example", one_to_one)):
        assert admin.json("room", "show", ref)["token"] == token
    for wrong in ("team", "TEAM", "Team ", "Carol", "carol example"):
        result = admin.run("room", "show", wrong)
        assert result.code == 3, (wrong, result)


def test_a_change_costs_one_request_by_cached_token_and_two_by_name(admin: Session) -> None:
    token = admin.srv.add_room(owner="admin", name="Costly")
    assert admin.run("room", "list").code == 0  # fills the cache (and the capabilities)
    for args in (
        ("favorite", token),
        ("rename", token, "Costlier"),
        ("notify", token, "never"),
        ("read-only", token, "on"),
        ("delete", token, "--yes"),
    ):
        admin.srv.clear_log()
        result = admin.run("room", *args, "--json")
        assert result.code == 0, result
        assert len(admin.srv.requests) == 1, (args, admin.spreed_requests())
    named = admin.srv.add_room(owner="admin", name="By name")
    admin.srv.clear_log()
    assert admin.run("room", "favorite", "By name", "--json").code == 0
    assert admin.spreed_requests() == [("GET", "/room"), ("POST", f"/room/{named}/favorite")]
    assert len(admin.srv.requests) == 2


def test_every_listing_refreshes_the_private_cache(admin: Session) -> None:
    first = admin.srv.add_room(owner="admin", name="First")
    assert admin.run("room", "list").code == 0
    assert admin.cached_tokens() == [first]
    files = sorted(p.name for p in admin.cache_file().parent.iterdir())
    assert files == ["capabilities.json", "rooms.json"]
    for path in admin.cache_file().parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    second = admin.srv.add_room(owner="admin", name="Second")
    assert admin.run("room", "favorite", "Second").code == 0  # resolved by a fresh listing
    assert sorted(admin.cached_tokens()) == sorted([first, second])
    assert admin.cache_mode() == 0o600

    admin.srv.add_room(owner="admin", name="Third")
    admin.json("room", "list")
    assert len(admin.cached_tokens()) == 3


def test_created_conversation_is_used_by_token_without_a_listing(admin: Session) -> None:
    token = admin.json("room", "create", "Fresh")["token"]
    admin.srv.clear_log()
    assert admin.run("room", "rename", token, "Fresher").code == 0
    assert admin.spreed_requests() == [("PUT", f"/room/{token}")]


def test_a_cached_token_the_server_no_longer_knows_is_not_found(admin: Session) -> None:
    token = admin.srv.add_room(owner="admin", name="Gone soon")
    assert admin.run("room", "list").code == 0
    with admin.srv.state.lock:  # deleted behind talkctl's back
        admin.srv.state.delete_room(admin.srv.state.rooms[token])
    admin.srv.clear_log()
    result = admin.run("room", "favorite", token)
    assert result.code == 3, result
    assert "not found" in result.stderr
    assert admin.spreed_requests() == [("POST", f"/room/{token}/favorite")]


def test_server_upgraded_under_us_is_followed_after_one_998(
    fake_talk_factory: Factory, talkctl_home: Path
) -> None:
    """Capabilities cached from Talk 11 (API v3); the server becomes Talk 22 (v4 only)."""
    from talkctl.sandbox.profiles import get_profile

    admin = start(fake_talk_factory, talkctl_home, "11")
    token = admin.srv.add_room(owner="admin", name="Survivor")
    assert admin.run("room", "list").code == 0
    admin.srv.profile = get_profile("22")
    admin.srv.clear_log()
    out = admin.json("room", "rename", token, "Upgraded")
    assert out["name"] == "Upgraded"
    assert [(r.method, r.path.rsplit("/api/", 1)[-1], r.status) for r in admin.srv.requests] == [
        ("PUT", f"v3/room/{token}", 404),
        ("GET", "/ocs/v2.php/cloud/capabilities", 200),
        ("PUT", f"v4/room/{token}", 200),
    ]


def test_changed_talk_hash_refreshes_capabilities_on_the_next_run(admin: Session) -> None:
    admin.srv.add_room(owner="admin", name="Any")
    assert admin.run("room", "list").code == 0
    admin.srv.clear_log()
    assert admin.run("room", "list").code == 0
    assert admin.srv.count("GET", "/cloud/capabilities") == 0  # fresh in the cache
    admin.srv.bump_talk_hash()
    assert admin.run("room", "list").code == 0  # sees the new hash: invalidates
    assert admin.srv.count("GET", "/cloud/capabilities") == 0
    assert admin.run("room", "list").code == 0
    assert admin.srv.count("GET", "/cloud/capabilities") == 1
    assert admin.run("room", "list").code == 0
    assert admin.srv.count("GET", "/cloud/capabilities") == 1
