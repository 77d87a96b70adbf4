"""``talkctl audit``: conversations checked against a policy; changes nothing.

rules.py is the one table of rules (id, default severity, what it checks, the reads it
needs, the apply key that fixes it); policy.py the built-in policy and policy files;
engine.py reads what the enabled rules need (the listing once, each conversation's
participants at most once) and gathers the findings; fixfile.py writes an apply file.
No typer, no rich.
"""
