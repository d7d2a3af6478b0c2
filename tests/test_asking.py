"""Showing a completion: the thinking and answer lines, the same streamed or not."""

from __future__ import annotations

import pytest

from tests.test_generate import TEXTS
from tinythink import asking
from tinythink.data.tokenizer import EOS, encode, train_tokenizer


@pytest.mark.parametrize(
    "completion",
    [
        " <think> 47+38: 7+8=15, so 85. 你好 é </think> Answer: 85",
        " <think> 47+38: 7+8=15, so",  # cut off mid-thought
        " Answer: 12",  # direct format
        " <think> </think>",
        "",
        " é你好 <think> x </think> Answer: 3",
        " \x1b[31m red\r </think>",
    ],
)
def test_streaming_prints_exactly_the_final_rendering(completion):
    tok = train_tokenizer(TEXTS, vocab_size=300)
    ids = encode(tok, completion)
    shown: list[str] = []
    stream = asking.Stream(tok, tok.token_to_id(EOS), shown.append)
    for i in [*ids, tok.token_to_id(EOS), 5, 6]:  # nothing after eos is shown
        stream.push(i)
    assert stream.finish() == completion
    assert "".join(shown) == asking.render(completion) + "\n"
    assert "\ufffd" not in "".join(shown) or "\x1b" in completion


def test_render_lines():
    assert asking.render(" <think> 3-1=2 </think> Answer: 2") == "Thinking: 3-1=2\nAnswer: 2"
    assert asking.render(" <think> 3-1=2 </think>") == "Thinking: 3-1=2\n(no answer)"
    assert asking.render(" <think> 3-1") == "Thinking: 3-1\n(no answer)"
    assert asking.render("  ") == "(no answer)"
    assert asking.render(" Answer: 7") == "Answer: 7"
    assert asking.render(" \x1b[2J\rAnswer:\t7") == "\ufffd[2J\ufffdAnswer:\t7"
    # tags arriving in pieces are held back until they are whole
    assert asking.render(" <thi", final=False) == ""
    assert asking.render(" <think> 3-1 </th", final=False) == "Thinking: 3-1"
