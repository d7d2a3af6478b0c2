"""The built-in word problems: correct arithmetic, determinism, disjoint splits."""

import operator
import random
import re

import pytest

from tinythink.data import generator as gen
from tinythink.data.problem import Problem

SMALL = gen.GeneratorConfig(n_train=20_000, n_val=300, n_test=300, n_ood=200)


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
    assert int(ops[-1][3]) == p.answer, p
    # every number written in the question is a number the reasoning uses
    numbers = {int(n) for n in re.findall(r"\d+", p.question)}
    used = {int(x) for a, _, b, _ in ops for x in (a, b)}
    assert numbers <= used | {int(r) for *_, r in ops}, p


def test_every_family_and_step_count_is_correct():
    rng = random.Random(0)
    for family in gen.FAMILIES:
        for steps in range(1, 7):
            for _ in range(50):
                _check_reasoning(gen.make_problem(rng, family, steps, gen.Difficulty(max_steps=6)))


def test_deterministic():
    assert gen.generate_split(SMALL, "val") == gen.generate_split(SMALL, "val")
    other = gen.GeneratorConfig(n_train=20_000, n_val=300, n_test=300, n_ood=200, seed=7)
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
    for p in test:
        assert max(int(n) for n in re.findall(r"\d+", p.question)) <= 99
        assert 0 <= p.answer <= 999
        _check_reasoning(p)


def test_ood_is_harder_than_train(splits):
    for p in splits["ood"]:
        biggest = max(int(n) for n in re.findall(r"\d+", p.question))
        assert p.steps >= 5 or biggest > 99, p
        _check_reasoning(p)
    assert {p.steps for p in splits["ood"]} >= {5, 6}


def test_changing_train_size_keeps_val_and_test():
    bigger = gen.GeneratorConfig(n_train=30_000, n_val=300, n_test=300, n_ood=200)
    assert gen.generate_split(bigger, "test") == gen.generate_split(SMALL, "test")


def test_bad_difficulty_is_refused():
    with pytest.raises(ValueError, match="min_steps=3, max_steps=2"):
        gen.Difficulty(min_steps=3, max_steps=2)
    with pytest.raises(ValueError, match=r"'poems'.*change"):
        gen.Difficulty(families=("poems",))
