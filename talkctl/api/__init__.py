"""The Talk API layer: HTTP, OCS envelope, capabilities, conversations.

Never prints, never exits, imports neither typer nor rich.
"""
