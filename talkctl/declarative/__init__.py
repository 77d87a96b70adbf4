"""Conversations as code: the apply file, the plan of what differs, and its execution.
No typer, no rich: the cli renders plans and results."""
