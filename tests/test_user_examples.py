"""A user's own examples: every problem names its file, line and field; bad rows are skipped
unless --strict; duplicates are caught among the user's rows and against the shipped corpus."""

import json

import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from nextsteps.cli import app
from nextsteps.types import Category, Example
from nextsteps.user_examples import (
    UserExamplesError,
    append_example,
    normalise,
    read_user_examples,
)

CORRUPT_CSV = """\
text,label,sent_at
"We'll be in touch soon.",vague,2025-10-14
,vague,2025-10-14
Thanks - we went with someone else,regection,2025-10-14
Offer attached,offer,14/10/2025
"we'll be in touch   SOON.",vague,
"Broken "quote here,vague,
"Sorry, we went with
another candidate.",rejection,2025-10-15T10:30:00+01:00
"""


@pytest.fixture
def corrupt(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(CORRUPT_CSV, "utf-8")
    return path


def located(problems):
    return [(p.line, p.field) for p in problems]


def test_a_corrupt_csv_reports_every_problem_with_its_file_line_and_field(corrupt):
    found = read_user_examples([corrupt])

    assert located(found.problems) == [
        (3, "text"),  # empty text
        (4, "label"),  # unknown label
        (5, "sent_at"),  # not a date
        (6, "text"),  # duplicate of line 2
        (7, "-"),  # broken quoting: the whole row
    ]
    assert all(p.file == str(corrupt) for p in found.problems)
    messages = [str(p) for p in found.problems]
    assert f"{corrupt}:3: text: empty" in messages
    assert f"{corrupt}:4: label: unknown label 'regection'" in messages[1]
    assert f"{corrupt}:5: sent_at: not an ISO 8601 date or datetime: '14/10/2025'" in messages
    assert f"{corrupt}:6: text: duplicate of {corrupt}:2" in messages
    assert "broken CSV quoting" in messages[4]


def test_the_good_rows_of_a_corrupt_file_are_kept_including_a_multi_line_text(corrupt):
    found = read_user_examples([corrupt])

    assert [(e.label, e.extra["line"]) for e in found.examples] == [
        (Category.VAGUE, 2),
        (Category.REJECTION, 8),
    ]
    assert found.examples[1].text == "Sorry, we went with\nanother candidate."
    assert found.skipped_lines == 5


def test_strict_stops_at_the_first_problem(corrupt):
    with pytest.raises(UserExamplesError) as caught:
        read_user_examples([corrupt], strict=True)

    assert located(caught.value.problems) == [(3, "text")]


def test_a_text_already_in_the_shipped_corpus_is_a_duplicate_and_skipped(tmp_path):
    shipped = Example(
        id="w1-7", text="We have put the role on hold.", label=Category.NO_NEXT_STEPS, sent_at=""
    )
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps({"text": "we have put the ROLE on hold.", "label": "vague"}) + "\n")

    found = read_user_examples([path], known=[shipped])

    assert found.examples == []
    assert str(found.problems[0]) == (
        f"{path}:1: text: duplicate of shipped example w1-7 (no_next_steps)"
    )


def test_a_corrupt_jsonl_names_each_line_and_field(tmp_path):
    path = tmp_path / "mine.jsonl"
    lines = [
        '{"text": "Could you do Tuesday at 2?", "label": "immediate_next_steps"}',
        '{"text": "hello", "label": "vague"',  # broken JSON
        '["not", "an", "object"]',
        '{"text": "We will call you by Friday.", "label": "clear_timeline", "key_date": "2025-02-30"}',
        '{"text": "Offer letter attached.", "label": "offer", "colour": "red"}',
        '{"text": 42, "label": "vague"}',
        '{"label": "vague"}',
        '{"text": "On hold for now.", "label": "no_next_steps", "key_date_kind": "event"}',
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")

    found = read_user_examples([path])

    assert located(found.problems) == [
        (2, "-"),
        (3, "-"),
        (4, "key_date"),
        (5, "colour"),
        (6, "text"),
        (7, "text"),
        (8, "key_date_kind"),
    ]
    assert [e.extra["line"] for e in found.examples] == [1]


def test_labels_and_dates_are_read_the_way_people_write_them(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        "text,label,sent_at,key_date\n"
        "We'll let you know by Friday.,Clear timeline,2025-10-14,2025-10-17\n"
        "Can you send two references?,immediate-next-steps,2025-10-14T09:30,\n",
        "utf-8",
    )

    found = read_user_examples([path])

    assert found.problems == []
    assert [str(e.label) for e in found.examples] == ["clear_timeline", "immediate_next_steps"]
    assert found.examples[0].sent_at == "2025-10-14T09:00:00"
    assert found.examples[0].key_date == "2025-10-17"


def test_an_unknown_column_is_reported_once_and_the_rows_are_still_read(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("text,label,lable\nWe'll be in touch.,vague,x\n", "utf-8")

    found = read_user_examples([path])

    assert located(found.problems) == [(1, "lable")]
    assert len(found.examples) == 1


def test_a_file_that_is_neither_csv_nor_jsonl_is_named(tmp_path):
    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"PK")

    found = read_user_examples([path])

    assert "unknown file type" in str(found.problems[0])


def test_appended_examples_read_back_the_same_from_csv_and_jsonl(tmp_path):
    for name in ("mine.csv", "mine.jsonl"):
        path = tmp_path / name
        append_example(path, {"text": 'She said "soon", with a comma', "label": "vague"})
        append_example(path, {"text": "Line one\nline two", "label": "offer", "subject": "Re"})

        found = read_user_examples([path])

        assert found.problems == []
        assert [(e.text, str(e.label), e.subject) for e in found.examples] == [
            ('She said "soon", with a comma', "vague", ""),
            ("Line one\nline two", "offer", "Re"),
        ]


def test_normalising_ignores_case_spacing_and_unicode_forms():
    assert normalise("Ｗe'll be\u00a0in   touch\n") == normalise("we'll be in touch")


def test_train_add_strict_stops_at_the_first_problem_before_training(corrupt, tmp_path):
    result = CliRunner().invoke(
        app,
        ["train", "--add", str(corrupt), "--strict", "--data", str(CORPUS)],
        env={"NEXTSTEPS_HOME": str(tmp_path)},
    )

    assert result.exit_code == 1
    assert f"{corrupt}:3: text: empty" in result.stderr
    assert "regection" not in result.stderr  # it stopped at the first


def test_train_add_with_no_usable_row_says_so_after_listing_the_problems(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("text,label\n,vague\nHello,nope\n", "utf-8")

    result = CliRunner().invoke(
        app,
        ["train", "--add", str(path), "--data", str(CORPUS)],
        env={"NEXTSTEPS_HOME": str(tmp_path)},
    )

    assert result.exit_code == 2
    assert f"{path}:2: text: empty" in result.stderr
    assert f"{path}:3: label: unknown label 'nope'" in result.stderr
    assert "no usable examples" in result.stderr
