"""The shipped corpus: schema, counts promised by the data card, and an honest split."""

import json
from collections import Counter

import pytest
from conftest import CORPUS, ROOT

from nextsteps.corpus import CorpusError, check_corpus, load_corpus, write_corpus
from nextsteps.sources import build_corpus, near_duplicates
from nextsteps.types import Category


def test_shipped_corpus_has_no_schema_problems():
    assert check_corpus(CORPUS) == []


def test_corpus_is_in_sync_with_its_hand_written_sources(tmp_path):
    rebuilt = tmp_path / "corpus.jsonl"
    write_corpus(build_corpus(ROOT / "data" / "sources"), rebuilt)
    assert rebuilt.read_text("utf-8") == CORPUS.read_text("utf-8"), "run `make corpus`"


def test_corpus_meets_the_promised_size_and_label_counts(corpus):
    counts = Counter(e.label for e in corpus)
    assert len(corpus) >= 3500
    assert set(counts) == set(Category)
    assert min(counts.values()) >= 400, counts


def test_corpus_mixes_whole_emails_and_short_messages(corpus):
    forms = Counter(e.form for e in corpus)
    assert forms["whole_email"] / len(corpus) >= 0.40, forms
    assert forms["short"] / len(corpus) >= 0.30, forms


def test_every_channel_is_represented(corpus):
    assert set(Counter(e.channel for e in corpus)) == {
        "spoken",
        "email",
        "sms",
        "linkedin",
        "voicemail",
        "ats",
    }


def test_no_group_straddles_train_and_test(corpus):
    splits: dict[str, set[str]] = {}
    for e in corpus:
        splits.setdefault(e.group, set()).add(e.split)
    assert all(len(s) == 1 for s in splits.values())


def test_test_split_holds_every_label(corpus):
    test = Counter(e.label for e in corpus if e.split == "test")
    assert set(test) == set(Category) and min(test.values()) >= 50, test


def test_no_near_duplicates_across_train_and_test(corpus):
    pairs = near_duplicates([e.text for e in corpus])
    crossing = [
        (corpus[i].id, corpus[j].id, round(s, 3))
        for i, j, s in pairs
        if corpus[i].split != corpus[j].split
    ]
    assert crossing == []


def test_ids_are_unique(corpus):
    assert len({e.id for e in corpus}) == len(corpus)


def _write_lines(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


GOOD = {
    "id": "u-1",
    "text": "We'll be in touch.",
    "label": "vague",
    "sent_at": "2025-03-03T10:00:00+00:00",
    "channel": "email",
    "group": "u-1",
    "split": "train",
    "subject": "",
    "sender": "",
    "key_date": None,
    "key_date_kind": None,
}


@pytest.mark.parametrize(
    ("change", "field", "needle"),
    [
        ({"label": "maybe"}, "label", "unknown label 'maybe'"),
        ({"sent_at": "2025-03-03 10:00"}, "sent_at", "no UTC offset"),
        ({"sent_at": "next Tuesday"}, "sent_at", "not an ISO 8601"),
        ({"key_date": "2025-02-30", "key_date_kind": "hear_by"}, "key_date", "not a calendar date"),
        ({"key_date": "2025-03-07", "key_date_kind": None}, "key_date", "both be set"),
        ({"key_date": "2025-03-07", "key_date_kind": "soonish"}, "key_date_kind", "soonish"),
        ({"channel": "fax"}, "channel", "unknown channel"),
        ({"text": "   "}, "text", "empty"),
        ({"split": "dev"}, "split", "train or test"),
        ({"colour": "blue"}, "colour", "unknown field"),
    ],
)
def test_a_bad_record_is_reported_with_file_line_and_field(tmp_path, change, field, needle):
    path = tmp_path / "mine.jsonl"
    _write_lines(path, [GOOD, {**GOOD, "id": "u-2", **change}])
    problems = check_corpus(path)
    assert [(p.line, p.field) for p in problems] == [(2, field)]
    assert needle in problems[0].message and str(path) in str(problems[0])


def test_missing_fields_and_broken_json_are_located(tmp_path):
    path = tmp_path / "mine.jsonl"
    rec = {k: v for k, v in GOOD.items() if k != "label"}
    path.write_text(
        json.dumps(GOOD) + "\n{not json\n" + json.dumps({**rec, "id": "u-3"}) + "\n", "utf-8"
    )
    problems = check_corpus(path)
    assert [(p.line, p.field) for p in problems] == [(2, "-"), (3, "label")]


def test_duplicate_ids_are_reported(tmp_path):
    path = tmp_path / "mine.jsonl"
    _write_lines(path, [GOOD, GOOD])
    assert [(p.line, p.field) for p in check_corpus(path)] == [(2, "id")]


def test_loading_a_bad_corpus_raises_with_every_problem(tmp_path):
    path = tmp_path / "mine.jsonl"
    _write_lines(path, [{**GOOD, "label": "x"}, {**GOOD, "id": "u-2", "channel": "fax"}])
    with pytest.raises(CorpusError) as err:
        load_corpus(path)
    assert len(err.value.problems) == 2 and "mine.jsonl:1: label" in str(err.value)


def test_near_duplicate_groups_are_tied_to_one_split():
    from nextsteps.sources import assign_splits

    base = "Thanks for coming in on Tuesday, the panel enjoyed meeting you and we will be in touch soon"
    texts = [base, base + " with news", "Totally different message about a parcel delivery"] * 1
    groups = ["a", "b", "c"]
    splits = assign_splits(texts, groups, test_share=0.5)
    assert splits[0] == splits[1]


def test_data_card_counts_are_true_to_the_corpus(corpus):
    from nextsteps.corpus import stats_markdown

    card = (ROOT / "data" / "README.md").read_text("utf-8")
    table = card.split("<!-- stats:start -->")[1].split("<!-- stats:end -->")[0].strip()
    assert table == stats_markdown(corpus).strip(), "refresh with `make data-card`"


def test_a_bad_record_in_a_yaml_source_is_located_by_file_and_line(tmp_path):
    source = tmp_path / "mine.yaml"
    source.write_text(
        "- group: a-1\n  label: vague\n  channel: sms\n  form: short\n"
        '  sent_at: "2025-03-03T10:00:00+00:00"\n  text: |\n    we will be in touch\n'
        "- group: a-2\n  label: soonish\n  channel: sms\n  form: short\n"
        '  sent_at: "2025-03-03T10:00:00+00:00"\n  text: |\n    hi\n',
        "utf-8",
    )
    with pytest.raises(CorpusError) as err:
        build_corpus(tmp_path)
    assert [(p.line, p.field) for p in err.value.problems] == [(8, "label")]
    assert f"{source}:8: label" in str(err.value)


def test_broken_yaml_is_reported_with_its_line(tmp_path):
    (tmp_path / "mine.yaml").write_text("- group: a\n  text: [unclosed\n", "utf-8")
    with pytest.raises(CorpusError, match=r"mine\.yaml:\d+: -: invalid YAML"):
        build_corpus(tmp_path)


FRESH = ROOT / "data" / "fresh.jsonl"


def test_the_fresh_writer_set_is_valid_held_out_only_and_in_sync_with_its_source(tmp_path):
    examples = load_corpus(FRESH)
    assert {e.split for e in examples} == {"test"} and len(examples) >= 175
    rebuilt = tmp_path / "fresh.jsonl"
    write_corpus(build_corpus(ROOT / "data" / "fresh", split="test"), rebuilt)
    assert rebuilt.read_text("utf-8") == FRESH.read_text("utf-8")


def test_the_fresh_writer_set_shares_no_template_with_the_training_text(corpus):
    fresh = load_corpus(FRESH)
    texts = [e.text for e in corpus if e.split == "train"] + [e.text for e in fresh]
    n_train = len(texts) - len(fresh)
    crossing = [(i, j) for i, j, _ in near_duplicates(texts) if i < n_train <= j]
    assert crossing == []
