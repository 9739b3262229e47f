"""Reading inbox exports: every message found becomes a Message or a ReadError, never a crash."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextsteps import inbox
from nextsteps.emails import parse_email
from nextsteps.inbox import Columns, Message, RawMessage, ReadError, parse, read_messages, read_raw

DATA = Path(__file__).parent / "data" / "inbox"


def messages(path, **kwargs) -> list[Message | ReadError]:
    return list(read_messages(path, **kwargs))


def by_id(records) -> dict[str, Message]:
    return {r.id: r for r in records if isinstance(r, Message)}


@pytest.fixture(scope="module")
def takeout():
    return messages(DATA / "takeout.mbox")


# --- mbox ------------------------------------------------------------------------------------


def test_gmail_takeout_keeps_thread_ids_and_labels(takeout):
    first = by_id(takeout)["<t1@brightwater.example>"]
    assert first.thread_id == "1790000000000000111"
    assert first.labels == "Inbox,Jobs"
    assert first.sent_at.isoformat() == "2025-10-16T16:42:00-05:00"
    assert first.sender == "Renata Okafor <renata.okafor@brightwateranalytics.com>"


def test_takeout_mbox_gives_one_record_per_message_in_file_order(takeout):
    assert len(takeout) == 8
    assert [r.position for r in takeout] == list(range(8))
    assert all(r.source.endswith("takeout.mbox") for r in takeout)


def test_an_unescaped_from_line_inside_a_body_does_not_split_the_message(takeout):
    body = by_id(takeout)["<t2@northwind.example>"].body
    assert "make a decision quickly" in body
    assert "final interview" in body


def test_an_mboxrd_escaped_from_line_is_read_without_its_quote(takeout):
    assert "\nFrom all of us, best of luck." in by_id(takeout)["<t8@brightwater.example>"].body


def test_a_cp1252_body_labelled_iso_8859_1_keeps_its_curly_quotes(takeout):
    assert "We’d like to invite you" in by_id(takeout)["<t2@northwind.example>"].body


def test_a_body_in_an_unknown_charset_is_still_read(takeout):
    message = by_id(takeout)["<t3@initech.example>"]
    assert "decided to move forward with other candidates" in message.body
    assert message.subject == "Your application for Product Manager"


def test_malformed_date_and_from_headers_still_give_a_message_without_a_date(takeout):
    message = by_id(takeout)["<t4@broken.example>"]
    assert message.sent_at is None
    assert message.sender == "<>"  # as interpret reads it: policy.default's rendering
    assert "quick call" in message.body


def test_an_empty_message_is_an_error_record_with_its_line(takeout):
    empty = takeout[4]
    assert isinstance(empty, ReadError)
    assert (empty.error, empty.line) == ("empty message", 50)


def test_a_message_with_only_attachments_is_an_error_that_says_so(takeout):
    error = takeout[5]
    assert isinstance(error, ReadError)
    assert error.message_id == "<t6@acme.example>"
    assert "attachments only" in error.error


def test_an_html_only_message_is_read_as_text(takeout):
    body = by_id(takeout)["<t7@news.example>"].body
    assert "50% off all shoes" in body and "<p>" not in body


def test_a_truncated_mbox_still_reads_every_message_up_to_the_cut():
    records = messages(DATA / "truncated.mbox")
    assert len(records) == 2
    assert "delighted to offer you the position" in records[1].body


def test_a_message_over_the_size_limit_is_an_error_and_the_next_one_is_read(monkeypatch):
    monkeypatch.setattr(inbox, "MAX_MESSAGE_BYTES", 10_000)
    huge = b"Subject: huge\n\n" + b"All work and no play.\n" * 2000
    mbox = b"From a@x Mon Oct 13 09:00:00 2025\n" + huge
    mbox += b"From b@x Mon Oct 13 10:00:00 2025\nSubject: small\n\nSee you Friday.\n"
    records = messages(io.BytesIO(mbox), format="mbox")
    assert isinstance(records[0], ReadError) and "over the 10,000-byte limit" in records[0].error
    assert records[1].subject == "small"


def test_a_thunderbird_folder_file_without_suffix_is_read_as_an_mbox():
    [message] = messages(DATA / "thunderbird")
    assert message.sender == "Jürgen Müller <jm@globex.de>"
    assert "make you an offer" in message.body


def test_text_before_the_first_separator_is_read_as_a_message():
    [message] = messages(io.BytesIO(b"Subject: no separator\n\nHello there.\n"), format="mbox")
    assert message.subject == "no separator"


# --- folders ---------------------------------------------------------------------------------


def test_an_eml_folder_is_read_recursively_with_emlx_and_other_files_ignored():
    records = messages(DATA / "eml")
    assert sorted(Path(r.source).name for r in records) == ["apple.emlx", "offer.eml", "vague.eml"]
    assert all(isinstance(r, Message) for r in records)


def test_an_emlx_file_is_read_without_its_byte_count_and_plist():
    [message] = messages(DATA / "eml" / "2025" / "apple.emlx")
    assert message.body.strip() == "Could you do a technical interview next Tuesday at 10am?"


def test_a_reply_takes_the_first_message_of_its_references_as_thread():
    [message] = messages(DATA / "eml" / "2025" / "october" / "vague.eml")
    assert message.thread_id == "<e0@globex.example>"


def test_a_maildir_reads_new_and_cur_messages():
    records = messages(DATA / "maildir")
    assert [r.id for r in records] == ["<m1@hooli.example>", "<m2@hooli.example>"]


def test_a_folder_that_cannot_be_listed_is_an_error_record_not_skipped(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.eml").write_bytes(b"Subject: Hi\n\nSee you Friday.")
    real_scandir = os.scandir

    def scandir(path="."):  # chmod 000 does not stop root, so the refusal is simulated
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    error, message = messages(tmp_path)
    assert isinstance(error, ReadError) and isinstance(message, Message)
    assert error.source == str(tmp_path / "locked")
    assert error.error == "cannot read the folder: Permission denied"


def test_a_path_that_does_not_exist_is_one_error_record():
    [error] = messages(DATA / "nowhere.mbox")
    assert isinstance(error, ReadError) and "No such file" in error.error


def test_an_unrecognised_file_is_one_error_record(tmp_path):
    path = tmp_path / "notes"
    path.write_text("just some notes")
    [error] = messages(path)
    assert "not a recognised inbox export" in error.error


# --- tables ----------------------------------------------------------------------------------


def test_a_csv_export_gives_one_record_per_row_with_its_line():
    records = messages(DATA / "messages.csv")
    assert [r.line for r in records] == [2, 3, 4, 5]
    assert records[0].id == "c1" and records[0].sent_at.isoformat() == "2025-10-27T10:00:00-04:00"
    assert isinstance(records[2], ReadError) and records[2].message_id == "c3"


def test_a_csv_date_that_cannot_be_read_leaves_the_message_undated_and_says_so():
    message = messages(DATA / "messages.csv")[3]
    assert message.sent_at is None
    assert message.warning == "sent_at 'not a date' unreadable; dates resolved against today"


def test_a_readable_csv_date_gives_no_warning():
    assert messages(DATA / "messages.csv")[0].warning == ""


def test_an_unreadable_date_header_is_a_warning_too():
    raw = b"Subject: Hi\nDate: last Tuesday-ish\n\nSee you Friday."
    message = parse(RawMessage("x.eml", 0, raw=raw))
    assert message.sent_at is None
    assert (
        message.warning == "Date header 'last Tuesday-ish' unreadable; dates resolved against today"
    )


def test_an_unreadable_row_date_does_not_replace_a_readable_date_header(tmp_path):
    raw = (DATA / "eml" / "offer.eml").read_text()
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"id": "r1", "text": raw, "sent_at": "xyz"}) + "\n")
    [message] = messages(path)
    assert message.sent_at == parse_email(raw).sent_at is not None
    assert message.warning == "sent_at 'xyz' unreadable; the Date header is used"


def test_a_readable_row_date_replaces_the_date_header(tmp_path):
    raw = (DATA / "eml" / "offer.eml").read_text()
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"text": raw, "sent_at": "2025-01-02T03:04:00"}) + "\n")
    [message] = messages(path)
    assert message.sent_at.isoformat() == "2025-01-02T03:04:00" and message.warning == ""


def test_outlooks_csv_export_loads_with_multiline_bodies_and_cp1252_text():
    first, second = messages(DATA / "outlook.csv")
    assert first.sender == "Lee, Kim <kim.lee@northwindtraders.com>"
    assert "Tuesday – the team" in first.body
    assert second.line == 8  # the first body spans six lines


def test_an_exchange_sender_without_an_address_keeps_only_the_name():
    assert messages(DATA / "outlook.csv")[1].sender == "Ruiz, Ana"


def test_csv_columns_can_be_mapped_to_other_names(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Body,Title\nWe'll be in touch next week.,Update\n")
    [message] = messages(path, columns=Columns(text="Body", subject="Title"))
    assert (message.subject, message.body) == ("Update", "We'll be in touch next week.")


def test_a_csv_without_the_text_column_names_the_columns_it_has(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("message,who\nhello,me\n")
    [error] = messages(path)
    assert "no 'text' column (columns: message, who)" in error.error


def test_a_whole_email_in_a_csv_cell_is_read_like_interpret_reads_it(tmp_path):
    raw = (DATA / "eml" / "offer.eml").read_text()
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"id": "r1", "text": raw}) + "\n")
    [message] = messages(path)
    assert message.id == "r1"
    assert message.subject == "Offer for the Data Scientist position"
    assert message.body == parse_email(raw).body


def test_jsonl_lines_that_are_not_objects_become_errors_with_their_line():
    records = messages(DATA / "messages.jsonl")
    assert [type(r).__name__ for r in records] == ["Message", "ReadError", "ReadError", "ReadError"]
    assert [r.line for r in records] == [1, 2, 3, 5]  # the blank line 4 is not a message


# --- Outlook .msg ----------------------------------------------------------------------------


def test_a_msg_file_without_extract_msg_installed_is_an_error_saying_how_to_add_it(
    tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "extract_msg", None)
    path = tmp_path / "offer.msg"
    path.write_bytes(b"not really")
    [error] = messages(path)
    assert "pip install extract-msg" in error.error


def test_a_damaged_msg_file_is_an_error_record(tmp_path):
    pytest.importorskip("extract_msg")
    path = tmp_path / "offer.msg"
    path.write_bytes(b"\xd0\xcf\x11\xe0 damaged")
    [error] = messages(path)
    assert isinstance(error, ReadError) and "not a readable .msg file" in error.error


# --- one decoding behaviour with interpret -----------------------------------------------------


EMAILS = [
    DATA / "eml" / "offer.eml",
    DATA / "eml" / "2025" / "october" / "vague.eml",
    DATA / "maildir" / "new" / "1760000000.M1P1.host",
    Path(__file__).parents[1] / "examples" / "second_round.eml",
]


@pytest.mark.parametrize("path", EMAILS, ids=lambda p: p.name)
def test_batch_reading_decodes_a_body_exactly_as_interpret_does(path):
    raw = path.read_bytes()
    assert parse(RawMessage(str(path), 0, raw=raw)).body == parse_email(raw).body


def test_every_mbox_body_is_decoded_exactly_as_interpret_does():
    for item in read_raw(DATA / "takeout.mbox"):
        ours = parse(item)
        if isinstance(ours, Message):
            assert ours.body == parse_email(item.raw).body


# --- arbitrary bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".mbox", ".eml", ".emlx", ".csv", ".jsonl", ".msg", ""])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000))
def test_any_bytes_in_any_format_become_records_never_an_exception(tmp_path, suffix, data):
    path = tmp_path / f"export{suffix}"
    path.write_bytes(data)
    records = messages(path)
    assert all(isinstance(r, Message | ReadError) for r in records)


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=2000))
def test_any_bytes_after_an_mbox_separator_are_read_as_one_message(data):
    mbox = b"From a@x Mon Oct 13 09:00:00 2025\n" + data.replace(b"From ", b"From_")
    records = messages(io.BytesIO(mbox), format="mbox")
    assert len(records) == 1


# --- the shortcut past policy.default's header objects ----------------------------------

NAME_WORDS = st.sampled_from(["Dana", "O'Brien", "Jean-Luc", "X", "HR", "Team", "42", "van", "de"])
LOCAL = st.sampled_from(["dana", "d.whit", "no-reply", "a_b+c", "x%y", "jobs"])
DOMAIN = st.sampled_from(["acme.com", "mail.acme.co.uk", "my-firm.io", "x.y"])
ADDRESS = st.builds(lambda lo, do: f"{lo}@{do}", LOCAL, DOMAIN)
SENDERS = st.one_of(
    ADDRESS,
    st.builds(
        lambda ws, a: f"{' '.join(ws)} <{a}>", st.lists(NAME_WORDS, min_size=1, max_size=4), ADDRESS
    ),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60),
)


@settings(max_examples=400, deadline=None)
@given(
    sender=SENDERS,
    subject=st.text(alphabet=st.characters(min_codepoint=9, max_codepoint=300), max_size=60),
)
def test_the_envelope_shortcut_gives_what_policy_default_gives(sender: str, subject: str) -> None:
    from email import policy

    def slow(name: str, value: str) -> str:
        try:
            return str(policy.default.header_fetch_parse(name, value) or "").strip()
        except Exception:
            return ""

    assert inbox._as_interpret("From", sender) == slow("From", sender)
    assert inbox._as_interpret("Subject", subject) == slow("Subject", subject)


def test_a_whole_email_in_a_jsonl_cell_keeps_its_characters(tmp_path):
    raw = (
        "From: Renée <r@x.example>\nSubject: Invitation\nContent-Type: text/plain; "
        'charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\nMonday ⋅ 4pm – 5pm, Renée\n'
    )
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"id": "r1", "text": raw}) + "\n")
    [message] = messages(path)
    assert message.body.strip() == "Monday ⋅ 4pm – 5pm, Renée"
    assert message.body == parse_email(raw).body
