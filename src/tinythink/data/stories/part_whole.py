"""The ``part_whole`` kind: a whole and some parts given, the other part asked."""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.owners import person
from tinythink.data.stories.wording import Story, cap, number, thing

NOT_PART = (
    ("{S} [have] {n} {T}. {k} of them are {adj}.", "How many are not {adj}?"),
    ("{S} [have] {n} {T}, and {k} of them are {adj}.", "How many {T} are not {adj}?"),
    ("There are {n} {T} in a box. {k} are {adj}.", "How many {T} are not {adj}?"),
    ("Of {Poss} {n} {T}, {k} are {adj}.", "How many of them are not {adj}?"),
)
ADJECTIVES = ("red", "broken", "new", "old", "big", "small", "wet", "clean", "striped", "painted")


# A whole and a part, the other part asked in other words: empty seats, absent pupils,
# unread pages. {n} is the whole, {k} the part told.
OTHER_WORDS = (
    ("A hall has {n} seats. {k} people are sitting down.", "How many seats are empty?"),
    ("A theater has {n} seats, and {k} of them are taken.", "How many seats are still free?"),
    ("There are {n} seats on a plane. {k} passengers get on.", "How many seats are empty?"),
    ("There are {n} students in the class. {k} are at school today.", "How many are absent?"),
    ("{n} children are on the team. Only {k} come to practice.", "How many do not come?"),
    (
        "{S} [invite] {n} friends to a party, and {k} of them come.",
        "How many friends did not come?",
    ),
    ("A book has {n} pages. {S} [have] read {k} of them.", "How many pages are still unread?"),
    ("A fence has {n} boards. {k} boards are painted.", "How many boards are not painted yet?"),
    (
        "Of the {n} tickets sold, {k} were for adults. The rest were for children.",
        "How many children's tickets were sold?",
    ),
    ("{n} people were asked if they like rain. {k} said yes.", "How many said no?"),
    (
        "A puzzle has {n} pieces. {S} [have] put {k} pieces in place.",
        "How many pieces are left to place?",
    ),
    ("A parking lot has {n} spaces. {k} cars are parked in it.", "How many spaces are empty?"),
    ("There are {n} eggs in a tray, and {k} of them are brown.", "How many eggs are not brown?"),
    (
        "{S} [need] to answer {n} questions. {S2} [have] answered {k}.",
        "How many questions are left?",
    ),
    ("A school has {n} lockers. {k} lockers are in use.", "How many lockers are free?"),
)
# The whole made of rows or boxes first: "12 rows of 4 seats; 29 people sit down."
OTHER_WORDS_GROUPS = (
    ("A bus has {a} rows of {b} seats. {k} people are sitting down.", "How many seats are empty?"),
    (
        "A classroom has {a} tables with {b} chairs at each. {k} children are sitting.",
        "How many chairs are empty?",
    ),
    ("A box holds {a} rows of {b} eggs. {k} eggs are cracked.", "How many eggs are not cracked?"),
    (
        "A garden has {a} rows of {b} plants. {k} plants have flowers.",
        "How many plants have no flowers?",
    ),
    (
        "There are {a} boxes of {b} crayons. {k} crayons are broken.",
        "How many crayons are not broken?",
    ),
)


def _other_words(st: Story, steps: int, hi: int, res: int) -> None:
    p = st.p
    who = person(p)
    S2 = cap(who.pron) if who.pron != "I" else "I"
    if steps == 1:
        story, question = p.choice("other-words", OTHER_WORDS)
        n = number(p, 3, hi)
        k = number(p, 2, n - 1)  # "2 people are sitting", never "1 people are"
        st.add(st.say(story, who, n=n, k=k, S2=S2))
        st.question = st.say(question, who)
        st.answer = st.op(n, "-", k)
        return
    story, question = p.choice("other-words-groups", OTHER_WORDS_GROUPS)
    a, b = p.randint(2, 12), p.randint(2, 12)
    whole = st.op(b, "*", a)
    k = number(p, 2, whole - 1)
    st.add(st.say(story, who, a=a, b=b, k=k))
    st.question = st.say(question, who)
    st.answer = st.op(whole, "-", k)


def part_whole(st: Story, steps: int, hi: int, res: int) -> None:
    """A part of a whole given, the other part asked: "30 students, 12 are boys." """
    p = st.p
    if steps <= 2 and p.random() < 0.4:
        return _other_words(st, steps, hi, res)
    if steps == 1 and p.random() < 0.3:
        who = person(p)
        t = thing(p)
        n = number(p, 3, hi)
        k = number(p, 2, n - 1)
        story, question = p.choice("not-part", NOT_PART)
        adj = p.choice("adjective", ADJECTIVES)
        st.add(st.say(story, who, n=n, k=k, T=t.many, adj=adj))
        st.question = st.say(question, who, T=t.many, adj=adj)
        st.answer = st.op(n, "-", k)
        return
    whole, parts = p.choice("parts", lex.PARTS)
    n = 3 if steps >= 2 and len(parts) >= 3 else 2
    parts = parts[:n]
    counts = [number(p, 2, max(2, hi // n)) for _ in parts]  # "2 are cars", not "1 are"
    total = sum(counts)
    where = p.choice(
        "part-where",
        [
            "There are {N} {W} in a {place}.",
            "A {place} has {N} {W}.",
            "{N} {W} are at the {place}.",
            "There are {N} {W} at the {place}.",
        ],
    ).format(
        N=total,
        W=whole,
        place=p.choice(
            "part-place",
            ["park", "club", "room", "yard", "shop", "garden", "school", "show", "farm", "hall"],
        ),
    )
    st.add(where)
    known = [f"{c} are {w}" for c, w in zip(counts[:-1], parts[:-1], strict=True)]
    st.add(
        cap(
            " and ".join(known)
            + (", and the rest are " + parts[-1] if p.random() < 0.5 else "")
            + "."
        )
    )
    st.question = p.choice(
        "part-q", ("How many {X} are there?", "How many are {X}?", "How many of them are {X}?")
    ).format(X=parts[-1])
    left = total
    for c in counts[:-1]:
        left = st.op(left, "-", c)
    st.answer = left
