"""The local web page and JSON API (nextsteps.web), through FastAPI's TestClient."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import os
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi, jinja2, python-multipart)")

from fastapi.testclient import TestClient

from nextsteps.interpret import interpret
from nextsteps.web import create_app

INBOX = Path(__file__).parent / "data" / "inbox"
LOCAL = "http://127.0.0.1"
TIMELINE = "Thanks for interviewing with us. We will get back to you by Friday."
HOSTILE = (
    "Thanks for interviewing with us. We will get back to you by Friday.\n"
    '<script>document.title = "pwned"</script>\n'
    '<img src=x onerror="window.pwned = 1">'
)
HOSTILE_EMAIL = (
    "From: Ann <ann@acme.com>\n"
    "To: sam@example.com\n"
    'Subject: <script>alert("subject")</script> Data Analyst\n'
    "Date: Tue, 14 Oct 2025 09:00:00 +0000\n\n"
    f"{HOSTILE}\n"
)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), base_url=LOCAL)


@pytest.fixture
def no_disk_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any file opened for writing, by Python or by tempfile (spooled uploads), fails the test."""
    real_open, real_os_open = builtins.open, os.open
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT

    def guarded_open(file, mode="r", *args, **kwargs):
        assert not set(mode) & set("wax+"), f"opened {file!r} for writing"
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        assert not flags & writing, f"opened {path!r} for writing"
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)


# --- POST /api/interpret ----------------------------------------------------------------------


def test_interpret_api_returns_what_the_library_returns(client: TestClient) -> None:
    sent = dt.datetime(2025, 10, 14, 9, 0)
    reply = client.post("/api/interpret", json={"text": TIMELINE, "sent_at": sent.isoformat()})
    assert reply.status_code == 200
    assert reply.json() == interpret(TIMELINE, sent).to_dict()
    assert reply.json()["key_date"]["value"] == "2025-10-17"


def test_interpret_api_reads_the_headers_of_a_raw_email(client: TestClient) -> None:
    body = client.post("/api/interpret", json={"text": HOSTILE_EMAIL}).json()
    assert body["sent_at_source"] == "header"
    assert body["sender"] == "Ann <ann@acme.com>"


def test_interpret_api_without_sent_date_resolves_against_the_given_today(
    client: TestClient,
) -> None:
    body = client.post("/api/interpret", json={"text": TIMELINE, "today": "2025-10-14"}).json()
    assert (body["sent_at_source"], body["key_date"]["value"]) == ("today", "2025-10-17")


@pytest.mark.parametrize(
    ("payload", "status", "says"),
    [
        ({"text": "   \n "}, 422, "the message is empty"),
        ({"text": "x" * 100_001}, 422, "longer than 100,000 characters"),
        ({"text": TIMELINE, "country": "XX"}, 422, "unknown country code"),
        ({"text": TIMELINE, "country": "USA"}, 422, "should match pattern"),
        ({"text": TIMELINE, "sent_at": "next Tuesday"}, 422, "valid datetime"),
        ({"sent_at": "2025-10-14T09:00"}, 422, "Field required"),
    ],
)
def test_interpret_api_refuses_bad_input_with_a_reason(
    client: TestClient, payload: dict, status: int, says: str
) -> None:
    reply = client.post("/api/interpret", json=payload)
    assert reply.status_code == status
    assert says in str(reply.json()["detail"])


def test_interpret_api_accepts_a_lower_case_country(client: TestClient) -> None:
    reply = client.post("/api/interpret", json={"text": TIMELINE, "country": "us"})
    assert reply.status_code == 200


def test_interpret_api_refuses_a_body_that_is_not_json(client: TestClient) -> None:
    reply = client.post(
        "/api/interpret", content=b"not json", headers={"content-type": "text/plain"}
    )
    assert reply.status_code == 422


# --- the OpenAPI document, and nothing from the internet ---------------------------------------


def test_openapi_document_describes_both_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/interpret", "/api/batch"} <= set(spec["paths"])
    batch_body = spec["paths"]["/api/batch"]["post"]["requestBody"]["content"]
    assert "application/octet-stream" in batch_body
    assert "InterpretationOut" in spec["components"]["schemas"]
    assert "/" not in spec["paths"]  # the pages are not API


def test_docs_pages_that_load_scripts_from_a_cdn_are_off(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_page_loads_nothing_from_other_sites(client: TestClient) -> None:
    page = client.get("/").text
    assert "http://" not in page and "https://" not in page
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/page.js").status_code == 200
    assert client.get("/static/../web.py").status_code == 404


# --- the page, and hostile email text ---------------------------------------------------------


def test_page_shows_label_evidence_dates_advice_and_draft(client: TestClient) -> None:
    page = client.post("/", data={"text": TIMELINE, "sent_at": "2025-10-14T09:00"}).text
    assert 'id="label">clear timeline<' in page
    assert '<mark class="evidence">' in page
    assert '<mark class="date evidence">Friday</mark>' in page
    assert "2025-10-17 <strong>(key date)</strong>" in page
    assert 'id="follow-up">Tue 21 Oct 2025<' in page
    assert '<textarea id="draft"' in page and 'data-copy="draft"' in page


def test_page_escapes_script_and_img_onerror_in_a_pasted_message(client: TestClient) -> None:
    page = client.post("/", data={"text": HOSTILE, "sent_at": "2025-10-14T09:00"}).text
    assert "<script>document.title" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;document.title = &#34;pwned&#34;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;window.pwned = 1&#34;&gt;" in page


def test_page_escapes_the_headers_of_an_uploaded_email(client: TestClient) -> None:
    files = {"file": ("hostile.eml", HOSTILE_EMAIL.encode(), "message/rfc822")}
    reply = client.post("/", data={"text": ""}, files=files)
    assert reply.status_code == 200
    assert "<script>alert" not in reply.text and "<img src=x" not in reply.text
    assert (
        "Subject &lt;script&gt;alert(&#34;subject&#34;)&lt;/script&gt; Data Analyst" in reply.text
    )


def test_an_uploaded_email_is_parsed_from_its_bytes_so_its_charset_applies(
    client: TestClient,
) -> None:
    eml = (
        b"From: Zo\xeb <zoe@acme.com>\nSubject: Caf\xe9 role\n"
        b"Date: Tue, 14 Oct 2025 09:00:00 +0000\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
        b"Thanks, Zo\xeb here. We went with another candidate for the Caf\xe9 role.\n"
    )
    files = {"file": ("latin1.eml", eml, "message/rfc822")}
    reply = client.post("/", data={"text": ""}, files=files)
    assert reply.status_code == 200
    assert "Zo\u00eb here" in reply.text and "\ufffd here" not in reply.text


def test_page_forbids_inline_scripts_as_a_second_wall(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"text": ""}, "the message is empty"),
        ({"text": TIMELINE, "sent_at": "Tuesday"}, "is not a date and time"),
        ({"text": TIMELINE, "country": "U1"}, "not a two-letter code"),
    ],
)
def test_page_shows_what_is_wrong_with_the_input(client: TestClient, data: dict, says: str) -> None:
    reply = client.post("/", data=data)
    assert reply.status_code == 422
    assert says in reply.text and 'role="alert"' in reply.text


def test_page_refuses_requests_for_another_host_name(client: TestClient) -> None:
    """A site that points its own name at 127.0.0.1 (DNS rebinding) gets nothing."""
    reply = client.get("/api/interpret", headers={"host": "evil.example"})
    # plain text, not JSON: Starlette's TrustedHostMiddleware answers before the app (docs/web.md)
    assert (reply.status_code, reply.text) == (400, "Invalid host header")
    assert reply.headers["content-type"].startswith("text/plain")


# --- size limit and disk ----------------------------------------------------------------------


def test_request_over_the_size_limit_gets_413() -> None:
    small = TestClient(create_app(max_request_bytes=1000), base_url=LOCAL)
    reply = small.post("/api/interpret", json={"text": "x" * 2000})
    assert reply.status_code == 413
    assert "larger than the limit" in reply.json()["detail"]
    page = small.post("/", files={"file": ("big.eml", b"x" * 2000)})
    assert page.status_code == 413


def test_a_streamed_body_without_length_is_cut_off_at_the_limit() -> None:
    small = TestClient(create_app(max_request_bytes=1000), base_url=LOCAL)
    chunks = (b"x" * 500 for _ in range(5))
    reply = small.post("/api/batch?format=mbox", content=chunks)
    assert reply.status_code == 413


def test_nothing_is_written_to_disk_even_for_a_large_upload(
    client: TestClient, no_disk_writes: None
) -> None:
    # 2 MB: over the 1 MB at which Starlette would spool an upload to a temporary file.
    mbox = (INBOX / "takeout.mbox").read_bytes()
    padded = mbox + b"\n" + b"From a@x Mon Oct 13 09:00:00 2025\n\n" + b"filler " * 300_000
    reply = client.post("/batch", files={"file": ("inbox.mbox", padded)})
    assert reply.status_code == 200
    assert client.post("/", data={"text": TIMELINE}).status_code == 200


# --- POST /api/batch and the batch page --------------------------------------------------------


def test_batch_api_returns_rows_and_applications(client: TestClient) -> None:
    mbox = (INBOX / "takeout.mbox").read_bytes()
    body = client.post("/api/batch?format=mbox&today=2025-10-20", content=mbox).json()
    assert body["messages"] == len(body["rows"]) > 0
    assert sum(body["labels"].values()) + body["errors"] == body["messages"]
    assert body["applications"] and "follow_up_on" in body["applications"][0]


def test_batch_api_gives_the_table_as_csv_and_the_reminders_as_ics(client: TestClient) -> None:
    mbox = (INBOX / "takeout.mbox").read_bytes()
    table = client.post("/api/batch?format=mbox&today=2025-10-20&output=csv", content=mbox)
    assert table.headers["content-type"].startswith("text/csv")
    assert table.text.startswith("id,thread_id,sent_at")
    ics = client.post("/api/batch?format=mbox&today=2025-10-20&output=ics", content=mbox)
    assert ics.text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in ics.text


def test_batch_api_refuses_an_unknown_country_with_422(client: TestClient) -> None:
    export = (INBOX / "messages.csv").read_bytes()
    reply = client.post("/api/batch?format=csv&country=XX", content=export)
    assert reply.status_code == 422
    assert "unknown country code" in reply.json()["detail"]


def test_batch_api_accepts_a_lower_case_country(client: TestClient) -> None:
    export = (INBOX / "messages.csv").read_bytes()
    body = client.post("/api/batch?format=csv&country=us", content=export).json()
    assert body["errors"] == 1  # only the empty message


def test_batch_csv_download_is_the_table_the_command_line_writes(
    client: TestClient, tmp_path: Path
) -> None:
    from nextsteps.batch import run_batch

    export = INBOX / "messages.csv"
    run_batch([export], tmp_path / "rows.csv", today=dt.date(2025, 10, 20))
    table = client.post(
        "/api/batch?format=csv&today=2025-10-20&output=csv", content=export.read_bytes()
    )
    # the source column names the file on the command line, the upload in memory
    cli = (tmp_path / "rows.csv").read_bytes().replace(str(export).encode(), b"<stream>")
    assert table.content == cli


def test_batch_api_refuses_an_empty_upload(client: TestClient) -> None:
    reply = client.post("/api/batch?format=mbox", content=b"")
    assert (reply.status_code, reply.json()["detail"]) == (422, "the upload is empty")


def test_batch_csv_defuses_spreadsheet_formulas_from_hostile_subjects(client: TestClient) -> None:
    export = b'id,text,subject\n1,We went with another candidate.,"=HYPERLINK(""http://x"")"\n'
    table = client.post("/api/batch?format=csv&output=csv", content=export).text
    assert "'=HYPERLINK" in table


def test_batch_page_offers_the_table_and_reminders_for_download(client: TestClient) -> None:
    files = {"file": ("messages.csv", (INBOX / "messages.csv").read_bytes(), "text/csv")}
    page = client.post("/batch", data={"today": "2025-10-20"}, files=files).text
    assert 'download="nextsteps.csv"' in page and 'href="data:text/csv;base64,' in page
    assert 'download="nextsteps.ics"' in page and 'href="data:text/calendar;base64,' in page


def test_batch_page_without_a_file_says_so(client: TestClient) -> None:
    reply = client.post("/batch", data={"today": "2025-10-20"})
    assert reply.status_code == 422 and "choose a file" in reply.text


# --- nextsteps serve --------------------------------------------------------------------------


def test_serve_command_listens_on_localhost_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from nextsteps import web
    from nextsteps.cli import app

    calls = []
    monkeypatch.setattr(web, "serve", lambda host, port, **options: calls.append((host, port)))
    result = CliRunner().invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert calls == [("127.0.0.1", 8123)]


def test_serve_command_refuses_a_missing_recommendation_table(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nextsteps.cli import app

    result = CliRunner().invoke(app, ["serve", "--recommendations", str(tmp_path / "no.csv")])
    assert result.exit_code == 2
    assert "no.csv" in result.output


def test_a_large_saved_email_is_read_for_its_text_body(client: TestClient) -> None:
    """Attachments make an .eml long; only the body counts against the length limit."""
    attachment = "QUJD" * 40_000
    eml = (
        "From: Ann <ann@acme.com>\nSubject: Update\nDate: Tue, 14 Oct 2025 09:00:00 +0000\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        f"--b\nContent-Type: text/plain\n\nWe went with another candidate.\n"
        f"--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n{attachment}\n--b--\n"
    )
    reply = client.post("/api/interpret", json={"text": eml})
    assert reply.status_code == 200 and reply.json()["label"] == "rejection"


def test_a_pasted_raw_email_with_a_long_body_is_read_only_up_to_the_length_limit(
    client: TestClient,
) -> None:
    from nextsteps.web import MAX_TEXT_CHARS

    eml = "From: Ann <ann@acme.com>\nSubject: Update\n\nWe went with another candidate.\n"
    reply = client.post("/api/interpret", json={"text": eml + "x " * MAX_TEXT_CHARS})
    assert reply.status_code == 200
    assert len(reply.json()["text"]) <= MAX_TEXT_CHARS


def test_a_pasted_message_over_the_length_limit_is_refused(client: TestClient) -> None:
    from nextsteps.web import MAX_TEXT_CHARS

    reply = client.post("/api/interpret", json={"text": "x" * (MAX_TEXT_CHARS + 1)})
    assert reply.status_code == 422 and "longer than 100,000 characters" in reply.json()["detail"]
