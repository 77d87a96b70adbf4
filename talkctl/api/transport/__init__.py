"""The transport: HTTP session, deadline, retries, OCS envelope, transport failures, redaction.

Knows nothing of Talk's endpoints (those are the modules of ``talkctl.api``); never prints,
never exits, imports neither typer nor rich.
"""
