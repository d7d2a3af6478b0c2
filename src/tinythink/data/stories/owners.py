"""Owners: who holds things in a story, and how each is named at first and again.

A protagonist is a name, "you", "I", a role ("a farmer") or a titled surname
("Mrs. Okafor"); a second person may be the protagonist's relative ("her brother");
a place ("the shop") owns things too.
"""

from __future__ import annotations

from dataclasses import dataclass

from tinythink.data import lexicon as lex
from tinythink.data.stories.holdout import Picker
from tinythink.data.stories.wording import cap


@dataclass
class Owner:
    """Someone (or something) that holds things, and how to refer to them."""

    first: str  # first mention: "Mia", "you", "a farmer", "the shop"
    again: str  # a later full mention: "Mia", "you", "the farmer"
    pron: str  # she he you I it they
    obj: str  # her him you me it them
    poss: str  # her his your my its their
    third: bool = True
    first_person: bool = False
    mentioned: bool = False
    # Off once someone else has been named since: "He found 2 more" could be either.
    pronoun_ok: bool = True

    @property
    def reflexive(self) -> str:
        """herself, himself, yourself, myself, itself, themselves."""
        return {"me": "myself", "you": "yourself", "them": "themselves"}.get(
            self.obj, self.obj + "self"
        )

    def mention(self, p: Picker, start: bool, pronoun_ok: bool = True) -> str:
        """The next way to name this owner: its name first, then often a pronoun."""
        if not self.mentioned:
            self.mentioned = True
            word = self.first
        elif pronoun_ok and self.pronoun_ok and p.random() < 0.6:
            word = self.pron
        else:
            word = self.again
        return cap(word) if start else word


_SHE = ("she", "her", "her")
_HE = ("he", "him", "his")
RELATIVES = (
    ("sister", _SHE),
    ("brother", _HE),
    ("mom", _SHE),
    ("dad", _HE),
    ("friend", None),
    ("cousin", None),
    ("aunt", _SHE),
    ("uncle", _HE),
    ("neighbor", None),
    ("classmate", None),
    ("grandma", _SHE),
    ("grandpa", _HE),
    ("teacher", None),
    ("best friend", None),
)
_SHE_ROLES = {"girl", "woman", "lady", "grandma", "mother", "aunt"}
_HE_ROLES = {"boy", "man", "grandpa", "father", "uncle"}


def person(p: Picker, exclude: set[str] = frozenset(), allow_you: bool = True) -> Owner:
    """A protagonist: a name, you, I, a role ("a farmer") or a titled surname."""
    r = p.random()
    if allow_you and r < 0.14:
        return Owner("you", "you", "you", "you", "your", third=False)
    if allow_you and r < 0.22:
        return Owner("I", "I", "I", "me", "my", third=False, first_person=True)
    if r < 0.34:
        role = p.choice("role", [x for x in lex.ROLES if x not in exclude])
        she = role in _SHE_ROLES or (role not in _HE_ROLES and p.random() < 0.5)
        pron = _SHE if she else _HE
        article = "an" if role[0] in "aeiou" else "a"
        return Owner(f"{article} {role}", f"the {role}", *pron)
    if r < 0.40:
        surname = p.choice("surname", [x for x in lex.SURNAMES if x not in exclude])
        she = p.random() < 0.5
        title = p.choice("title", ["Mrs.", "Ms.", "Miss"]) if she else "Mr."
        return Owner(f"{title} {surname}", f"{title} {surname}", *(_SHE if she else _HE))
    she = p.random() < 0.5
    names = lex.SHE_NAMES if she else lex.HE_NAMES
    name = p.choice("name", [x for x in names if x not in exclude])
    return Owner(name, name, *(_SHE if she else _HE))


def other_person(p: Picker, main: Owner) -> Owner:
    """A second person: another name, or the protagonist's relative ("her brother")."""
    if p.random() < 0.3 and main.poss != "its":
        rel, pron = p.choice("relative", RELATIVES)
        pron = pron or (_SHE if p.random() < 0.5 else _HE)
        return Owner(f"{main.poss} {rel}", f"{main.poss} {rel}", *pron)
    return person(p, exclude={main.first, main.again}, allow_you=False)


def place(p: Picker) -> Owner:
    """A place that holds things: "a shop", "the library"."""
    where = p.choice("place", lex.PLACES)
    article = "an" if where[0] in "aeiou" else "a"
    first = p.choice("place-article", [f"{article} {where}", f"the {where}"])
    return Owner(first, f"the {where}", "it", "it", "its")
