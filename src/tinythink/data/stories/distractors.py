"""Irrelevant sentences added to a finished story: a number the question does not need.

Either a sentence about the world ("The store opens at 9 o'clock.") or the same things
owned by someone the question does not ask about ("Her sister has 45 dollars.").
"""

from __future__ import annotations

import re

from tinythink.data.stories.owners import Owner, person
from tinythink.data.stories.wording import Story, cap


def add_same_thing_distractor(st: Story, owner_name: str, things: str) -> bool:
    """ "Her sister has 45 dollars." in a story about Lena's dollars: only when the question
    asks about the owner by name, so the extra amount is plainly someone else's."""
    p = st.p
    if not owner_name or owner_name not in st.question or things not in st.text():
        return False
    other = person(p, exclude={owner_name}, allow_you=False)
    template = p.choice(
        "same-distractor", ("{S} [have] {n} {T}.", "{S} [have] {n} {T} too.", "{S} [own] {n} {T}.")
    )
    # Last before the question: a later "She gives 5 away" would be about the wrong person.
    st.sentences.append(st.say(template, other, n=p.randint(2, 60), T=things))
    return True


# Distractors: sentences with numbers that the question does not need.
DISTRACTORS = (
    "{S} [be] {n} years old.",
    "It is {n} degrees outside.",
    "The store opens at {h} o'clock.",
    "{S} [live] at number {n} on the street.",
    "There are {n} days until the holiday.",
    "{S} [have] {n} cousins.",
    "The bus comes every {n} minutes.",
    "{S}'s lucky number is {n}.",
    "{S} [walk] {n} blocks to get there.",
    "The room has {h} windows.",
    "{S} [be] in grade {g}.",
    "The clock shows {h} o'clock.",
    "{S}'s house has {g} doors.",
)


_PRONOUN = re.compile(r"\b(she|he|her|his|him|they|them|their)\b", re.IGNORECASE)


def add_distractor(st: Story, who: Owner | None = None) -> None:
    """An irrelevant sentence with a number in it, before the question.

    A sentence about the world goes anywhere; one about a new person goes last, and only
    where the question names its owner: before "She gives 5 away", or under "How many does
    she have?", "Musa has 41 cousins." would change whom the pronoun means.
    """
    p = st.p
    who = who or person(p, allow_you=False)
    about_person = not _PRONOUN.search(st.question)
    options = [d for d in DISTRACTORS if about_person or "{S}" not in d]
    template = p.choice("distractor", options)
    sentence = st.say(
        template,
        who,
        n=p.randint(2, 60),
        h=p.randint(2, 11),
        g=p.randint(2, 6),
        Poss=cap(who.poss),
    )
    at = len(st.sentences) if "{S}" in template else p.randint(1, max(1, len(st.sentences)))
    st.sentences.insert(at, sentence)
