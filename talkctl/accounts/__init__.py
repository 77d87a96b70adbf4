"""Accounts: profiles in config.toml, app passwords in their stores, and which account a run
uses (the environment, --server/--user, or a profile). No typer, no rich."""
