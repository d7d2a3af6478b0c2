"""Word problems that model meaning first, then word it one of many ways.

A story is a small world: owners (people, "you", "I", "a farmer", a shop, a bus)
holding quantities, and events on them (buy, give, eat, break, share, compare...).
Each problem kind builds the meaning (which numbers, which operations, what is
asked) and then realises every sentence from a list of wordings: first, second or
third person, names, pronouns or noun phrases, present or past, conditionals,
the question first or last, and irrelevant sentences with numbers in them.

The operations are kept as ``(a, op, b)`` triples in the order a person would do
them; ``generator.work`` writes each one out digit by digit as the reasoning.

Reading is tested by holding out of training a slice of every wording list and
every word list: :class:`Picker` skips held-out entries when building train rows
and records when a test row used one.

The modules, from the bottom up:

- ``holdout``: which wordings and words are held out, and the :class:`Picker` that
  makes every random choice and respects the hold-out.
- ``wording``: a :class:`Story` under construction (its sentences, operations and
  answer), the plan line (:func:`expression`), and the draws of numbers and things.
- ``owners``: who holds things and how they are named (:class:`Owner`, ``person``).
- ``events``: an owner's amount: how it starts, its gains and losses, "how many now?".
- one module per kind, named as in :data:`KIND_STEPS`; each keeps its wordings next to
  the function that uses them.
- ``distractors``: irrelevant sentences added to a finished story.

The words themselves (names, things, verbs) are in :mod:`tinythink.data.lexicon`.
"""

from tinythink.data.stories import (
    change,
    combine,
    compare,
    groups,
    implied,
    measure,
    mixed,
    money,
    needed,
    part_whole,
    share,
    times,
    unknown,
)
from tinythink.data.stories.distractors import add_distractor, add_same_thing_distractor
from tinythink.data.stories.holdout import (
    HELD_OUT_PERCENT,
    HELD_OUT_THINGS,
    HELD_OUT_WORDS,
    WORDINGS,
    Picker,
    is_held_out,
    words_held_out,
)
from tinythink.data.stories.holdout import _entry_held_out as _entry_held_out  # for tests
from tinythink.data.stories.wording import Story, expression

# Problem kinds (the ``family`` of a Problem), and the step counts each can build.
KIND_STEPS = {
    "change": (1, 6),
    "combine": (1, 6),
    "compare": (1, 6),
    "groups": (1, 6),
    "times": (1, 6),
    "share": (1, 6),
    "unknown": (1, 3),
    "needed": (1, 6),
    "part_whole": (1, 2),
    "money": (1, 4),
    "measure": (1, 2),
    "implied": (1, 6),
    "mixed": (1, 6),
}
KINDS = tuple(KIND_STEPS)
# Each kind's builder: ``build(story, steps, max_operand, max_result)``.
BUILDERS = {
    "change": change.change,
    "combine": combine.combine,
    "compare": compare.compare,
    "groups": groups.groups,
    "times": times.times,
    "share": share.share,
    "unknown": unknown.unknown,
    "needed": needed.needed,
    "part_whole": part_whole.part_whole,
    "money": money.money_kind,
    "measure": measure.measure,
    "implied": implied.implied,
    "mixed": mixed.mixed,
}

__all__ = [
    "BUILDERS",
    "HELD_OUT_PERCENT",
    "HELD_OUT_THINGS",
    "HELD_OUT_WORDS",
    "KINDS",
    "KIND_STEPS",
    "WORDINGS",
    "Picker",
    "Story",
    "add_distractor",
    "add_same_thing_distractor",
    "expression",
    "is_held_out",
    "words_held_out",
]
