"""The classifier's hand-made feature blocks: cue phrases."""

from __future__ import annotations

import re
from importlib import resources

import numpy as np
import yaml

from nextsteps.features import cue_vector, load_cues


def _spec() -> dict:
    text = resources.files("nextsteps").joinpath("resources/cues.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_every_cue_has_a_hint_and_lower_case_patterns_that_compile() -> None:
    # Patterns run case-sensitively on lower-cased text: an upper-case letter could never match.
    for name, spec in _spec().items():
        assert spec["hint"], name
        for pattern in spec["patterns"]:
            re.compile(pattern)
            assert not re.search(r"(?<!\\)[A-Z]", pattern), (name, pattern)


def test_cues_match_in_any_case() -> None:
    names = list(load_cues())
    shouting = cue_vector("WE ARE DELIGHTED TO EXTEND YOU AN OFFER")
    assert shouting[names.index("offer_made")] == 1.0
    assert np.array_equal(shouting, cue_vector("we are delighted to extend you an offer"))


def test_cue_flags_equal_case_insensitive_matching_on_the_corpus(corpus) -> None:
    reference = [
        re.compile("|".join(f"(?:{p})" for p in spec["patterns"]), re.IGNORECASE)
        for spec in _spec().values()
    ]
    for ex in corpus:
        expected = [1.0 if rx.search(ex.text) else 0.0 for rx in reference]
        assert cue_vector(ex.text).tolist() == expected, ex.id
