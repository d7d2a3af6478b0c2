"""``python -m tinythink.bench``: what the framework costs, and how fast training and eval run.

One run, one machine, these figures (``docs/performance.md`` shows a real run):

1. **training**: tokens/s of the Lightning loop (the real ``TrainingModule`` in a
   ``Trainer`` with loggers, checkpoints and progress bar off) against a
   minimal plain PyTorch loop (``plain_loop.py``: same model, batches, precision,
   optimizer, schedule and gradient clipping). Their ratio is the headline.
2. **precision**: the same in fp32 and bf16 autocast, whether this CPU runs
   bf16 fast, and which precision ``trainer.precision=auto`` picks.
3. **mfu**: model FLOPs utilisation against a matmul peak measured in this run
   for each precision (and the nominal peak of a known GPU).
4. **eval**: problems/s of greedy answering (:func:`solve`) batched with the
   KV cache, batched without it, and one problem at a time without it.
5. **data**: batches/s of the DataModule's train loader alone against the
   batches/s training consumes.
7. **references**: tokens/s of the project's step against Hugging Face's
   ``LlamaForCausalLM`` with the identical architecture and a GPT-2-style model
   of the same shape (``references.py``).

``bench=time_to_acc`` instead trains the recipe per seed and reports steps and
minutes to 90 / 95 / 98 % validation accuracy (``time_to_acc.py``).

Beside them: Lightning's own cost per step in milliseconds (a micro model, where
compute can't hide it) and, as an extra, causal SDPA forward + backward alone in
each precision.

Both training loops get the same fixed-length batches, cut from real training
rows packed end to end (``seq_len`` tokens per row, loss on every position),
so every step costs the same and the comparison is not at the mercy of which
rows a step drew. On a shared machine load comes and goes, so the two loops
alternate within each repeat (ABBA order), runs that another process slowed
(low cpu share) are left out, and the report gives medians, the per-repeat
ratio and the spread (min-max over repeats).

One module per question, one renderer:

- ``run.py``: the whole run, section by section (``__main__.py`` calls it and writes)
- ``training.py``: Lightning loop vs ``plain_loop.py``, in each precision
- ``overhead.py``: Lightning's own milliseconds per step
- ``mfu.py``, ``kernels.py``: FLOPs utilisation; the matmul peak and SDPA alone
- ``eval_speed.py``, ``data_speed.py``: greedy answering; the train loader alone
- ``machine.py``, ``stats.py``, ``batches.py``, ``config.py``: what they all share
- ``report.py``: the tables, printed and written as markdown
"""
