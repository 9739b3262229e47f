"""casefold.lower must read text as re.IGNORECASE does, keeping offsets (patterns rely on it)."""

from __future__ import annotations

import re
import sys

from nextsteps.casefold import lower

ALL = [chr(i) for i in range(sys.maxunicode + 1)]


def test_lower_keeps_every_character_one_character_long() -> None:
    # Offsets found in the lower-cased text are offsets into the original.
    assert [c for c in ALL if len(lower(c)) != 1] == []


def test_every_letter_ignorecase_takes_for_an_ascii_letter_lowers_to_it() -> None:
    ascii_letter = re.compile("[a-z]", re.IGNORECASE)
    odd = [c for c in ALL[128:] if ascii_letter.fullmatch(c) and not lower(c).isascii()]
    assert odd == []
    assert lower("ſEPTEMBER FRİDAY \u212aIT") == "september friday kit"
