"""Talking to the fake Talk server over HTTP in its own tests: the OCS headers, the API base
of a version, one call as a user, and the parts of an OCS answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from talkctl.sandbox import PROFILES, FakeTalkServer

# the Talk versions in numeric order; sorted outside @parametrize, whose argument type would
# make mypy infer sorted()'s items as object (and reject key=int)
TALKS: list[str] = sorted(PROFILES, key=int)
H = {"Accept": "application/json", "OCS-APIRequest": "true"}
Factory = Callable[..., FakeTalkServer]


def api(srv: FakeTalkServer, version: int = 4) -> str:
    return f"{srv.url}/ocs/v2.php/apps/spreed/api/v{version}"


def call(
    srv: FakeTalkServer,
    method: str,
    path: str,
    user: str | None = "admin",
    version: int | None = None,
    password: str | None = None,
    **kwargs: Any,
) -> requests.Response:
    base = api(srv, version if version is not None else max(srv.profile.apis))
    auth = None if user is None else (user, password or srv.password_of(user))
    return requests.request(method, base + path, auth=auth, headers=H, timeout=10, **kwargs)


def data(resp: requests.Response) -> Any:
    return resp.json()["ocs"]["data"]


def meta(resp: requests.Response) -> dict[str, Any]:
    result: dict[str, Any] = resp.json()["ocs"]["meta"]
    return result
