"""The ``money`` kind: the cost of several, change from a bill, money left after buying."""

from __future__ import annotations

from tinythink.data import lexicon as lex
from tinythink.data.stories.owners import person
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
    k, price = p.randint(2, 9), number(p, 1, min(hi, 30))
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
    st.add(
        st.say(
            p.choice(
                "money-have",
                [
                    "{S} [have] {m}.",
                    "{S} [have] {m} in {Poss} wallet.",
                    "{S} [save] {m}.",
                    "{S} [take] {m} to the store.",
                ],
            ),
            who,
            m=money(p, have),
        )
    )
    left = have
    for _ in range(steps):
        if left < 2:
            break
        cost = number(p, 1, min(left - 1, 60))
        st.add(
            st.say(
                p.choice(
                    "spend",
                    [
                        "{S} [buy] a {t} for {p}.",
                        "{S} [spend] {p} on a {t}.",
                        "Then {s} [buy] a {t} that costs {p}.",
                        "{S} [pay] {p} for a {t}.",
                    ],
                ),
                who,
                t=p.choice("thing", [x for x in lex.THINGS if x.kind != "fragile"]).one,
                p=money(p, cost),
            )
        )
        left = st.op(left, "-", cost)
    st.question = st.say(
        p.choice(
            "left-q",
            [
                "How much money [do:pres] {s} have left?",
                "How many dollars [do:pres] {s} have left?",
                "How much money is left?",
                "How much [do:pres] {s} have now?",
            ],
        ),
        who,
    )
    st.answer = left
