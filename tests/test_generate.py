"""generate.py as a user drives it: questions with any characters, standard input,
a chat at a terminal, and one ``error:`` line for every mistake.

The checkpoint is built, not trained (a random ``micro``-sized model with a real
tokenizer): what it answers is nonsense, but these tests are about the script.
"""

from __future__ import annotations

import contextlib
import io
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest
import torch
from tokenizers import Tokenizer

from tests.conftest import ROOT, run_script
from tests.test_model_config_defaults import preset
from tinythink import asking, generate
from tinythink.data.problem import Problem, prompt_text
from tinythink.data.tokenizer import encode, train_tokenizer
from tinythink.evaluation.scoring import solve
from tinythink.model import TinyThinkLM

CONTEXT = 128  # the test model's max_seq_len: 64 tokens for the prompt, 64 kept for answers
TRICKY = 'Ana\'s "best" (red) pens = 3, Bo has 2; how many? é 你好'
TEXTS = [
    prompt_text("Mia has 47 apples. She buys 38 more. How many apples does Mia have now?")
    + " <think> 47+38: 7+8=15, 4+3+1=8, so 85. </think> Answer: 85",
    prompt_text("If you have 3 apples and give away 1, how many are left?")
    + " <think> 3-1=2, so 2. </think> Answer: 2",
] * 20


@pytest.fixture(scope="module")
def ckpt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkpoint laid out as training writes it, in well under a second."""
    tok = train_tokenizer(TEXTS, vocab_size=300)
    torch.manual_seed(0)
    config = preset("micro", vocab_size=300, max_seq_len=CONTEXT)
    model = TinyThinkLM(config)
    path = tmp_path_factory.mktemp("generate") / "micro.ckpt"
    torch.save(
        {
            "state_dict": {f"net.{k}": v for k, v in model.state_dict().items()},
            "hyper_parameters": {"model": config.to_dict()},
            "tokenizer": tok.to_str(),
            "global_step": 0,
        },
        path,
    )
    return path


def _main(monkeypatch, capsys, *argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    """generate.main in this process (fast): exit code, stdout, stderr."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    with pytest.raises(SystemExit) as exit_:
        generate.main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def _one_error_line(result_err: str, starts: str) -> None:
    assert "Traceback" not in result_err
    lines = result_err.strip().splitlines()
    assert len(lines) == 1, result_err
    assert lines[0].startswith(starts), lines[0]


def _answer_lines(out: str) -> list[str]:
    """What follows ``Q: ...``: a Thinking line maybe, then the answer or (no answer)."""
    lines = out.rstrip("\n").split("\n")
    assert lines[0].startswith("Q: ")
    assert len(lines) >= 2
    return lines[1:]


# -----------------------------------------------------------------------------
# As a user runs it


def test_question_with_any_characters_is_asked_as_typed(ckpt):
    result = run_script("generate.py", "--ckpt", str(ckpt), "--max-new-tokens", "8", TRICKY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Q: {TRICKY}\n")
    _answer_lines(result.stdout)
    assert result.stderr == ""


def test_standard_input_answers_every_non_empty_line(ckpt):
    questions = ["Mia has 4 pens. She buys 3 more. How many pens?", TRICKY]
    lines = [questions[0], "", "   ", questions[1]]
    result = _piped("\n".join(lines) + "\n", "--ckpt", str(ckpt), "--max-new-tokens=6")
    assert result.returncode == 0, result.stderr
    asked = [line[3:] for line in result.stdout.splitlines() if line.startswith("Q: ")]
    assert asked == questions


def test_an_empty_question_is_one_error_line():
    result = run_script("generate.py", "--ckpt", "whatever.ckpt", "  \t ")
    assert result.returncode == 2
    _one_error_line(result.stderr, "error: the question is empty; type a word problem, e.g.")
    assert result.stdout == ""


def test_an_over_long_question_is_refused_with_its_length(ckpt):
    question = "Mia has 4 pens and " * 30 + "how many pens?"
    result = run_script("generate.py", "--ckpt", str(ckpt), question)
    assert result.returncode == 2
    _one_error_line(result.stderr, "error: the question is ")
    tok = Tokenizer.from_str(torch.load(ckpt, weights_only=True)["tokenizer"])
    n = len(encode(tok, prompt_text(question)))
    assert f"the question is {n} tokens long; this model reads at most 64 tokens" in result.stderr


def test_without_ckpt_the_shipped_model_answers():
    result = run_script("generate.py", "If you have 3 apples and give away 1, how many are left?")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("Q: If you have 3 apples and give away 1, how many are left?\n")
    assert "Answer: " in result.stdout


def test_without_ckpt_or_a_shipped_model_says_how_to_get_one(monkeypatch, tmp_path):
    from tinythink import cli

    monkeypatch.setattr(cli, "SHIPPED_MODEL", tmp_path / "absent")
    monkeypatch.chdir(tmp_path)  # no logs/train/runs here to suggest
    with pytest.raises(asking.UsageError) as err:
        generate.parse_args(["How many?"])
    assert str(err.value) == (
        "no checkpoint given; pass --ckpt PATH, e.g. --ckpt "
        "logs/train/runs/<time>/checkpoints/best.ckpt (python train.py makes one)"
    )


def test_help_lists_our_options_without_importing_torch():
    result = run_script("generate.py", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: python generate.py")
    assert "--ckpt" in result.stdout and "--max-new-tokens" in result.stdout
    assert "hydra" not in result.stdout.lower()
    code = (
        "import sys; from tinythink.generate import main\n"
        "try: main(['--help'])\n"
        "except SystemExit: pass\n"
        "heavy = {'torch', 'lightning', 'wandb', 'hydra', 'tokenizers'} & set(sys.modules)\n"
        "print('heavy:', sorted(heavy), file=sys.stderr)"
    )
    result = _python(code)
    assert "heavy: []" in result.stderr, result.stderr


def _piped(stdin: str, *args: str):
    """``echo ... | python generate.py ARGS``: run_script with a standard input."""
    import subprocess

    return subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _python(code: str):
    import subprocess

    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


# -----------------------------------------------------------------------------
# Mistakes: one error line, exit code 2, no traceback (in this process: faster)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-new-tokens", "-5"], "argument --max-new-tokens: got '-5'; it must be a whole"),
        (["--max-new-tokens", "lots"], "argument --max-new-tokens: got 'lots'"),
        (["--temperature", "-1"], "argument --temperature: got '-1'; it must be a number >= 0"),
        (["--temperature", "nan"], "argument --temperature: got 'nan'"),
        (["--top-k", "0"], "argument --top-k: got '0'"),
        (["--seed", "x"], "argument --seed: got 'x'"),
        (["--frobnicate"], "unrecognized arguments: --frobnicate; see "),
        (["--prompt", "How many?"], "the question was given twice"),
        (["--device", "gpu"], "--device 'gpu' is not a device; use cpu, cuda, cuda:N or mps"),
    ],
)
def test_a_bad_option_is_one_error_line(ckpt, monkeypatch, capsys, args, message):
    code, out, err = _main(monkeypatch, capsys, "--ckpt", str(ckpt), *args, "How many?")
    assert code == 2
    _one_error_line(err, f"error: {message}")
    assert out == ""


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda_is_a_user_error(ckpt, monkeypatch, capsys):
    code, _, err = _main(monkeypatch, capsys, "--ckpt", str(ckpt), "--device", "cuda", "Hi?")
    assert code == 2
    _one_error_line(err, "error: --device cuda: CUDA is not available here")
    assert "use --device cpu" in err


def test_bad_checkpoints_are_one_error_line(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "nope.ckpt"
    code, _, err = _main(monkeypatch, capsys, "--ckpt", str(missing), "How many?")
    assert code == 2
    _one_error_line(err, f"error: checkpoint not found: {missing}")

    corrupt = tmp_path / "corrupt.ckpt"
    corrupt.write_bytes(b"not a checkpoint\n" * 10)
    code, _, err = _main(monkeypatch, capsys, "--ckpt", str(corrupt), "How many?")
    assert code == 2
    _one_error_line(err, f"error: {corrupt} is truncated or corrupt")

    code, _, err = _main(monkeypatch, capsys, "--ckpt", str(tmp_path), "How many?")
    assert code == 2
    _one_error_line(
        err,
        f"error: --ckpt {tmp_path} is a directory but not a model folder (export.py "
        "format=hf writes those); pass a .ckpt file",
    )
    assert "corrupt.ckpt" in err


# -----------------------------------------------------------------------------
# Behaviour


def test_the_hydra_era_key_value_form_still_works(ckpt, monkeypatch, capsys):
    code, out, _ = _main(
        monkeypatch, capsys, f"ckpt={ckpt}", "prompt=Mia has 3 apples. How many?", "top_k=null",
        "max_new_tokens=4",
    )  # fmt: skip
    assert code == 0
    assert out.startswith("Q: Mia has 3 apples. How many?\n")


@pytest.mark.parametrize(
    ("question", "max_new"), [("hello", "384"), ("what is love?", "16"), ("Q: 2 + 2?\nA:", "16")]
)
def test_a_question_that_is_no_word_problem_still_gets_an_answer_line(
    ckpt, monkeypatch, capsys, question, max_new
):
    code, out, err = _main(
        monkeypatch, capsys, "--ckpt", str(ckpt), "--max-new-tokens", max_new, question
    )
    assert code == 0, err
    assert out.startswith(f"Q: {generate.clean_question(question)}\n")
    assert _answer_lines(out)[-1]


def test_standard_input_with_only_blank_lines_is_the_empty_error(ckpt, monkeypatch, capsys):
    code, out, err = _main(monkeypatch, capsys, "--ckpt", str(ckpt), stdin="\n  \n")
    assert out == ""
    assert code == 2
    _one_error_line(err, "error: the question is empty")


def test_an_over_long_line_on_stdin_is_skipped_and_the_rest_answered(ckpt, monkeypatch, capsys):
    long = "Mia has 4 pens and " * 30 + "how many?"
    code, out, err = _main(
        monkeypatch, capsys, "--ckpt", str(ckpt), "--max-new-tokens=4", stdin=f"{long}\nHi?\n"
    )
    assert code == 2
    _one_error_line(err, "error: the question is ")
    assert out.startswith("Q: Hi?\n")


def test_streamed_answer_is_what_solve_gives(ckpt):
    """The streaming path generates exactly what eval.py's batched solve() does."""
    for extra in ([], ["--temperature", "0.8", "--top-k", "20", "--seed", "3"]):
        args = generate.parse_args(["--ckpt", str(ckpt), "--max-new-tokens", "40", *extra])
        asker = generate.Asker.load(args)
        for question in ("If you have 3 apples and give away 1, how many are left?", TRICKY):
            shown: list[str] = []
            completion = asker.answer(asker.prompt_ids(question), shown.append)
            (attempt,) = solve(
                asker.model,
                asker.tokenizer,
                [Problem(question, answer=0)],
                max_new_tokens=40,
                temperature=args.temperature,
                top_k=args.top_k,
                generator=torch.Generator().manual_seed(args.seed),
            )
            assert completion == attempt.completion
            assert "".join(shown) == asking.render(completion) + "\n"


# -----------------------------------------------------------------------------
# The chat loop


def test_chat_answers_until_end_of_input(ckpt, monkeypatch, capsys):
    asker = generate.Asker.load(generate.parse_args(["--ckpt", str(ckpt), "--max-new-tokens=6"]))
    typed = iter(["If you have 3 apples and give away 1, how many are left?", "   ", TRICKY])

    def read(prompt: str) -> str:
        sys.stdout.write(prompt)
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    assert generate.chat(asker, read) == 0
    out, err = capsys.readouterr()
    assert out.count("> ") >= 4  # three questions, then the end of input
    _one_error_line(err, "error: the question is empty")  # the blank line, then it went on
    assert err.count("error:") == 1

    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    assert generate.chat(asker, interrupted) == 0


def _expected_answer(ckpt: Path, question: str) -> str:
    asker = generate.Asker.load(generate.parse_args(["--ckpt", str(ckpt), "--max-new-tokens=8"]))
    return asking.render(asker.answer(asker.prompt_ids(question), lambda _: None))


@pytest.mark.parametrize("quit_key", ["\x04", "\x03"], ids=["ctrl-d", "ctrl-c"])
def test_chat_at_a_terminal_streams_the_answer_and_quits_cleanly(ckpt, quit_key):
    question = "If you have 3 apples and give away 1, how many are left? é"
    expected = _expected_answer(ckpt, question)
    pid, fd = pty.fork()
    if pid == 0:  # the child: generate.py with the pty as its terminal
        # A terminal's Ctrl-C, even when the test runs where SIGINT is ignored (a
        # background job): exec keeps SIG_IGN, and Python then never raises on it.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.chdir(ROOT)
        argv = [sys.executable, "generate.py", "--ckpt", str(ckpt), "--max-new-tokens=8"]
        os.execve(sys.executable, argv, {**os.environ, "TERM": "dumb"})
    seen = b""
    done, status = 0, 0

    def read_until(done, timeout: float) -> str:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while not done(seen.decode(errors="replace").replace("\r\n", "\n")):
            if time.monotonic() > deadline:
                break
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
        return seen.decode(errors="replace").replace("\r\n", "\n")

    try:
        # Generous deadlines: on a loaded 2-core machine importing torch alone took 25 s.
        text = read_until(lambda t: t.endswith("> "), timeout=240)
        assert "Type a word problem" in text, text
        os.write(fd, question.encode() + b"\r")
        text = read_until(lambda t: f"{expected}\n> " in t, timeout=120)
        assert f"{expected}\n> " in text, text
        # A key that lands between readline printing "> " and blocking on the terminal
        # is seen only at the next key (a race inside CPython's readline, widened by a
        # loaded machine): give it a moment, and press it again, as a user would.
        time.sleep(1)
        os.write(fd, quit_key.encode())
        text = read_until(lambda _: False, timeout=20)  # until the child closes the terminal
        time.sleep(0.5)  # a child that closed the terminal is exiting: let it finish
        done, status = os.waitpid(pid, os.WNOHANG)
        if not done:
            with contextlib.suppress(OSError):
                os.write(fd, quit_key.encode())
            text = read_until(lambda _: False, timeout=120)
    finally:
        for _ in range(300):
            if done:
                break
            done, status = os.waitpid(pid, os.WNOHANG)
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Traceback" not in text
