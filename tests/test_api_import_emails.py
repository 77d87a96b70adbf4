"""``ParticipantsApi.import_emails``: the multipart upload of a CSV of e-mail addresses, as
Talk 22 answers it (talk22-moderation/i-import-*)."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import pytest
import responses
from api_support import VERSION_FEATURES, MemoryStore, base, cached, make_client, ocs_body

from talkctl.api.errors import ApiError, InvalidResponseError, UnsupportedError
from talkctl.api.participants import EmailImport, ParticipantsApi

TOKEN = "abc123"
URL = f"{base(4)}/room/{TOKEN}/import-emails"
CSV = b'"email","name"\n"one@example.com","One Fx"\n"two@example.com","Two Fx"\n'


def api_for(features: tuple[str, ...] = ("email-csv-import",)) -> ParticipantsApi:
    return ParticipantsApi(make_client(MemoryStore(cached(VERSION_FEATURES[4] + features))))


def parts(request: Any) -> dict[str, tuple[str | None, bytes]]:
    """The multipart body's fields: name -> (file name, content)."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    found: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[name] = (part.get_filename(), payload)
    return found


@responses.activate
def test_import_sends_the_file_as_multipart_and_reads_the_counts() -> None:
    data = {"invites": 2, "duplicates": 1, "type": 3, "invalidLines": [4], "invalid": 1}
    responses.post(URL, json=ocs_body(data))
    result = api_for().import_emails(TOKEN, CSV, filename="fx.csv")
    assert result == EmailImport(2, 1, (4,), 3)
    request = responses.calls[0].request
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert parts(request) == {"file": ("fx.csv", CSV)}


@responses.activate
def test_test_run_sends_test_run_and_reads_counts() -> None:
    responses.post(URL, json=ocs_body({"invites": 2, "duplicates": 0}))
    result = api_for().import_emails(TOKEN, CSV, test_run=True)
    assert result == EmailImport(2, 0, (), None)
    found = parts(responses.calls[0].request)
    assert found["testRun"] == (None, b"true")
    assert found["file"][1] == CSV


@responses.activate
def test_test_run_with_invalid_lines_is_the_servers_400_with_counts() -> None:
    data = {
        "error": "Following lines are invalid: 4",
        "message": "Following lines are invalid: 4",
        "invites": 2,
        "duplicates": 1,
        "invalid": 1,
        "invalidLines": [4],
    }
    responses.post(URL, json=ocs_body(data, 400, ""), status=400)
    assert api_for().import_emails(TOKEN, CSV, test_run=True) == EmailImport(2, 1, (4,))


@pytest.mark.parametrize("test_run", [False, True])
@responses.activate
def test_a_refused_file_raises(test_run: bool) -> None:
    data = {"error": "Missing email field in header line", "message": "Missing email field"}
    responses.post(URL, json=ocs_body(data, 400, ""), status=400)
    with pytest.raises(ApiError) as caught:
        api_for().import_emails(TOKEN, b'"name"\n"x"\n', test_run=test_run)
    assert caught.value.status == 400
    assert caught.value.error == "Missing email field in header line"
    assert caught.value.data == data


@responses.activate
def test_a_real_import_is_sent_once() -> None:
    responses.post(URL, status=503, json=ocs_body([], 503, ""))
    with pytest.raises(ApiError):
        api_for().import_emails(TOKEN, CSV)
    assert len(responses.calls) == 1


@responses.activate
def test_an_answer_without_counts_is_invalid() -> None:
    responses.post(URL, json=ocs_body([]))
    with pytest.raises(InvalidResponseError):
        api_for().import_emails(TOKEN, CSV)


def test_without_the_capability_nothing_is_sent() -> None:
    with pytest.raises(UnsupportedError):
        api_for(()).import_emails(TOKEN, CSV)


@responses.activate
def test_debug_names_the_file_but_never_shows_its_content() -> None:
    from api_support import SERVER

    from talkctl.api.transport.http import Transport

    lines: list[str] = []
    transport = Transport(SERVER, "alice", "app-secret", timeout=5, debug=lines.append)
    responses.post(f"{SERVER}/upload", json=ocs_body([]))
    transport.send(
        "POST", "/upload", data={"testRun": "true"}, files={"file": ("a.csv", CSV, "text/csv")}
    )
    assert ">   file: file=a.csv (text/csv, 69 bytes)" in lines
    assert not any("one@example.com" in line for line in lines)
