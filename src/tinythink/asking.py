"""Answering one question from a checkpoint: the prompt checked, the tokens streamed,
and the thinking and answer shown the same way whether streamed or not.

:mod:`tinythink.generate` is the command line around it.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tinythink.data.problem import THINK_CLOSE, THINK_OPEN, prompt_text

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer

    from tinythink.checkpoints import Loaded

EXAMPLE = "If you have 3 apples and give away 1, how many are left?"
EMPTY = f'the question is empty; type a word problem, e.g. "{EXAMPLE}"'
NO_ANSWER = "(no answer)"
_REPLACEMENT = "\ufffd"  # what decoding gives for the first bytes of a split character
# Control characters (all but tab and newline) a model may emit: shown as U+FFFD so
# that an undertrained model cannot move the cursor or recolour the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class UsageError(Exception):
    """A user mistake: reported as one ``error: ...`` line on stderr, exit code 2."""


# -----------------------------------------------------------------------------
# Display: "Thinking: ..." then the answer line, the same whether streamed or not


def render(completion: str, final: bool = True) -> str:
    """The lines shown for a completion (after ``Q: ...``).

    ``final=False`` renders a completion still being generated: the result is
    always a prefix of the rendering of any longer completion, so a stream can
    print just what is new. It holds back what may still change: trailing
    spaces, half a character, the start of a ``<think>``/``</think>`` tag that
    arrives in pieces, and the ``(no answer)`` placeholder. Control characters
    show as U+FFFD.
    """
    text = _CONTROL.sub(_REPLACEMENT, completion).lstrip()
    if not final:
        text = text.rstrip(_REPLACEMENT)
        if THINK_OPEN.startswith(text):  # nothing yet, or a tag in pieces
            return ""
    if not text.startswith(THINK_OPEN):
        return text.strip() or (NO_ANSWER if final else "")
    thinking, closed, rest = text[len(THINK_OPEN) :].partition(THINK_CLOSE)
    if not closed:
        if final:  # cut off mid-thought (max_new_tokens): no answer came
            return f"Thinking: {thinking.strip()}".rstrip() + f"\n{NO_ANSWER}"
        for k in range(len(THINK_CLOSE) - 1, 0, -1):
            if thinking.endswith(THINK_CLOSE[:k]):
                thinking = thinking[:-k]
                break
        return f"Thinking: {thinking.strip()}".rstrip()
    rest = rest.strip() or (NO_ANSWER if final else "")
    return f"Thinking: {thinking.strip()}".rstrip() + f"\n{rest}"


class Stream:
    """Decode token ids as they come and write the new part of the rendering."""

    def __init__(self, tokenizer: Tokenizer, eos_id: int, write: Callable[[str], object]):
        self.tokenizer, self.eos_id, self.write = tokenizer, eos_id, write
        self.ids: list[int] = []
        self.shown = ""
        self.ended = False

    def push(self, token: int) -> None:
        if self.ended:
            return
        if token == self.eos_id:
            self.ended = True
            return
        self.ids.append(token)
        self._show(render(self.completion, final=False))

    @property
    def completion(self) -> str:
        from tinythink.data.tokenizer import decode

        return decode(self.tokenizer, self.ids)

    def finish(self) -> str:
        """Write the rest of the final rendering and a newline; return the completion."""
        self._show(render(self.completion, final=True))
        self.write("\n")
        return self.completion

    def _show(self, text: str) -> None:
        # The else cannot happen for render(); if it ever did, don't lose the answer.
        new = text[len(self.shown) :] if text.startswith(self.shown) else "\n" + text
        if new:
            self.write(new)
            self.shown = text


# -----------------------------------------------------------------------------
# The model


def pick_device(name: str) -> torch.device:
    import torch

    from tinythink.devices import device_problem

    problem = device_problem(name)
    if problem is None:
        return torch.device(name)
    if problem.startswith("is not a device"):
        raise UsageError(f"--device {name!r} {problem}")
    fix = " or --device cuda" if problem.startswith("this machine has") else "; use --device cpu"
    raise UsageError(f"--device {name}: {problem}{fix}")


class Asker:
    """A loaded checkpoint that answers one question at a time, streaming."""

    def __init__(self, loaded: Loaded, args: argparse.Namespace, device: torch.device):
        from tinythink.data.tokenizer import EOS, PAD

        self.model, self.tokenizer = loaded.model, loaded.tokenizer
        self.eos_id = self.tokenizer.token_to_id(EOS)
        self.pad_id = self.tokenizer.token_to_id(PAD)
        self.max_new_tokens = args.max_new_tokens
        self.temperature, self.top_k, self.seed = args.temperature, args.top_k, args.seed
        self.device = device
        context = self.model.config.max_seq_len
        # Keep room for the thinking and answer: as much as may be generated, but
        # never more than half the context, so ordinary questions are never refused.
        self.room = min(self.max_new_tokens, context // 2)
        self.max_prompt = context - self.room

    @classmethod
    def load(cls, args: argparse.Namespace) -> Asker:
        device = pick_device(args.device)
        from tinythink.checkpoints import CheckpointError, load_checkpoint
        from tinythink.export.hf import is_model_folder
        from tinythink.model import ModelConfigError

        path = Path(args.ckpt)
        if path.is_dir() and not is_model_folder(path):
            inside = sorted(str(p) for p in path.glob("**/*.ckpt"))[:3]
            hint = f"; checkpoints in it: {', '.join(inside)}" if inside else ""
            raise UsageError(
                f"--ckpt {path} is a directory but not a model folder (export.py format=hf "
                f"writes those); pass a .ckpt file{hint}"
            )
        try:
            loaded = load_checkpoint(path, device=device)
        except (CheckpointError, ModelConfigError) as err:
            raise UsageError(str(err)) from err
        return cls(loaded, args, device)

    def prompt_ids(self, question: str) -> list[int]:
        """The prompt's token ids; UsageError if the question is empty or too long."""
        from tinythink.data.tokenizer import encode

        if not question:
            raise UsageError(EMPTY)
        ids = encode(self.tokenizer, prompt_text(question))
        if len(ids) > self.max_prompt:
            context = self.model.config.max_seq_len
            raise UsageError(
                f"the question is {len(ids)} tokens long; this model reads at most "
                f"{self.max_prompt} tokens ({context}-token context, {self.room} of them "
                f"kept for the thinking and answer); shorten the question, or pass a "
                f"smaller --max-new-tokens to leave the answer less room"
            )
        return ids

    def answer(self, ids: list[int], write: Callable[[str], object]) -> str:
        """Generate for the prompt ``ids``, streaming the rendering to ``write``."""
        import torch

        from tinythink.engine import generate_batch

        stream = Stream(self.tokenizer, self.eos_id, write)
        generator = torch.Generator(device=self.device).manual_seed(self.seed)
        generate_batch(
            self.model,
            [ids],
            max_new_tokens=self.max_new_tokens,
            eos_id=self.eos_id,
            pad_id=self.pad_id,
            temperature=self.temperature,
            top_k=self.top_k,
            generator=generator,
            on_token=lambda nxt: stream.push(int(nxt[0])),
        )
        return stream.finish()
