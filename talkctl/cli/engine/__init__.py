"""The one engine every change verb runs on, whatever its noun.

A verb's run is an ``Operation`` (operation.py): its targets, resolved before anything is
planned (conversations, the IDs of one conversation's listing, a file's entries), the plan
of one target (a ``Job``: its planned record and what sends it), and the engine does the rest
— the same item given twice, a question before sending, ``--jobs``, progress, Ctrl-C /
SIGTERM / SIGHUP (jobs.py), one record per item and the one renderer. So a new noun's change
verb is one plan function. targets.py reads CONVs (arguments or ``--stdin``) and resolves
them; locks.py holds the lock of runs that create conversations.
"""
