"""The RL stage's problems: fresh train-split candidates, the selection, resumable state."""

from __future__ import annotations

import pytest
from hydra.utils import instantiate

from tests.conftest import compose_in
from tinythink.data.generator import split_of
from tinythink.rl.data import RLDataModule


def _datamodule(tmp_path, *overrides: str) -> RLDataModule:
    cfg = compose_in(
        "train",
        tmp_path / "run",
        "experiment=rl",
        "debug=fast",
        "data.rl.n_candidates=40",
        "data.rl.problems_per_step=4",
        "data.rl.keep=sometimes",
        *overrides,
    )
    dm = instantiate(cfg.data, _convert_="all")
    dm.setup("fit")
    return dm


def test_candidates_are_fresh_train_split_problems_within_the_steps_asked(tmp_path):
    dm = _datamodule(tmp_path, "data.rl.min_steps=2", "data.rl.max_steps=3")
    assert len(dm.candidates) == 40
    assert len({p.question for p in dm.candidates}) == 40
    assert {p.steps for p in dm.candidates} <= {2, 3}
    assert all(split_of(p.question) == "train" for p in dm.candidates)  # never a val/test one
    held_out = {p.question for s in ("val", "test") for p in dm.problems[s]}
    assert not held_out & {p.question for p in dm.candidates}


@pytest.mark.parametrize(
    ("keep", "kept"),
    [("sometimes", [1, 2, 4, 5]), ("not_always", [0, 1, 2, 4, 5]), ("all", list(range(6)))],
)
def test_choose_keeps_what_keep_says(tmp_path, keep, kept):
    dm = _datamodule(tmp_path, f"data.rl.keep={keep}")
    dm.candidates = dm.candidates[:6]
    found = dm.choose([0, 1, 3, 4, 2, 3], samples=4)
    assert dm.chosen == kept
    assert found["always"] == pytest.approx(1 / 6) and found["never"] == pytest.approx(1 / 6)
    assert found["sample_acc"] == pytest.approx(13 / 24)
    # The choice travels in checkpoints: a resumed run trains on the same problems.
    fresh = _datamodule(tmp_path, f"data.rl.keep={keep}")
    fresh.load_state_dict(dm.state_dict())
    assert fresh.chosen == kept
    batch = next(iter(dm.train_dataloader()))
    assert len(batch) == 4 and {p.question for p in batch} <= {
        dm.candidates[i].question for i in kept
    }


def test_too_few_kept_names_the_numbers_and_the_fixes(tmp_path):
    dm = _datamodule(tmp_path)
    right = [4] * 38 + [0, 2]
    with pytest.raises(ValueError) as err:
        dm.choose(right, samples=4)
    message = str(err.value)
    assert "only 1 of 40 candidates are kept by data.rl.keep=sometimes" in message
    assert "95% every time and 2% never" in message
    assert "raise data.rl.n_candidates or use data.rl.keep=all" in message


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("data.rl.keep=most", "data.rl.keep='most': expected one of sometimes, not_always, all"),
        ("data.rl.problems_per_step=0", "data.rl.problems_per_step must be a positive integer"),
        ("data.rl.max_steps=6", "candidates keep to the training difficulty, 1 to 4 steps"),
    ],
)
def test_bad_settings_are_refused(tmp_path, override, message):
    with pytest.raises(Exception) as err:
        _datamodule(tmp_path, override)
    assert message in str(err.value.__cause__ or err.value)


def test_a_jsonl_file_gives_the_candidates_and_prompts_too_long_are_left_out(tmp_path):
    import json

    rows = [
        {"question": f"Ann has {n} pens and buys 2 more. How many now?", "answer": n + 2}
        for n in range(5)
    ]
    rows.append({"question": "A very long question, " * 200 + "how many?", "answer": 1})
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    dm = _datamodule(tmp_path, f"data.rl.path={path}", "data.rl.n_candidates=100")
    assert [p.answer for p in dm.candidates] == [2, 3, 4, 5, 6]  # file order, the long one out
    capped = _datamodule(tmp_path, f"data.rl.path={path}", "data.rl.n_candidates=3")
    assert [p.answer for p in capped.candidates] == [2, 3, 4]
