"""The ``money`` kind: the cost of several, change from a bill, money left after buying."""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.events import join_phrases
from tinythink.data.stories.owners import Owner, other_person, person
from tinythink.data.stories.wording import Story, cap, money, number, spell, thing

AT_EACH = (
    "{S} [buy] {k} {T} at {p} each.",
    "{S} [buy] {k} {T} for {p} each.",
    "{S} [buy] {k} {T}. Each one costs {p}.",
    "{S} [get] {k} {T} that cost {p} each.",
    "{T_} cost {p} each, and {s} [buy] {k}.",
)
AT_EACH_Q = (
    "How much [do:pres] {s} spend?",
    "How much money [do:pres] {s} spend in all?",
    "How much do the {T} cost altogether?",
    "What is the total cost?",
)


def _purchases(st: Story, steps: int, hi: int, res: int) -> None:
    """ "She buys 3 notebooks at $4 each" (and another item, a bill to pay with)."""
    p = st.p
    who = person(p)
    t = thing(p, ("item", "food"))
    # mostly a few at a price; now and then many at a small one ("25 tickets at $7")
    k = p.randint(2, 9) if p.random() < 0.85 else p.randint(10, 30)
    price = number(p, 1, min(hi, 30))
    st.add(
        st.say(
            p.choice("at-each", AT_EACH),
            who,
            k=spell(p, k),
            T=t.many,
            T_=cap(t.many),
            p=money(p, price),
        )
    )
    cost = st.op(price, "*", k)
    if steps >= 2 and p.random() < 0.5:  # and one more thing
        other = p.choice("thing", [x for x in lex.THINGS if x.kind != "fragile" and x != t])
        extra = number(p, 1, min(hi, 30))
        and_one = (
            "{S} also [buy] a {t} for {p}.",
            "{S} [buy] a {t} for {p} too.",
            "A {t} costs {p}, and {s} [buy] one.",
        )
        st.add(st.say(p.choice("and-one", and_one), who, t=other.one, p=money(p, extra)))
        cost = st.op(cost, "+", extra)
        steps -= 1
    if steps >= 2:
        bill = min((b for b in (10, 20, 50, 100, 200, 500, 1000) if b > cost), default=None)
        if bill is None:
            raise ValueError("no bill large enough")
        pays = ("{S} [pay] with a {b} bill.", "{S} [give] the cashier {b}.", "{S} [pay] with {b2}.")
        st.add(st.say(p.choice("pays-bill", pays), who, b=f"${bill}", b2=money(p, bill)))
        change_q = (
            "How much change [do:pres] {s} get?",
            "How much money [do:pres] {s} get back?",
            "How much change should {s} get?",
        )
        st.question = st.say(p.choice("change-q2", change_q), who)
        st.answer = st.op(bill, "-", cost)
        return
    asked = AT_EACH_Q[:2] + AT_EACH_Q[3:] if len(st.ops) > 1 else AT_EACH_Q  # not "the pens"
    st.question = st.say(p.choice("at-each-q", asked), who, T=t.many)
    st.answer = cost


def money_kind(st: Story, steps: int, hi: int, res: int) -> None:
    """Prices: cost of several, change from a payment, money left after buying."""
    p = st.p
    if steps <= 3 and p.random() < 0.35:
        return _purchases(st, steps, hi, res)
    who = person(p)
    t = thing(p, ("item", "food"))
    price = number(p, 1, min(hi, 50))
    r = p.random()
    if steps == 1 and r < 0.35:
        k = p.randint(2, 9)
        st.add(
            st.say(
                p.choice(
                    "price",
                    [
                        "One {t} costs {p}.",
                        "A {t} costs {p}.",
                        "Each {t} costs {p}.",
                        "{T} cost {p} each.",
                    ],
                ),
                who,
                t=t.one,
                T=cap(t.many),
                p=money(p, price),
            )
        )
        st.question = st.say(
            p.choice(
                "cost-q",
                [
                    "How much do {k} {T} cost?",
                    "How much [do:pres] {s} pay for {k} {T}?",
                    "What is the cost of {k} {T}?",
                    "How many dollars do {k} {T} cost?",
                ],
            ),
            who,
            k=spell(p, k),
            T=t.many,
        )
        st.answer = st.op(price, "*", k)
        return
    if steps == 1 and r < 0.65:
        pay = p.choice("bill", [b for b in (5, 10, 20, 50, 100) if b > price] or [price + 1])
        st.add(
            st.say(
                p.choice(
                    "pays",
                    [
                        "{S} [buy] a {t} for {p} and [pay] with a {b} bill.",
                        "{S} [pay] for a {p} {t} with a {b} bill.",
                        "A {t} costs {p}. {S} [pay] with {b2}.",
                    ],
                ),
                who,
                t=t.one,
                p=money(p, price),
                b=f"${pay}",
                b2=money(p, pay),
            )
        )
        st.question = st.say(
            p.choice(
                "change-q",
                [
                    "How much change [do:pres] {s} get?",
                    "How much change should {s} get back?",
                    "How much money [do:pres] {s} get back?",
                ],
            ),
            who,
        )
        st.answer = st.op(pay, "-", price)
        return
    have = number(p, price + 1, max(price + 1, min(hi, res)))
    st.add(st.say(p.choice("money-have", MONEY_HAVE), who, m=money(p, have)))
    left = _money_events(st, who, have, steps, hi, res)
    st.question = st.say(p.choice("left-q", MONEY_LEFT_Q), who)
    st.answer = left


MONEY_HAVE = (
    "{S} [have] {m}.",
    "{S} [have] {m} in {Poss} wallet.",
    "{S} [save] {m}.",
    "{S} [take] {m} to the store.",
    "{S} [start] the day with {m}.",
    "{S} [have] {m} in {Poss} piggy bank.",
    "{S} [get] {m} for {Poss} birthday.",
)
SPEND_VP = (
    "[buy] a {t} for {p}",
    "[spend] {p} on a {t}",
    "[pay] {p} for a {t}",
    "[spend] {p} on {pl}",
    "[buy] {pl} for {p}",
)
SPEND_SENT = ("Then {s} [buy] a {t} that costs {p}.", "A {t} costs {p}, and {s} [buy] one.")
EARN_VP = (
    "[earn] {p}",
    "[earn] {p} more",
    "[find] {p}",
    "[get] {p} from {O}",
    "[be] given {p} by {O}",
    "[earn] {p} for doing chores",
    "[sell] a {t} for {p}",
)
MONEY_LEFT_Q = (
    "How much money [do:pres] {s} have left?",
    "How many dollars [do:pres] {s} have left?",
    "How much money is left?",
    "How much [do:pres] {s} have now?",
    "How much money [do:pres] {s} have now?",
    "How much money [be:pres] {s} left with?",
)


def _money_events(st: Story, who: Owner, have: int, steps: int, hi: int, res: int) -> int:
    """``steps`` purchases (and now and then money earned or found), a sentence each or two
    or three to a sentence: "She spends $15 on a book and $8 on lunch." """
    p = st.p
    left, phrases = have, []
    for i in range(steps):
        gain = i > 0 and left < res - 5 and p.random() < 0.25
        if gain:
            x = number(p, 1, min(hi, 60, res - left))
            left = st.op(left, "+", x)
            template = p.choice("earn", EARN_VP)
        else:
            if left < 2:
                raise ValueError("no money left to spend")
            x = number(p, 1, min(left - 1, 60))
            left = st.op(left, "-", x)
            template = p.choice("spend", SPEND_VP)
        item = p.choice("thing", [t for t in lex.THINGS if t.kind != "fragile"])
        o = other_person(p, who)
        slots = {"p": money(p, x), "t": item.one, "pl": item.many, "O": o.mention(p, False, False)}
        phrases.append((template, {**slots, "gain": str(gain)}))
    i = 0
    while i < len(phrases):
        left_n, r = len(phrases) - i, p.random()
        size = 3 if left_n >= 3 and r < 0.2 else 2 if left_n >= 2 and r < 0.5 else 1
        if size > 1:
            st.add(join_phrases(st, who, phrases[i : i + size]))
        elif phrases[i][1]["gain"] == "False" and p.random() < 0.15:
            st.add(st.say(p.choice("spend-sent", SPEND_SENT), who, **phrases[i][1]))
        else:
            template, slots = phrases[i]
            st.add(st.say("{S} " + template + ".", who, **slots))
        i += size
    return left
