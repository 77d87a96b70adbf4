"""Test your own talkctl scripts against a sandbox, with pytest.

Installing talkctl registers a pytest plugin (entry point ``pytest11``) with one fixture,
``talk_server``: a started sandbox (``talkctl sandbox`` with demo data) for the test, with

- ``url``, ``user``, ``app_password`` and ``users`` ({user: app password});
- ``env``: the environment to run ``talkctl`` or a script with (credentials, temporary config
  and cache directories, keyring's null backend, this talkctl first on PATH);
- ``run(*args)``: ``talkctl ARGS`` in that environment (a CompletedProcess, text);
- ``requests``: what the server received (``method``, ``path``, ``query``, ``form``, ...);
- ``conversations(user=None)``, ``conversation(name_or_token)``, ``participants(...)``: the
  server's state;
- ``fake``: the underlying ``talkctl.sandbox.FakeTalkServer`` (add_room, inject faults...).

Mark a test ``@pytest.mark.talk_server(talk="18", data="empty", users=["alice", "bob"])`` to
change the defaults. Drawn tokens and passwords follow from the test's node id: the same on
every run. Nothing of the sandbox is imported until a test asks for the fixture.
"""
