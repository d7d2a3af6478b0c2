"""Generated problems read as English: a scan of thousands of them for the defects found so far.

Each pattern is one defect that reached training data once; a wording or a code path
that brings it back fails here with the problems that show it. The scan covers every
kind at every step count, with train's wordings and with the held-out ones.
"""

from __future__ import annotations

import random
import re

import pytest

from tinythink.data import generator as gen
from tinythink.data import stories
from tinythink.data.datamodule import generator_config

TRAIN = generator_config({"n_train": 10}).train  # conf/data/arithmetic.yaml's train difficulty
PER_KIND_AND_STEPS = 40  # x kinds x 4 step counts x 2 (train and held-out wordings)

# A plural noun after "1" ("1 doors", "1 more apples"); "1 glass" and "1 bus" end in -ss/-us.
_ONE_PLURAL = r"\b(?<![\d,.$])1 (?:more |fewer |less )?(?!\w*(?:ss|us)\b)[a-z]+s\b(?! of\b)"
_LEADS = r"(?:Then|Later|Next|After that|Soon|The next day|In the afternoon|In the morning)"
DEFECTS = {
    # "Mia has 12 and The farmer has 9.", "If A lady has...", "Then His sister gives..."
    "capital mid-sentence": r"[a-z,;] (?:The|A|An|His|Her|Their|Its|My|Your|Then)\b",
    "1 with a plural": _ONE_PLURAL,
    # "1 person are sitting down", "1 of them break"
    "1 with a plural verb": r"(?<![\d,.$])\b1 (?:more )?(?:of them|(?!and|but|then)[a-z]+) "
    r"(?:are|were|get|come|go|break|fly|swim|leave|arrive|sit)\b",
    # "Later, then his sister gives her 5 more."
    "two leads": rf"\b{_LEADS},? (?:then|later|next|after that)\b",
    # "shares them equally with 3 friends": 3 shares or 4?
    "sharer not counted": r"equally with (?:\w+ )?(?:friends|children|kids|people)\b",
    # "4 boxes of 18 boxes"
    "container holds itself": r"\b([a-z]+) of (?:\d+ )?\1\b",
    "a before a vowel": r"\b[Aa] [aeiou]",
    "unfilled slot": r"[{}\[\]]",
    "doubled word": r"\b(\w+) \1\b",
    "space before punctuation": r" [.,?!;:]",
    "double space": r"  ",
    "lower-case sentence start": r"[.?!] [a-z]",
}


def _scan() -> list[tuple[str, bool, str]]:
    """(kind, train, question) for every kind, step count and wording set."""
    rng = random.Random(2026)
    out = []
    for kind in gen.FAMILIES:
        low, high = stories.KIND_STEPS[kind]
        for steps in range(max(low, 1), min(high, 4) + 1):
            for train in (True, False):
                for _ in range(PER_KIND_AND_STEPS):
                    p = gen.make_problem(rng, kind, steps, TRAIN, train=train)
                    out.append((kind, train, p.question))
    return out


@pytest.fixture(scope="module")
def scanned() -> list[tuple[str, bool, str]]:
    return _scan()


def test_the_scan_covers_every_kind_and_both_wording_sets(scanned):
    assert {kind for kind, _, _ in scanned} == set(gen.FAMILIES)
    assert {train for _, train, _ in scanned} == {True, False}
    assert len(scanned) >= 2_000


@pytest.mark.parametrize("defect", DEFECTS)
def test_no_generated_problem_shows_the_defect(scanned, defect):
    pattern = re.compile(DEFECTS[defect])
    hits = [(kind, q) for kind, _, q in scanned if pattern.search(q)]
    shown = "\n".join(f"  {kind}: {q}" for kind, q in hits[:5])
    assert not hits, f"{len(hits)} of {len(scanned)} problems show {defect!r}, e.g.\n{shown}"


def test_every_problem_is_sentences_that_end_and_begin_well(scanned):
    bad = [q for _, _, q in scanned if not re.search(r"[.?!]$", q) or not re.match(r"[A-Z0-9$]", q)]
    assert not bad, bad[:5]


@pytest.mark.parametrize(
    ("defect", "text"),
    [
        ("capital mid-sentence", "Alex has 12 tickets and A dancer has 97."),
        ("capital mid-sentence", "If A lady has 4 muffins and sells 2, how many are left?"),
        ("capital mid-sentence", "Leo counts 14 spoons. Then His sister gives him 65 more."),
        ("1 with a plural", "The pink river is 1 miles long."),
        ("1 with a plural", "Her house has 1 doors."),
        ("1 with a plural", "Ben has 1 more apples than Mia."),
        ("1 with a plural verb", "A bus has 12 rows of 8 seats. 1 person are sitting down."),
        ("1 with a plural verb", "1 of them break on the way home."),
        ("two leads", "Neema collects 61 more plates. Next, then Yuki gives her 24 more."),
        ("two leads", "Later, then his dad gives him 5."),
        ("sharer not counted", "She shares them equally with 9 friends."),
        ("sharer not counted", "I share them equally with three friends."),
        ("container holds itself", "Priya buys 4 boxes of 18 boxes."),
    ],
)
def test_each_pattern_catches_its_defect(defect, text):
    assert re.search(DEFECTS[defect], text), (defect, text)


@pytest.mark.parametrize(
    "text",
    [
        "Mia has 12 stickers and Leo has 9. How many do they have?",
        "Mr. Okafor has 1 glass and 1 bus ticket.",
        "It costs $1. Then she buys 1 more.",
        "She shares them equally among 9 friends.",
        "She shares them equally between herself and her 3 friends.",
        "There are 1,200 seats; 1 of them is broken.",
        "The next day, she finds 4 more. Later, Leo gives her 3.",
        "I lose 1 but get 7 beads as a gift.",
    ],
)
def test_good_english_passes_every_pattern(text):
    assert not [d for d, pattern in DEFECTS.items() if re.search(pattern, text)], text
