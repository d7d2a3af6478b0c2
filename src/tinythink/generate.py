"""Ask a checkpoint word problems and watch it think: ``python generate.py --ckpt PATH "..."``.

The question is plain text, any characters: a positional argument, ``--prompt``,
one question per line on standard input, or, at a terminal with no question,
a chat loop that streams the thinking and answer token by token.

Arguments are parsed before torch is imported, so ``--help`` and usage
errors are instant. Every user mistake is one ``error: ...`` line on stderr
and exit code 2; a bug stays a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tinythink.asking import EMPTY, EXAMPLE, Asker, UsageError

if TYPE_CHECKING:
    pass

# The pre-argparse ``key=value`` forms (this script was a Hydra app): still accepted.
LEGACY_KEYS = ("ckpt", "prompt", "max_new_tokens", "temperature", "top_k", "seed", "device")


# -----------------------------------------------------------------------------
# Command line


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the usage and exits; say it on one line and let main exit.
        raise UsageError(f"{message}; see {self.prog} --help")


def _positive_int(name: str, example: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(
                f"got {text!r}; it must be a whole number of at least 1, e.g. {name} {example}"
            )
        return value

    return parse


def _top_k(text: str) -> int | None:
    if text.strip().lower() in ("none", "null"):  # the Hydra form wrote top_k=null
        return None
    return _positive_int("--top-k", "40 (leave it out to sample from every token)")(text)


def _temperature(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(
            f"got {text!r}; it must be a number >= 0: 0 answers greedily (the default), "
            "e.g. 0.7 samples"
        )
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(
            f"got {text!r}; it must be a whole number from 0 to 2**63-1, e.g. --seed 0"
        )
    return value


def _prog() -> str:
    """``python generate.py`` run as a script, ``tinythink-generate`` as the console script."""
    name = Path(sys.argv[0]).name
    return f"python {name}" if name.endswith(".py") else name or "python generate.py"


def eval_max_new_tokens() -> int:
    """eval.py's answer budget (``max_new_tokens`` in conf/eval.yaml): the default here too."""
    from omegaconf import OmegaConf

    from tinythink.cli import CONFIG_DIR

    return int(OmegaConf.load(Path(CONFIG_DIR) / "eval.yaml").max_new_tokens)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=_prog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Ask a trained tinythink model word problems and show its thinking and answer.\n"
            "The question is an argument, or one per line on standard input; with neither,\n"
            "at a terminal, it is a chat (Ctrl-D or Ctrl-C to quit)."
        ),
        epilog=(
            "examples:\n"
            f'  python generate.py "{EXAMPLE}"      (the shipped model)\n'
            f'  python generate.py --ckpt logs/train/runs/<time>/checkpoints/best.ckpt "{EXAMPLE}"\n'
            "  python generate.py --ckpt PATH < questions.txt      (one question per line)\n"
            "  python generate.py --ckpt PATH                      (chat)"
        ),
    )
    parser.add_argument(
        "question",
        nargs="*",
        help="the word problem, any characters (quote it; several words are joined)",
    )
    parser.add_argument("--prompt", metavar="TEXT", help="the word problem, as an option")
    parser.add_argument(
        "--ckpt",
        metavar="PATH",
        help="a checkpoint (<run dir>/checkpoints/best.ckpt) or an exported model folder; "
        "default: the shipped model, models/tinythink-tiny",
    )
    max_new_tokens = eval_max_new_tokens()
    parser.add_argument(
        "--max-new-tokens",
        type=_positive_int("--max-new-tokens", str(max_new_tokens)),
        default=max_new_tokens,
        metavar="N",
        help="most tokens of thinking and answer per question (default: %(default)s)",
    )
    parser.add_argument(
        "--temperature",
        type=_temperature,
        default=0.0,
        metavar="T",
        help="0 answers greedily (default); above 0 samples, e.g. 0.7",
    )
    parser.add_argument(
        "--top-k",
        type=_top_k,
        default=None,
        metavar="K",
        help="when sampling, only from the K likeliest tokens (default: all)",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=0,
        help="random seed for sampling; each question starts from it (default: 0)",
    )
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda, cuda:N or mps")
    return parser


def _legacy_to_flags(argv: list[str]) -> list[str]:
    """``ckpt=PATH prompt=TEXT max_new_tokens=16``, the Hydra-era forms, as ``--flag=value``.

    Only the keys of LEGACY_KEYS, and nothing after ``--``; one pair of quotes
    around the value (Hydra's quoting) is removed.
    """
    out = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + argv[i:]
        found = re.fullmatch(r"\+{0,2}([a-z_]+)=(.*)", arg, flags=re.DOTALL)
        if found is None or found.group(1) not in LEGACY_KEYS:
            out.append(arg)
            continue
        key, value = found.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out.append(f"--{key.replace('_', '-')}={value}")
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    args = build_parser().parse_args(_legacy_to_flags(argv))
    if args.question and args.prompt is not None:
        raise UsageError(
            "the question was given twice (as an argument and as --prompt); give it once"
        )
    if args.ckpt is None:
        from tinythink.cli import SHIPPED_MODEL

        if not SHIPPED_MODEL.is_dir():  # a copy without models/: say where a model comes from
            raise UsageError(f"no checkpoint given; pass --ckpt PATH{_checkpoint_hint()}")
        args.ckpt = str(SHIPPED_MODEL)
    text = " ".join(args.question) if args.question else args.prompt
    args.text = None if text is None else clean_question(text)
    if args.text == "":
        raise UsageError(EMPTY)
    return args


def _checkpoint_hint() -> str:
    runs = Path("logs") / "train" / "runs"
    found = sorted(runs.glob("*/checkpoints/best.ckpt")) if runs.is_dir() else []
    if found:
        return f", e.g. the newest run's: --ckpt {found[-1]}"
    return ", e.g. --ckpt logs/train/runs/<time>/checkpoints/best.ckpt (python train.py makes one)"


def clean_question(text: str) -> str:
    """The question as the model is given it: one line, single spaces.

    The full training layout ``Q: ... A:`` is accepted too; bytes that are not
    UTF-8 (possible in argv) become U+FFFD instead of failing in the tokenizer.
    """
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    text = text.strip()
    if text.startswith("Q:"):
        text = text[2:].split("\nA:")[0]
    return " ".join(text.split())


# -----------------------------------------------------------------------------
# Modes


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _error(message: str) -> None:
    sys.stdout.flush()
    print(f"error: {message}", file=sys.stderr, flush=True)


def answer_questions(asker: Asker, questions: Iterable[str]) -> int:
    """``Q: ...`` and the streamed answer for each non-empty question; 2 if any was refused."""
    code, asked = 0, 0
    for raw in questions:
        question = clean_question(raw)
        if not question:
            continue
        try:
            ids = asker.prompt_ids(question)
        except UsageError as err:
            _error(str(err))
            code = 2
            continue
        if asked:
            _write("\n")
        asked += 1
        _write(f"Q: {question}\n")
        asker.answer(ids, _write)
    if asked == 0 and code == 0:
        _error(EMPTY)
        code = 2
    return code


def chat(asker: Asker, read: Callable[[str], str] = input) -> int:
    """Ask, stream the answer, repeat; Ctrl-D or Ctrl-C ends it (exit code 0)."""
    _write(
        f"tinythink ({asker.model.config.num_params:,} parameters). Type a word problem, "
        f'e.g. "{EXAMPLE}"; Ctrl-D to quit.\n'
    )
    try:
        while True:
            try:
                line = read("> ")
            except EOFError:
                break
            question = clean_question(line)
            try:
                ids = asker.prompt_ids(question)
            except UsageError as err:
                _error(str(err))
                continue
            asker.answer(ids, _write)
    except KeyboardInterrupt:
        pass
    _write("\n")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.text is None and sys.stdin.isatty():
        asker = Asker.load(args)
        with contextlib.suppress(ImportError):  # line editing and history for input()
            import readline  # noqa: F401
        return chat(asker)
    if args.text is None:
        if hasattr(sys.stdin, "reconfigure"):  # bytes that are not UTF-8 become U+FFFD
            sys.stdin.reconfigure(errors="replace")
        questions: Iterable[str] = sys.stdin
    else:
        questions = [args.text]
    return answer_questions(Asker.load(args), questions)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        code = run(parse_args(argv))
    except UsageError as err:
        _error(str(err))
        code = 2
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    sys.exit(code)


if __name__ == "__main__":
    main()
