"""Classifying a whole export: one row per message, the same rows on every engine, and the
summary, calendar and table files a user opens."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from nextsteps.batch import (
    COLUMNS,
    Applications,
    Row,
    classify_inbox,
    run_batch,
    write_ics,
)
from nextsteps.cli import app
from nextsteps.emails import parse_email
from nextsteps.inbox import read_raw
from nextsteps.interpret import default_model, interpret

DATA = Path(__file__).parent / "data" / "inbox"
TODAY = dt.date(2025, 11, 3)


@pytest.fixture(scope="module")
def model():
    return default_model()


@pytest.fixture(scope="module")
def rows(model) -> list[Row]:
    return list(classify_inbox([DATA], today=TODAY, model=model))


def row(rows: list[Row], id_: str) -> Row:
    return next(r for r in rows if r.id == id_)


# --- rows ------------------------------------------------------------------------------------


def labelled_or_failed(row: Row) -> bool:
    """A row has a label or says why it has none, never both or neither."""
    return bool(row.label) != bool(row.error)


def test_every_message_in_becomes_exactly_one_row_out(rows):
    assert len(rows) == sum(1 for _ in read_raw(DATA)) == 26
    assert all(labelled_or_failed(r) for r in rows)


def test_unreadable_messages_are_rows_with_an_error_and_no_label(rows):
    errors = [r for r in rows if r.error]
    assert {e.error for e in errors} >= {
        "empty message",
        "no readable text body (attachments only)",
    }
    assert all(not e.label for e in errors)


def test_a_rejection_row_has_its_company_role_and_a_follow_up(rows):
    rejection = row(rows, "<t3@initech.example>")
    assert (rejection.label, rejection.company, rejection.role) == (
        "rejection",
        "Initech",
        "Product Manager",
    )
    assert rejection.follow_up_on == "2025-10-16" and rejection.action


def test_gmail_rows_keep_the_thread_id_and_labels(rows):
    first = row(rows, "<t1@brightwater.example>")
    assert (first.thread_id, first.gmail_labels) == ("1790000000000000111", "Inbox,Jobs")


def test_unrelated_messages_get_no_action_and_no_dates(rows):
    unrelated = [r for r in rows if r.label == "unrelated"]
    assert unrelated
    assert all(not (r.action or r.follow_up_on or r.key_date) for r in unrelated)


def test_a_message_without_a_readable_date_resolves_its_dates_against_today(rows):
    undated = row(rows, "<t4@broken.example>")  # "tomorrow at 3pm", no usable Date header
    assert undated.sent_at == "" and undated.key_date == "2025-11-04T15:00"


def corpus_email(example) -> bytes:
    msg = EmailMessage()
    msg["Message-ID"] = f"<{example.id}@corpus>"
    msg["Date"] = dt.datetime.fromisoformat(example.sent_at).strftime("%a, %d %b %Y %H:%M:%S %z")
    msg["From"] = example.sender or "someone@example.com"
    msg["Subject"] = example.subject
    msg.set_content(example.text)
    return bytes(msg)


def test_batch_labels_dates_and_advice_agree_with_interpret_on_corpus_messages(corpus, model):
    sample = [e for e in corpus if e.split == "test" and e.sent_at][:40]
    raws = [corpus_email(e) for e in sample]
    mbox = b"".join(b"From x@y Mon Oct 13 09:00:00 2025\n" + r + b"\n" for r in raws)
    batch = list(classify_inbox([io.BytesIO(mbox)], today=TODAY, model=model, format="mbox"))
    for raw, got in zip(raws, batch, strict=True):
        want = interpret(raw.decode(), today=TODAY, model=model)
        assert (got.label, got.confidence) == (str(want.label), want.confidence)
        assert got.key_date == (want.key_date.value if want.key_date else "")
        if got.label != "unrelated":
            assert got.action == want.recommendation.action
            assert got.follow_up_on == str(want.recommendation.follow_up_on or "")


def test_batch_agrees_with_interpret_on_a_cp1252_body(model):
    body = (
        "Thanks for coming in \u2013 the team enjoyed it. We\u2019ll get back to you by Friday "
        "with a decision on the Caf\u00e9 Lead role.\n"
    )
    raw = (
        b"From: Ren\xe9e <renee@bistro.example>\nSubject: Caf\xe9 Lead\n"
        b"Date: Mon, 27 Oct 2025 09:00:00 +0000\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: 8bit\n\n"
        + body.encode("cp1252")
    )
    mbox = b"From x@y Mon Oct 27 09:00:00 2025\n" + raw + b"\n"
    [got] = classify_inbox([io.BytesIO(mbox)], today=TODAY, model=model, format="mbox")
    want = interpret(parse_email(raw), today=TODAY, model=model)
    assert "Caf\u00e9 Lead role" in want.text  # the charset was applied, not replaced
    assert (got.label, got.confidence) == (str(want.label), want.confidence)
    assert got.key_date == (want.key_date.value if want.key_date else "")
    assert got.follow_up_on == str(want.recommendation.follow_up_on or "")


def test_an_unreadable_sent_at_is_a_warning_on_a_row_that_is_still_classified(model):
    export = io.BytesIO(b"id,text,sent_at\nw1,We went with another candidate.,xyz\n")
    [got] = classify_inbox([export], today=TODAY, model=model, format="csv")
    assert (got.label, got.error) == ("rejection", "")
    assert got.warning == "sent_at 'xyz' unreadable; dates resolved against today"


# --- country ---------------------------------------------------------------------------------


def test_an_unknown_country_fails_the_whole_run_before_the_table_is_created(tmp_path, model):
    out = tmp_path / "rows.csv"
    with pytest.raises(ValueError, match="unknown country code for holidays: 'XX'"):
        run_batch([DATA], out, today=TODAY, model=model, country="XX")
    assert not out.exists()
    with pytest.raises(ValueError, match="unknown country"):
        classify_inbox([DATA], today=TODAY, model=model, country="XX")


def test_a_lower_case_country_code_is_accepted(model):
    got = list(classify_inbox([DATA / "messages.csv"], today=TODAY, model=model, country="us"))
    assert not any(r.error.startswith("could not classify") for r in got)
    assert [r.label != "" for r in got] == [True, True, False, True]


def test_the_batch_command_with_an_unknown_country_exits_with_code_2_and_says_why():
    result = runner.invoke(app, ["batch", str(DATA / "messages.csv"), "--country", "XX"])
    assert result.exit_code == 2
    assert "unknown country code" in result.stderr and result.stdout == ""


# --- engines ---------------------------------------------------------------------------------


def test_two_processes_give_the_same_rows_in_the_same_order(rows, model):
    assert list(classify_inbox([DATA], today=TODAY, model=model, jobs=2)) == rows


def test_a_dask_cluster_gives_the_same_rows_as_the_local_engine(rows, model):
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        got = list(
            classify_inbox([DATA], today=TODAY, model=model, engine="dask", scheduler=client)
        )
    assert got == rows


def test_an_unknown_engine_is_refused(model):
    with pytest.raises(ValueError, match="unknown engine"):
        classify_inbox([DATA], today=TODAY, model=model, engine="spark")


# --- tables ----------------------------------------------------------------------------------


def read_table(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, keep_default_na=False)
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_excel(path)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".xlsx"])
def test_the_table_is_written_in_the_format_of_its_extension(tmp_path, model, rows, suffix):
    out = tmp_path / f"rows{suffix}"
    report = run_batch([DATA], out, today=TODAY, model=model)
    table = read_table(out)
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == report.messages == len(rows)
    assert list(table["label"].fillna("")) == [r.label for r in rows]


HOSTILE_SUBJECT = '=HYPERLINK("http://evil.example","x")'


def test_a_formula_in_a_subject_is_plain_text_in_the_xlsx_and_csv_tables(tmp_path, model):
    from openpyxl import load_workbook

    export = tmp_path / "export.jsonl"
    line = {"id": "h1", "text": "We went with another candidate.", "subject": HOSTILE_SUBJECT}
    export.write_text(json.dumps(line) + "\n")
    run_batch([export], tmp_path / "rows.xlsx", today=TODAY, model=model)
    run_batch([export], tmp_path / "rows.csv", today=TODAY, model=model)
    sheet = load_workbook(tmp_path / "rows.xlsx").active
    cell = sheet.cell(row=2, column=COLUMNS.index("subject") + 1)
    assert cell.data_type != "f" and cell.value == "'" + HOSTILE_SUBJECT
    with (tmp_path / "rows.csv").open(newline="") as fp:
        [record] = csv.DictReader(fp)
    assert record["subject"] == "'" + HOSTILE_SUBJECT


def test_the_jsonl_table_keeps_cells_exactly_as_read(tmp_path, model):
    export = tmp_path / "export.jsonl"
    line = {"id": "h1", "text": "We went with another candidate.", "subject": HOSTILE_SUBJECT}
    export.write_text(json.dumps(line) + "\n")
    run_batch([export], tmp_path / "rows.jsonl", today=TODAY, model=model)
    assert json.loads((tmp_path / "rows.jsonl").read_text())["subject"] == HOSTILE_SUBJECT


def test_an_unknown_output_extension_is_refused_before_anything_is_read(tmp_path):
    with pytest.raises(ValueError, match="unknown output format"):
        run_batch([tmp_path / "not-read"], tmp_path / "rows.txt", today=TODAY)


# --- applications ----------------------------------------------------------------------------


def test_a_thread_is_one_application_with_the_status_of_its_latest_message(rows):
    apps = Applications()
    for r in rows:
        if r.source.endswith("takeout.mbox"):
            apps.add(r)
    [brightwater] = [a for a in apps.result(TODAY) if a.company == "Brightwateranalytics"]
    assert (brightwater.messages, brightwater.status) == (2, "rejection")
    assert not brightwater.overdue  # a rejection closes it


def promise(id_: str, sent_at: str, label: str = "clear_timeline", **kw) -> Row:
    fields = {"company": "Acme", "role": "Analyst", "key_date_kind": "hear_by"} | kw
    return Row(id=id_, sent_at=sent_at, label=label, **fields)


def test_a_promised_date_passed_with_no_later_message_is_overdue():
    apps = Applications()
    apps.add(promise("a", "2025-10-20T09:00:00", key_date="2025-10-27"))
    [app] = apps.result(TODAY)
    assert app.overdue and "OVERDUE since 2025-10-27" in app.line()


def test_a_later_message_clears_an_overdue_promise():
    apps = Applications()
    apps.add(promise("a", "2025-10-20T09:00:00", key_date="2025-10-27"))
    apps.add(promise("b", "2025-10-29T09:00:00", label="vague", key_date_kind=""))
    [app] = apps.result(TODAY)
    assert not app.overdue and app.status == "vague"
    assert app.promised == "hear_by 2025-10-27"  # still what was promised


def test_overdue_applications_come_first_in_the_summary():
    apps = Applications()
    apps.add(promise("a", "2025-10-30T09:00:00", company="Globex", key_date="2025-11-20"))
    apps.add(promise("b", "2025-10-20T09:00:00", key_date="2025-10-27"))
    assert [a.company for a in apps.result(TODAY)] == ["Acme", "Globex"]


def test_the_calendar_has_one_reminder_per_application_with_a_follow_up(tmp_path, rows):
    from icalendar import Calendar

    apps = Applications()
    for r in rows:
        apps.add(r)
    result = apps.result(TODAY)
    count = write_ics(result, tmp_path / "follow-ups.ics", TODAY)
    events = Calendar.from_ical((tmp_path / "follow-ups.ics").read_bytes()).walk("VEVENT")
    assert count == len(events) == sum(1 for a in result if a.follow_up_on)
    assert all(str(e["summary"]).startswith("Follow up: ") for e in events)


def calendar_uids(rows: list[Row]) -> set[str]:
    from icalendar import Calendar

    apps = Applications()
    for r in rows:
        apps.add(r)
    out = io.BytesIO()
    write_ics(apps.result(TODAY), out, TODAY)
    return {str(e["uid"]) for e in Calendar.from_ical(out.getvalue()).walk("VEVENT")}


def test_a_reimported_calendar_keeps_its_uids_whatever_the_message_order_or_follow_up_date():
    first = promise("a", "2025-10-20T09:00:00", thread_id="t1", follow_up_on="2025-10-28")
    second = promise("b", "2025-10-22T09:00:00", thread_id="t2", follow_up_on="2025-10-30")
    later = replace(second, follow_up_on="2025-11-06")  # the next run moved the follow-up
    uids = calendar_uids([first, second])
    assert len(uids) == 1
    assert calendar_uids([second, first]) == calendar_uids([first, later]) == uids


# --- command line ----------------------------------------------------------------------------


runner = CliRunner()


def test_the_batch_command_writes_the_table_and_counts_on_stderr(tmp_path):
    out = tmp_path / "rows.jsonl"
    result = runner.invoke(app, ["batch", str(DATA), "-o", str(out), "--today", "2025-11-03"])
    assert result.exit_code == 0, result.output
    assert "26 messages, 6 unreadable" in result.stderr
    assert result.stdout == ""  # no progress bar on a pipe
    assert len(out.read_text().splitlines()) == 26


def test_the_batch_command_without_output_prints_csv_to_stdout():
    result = runner.invoke(app, ["batch", str(DATA / "messages.csv"), "--today", "2025-11-03"])
    assert result.exit_code == 0
    table = pd.read_csv(io.StringIO(result.stdout), keep_default_na=False)
    assert list(table["id"]) == ["c1", "c2", "c3", "c4"]


def test_the_summary_lists_each_application_on_one_line(tmp_path):
    ics = tmp_path / "f.ics"
    args = ["batch", str(DATA / "takeout.mbox"), "--summary", "--today", "2025-11-03"]
    result = runner.invoke(app, [*args, "--ics", str(ics)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("Brightwateranalytics: rejection") for line in lines)
    assert not any("Weekly Deals" in line for line in lines)  # unrelated: not an application
    assert b"BEGIN:VEVENT" in ics.read_bytes()


def test_an_unknown_output_format_exits_with_code_2_and_says_why(tmp_path):
    result = runner.invoke(app, ["batch", str(DATA), "-o", str(tmp_path / "rows.txt")])
    assert result.exit_code == 2
    assert "unknown output format" in result.stderr


def test_a_missing_export_exits_with_code_2(tmp_path):
    assert runner.invoke(app, ["batch", str(tmp_path / "missing.mbox")]).exit_code == 2


def test_csv_columns_are_mapped_from_the_command_line(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("Body,Title\nWe went with another candidate.,Update\n")
    out = tmp_path / "rows.jsonl"
    args = ["batch", str(export), "--text-column", "Body", "--subject-column", "Title"]
    assert runner.invoke(app, [*args, "-o", str(out)]).exit_code == 0
    got = json.loads(out.read_text())
    assert (got["subject"], got["label"]) == ("Update", "rejection")


# --- arbitrary bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".mbox", ".csv", ".jsonl", ".eml"])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=1500))
def test_any_bytes_give_as_many_rows_as_messages_read_and_never_raise(
    tmp_path, model, suffix, data
):
    path = tmp_path / f"export{suffix}"
    path.write_bytes(data)
    got = list(classify_inbox([path], today=TODAY, model=model))
    assert len(got) == sum(1 for _ in read_raw(path))
    assert all(labelled_or_failed(r) for r in got)


def test_a_rejection_ends_what_was_promised_before_it():
    apps = Applications()
    apps.add(promise("a", "2025-10-20T09:00:00", key_date="2025-10-27"))
    apps.add(promise("b", "2025-10-24T09:00:00", label="rejection", key_date_kind=""))
    [app] = apps.result(TODAY)
    assert app.status == "rejection" and app.promised == "" and not app.overdue
