"""The ``share`` kind: an exact equal share among k, or how many groups of k."""

from __future__ import annotations

from tinythink.data.stories.events import add_changes, event_sentence, start_amount
from tinythink.data.stories.owners import person
from tinythink.data.stories.wording import Story, cap, number, spell, thing

SHARE = (
    "{S} [share] them equally among {k} friends.",
    "{S} [share] them equally with {k} friends.",
    "{S} [split] them equally among {k} friends.",
    "{S} [divide] them equally among {k} children.",
    "{S} [put] them into {k} equal groups.",
    "{S} [give] the same number to each of {k} friends.",
    "{S} [pack] them equally into {k} boxes.",
)
SHARE_Q = {
    "friends": (
        "How many {T} does each friend get?",
        "How many does each friend get?",
        "How many {T} will each friend get?",
    ),
    "children": ("How many {T} does each child get?", "How many does each child get?"),
    "groups": ("How many {T} are in each group?", "How many are in each group?"),
    "boxes": ("How many {T} go in each box?", "How many {T} are in each box?"),
}


def share(st: Story, steps: int, hi: int, res: int) -> None:
    """Changes, then an exact equal share among k (or: how many groups of k)."""
    p = st.p
    who = person(p)
    t = thing(p)
    big = p.random() < 0.15
    k = p.randint(10, 25) if big else p.randint(2, 9)
    if steps == 1:
        q = number(p, 1, max(1, min(hi, res) // k))
        total = q * k
        r = p.random()
        if r < 0.3:
            st.whole = st.say(
                p.choice(
                    "share-if",
                    [
                        "If {n} {T} are shared equally among {k} friends, how many does each friend get?",
                        "If {s} [share] {n} {T} equally among {k} friends, how many does each get?",
                        "{n} {T} are split equally among {k} children. How many does each child get?",
                    ],
                ),
                who,
                n=total,
                k=spell(p, k),
                T=t.many,
            )
        elif r < 0.5:
            st.add(
                st.say(
                    p.choice(
                        "into-groups",
                        [
                            "{S} [have] {n} {T}. {S2} [put] them into bags of {k}.",
                            "{S} [pack] {n} {T} into bags of {k}.",
                        ],
                    ),
                    who,
                    n=total,
                    k=k,
                    T=t.many,
                    S2=cap(who.pron),
                )
            )
            st.question = p.choice(
                "groups-of-q",
                (
                    "How many groups of {k} are there?",
                    "How many bags are filled?",
                    "How many bags of {k} are there?",
                ),
            ).format(k=k)
        else:
            st.add(
                st.say(
                    p.choice(
                        "share-have",
                        ["{S} [have] {n} {T}.", "{S} [bake] {n} {T}.", "{S} [buy] {n} {T}."],
                    ),
                    who,
                    n=total,
                    T=t.many,
                )
            )
            template = p.choice("share", SHARE)
            st.add(st.say(template, who, k=spell(p, k)))
            key = next((w for w in SHARE_Q if w in template), "friends")
            st.question = p.choice("share-q", SHARE_Q[key]).format(T=t.many)
        st.answer = st.op(total, "/", k)
        return
    start, used = start_amount(st, who, t, hi, res, steps - 2)
    total = add_changes(st, who, t, start, steps - 2 - used, hi, res)
    # one last change that lands on a multiple of k
    low = max(1, -(-(total - hi) // k))
    high = min(res, total + hi) // k
    choices = [q for q in range(low, high + 1) if q * k != total]
    target = p.choice("share-target", choices) * k
    gain = target > total
    st.add(event_sentence(st, who, gain, t, abs(target - total), lead=True))
    total = st.op(total, "+" if gain else "-", abs(target - total))
    template = p.choice("share", SHARE)
    st.add(st.say(template, who, k=spell(p, k)))
    key = next((w for w in SHARE_Q if w in template), "friends")
    st.question = p.choice("share-q", SHARE_Q[key]).format(T=t.many)
    st.answer = st.op(total, "/", k)
