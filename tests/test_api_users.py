"""The provisioning reads of api/users.py: an account's rights from its own record (PHP
arrays with gaps arriving as objects included) and whether a user is still enabled."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from api_support import SERVER, ocs_body

from talkctl.api.errors import ApiError
from talkctl.api.transport.http import Transport
from talkctl.api.users import Rights, is_enabled, rights_of

USERS = f"{SERVER}/ocs/v2.php/cloud/users"


def transport() -> Transport:
    return Transport(SERVER, "me", "secret")


@pytest.mark.parametrize(
    ("record", "rights"),
    [
        ({"groups": ["staff", "admin"], "subadmin": []}, Rights(True, ())),
        ({"groups": {"0": "staff", "2": "admin"}, "subadmin": {}}, Rights(True, ())),
        ({"groups": ["staff"], "subadmin": {"1": "class-6a"}}, Rights(False, ("class-6a",))),
        ({"groups": ["staff"], "subadmin": []}, Rights(False, ())),
        ({"id": "me"}, Rights(False, ())),
    ],
)
@responses.activate
def test_rights_come_from_the_account_s_own_record(record: dict[str, Any], rights: Rights) -> None:
    responses.get(f"{USERS}/me", json=ocs_body(record))
    assert rights_of(transport(), "me") == rights
    assert rights.any == (rights.admin or bool(rights.subadmin_of))


@responses.activate
def test_enabled_disabled_gone_and_other_errors() -> None:
    responses.get(f"{USERS}/alice", json=ocs_body({"id": "alice", "enabled": True}))
    responses.get(f"{USERS}/bob", json=ocs_body({"id": "bob", "enabled": False}))
    responses.get(f"{USERS}/gone", status=404, json=ocs_body([], 404, "User does not exist"))
    responses.get(f"{USERS}/denied", status=403, json=ocs_body([], 403, ""))
    assert is_enabled(transport(), "alice") is True
    assert is_enabled(transport(), "bob") is False
    assert is_enabled(transport(), "gone") is False
    with pytest.raises(ApiError) as caught:
        is_enabled(transport(), "denied")
    assert caught.value.status == 403
