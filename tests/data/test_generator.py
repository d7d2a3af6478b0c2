"""The built-in word problems: correct arithmetic, determinism, disjoint splits, and a
train split that never shows a held-out wording or word."""

import dataclasses
import operator
import random
import re

import pytest

from tinythink.data import generator as gen
from tinythink.data import lexicon, stories
from tinythink.data.datamodule import generator_config
from tinythink.data.problem import Problem

SIZES = {"n_train": 20_000, "n_val": 300, "n_test": 300, "n_ood": 200}
SMALL = generator_config(SIZES)  # conf/data/arithmetic.yaml's generator, fewer rows
TRAIN = SMALL.train


@pytest.fixture(scope="module")
def splits() -> dict[str, list[Problem]]:
    return {s: gen.generate_split(SMALL, s) for s in gen.SPLITS}


def test_worked_arithmetic():
    assert gen.work_add(47, 38) == "47+38: 7+8=15, 4+3+1=8, so 85."
    assert gen.work_add(95, 38) == "95+38: 5+8=13, 9+3+1=13, carry 1, so 133."
    assert gen.work_sub(82, 47) == "82-47: 12-7=5, 8-1-4=3, so 35."
    assert gen.work_sub(100, 1) == "100-1: 10-1=9, 10-1-0=9, 1-1-0=0, so 99."
    assert gen.work_mul(12, 6) == "12*6: 2*6=12, 1*6+1=7, so 72."
    assert gen.work_div(84, 7) == "84/7: 8/7=1 r1, 14/7=2 r0, so 12."
    assert gen.work_mul(23, 45) == (
        "23*45: 23*5=115 by 3*5=15, 2*5+1=11, carry 1; 23*40=920 by 3*4=12, 2*4+1=9; "
        "115+920 by 5+0=5, 1+2=3, 1+9=10, carry 1; so 1035."
    )
    assert gen.work_div(156, 12) == (
        "156/12: 1/12=0 r1, 15/12=1 r3 (12*1=12), 36/12=3 r0 (12*3=36), so 13."
    )
    with pytest.raises(ValueError, match="a >= b"):
        gen.work_sub(3, 5)
    with pytest.raises(ValueError, match="exact division"):
        gen.work_div(85, 7)


_OP = re.compile(r"(\d+)([+\-*/])(\d+): [^.]*?so (\d+)\.")


def _check_reasoning(p: Problem) -> None:
    ops = _OP.findall(p.reasoning)
    assert len(ops) == p.steps, p
    for a, op, b, result in ops:
        a, b, result = int(a), int(b), int(result)
        exact = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.floordiv}
        assert exact[op](a, b) == result, p
        if op == "/":
            assert a % b == 0, p
    assert int(ops[-1][3]) == p.answer, p
    assert p.answer >= 0, p
    # every operand is a number of the question (digits or a small number word) or an
    # earlier result: the reasoning copies, it does not invent
    known = {int(n) for n in re.findall(r"\d+", p.question)}
    words = set(re.findall(r"[a-z]+", p.question.lower()))
    known |= {i for i, w in enumerate(lexicon.NUMBER_WORDS) if w in words}
    known |= {n for word, n in lexicon.IMPLIED_NUMBERS.items() if word in words}
    if re.search(r"\band (her|his|my|your) \w+ (friends|cousins|brothers|sisters)\b", p.question):
        known.add(1)  # "She and her 3 friends share them": one more than the friends
    for a, _, b, result in ops:
        assert int(a) in known and int(b) in known, (a, b, p)
        known.add(int(result))


def test_every_family_and_step_count_is_correct():
    """Right arithmetic on the question's numbers at every step count. Whether the answer
    is the one the story asks for (not "fewer" worked as "more") is in
    ``tests/data/stories/test_kinds.py``: questions read and answered by hand."""
    rng = random.Random(0)
    for family in gen.FAMILIES:
        low, high = stories.KIND_STEPS[family]
        for steps in range(1, 7):
            for train in (True, False):
                for _ in range(30):
                    p = gen.make_problem(
                        rng, family, steps, dataclasses.replace(TRAIN, max_steps=6), train=train
                    )
                    assert p.family == family
                    assert p.steps <= min(max(steps, low), high), p
                    _check_reasoning(p)


def test_deterministic():
    assert gen.generate_split(SMALL, "val") == gen.generate_split(SMALL, "val")
    other = generator_config({**SIZES, "seed": 7})
    assert gen.generate_split(other, "val") != gen.generate_split(SMALL, "val")


def test_splits_are_disjoint(splits):
    train = {p.question for p in splits["train"]}
    for held_out in ("val", "test", "ood"):
        assert not train & {p.question for p in splits[held_out]}, held_out
    assert not {p.question for p in splits["val"]} & {p.question for p in splits["test"]}
    # by construction: each held-out question hashes to its own split
    assert all(gen.split_of(p.question) == "test" for p in splits["test"])


def test_test_split_covers_the_spec(splits):
    test = splits["test"]
    assert len(test) == len({p.question for p in test}) == 300
    assert {p.family for p in test} == set(gen.FAMILIES)
    assert {p.steps for p in test} == {1, 2, 3, 4}
    # held-out wordings and words are well represented, and every row says which it is
    wording = [p.wording for p in test]
    assert 0.3 < wording.count("held_out") / len(test) < 0.7
    assert set(wording) == {"seen", "held_out"}
    for p in test:
        assert max((int(n) for n in re.findall(r"\d+", p.question)), default=0) <= 999
        assert 0 <= p.answer <= 9999
        _check_reasoning(p)


def test_ood_holds_only_problems_harder_than_any_in_train(splits):
    """Each ood problem has more steps than train's most, or a question number above
    train's largest: compared with the train split's own problems, not just its config."""
    train = splits["train"]
    most_steps = max(p.steps for p in train)
    largest = max(gen.largest_number(p.question) for p in train)
    assert (most_steps, largest) == (TRAIN.max_steps, TRAIN.max_operand)  # train reaches its limits
    halves = {gen.MORE_STEPS: [], gen.BIGGER_NUMBERS: []}
    for p in splits["ood"]:
        halves[p.harder].append(p)
        _check_reasoning(p)
    for p in halves[gen.MORE_STEPS]:
        assert p.steps > most_steps and gen.largest_number(p.question) <= largest, p
    for p in halves[gen.BIGGER_NUMBERS]:
        assert gen.largest_number(p.question) > largest and p.steps <= most_steps, p
    assert [len(h) for h in halves.values()] == [SIZES["n_ood"] // 2] * 2
    assert {p.steps for p in halves[gen.MORE_STEPS]} == {5, 6}
    assert {p.steps for p in halves[gen.BIGGER_NUMBERS]} == {1, 2, 3, 4}
    # the held-out splits of train's difficulty carry no ood label
    assert {p.harder for s in ("train", "val", "test") for p in splits[s]} == {""}


def _story() -> stories.Story:
    return stories.Story(stories.Picker(random.Random(0), True), past=False)


def test_restated_reasoning_writes_what_is_left_after_each_step():
    st = _story()
    st.answer = st.op(st.op(st.op(30, "*", 5), "-", 24), "+", 16)
    assert gen.worked_reasoning(st, plan=True, restate=True) == (
        "30*5-24+16. 30*5: 0*5=0, 3*5=15, carry 1, so 150. 150-24+16. "
        "150-24: 10-4=6, 5-1-2=2, 1-0=1, so 126. 126+16. 126+16: 6+6=12, 2+1+1=4, 1+0=1, so 142."
    )
    assert gen.worked_reasoning(st, plan=True, restate=False) == (
        "30*5-24+16. 30*5: 0*5=0, 3*5=15, carry 1, so 150. "
        "150-24: 10-4=6, 5-1-2=2, 1-0=1, so 126. 126+16: 6+6=12, 2+1+1=4, 1+0=1, so 142."
    )
    # Brackets go once their inside is a number; the order of the steps is the story's.
    st = _story()
    st.answer = st.op(65, "-", st.op(st.op(43, "-", 9), "+", 7))
    assert gen.worked_reasoning(st, plan=True, restate=True).split(" ")[0] == "65-(43-9+7)."
    assert [stories.expression(st.answer, done=range(k)) for k in range(4)] == [
        "65-(43-9+7)",
        "65-(34+7)",
        "65-41",
        "24",
    ]


def test_every_restated_line_is_worth_the_answer_and_one_step_shorter():
    cfg = generator_config({**SIZES, "restate": True})
    stream = gen.iter_problems(cfg.ood_steps, 7, None, plan=True, restate=True)
    for p in (next(stream) for _ in range(200)):
        _check_reasoning(p)
        lines = re.findall(r"(?:^|\. )([\d+\-*/()]+)\.(?= |$)", p.reasoning)
        assert len(lines) == p.steps, p  # the plan, then one line per step but the last
        for line, signs_left in zip(lines, range(p.steps, 0, -1), strict=True):
            assert sum(line.count(sign) for sign in "+-*/") == signs_left, p
            assert eval(line.replace("/", "//")) == p.answer, p


def test_changing_train_size_keeps_val_and_test():
    bigger = generator_config({**SIZES, "n_train": 30_000})
    assert gen.generate_split(bigger, "test") == gen.generate_split(SMALL, "test")


def test_bad_difficulty_is_refused():
    with pytest.raises(ValueError, match="min_steps=3, max_steps=2"):
        dataclasses.replace(TRAIN, min_steps=3, max_steps=2)
    with pytest.raises(ValueError, match=r"'poems'.*change"):
        dataclasses.replace(TRAIN, families=("poems",))


def _segments(wording: str) -> list[list[str]]:
    """The runs of fixed words between a wording's slots, lower-cased."""
    parts = re.split(r"\{[^}]*\}|\[[^\]]*\]", wording.lower())
    return [re.findall(r"[a-z']+", part) for part in parts]


def _distinctive_fragments() -> dict[str, str]:
    """For each held-out wording, a run of 2+ of its fixed words found in no other wording."""
    seen = [
        " ".join(w for seg in _segments(text) for w in seg)
        for slot, texts in stories.WORDINGS.items()
        for text in texts
        if not stories._entry_held_out(slot, text)
    ]
    found = {}
    for slot, texts in stories.WORDINGS.items():
        for text in texts:
            if not stories._entry_held_out(slot, text):
                continue
            runs = [
                " ".join(seg[i:j])
                for seg in _segments(text)
                for i in range(len(seg))
                for j in range(i + 2, len(seg) + 1)
            ]
            unique = [r for r in runs if not any(r in t for t in seen)]
            if unique:
                found[text] = max(unique, key=len)
    return found


def test_train_never_shows_a_held_out_wording_or_word(splits):
    """Reading is measured on wordings and words train never saw: prove train has none."""
    train = [p.question.lower() for p in splits["train"]]
    test = [p.question.lower() for p in splits["test"]]
    # words: held-out names and things never appear in train, and do appear in test
    held_words = sorted(stories.HELD_OUT_WORDS)
    assert len(held_words) >= 40
    pattern = re.compile(r"\b(" + "|".join(w.lower() for w in held_words) + r")\b")
    leaks = [q for q in train if pattern.search(q)]
    assert not leaks, leaks[:3]
    assert sum(bool(pattern.search(q)) for q in test) > len(test) // 8
    # wordings: each held-out wording's distinctive words never appear in train
    fragments = _distinctive_fragments()
    assert len(fragments) >= 8, fragments
    found = {f: re.compile(rf"\b{re.escape(f)}\b") for f in fragments.values()}
    for wording, fragment in fragments.items():
        assert not any(found[fragment].search(q) for q in train), (wording, fragment)
    # and the test split does ask in those wordings
    assert sum(any(pattern.search(q) for q in test) for pattern in found.values()) >= 5


def test_held_out_wording_tag_matches_the_words(splits):
    for p in splits["test"]:
        if stories.words_held_out(p.question):
            assert p.wording == "held_out", p


def test_no_wording_speaks_broken_english():
    rng = random.Random(3)
    d = TRAIN
    for _ in range(2000):
        family = rng.choice(gen.FAMILIES)
        q = gen.make_problem(rng, family, rng.randint(1, 4), d, train=False).question
        assert "{" not in q and "[" not in q and "  " not in q, q
        assert not re.search(r"\b1 (apples|pens|books|boxes|cookies)\b", q), q
        assert not re.search(r"\ba [aeiou]", q), q
        assert re.search(r"[.?!]$", q), q
        assert q[0].isupper() or q[0].isdigit() or q[0] == "$", q
