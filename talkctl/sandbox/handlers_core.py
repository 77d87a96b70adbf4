"""Nextcloud core endpoints: capabilities, current user, app passwords, Login Flow v2."""

from __future__ import annotations

import copy
from typing import Any

from .capabilities import capabilities, fixture, with_federation
from .context import Ctx
from .ocs import Ocs, Response, fail, json_response, ok


def get_capabilities(ctx: Ctx) -> Ocs:
    user = ctx.state.users.get(ctx.user or "")
    enabled = user.talk_enabled if user is not None else True
    data = capabilities(
        ctx.profile,
        talk_enabled=enabled,
        force_passwords=ctx.srv.force_passwords and ctx.profile.talk >= (21, 0),
        epoch=ctx.srv.talk_hash_epoch,
        cron=ctx.srv.cron,
    )
    return ok(with_federation(data) if ctx.srv.federation else data)


def get_cloud_user(ctx: Ctx) -> Ocs:
    assert ctx.user is not None
    data: dict[str, Any] = copy.deepcopy(fixture("cloud-user.json")["body"]["ocs"]["data"])
    name = ctx.state.display_name(ctx.user)
    data.update(
        {
            "id": ctx.user,
            "displayname": name,
            "display-name": name,
            "storageLocation": f"/srv/nextcloud/data/{ctx.user}",
            "groups": ctx.state.groups_of(ctx.user),
        }
    )
    return ok(data)


def get_app_password(ctx: Ctx) -> Ocs:
    assert ctx.user is not None
    if ctx.auth == "app":
        return fail(403, message="You cannot request an new apppassword with an apppassword")
    return ok({"apppassword": ctx.state.new_app_password(ctx.user)})


def delete_app_password(ctx: Ctx) -> Ocs:
    if ctx.auth != "app" or ctx.app_password is None:
        return fail(403, message="no app password in use")
    with ctx.state.lock:
        ctx.state.app_passwords.pop(ctx.app_password, None)
    return ok([])


# -- Login Flow v2 ----------------------------------------------------------------
def login_start(ctx: Ctx) -> Response:
    st = ctx.state
    with st.lock:
        poll_token, login_token = st.random_string(128), st.random_string(128)
    ctx.srv.login_flows.start(poll_token, login_token, ctx.headers.get("user-agent", ""))
    base = ctx.srv.url
    return json_response(
        200,
        {
            "poll": {"token": poll_token, "endpoint": f"{base}/index.php/login/v2/poll"},
            "login": f"{base}/index.php/login/v2/flow/{login_token}",
        },
    )


def login_poll(ctx: Ctx) -> Response:
    flow = ctx.srv.login_flows.poll(ctx.str_param("token"))
    if flow is None or flow.granted_user is None:
        return json_response(404, [])
    server = ctx.srv.login_server_override or ctx.srv.url
    return json_response(
        200,
        {
            "server": server,
            "loginName": flow.granted_user,
            "appPassword": ctx.state.new_app_password(flow.granted_user),
        },
    )


def login_page(ctx: Ctx) -> Response:
    body = b"<!DOCTYPE html><html><body><h1>Connect to your account</h1></body></html>"
    return Response(200, body, {"Content-Type": "text/html; charset=utf-8"})


def status(ctx: Ctx) -> Response:
    major, minor, micro = ctx.profile.nextcloud
    return json_response(
        200,
        {
            "installed": True,
            "maintenance": False,
            "needsDbUpgrade": False,
            "version": f"{major}.{minor}.{micro}.0",
            "versionstring": f"{major}.{minor}.{micro}",
            "edition": "",
            "productname": "Nextcloud",
            "extendedSupport": False,
        },
    )
