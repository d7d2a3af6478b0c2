"""The words the story generator draws on: people, things, places, units and verbs.

Written for this project. Lists are long on purpose: a question about a thing or a
person the model never met should read like any other question. A slice of every
list is held out of training (see ``stories.Picker``), so the test split can ask
about words the model never saw. The order of every list matters: a story picks
from a list by position, so reordering one changes the generated data.

- ``people``: first names, surnames, roles and places (who holds things).
- ``things``: what is counted: things, containers, parts of a whole, colours, scenes,
  activities, measures.
- ``grammar``: verb forms (:func:`conjugate`) and number words.
"""

from tinythink.data.lexicon.grammar import NUMBER_WORDS, conjugate
from tinythink.data.lexicon.people import HE_NAMES, PLACES, ROLES, SHE_NAMES, SURNAMES
from tinythink.data.lexicon.things import (
    ACTIVITIES,
    BAKED,
    COLORS,
    CONTAINERS,
    DAYS,
    FOOD,
    FRAGILE,
    IMPLIED_NUMBERS,
    ITEMS,
    MEASURES,
    PARTS,
    SCENES,
    SINGULAR,
    THINGS,
    Thing,
)

__all__ = [
    "ACTIVITIES",
    "BAKED",
    "COLORS",
    "CONTAINERS",
    "DAYS",
    "FOOD",
    "FRAGILE",
    "HE_NAMES",
    "IMPLIED_NUMBERS",
    "ITEMS",
    "MEASURES",
    "NUMBER_WORDS",
    "PARTS",
    "PLACES",
    "ROLES",
    "SCENES",
    "SHE_NAMES",
    "SINGULAR",
    "SURNAMES",
    "THINGS",
    "Thing",
    "conjugate",
]
