"""Wording: tidy sentences, and a plan line with brackets only where order needs them."""

import random

from tinythink.data.stories.holdout import Picker
from tinythink.data.stories.wording import Story, expression, tidy


def test_sentences_are_tidied():
    assert tidy("you have 1 apples. she eats a egg.") == "You have 1 apple. She eats an egg."
    assert tidy("it is 1 meters long.") == "It is 1 meter long."


def test_plan_line_brackets_only_where_order_needs_them():
    st = Story(Picker(random.Random(0), train=True), past=False)
    total = st.op(st.op(14, "+", 970), "/", 8)
    assert expression(total) == "(14+970)/8"
    chain = st.op(st.op(st.op(30, "*", 5), "-", 24), "+", 16)
    assert expression(chain) == "30*5-24+16"
    nested = st.op(12, "+", st.op(12, "+", 5))
    assert expression(nested) == "12+(12+5)"
