"""Interpreting one message: golden raw emails as mail clients save them, and the paste flow."""

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextsteps.cli import app
from nextsteps.interpret import interpret

GOLDEN = Path(__file__).parent / "golden"
EXPECTED = json.loads((GOLDEN / "expected.json").read_text("utf-8"))
runner = CliRunner()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_golden_email_is_interpreted_as_a_person_would(name):
    want = EXPECTED[name]
    result = interpret((GOLDEN / name).read_bytes().decode("utf-8", errors="surrogateescape"))
    assert str(result.label) == want["label"]
    assert result.sent_at.isoformat() == want["sent_at"] and result.sent_at_source == "header"
    if want["key_date"] != "*":
        got = (result.key_date.value, result.key_date.kind) if result.key_date else (None, None)
        assert got == (want["key_date"], want["key_date_kind"])
    for text in want["absent"]:
        assert text.lower() not in result.text.lower()
    if want["recruiter"]:
        assert f"Hi {want['recruiter']}," in result.recommendation.draft


def test_a_windows_1252_body_keeps_its_punctuation():
    result = interpret((GOLDEN / "gmail_hold.eml").read_bytes().decode("latin-1"))
    assert "we’ve put" in result.text


def test_without_a_sent_date_dates_resolve_against_today_and_say_so():
    result = interpret("You'll hear from us by Friday.", today=dt.date(2025, 3, 3))
    assert result.sent_at_source == "today"
    assert result.key_date.value == "2025-03-07"


def test_unrelated_mail_has_no_key_date_and_no_action():
    result = interpret(
        "10 new Data Analyst jobs near you. Apply by Friday! Unsubscribe from job alerts.",
        dt.datetime(2025, 3, 3, 9, 0),
    )
    assert str(result.label) == "unrelated"
    assert result.key_date is None and result.recommendation.follow_up_on is None


def test_an_ambiguous_one_liner_is_flagged_for_review_with_the_runner_up():
    result = interpret("ok thanks", dt.datetime(2025, 3, 3, 9, 0))
    assert result.needs_review and result.confidence < 0.7
    assert result.runner_up != result.label


def test_a_plain_rejection_is_not_flagged_for_review():
    result = interpret(
        "We've decided to move forward with another candidate.", dt.datetime(2025, 3, 3, 9, 0)
    )
    assert str(result.label) == "rejection" and not result.needs_review


def test_cli_prints_json_that_round_trips():
    result = runner.invoke(app, ["interpret", str(GOLDEN / "gmail_plain_thread.eml"), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["label"] == "clear_timeline" and data["key_date"]["value"] == "2025-03-14"


def test_cli_reads_stdin_when_given_a_dash():
    result = runner.invoke(
        app,
        ["interpret", "-", "--sent-at", "2025-03-03T09:00:00+00:00", "--json"],
        input="We'd like to invite you to a final interview. Are you free Tuesday at 2?",
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["key_date"]["value"] == "2025-03-04T14:00"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["   "], "empty"),
        (["hello", "--sent-at", "last tuesday"], "--sent-at 'last tuesday'"),
        ([str(Path(__file__))], "unknown file type"),
    ],
)
def test_cli_fails_with_a_one_line_reason(args, needle):
    result = runner.invoke(app, ["interpret", *args])
    assert result.exit_code == 2
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_parsed_email_is_interpreted_with_its_envelope():
    from nextsteps.emails import ParsedEmail

    parsed = ParsedEmail(
        "We'll get back to you by Friday.",
        "Re: Analyst role",
        "Ann Lee <ann@acme.com>",
        dt.datetime(2025, 3, 3, 9, 0),
    )
    result = interpret(parsed)
    assert result.sent_at_source == "header" and result.key_date.value == "2025-03-07"
    assert "Hi Ann," in result.recommendation.draft


def test_cli_gives_a_one_line_reason_for_an_unreadable_msg_file(tmp_path):
    path = tmp_path / "mail.msg"
    path.write_bytes(b"not really an outlook file")
    result = runner.invoke(app, ["interpret", str(path)])
    assert result.exit_code == 2
    assert "msg" in result.stderr and len(result.stderr.strip().splitlines()) == 1


PASTED = """From: Renée Dubois <renee@lumenra.example>
Subject: Accepted: Discussion @ Mon 29 Apr 2024 4pm
Date: Thu, 25 Apr 2024 21:06:00 +0530
Content-Type: text/plain; charset="{charset}"
Content-Transfer-Encoding: 8bit
MIME-Version: 1.0

Renée has accepted this invitation.
Monday 29 Apr 2024 ⋅ 4pm – 4:45pm (India Standard Time)
"""


@pytest.mark.parametrize("charset", ["utf-8", "iso-8859-1"])
def test_a_raw_email_pasted_as_text_keeps_its_characters(charset):
    # The stdlib re-encodes a pasted (already decoded) body: "⋅" came out as "\\u22c5", "é" as "�".
    result = interpret(PASTED.format(charset=charset))
    assert result.text.startswith("Renée has accepted this invitation.")
    assert "2024 ⋅ 4pm – 4:45pm" in result.text


def test_a_from_header_the_stdlib_cannot_parse_is_dropped_not_fatal():
    # policy.default raises AttributeError on this group syntax; the message is still read.
    raw = (
        "From: :;0\nSubject: Second interview\nDate: Mon, 13 Oct 2025 09:00:00 +0000\n\n"
        "We'd like to invite you to a second interview. Are you free Thursday at 2pm?"
    )
    result = interpret(raw)
    assert result.sender == "" and result.label == "immediate_next_steps"
