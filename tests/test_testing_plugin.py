"""The ``talk_server`` pytest fixture (talkctl.testing), as a user's test suite sees it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def readme_example() -> str:
    section = README.split("### Testing your own scripts", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found, "README's 'Testing your own scripts' must show a python example"
    return found.group(1)


def test_the_readme_example_runs_and_passes(pytester: pytest.Pytester) -> None:
    example = readme_example()
    assert len(example.strip().splitlines()) <= 10
    pytester.makepyfile(test_user_script=example)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_fixture_fails_a_test_that_is_wrong(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_wrong="""
        def test_old_project_is_still_there_after_deleting_it(talk_server):
            done = talk_server.run("room", "delete", "Old project", "--yes")
            assert done.returncode == 0, done.stderr
            assert "Old project" in {r["name"] for r in talk_server.conversations()}
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)


def test_marker_options_state_log_and_other_users(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_options="""
        import json
        import pytest

        @pytest.mark.talk_server(talk="18", data="empty", users=["alice", "bob"], seed=4)
        def test_options(talk_server):
            assert talk_server.user == "alice"
            assert set(talk_server.users) == {"alice", "bob", "admin"}
            assert talk_server.conversations() == []
            made = talk_server.run("room", "create", "Plans", "--json")
            assert made.returncode == 0, made.stderr
            token = json.loads(made.stdout)["token"]
            assert talk_server.participants("Plans") == {"alice": 1}
            assert talk_server.conversation(token)["name"] == "Plans"
            seen = talk_server.run("room", "list", "--json", user="bob")
            assert (seen.returncode, json.loads(seen.stdout)) == (0, [])
            posts = [r for r in talk_server.requests if r.method == "POST"]
            assert posts[0].path.endswith("/api/v4/room") and posts[0].user == "alice"
            assert talk_server.url.startswith("http://127.0.0.1:")
            assert talk_server.env["TALKCTL_SERVER"] == talk_server.url

        def test_same_drawn_values_every_run(talk_server):
            print("PASSWORD", talk_server.app_password)
        """
    )
    runs = [pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s") for _ in range(2)]
    runs[0].assert_outcomes(passed=2)
    passwords = [re.findall(r"PASSWORD (\S+)", "\n".join(run.outlines)) for run in runs]
    assert len(passwords[0]) == 1 and passwords[0] == passwords[1]
