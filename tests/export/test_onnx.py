"""The ONNX decoder step in onnxruntime: the prompt, each next token, and a padded batch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.export.helpers import (
    assert_shipped_model_matches_on_50,
    built_checkpoint,
    export_to,
    shipped,
)
from tinythink.checkpoints import load_checkpoint
from tinythink.data.problem import prompt_text
from tinythink.data.tokenizer import encode
from tinythink.export import check
from tinythink.export.onnx import OnnxDecoder

pytest.importorskip("onnxruntime")
pytestmark = pytest.mark.slow  # each export traces the model with torch.export (~15 s)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("onnx")
    ckpt = built_checkpoint(tmp)
    out, parity = export_to(tmp, ckpt, "onnx")
    assert parity.ok
    return out, load_checkpoint(ckpt)


def test_a_left_padded_batch_gives_each_row_its_own_logits(built):
    folder, loaded = built
    decoder = OnnxDecoder.from_folder(folder)
    short = encode(loaded.tokenizer, prompt_text("How many?"))
    long = encode(loaded.tokenizer, prompt_text("Mia has 4 pens and buys 3 more. How many?"))
    pad = len(long) - len(short)
    ids = np.array([[0] * pad + short, long])
    mask = np.array([[0] * pad + [1] * len(short), [1] * len(long)])
    positions = np.array([[0] * pad + list(range(len(short))), list(range(len(long)))])
    feed = {"input_ids": ids, "attention_mask": mask, "position_ids": positions}
    feed.update(zip(decoder.inputs[3:], decoder.empty_past(2), strict=True))
    logits = decoder.session.run(["logits"], feed)[0]
    with torch.no_grad():
        alone = [loaded.model(torch.tensor([p]))[0].numpy() for p in (short, long)]
    np.testing.assert_allclose(logits[0, pad:], alone[0], atol=check.LOGIT_TOLERANCE)
    np.testing.assert_allclose(logits[1], alone[1], atol=check.LOGIT_TOLERANCE)


def test_the_shipped_model_in_onnxruntime_matches_on_50_handwritten_questions(tmp_path):
    out, parity = export_to(tmp_path, shipped(), "onnx")
    assert parity.ok
    assert_shipped_model_matches_on_50(check.onnx_runtime, out / "model.onnx")
    decoder = OnnxDecoder.from_folder(out)
    assert "Answer:" in decoder.ask("Tom has 3 apples and eats 1. How many are left?")
