"""Verb forms (``conjugate``) and the number words small counts are spelt with."""

from __future__ import annotations

# base: (third person singular, past)
_IRREGULAR = {
    "be": ("is", "was"),
    "have": ("has", "had"),
    "do": ("does", "did"),
    "buy": ("buys", "bought"),
    "sell": ("sells", "sold"),
    "get": ("gets", "got"),
    "give": ("gives", "gave"),
    "find": ("finds", "found"),
    "lose": ("loses", "lost"),
    "eat": ("eats", "ate"),
    "win": ("wins", "won"),
    "make": ("makes", "made"),
    "take": ("takes", "took"),
    "break": ("breaks", "broke"),
    "spend": ("spends", "spent"),
    "put": ("puts", "put"),
    "read": ("reads", "read"),
    "run": ("runs", "ran"),
    "swim": ("swims", "swam"),
    "write": ("writes", "wrote"),
    "bring": ("brings", "brought"),
    "keep": ("keeps", "kept"),
    "throw": ("throws", "threw"),
    "drop": ("drops", "dropped"),
    "grow": ("grows", "grew"),
    "pay": ("pays", "paid"),
    "say": ("says", "said"),
    "leave": ("leaves", "left"),
    "go": ("goes", "went"),
    "come": ("comes", "came"),
    "fly": ("flies", "flew"),
    "drive": ("drives", "drove"),
    "split": ("splits", "split"),
    "cut": ("cuts", "cut"),
    "hold": ("holds", "held"),
    "sit": ("sits", "sat"),
    "catch": ("catches", "caught"),
    "draw": ("draws", "drew"),
    "hand": ("hands", "handed"),
    "need": ("needs", "needed"),
    "want": ("wants", "wanted"),
    "plan": ("plans", "planned"),
    "stop": ("stops", "stopped"),
    "step": ("steps", "stepped"),
    "knit": ("knits", "knitted"),
    "drink": ("drinks", "drank"),
    "land": ("lands", "landed"),
    "send": ("sends", "sent"),
    "lend": ("lends", "lent"),
    "set": ("sets", "set"),
    "see": ("sees", "saw"),
    "feed": ("feeds", "fed"),
    "build": ("builds", "built"),
    "ride": ("rides", "rode"),
    "tell": ("tells", "told"),
    "teach": ("teaches", "taught"),
    "sing": ("sings", "sang"),
}


def conjugate(verb: str, third: bool, past: bool, first: bool = False) -> str:
    """``buy`` -> buys / buy / bought; ``be`` handles I am / you are / she is."""
    if verb == "be":
        if past:
            return "was" if third or first else "were"
        return "is" if third else ("am" if first else "are")
    forms = _IRREGULAR.get(verb)
    if forms is None:
        if verb.endswith(("s", "sh", "ch", "x", "o")):
            third_form = verb + "es"
        elif verb.endswith("y") and verb[-2] not in "aeiou":
            third_form = verb[:-1] + "ies"
        else:
            third_form = verb + "s"
        if verb.endswith("e"):
            past_form = verb + "d"
        elif verb.endswith("y") and verb[-2] not in "aeiou":
            past_form = verb[:-1] + "ied"
        else:
            past_form = verb + "ed"
        forms = (third_form, past_form)
    if past:
        return forms[1]
    return forms[0] if third else verb


NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
