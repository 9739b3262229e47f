"""`nextsteps review`: from a batch table back to the user's examples file, one answer at a time,
driven here by CliRunner input as a person at a terminal would drive it."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from nextsteps.cli import app
from nextsteps.review import parse_answer
from nextsteps.user_examples import read_user_examples

runner = CliRunner()

MESSAGES = [
    ("Re: Site supervisor role", "Update from the panel: it's a DNP for you this round."),
    ("Your application", "Thanks for applying. We will review your application."),
    ("Re: Foreman", "The client came back DNP after Tuesday's chat, sorry mate."),
    ("Interview", "We'd like to invite you to a second interview. Are you free Thursday at 2?"),
]


def mbox(messages) -> bytes:
    out = []
    for i, (subject, body) in enumerate(messages):
        out += [
            f"From dana@buildco.example Mon Oct {13 + i} 09:00:00 2025",
            "From: Dana <dana@buildco.example>",
            f"Subject: {subject}",
            f"Message-ID: <m{i}@buildco.example>",
            f"Date: Mon, {13 + i} Oct 2025 09:00:00 +0000",
            "",
            body,
            "",
        ]
    return "\n".join(out).encode()


@pytest.fixture
def table(tmp_path, monkeypatch):
    """A batch table of the four messages, rows 1 and 3 marked for review (what the batch does
    for an unsure guess; fixed here so the test does not depend on the model's confidence)."""
    monkeypatch.setenv("NEXTSTEPS_HOME", str(tmp_path / "home"))
    export = tmp_path / "inbox.mbox"
    export.write_bytes(mbox(MESSAGES))
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(export), "-o", str(out), "--today", "2025-10-20"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    frame["needs_review"] = ["True", "False", "True", "False"]
    frame.to_csv(out, index=False)
    return out


def recorded(path):
    found = read_user_examples([path])
    assert found.problems == []
    return [(e.text.strip(), str(e.label)) for e in found.examples]


def test_review_walks_the_rows_marked_needs_review_and_records_the_labels(table, tmp_path):
    examples = tmp_path / "mine.jsonl"

    result = runner.invoke(
        app, ["review", str(table), "--examples", str(examples)], input="5\nrejection\n"
    )

    assert result.exit_code == 0, result.output
    assert "[1/2] Re: Site supervisor role | Dana <dana@buildco.example>" in result.stdout
    assert "it's a DNP for you this round." in result.stdout
    assert "model's guess:" in result.stdout
    assert recorded(examples) == [
        (MESSAGES[0][1], "rejection"),
        (MESSAGES[2][1], "rejection"),
    ]
    assert "recorded 2 label(s)" in result.stdout
    assert f"next: nextsteps train --add {examples}" in result.stdout
    record = json.loads(examples.read_text().splitlines()[0])
    assert record["subject"] == "Re: Site supervisor role"
    assert record["id"] == "<m0@buildco.example>"


def test_enter_accepts_the_guess_s_skips_and_other_rows_can_be_chosen_by_id(table, tmp_path):
    examples = tmp_path / "mine.csv"
    guesses = pd.read_csv(table, dtype=str)["label"].tolist()

    result = runner.invoke(
        app,
        ["review", str(table), "--examples", str(examples), "--id", "<m3@buildco.example>"],
        input="\ns\n7\n",
    )

    assert result.exit_code == 0, result.output
    assert "[3/3] Interview" in result.stdout
    assert recorded(examples) == [(MESSAGES[0][1], guesses[0]), (MESSAGES[3][1], "unrelated")]
    assert "1 skipped" in result.stdout


def test_an_answer_that_is_not_a_label_is_asked_again(table, tmp_path):
    examples = tmp_path / "mine.jsonl"

    result = runner.invoke(
        app, ["review", str(table), "--examples", str(examples)], input="maybe\n9\n6\nq\n"
    )

    assert "'maybe' is not a label" in result.stdout
    assert "'9' is not a label" in result.stdout
    assert recorded(examples) == [(MESSAGES[0][1], "offer")]


def test_quitting_keeps_the_answers_given_and_a_second_review_skips_them(table, tmp_path):
    examples = tmp_path / "mine.jsonl"

    first = runner.invoke(app, ["review", str(table), "--examples", str(examples)], input="5\nq\n")
    second = runner.invoke(app, ["review", str(table), "--examples", str(examples)], input="3\n")

    assert first.exit_code == 0 and "recorded 1 label(s)" in first.stdout
    assert "1 already there" in second.stdout
    assert recorded(examples) == [
        (MESSAGES[0][1], "rejection"),
        (MESSAGES[2][1], "no_next_steps"),
    ]


def test_the_end_of_input_stops_the_review_like_q(table, tmp_path):
    examples = tmp_path / "mine.jsonl"

    result = runner.invoke(app, ["review", str(table), "--examples", str(examples)], input="")

    assert result.exit_code == 0
    assert "recorded 0 label(s)" in result.stdout
    assert not examples.exists()


def test_the_default_examples_file_is_in_the_users_data_folder(table, tmp_path):
    result = runner.invoke(app, ["review", str(table)], input="5\nq\n")

    assert result.exit_code == 0
    assert recorded(tmp_path / "home" / "examples.jsonl") == [(MESSAGES[0][1], "rejection")]


def test_a_moved_export_is_named_and_its_rows_skipped(table, tmp_path):
    (tmp_path / "inbox.mbox").rename(tmp_path / "elsewhere.mbox")

    result = runner.invoke(app, ["review", str(table), "--examples", str(tmp_path / "m.jsonl")])

    assert result.exit_code == 0
    assert "inbox.mbox is no longer there" in result.stderr
    assert "2 unreadable" in result.stdout


def test_a_file_that_is_not_a_batch_table_is_refused(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n")

    result = runner.invoke(app, ["review", str(path), "--examples", str(tmp_path / "m.jsonl")])

    assert result.exit_code == 2
    assert "no label, needs_review column" in result.stderr


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        ("1", "clear_timeline"),
        ("7", "unrelated"),
        ("", "vague"),
        ("No next steps", "no_next_steps"),
    ],
)
def test_an_answer_is_a_number_a_name_or_enter_for_the_guess(answer, label):
    assert parse_answer(answer, "vague") == label


# --- exports read with the batch run's format and columns --------------------------------------


def batch_table(export, out, **options):
    """A batch table of the export, every row marked for review."""
    import datetime as dt

    from nextsteps.batch import run_batch

    run_batch([export], out, today=dt.date(2025, 10, 20), **options)
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    frame["needs_review"] = "True"
    frame.to_csv(out, index=False)
    return out


def test_an_export_batched_with_a_format_and_mapped_columns_is_read_back_with_them(tmp_path):
    from nextsteps.inbox import Columns
    from nextsteps.review import review

    export = tmp_path / "export.txt"  # a suffix no format is detected from
    export.write_text("Ref,Body,Title\nk1,We went with another candidate.,Update\n")
    columns = Columns(id="Ref", text="Body", subject="Title")
    table = batch_table(export, tmp_path / "out.csv", format="csv", columns=columns)
    examples = tmp_path / "mine.jsonl"

    done = review(
        table, examples, ask=lambda _: "5", show=lambda _: None, format="csv", columns=columns
    )

    assert done.unreadable == []
    assert recorded(examples) == [("We went with another candidate.", "rejection")]


def test_ids_and_subjects_defused_in_the_table_still_match_their_export(tmp_path):
    from nextsteps.review import review

    export = tmp_path / "export.csv"
    export.write_text('id,text,subject\n-42,We went with another candidate.,"=SUM(A1)"\n')
    table = batch_table(export, tmp_path / "out.csv")
    assert pd.read_csv(table, dtype=str)["id"].tolist() == ["'-42"]  # as batch wrote it
    examples = tmp_path / "mine.jsonl"

    done = review(table, examples, ask=lambda _: "5", show=lambda _: None)

    assert done.unreadable == []
    record = json.loads(examples.read_text())
    assert (record["id"], record["subject"]) == ("-42", "=SUM(A1)")


def test_the_review_command_takes_the_batch_runs_format_and_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("NEXTSTEPS_HOME", str(tmp_path / "home"))
    export = tmp_path / "export.txt"
    export.write_text("Ref,Body,Title\nk1,We went with another candidate.,Update\n")
    mapping = [
        "--format",
        "csv",
        "--text-column",
        "Body",
        "--id-column",
        "Ref",
        "--subject-column",
        "Title",
    ]
    out = tmp_path / "out.csv"
    batched = runner.invoke(app, ["batch", str(export), "-o", str(out), *mapping])
    assert batched.exit_code == 0, batched.output
    examples = tmp_path / "mine.jsonl"
    result = runner.invoke(
        app, ["review", str(out), "--all", "--examples", str(examples), *mapping], input="5\n"
    )
    assert result.exit_code == 0, result.output
    assert "recorded 1 label" in result.output
    assert recorded(examples) == [("We went with another candidate.", "rejection")]
