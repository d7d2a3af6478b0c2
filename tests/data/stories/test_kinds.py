"""Each kind's answer is the one its story asks for, read and worked by hand.

``tests/data/test_generator.py`` checks that the reasoning is right arithmetic on the
question's numbers; that holds just as well for a story that says "fewer" and adds,
or "gives away" and gains. Here the answers were worked out by reading the question,
not by running the generator: a kind whose answer does not follow its story fails.

Each fixture is ``make_problem(random.Random(seed), kind, steps, TRAIN, train=...)``
("train": ``train=True``, "test": ``train=False``, which may use held-out wordings),
with the answer and how it follows from the words. If the generator is changed on
purpose and a seed now tells another story, read the new question, work its answer
by hand, and pin both; never copy the generator's answer.
"""

from __future__ import annotations

import random
import re
from typing import NamedTuple

import pytest

from tinythink.data import generator as gen
from tinythink.data import stories
from tinythink.data.datamodule import generator_config

TRAIN = generator_config({"n_train": 10}).train  # conf/data/arithmetic.yaml's train difficulty

PINNED = """
change seed=11 steps=1 train -> 43   (25 + 18 traded for)
    Camila has 25 knives. Camila trades for 18 more knives. Ava lives at number 40 on the
    street. How many knives does she have altogether now?

change seed=12 steps=2 test -> 68   (86 - 11 - 7 given away)
    Ana owns 86 gloves. Ana gives a woman eleven of them and gives 7 to the woman. How many
    gloves does she have in the end?

change seed=13 steps=3 train -> 62   (4 - 1 + 78 - 19)
    In the morning, Theo had 4 necklaces. Theo handed out 1 and collected 78 more. Theo sent
    19 necklaces to a shopkeeper. How many necklaces did he end up with?

change seed=14 steps=4 test -> 187   (52 - 8 - 9 + 67 + 85)
    There were 52 cards in his bag. Piotr gave away 8 and gave 9 cards to his brother. Piotr
    brought home 67 more and found 85 more cards. How many cards does he have in the end?

change seed=1 steps=2 train -> 82   (51 - 45 off + 76 on)
    On a bus there were 51 people. 45 people stepped off. 76 more people got on. How many
    people are on a bus now?

combine seed=21 steps=1 test -> 33   (31 + 2)
    Yara had 31 balls and Emeka had 2. The clock shows 8 o'clock. How many balls do they
    have in total?

combine seed=12 steps=2 test -> 391   (377 + 7 + 7)
    A kid has 377 leaves, Akua has 7, and Karim has 7. How many leaves do the three of them
    have?

combine seed=22 steps=2 train -> 58   (45 + 11 + 2 over three days)
    How many pages does Yara read over the three days? Yara reads 45 pages on Monday, 11 on
    Tuesday, and 2 on Wednesday.

combine seed=13 steps=3 train -> 32   (3 + 28 + 2 found - 1 packed away)
    David had 3 posters. A shopkeeper collected 28 posters. Yusuf's house has 5 doors. He
    found 2 more. Later, he packed 1 away. How many posters do they have in total?

combine seed=23 steps=4 train -> 648   (1 + 15 + 511 + 94 + 27)
    A pupil has 1 desk. Ava has 15 desks. The pupil receives 511 desks from Santi. She gets
    another 94 desks and is given 27 more by Oscar. What is the total number of desks?

compare seed=2 steps=1 train -> 1   (3 - 2 fewer)
    Mina has 3 kayaks. David has 2 fewer kayaks than Mina does. How many kayaks does David
    have?

compare seed=11 steps=1 train -> 20   (difference 25 - 5)
    Sanjay has 25 ribbons. Theo has 5 ribbons. What is the difference between their numbers
    of ribbons?

compare seed=0 steps=2 train -> 58   (66 + 80 = 146, Dan needs 146 - 88)
    Camila has 66 buckets. She finds 80 more. Dan has 88. How many buckets does Dan need to
    have as many as Camila?

compare seed=12 steps=2 test -> 73   (86 - 11 = 75, difference 75 - 2)
    Ana owns 86 desks. Ana sells 11 of them. Celine only has 2 desks. What is the difference
    between their numbers of desks?

compare seed=13 steps=3 train -> 52   (3 * 29 - 2 = 85, 85 - 33)
    Theo had 3 bundles with 29 posters in each. Theo sold 2. Caleb had 33. How many more
    posters does Theo have than Caleb?

compare seed=14 steps=4 test -> 99   (5 + 46 - 17 + 85 = 119, 119 - 20)
    Ines had a collection of 5 tables. She found 46 more tables and dropped 17. She
    collected 85 more tables. A nurse had 20 tables. By how many tables does Ines have more
    than the nurse?

groups seed=11 steps=1 train -> 90   (5 bundles * 18)
    Pavel buys five bundles of hats. Each bundle has 18 hats. How many hats is that?

groups seed=21 steps=1 test -> 603   (67 miles * 9 days)
    Ken cycled 67 miles every day. The clock shows 8 o'clock. How many miles does he cycle
    in 9 days?

groups seed=22 steps=2 train -> 740   (24 jars * 30 + 20)
    There are 30 folders in each jar. I have 24 jars. I get another 20 folders. Now how many
    folders do I have?

groups seed=13 steps=3 train -> 166   (5 * 30 + 14 + 2)
    Rory had 5 crates of pies, with 30 pies in each crate. Rory was given 14 more pies.
    Next, he added 2 more pies to the pile. Yusuf's house has 5 doors. How many pies does he
    have altogether now?

groups seed=24 steps=3 test -> 13   (3 * 21 - 2 - 48)
    Elena packs 3 boxes, 21 balls to a box. Elena loses 2. In the afternoon, Elena gives 48
    to her grandma. How many balls does she have now?

groups seed=14 steps=4 test -> 115   (6 * 4 - 11 + 17 + 85)
    Sanjay put 4 robots into each of 6 shelves. He gave away 11 and bought 17 more robots.
    In the afternoon, Sanjay was given 85 more robots. How many robots does he have in the
    end?

times seed=0 steps=1 train -> 137   (822 is 6 times Mr. Lopez's: 822 / 6)
    His teacher reads 822 pages, 6 times as many as Mr. Lopez. How many pages did Mr. Lopez
    read?

times seed=1 steps=1 train -> 8   (72 is 9 times the baker's: 72 / 9)
    How many chocolates does the baker have? Ramon had 72 chocolates. That is 9 times as
    many as the baker has.

times seed=11 steps=1 train -> 40   (4 times 10)
    Sanjay has 10 ribbons. Theo collects 4 times as many ribbons as Sanjay. How many ribbons
    does Theo have?

times seed=12 steps=2 test -> 510   (85 + 5 * 85)
    Ana owns 85 desks. Molly has 45 cousins. Celine has 5 times as many desks as Ana. How
    many desks do they have together?

times seed=13 steps=3 train -> 66   (3 * 28 - 9 - 9)
    Theo had 28 posters. Caleb collected three times as many posters as Theo. Caleb lost 9
    of them. Caleb left 9 at school. How many are left?

times seed=14 steps=4 test -> 103   (8 * 4 - 17 + 85 + 3)
    Ines owned 4 tables. A nurse had 8 times as many tables as Ines does. He used 17 tables
    and collected 85 more tables. Soon the nurse found 3 more tables. How many tables does
    the nurse have in the end?

share seed=11 steps=1 train -> 17   (85 in bags of 5)
    Pavel has 85 toys. He puts them into bags of 5. How many groups of 5 are there?

share seed=21 steps=1 test -> 66   (594 / 9 children)
    594 ornaments are split equally among 9 children. How many does each child get?

share seed=22 steps=2 train -> 84   ((5 + 751) / 9)
    There are 5 pears in my bag. I pick up 751 more. I share them equally with 9 friends.
    How many does each friend get?

share seed=13 steps=3 train -> 214   ((84 + 28 + 958) / 5)
    Rory owned 84 tables. Rory bought 28 more tables. Rory won 958 more tables. He shared
    them equally with 5 friends. How many tables does each friend get?

share seed=24 steps=3 test -> 455   ((827 - 57 + 595) / 3)
    Elena has a collection of 827 vases. Elena drops and breaks 57. Elena gets 595 more
    vases. She shares them equally among 3 friends. How many vases does each friend get?

share seed=23 steps=4 train -> 74   ((8 + 15 - 16 + 585) / 8)
    Kenji owns 8 oranges. He buys 15 more. Later, Kenji hands out 16. 585 more oranges
    arrive in the mail. He divides them equally among 8 children. How many oranges does each
    child get?

unknown seed=11 steps=1 train -> 10   (81 before, 71 after: used 10)
    Pavel had 81 toys. Pavel used some. Pavel has 71 toys now. How many toys did he use?

unknown seed=1 steps=1 train -> 18   (74 after buying 56: 74 - 56)
    After Hassan bought 56 more, he has 74 muffins. How many muffins did Hassan start with?

unknown seed=12 steps=2 test -> 396   (12 left + 377 + 7 given)
    Yusuf gave 377 bracelets to Akua and 7 to Tariq. Now Yusuf has 12 bracelets. How many
    bracelets did he have at first?

unknown seed=13 steps=3 train -> 32   (8 left + 4 + 20 given)
    Rory gave 4 tables to Theo and 20 to his neighbor. Rory had 8 tables left. How many
    tables did Rory have before?

unknown seed=14 steps=4 test -> 88   (38 now + 41 sold + 9 given)
    Sanjay sold 41 beads and gave away 9. Now Sanjay has 38 beads. How many beads did he
    have to start with?

needed seed=11 steps=1 train -> 24   (goal 48 - 24)
    Camila starts with 24 knives. She wants 48 knives. How many more does she need?

needed seed=12 steps=2 test -> 26   (12 - 9 = 3, goal 29 - 3)
    Yusuf counts 12 bracelets. He loses 9. He wants 29 bracelets. How many more bracelets
    must Yusuf get?

needed seed=1 steps=2 train -> 1   (58 - 1 = 57, goal 58 - 57)
    Hassan counted 58 muffins. 1 of them went bad. His goal is 58 muffins. The bus comes
    every 45 minutes. How many more muffins does Hassan need?

needed seed=13 steps=3 train -> 9   (8 - 1 - 3 = 4, goal 13 - 4)
    Rory started with 8 tables. Rory dropped 1 and gave 3 tables to his grandma. Rory needed
    13 tables for a project. How many more does Rory need?

needed seed=14 steps=4 test -> 414   (38 + 51 + 34 + 46 = 169, goal 583 - 169)
    Sanjay counted 38 beads. He made 51 more. He bought another 34 and won 46 more beads.
    His goal is 583 beads. The store opens at 3 o'clock. How many more beads does Sanjay
    need to reach 583?

part_whole seed=11 steps=1 train -> 17   (93 - 76)
    93 cookies are at the hall. 76 are chocolate cookies. How many oat cookies are there?

part_whole seed=12 steps=2 test -> 12   (31 - 19)
    There are 31 marbles at the shop. 19 are glass marbles. How many are clay marbles?

part_whole seed=0 steps=2 train -> 184   (240 - 17 - 39)
    How many are maples? There are 240 trees at the yard. 17 are oaks and 39 are pines. The
    room has 11 windows.

part_whole seed=13 steps=3 train -> 24   (118 - 86 - 8)
    A club has 118 birds. 86 are sparrows and 8 are pigeons. How many crows are there?

part_whole seed=14 steps=4 test -> 38   (177 - 139)
    There are 177 marbles in a show. 139 are glass marbles, and the rest are clay marbles.
    How many of them are clay marbles?

money seed=11 steps=1 train -> 86   (91 - 5)
    Camila has $91 in her wallet. She spends $5 on a shirt. How many dollars does Camila
    have left?

money seed=3 steps=1 train -> 155   (5 at 31 dollars)
    A strawberry costs 31 dollars. How many dollars do 5 strawberries cost?

money seed=12 steps=2 test -> 52   (81 - 10 - 19)
    Ana has $81 in her wallet. She pays $10 for a map. The bus comes every 30 minutes. Ana
    spends 19 dollars on a pretzel. How much money does she have left?

money seed=13 steps=3 train -> 1   (29 - 7 - 20 - 1)
    Theo had $29 in his wallet. He paid $7 for a crayon. He spent $20 on a pen. Then he
    bought a toothbrush that costs $1. How much money does Theo have left?

money seed=14 steps=4 test -> 16   (58 - 4 - 17 - 8 - 13)
    Sanjay took 58 dollars to the store. Then he bought a balloon that costs 4 dollars. He
    spent 17 dollars on a taco. Then he bought a mango that costs $8. Sanjay paid $13 for a
    brush. How much money does he have left?

measure seed=11 steps=1 train -> 5   (26 - 21)
    The purple tank measures 26 liters. The orange tank is 21 liters. What is the difference
    in liters?

measure seed=0 steps=1 train -> 460   (499 - 39 heavier)
    The red box measures 499 pounds. The white box is 39 pounds. How many pounds heavier is
    the red box than the white one?

measure seed=3 steps=1 train -> 1   (10 - 9 lighter)
    The brown bag of rice is 10 kilograms. Hans's lucky number is 27. The purple bag of rice
    is 9 kilograms lighter than the brown one. How many kilograms is the purple bag of rice?

measure seed=12 steps=2 test -> 85   (13 + (13 + 59 longer))
    The black river is 13 miles. The green river is 59 miles longer than the black one. How
    many miles are both together?

measure seed=13 steps=3 train -> 10   (6 + (6 - 2 shorter))
    The green river is 6 miles. The gray river is 2 miles shorter than the green one. The
    bus comes every 10 minutes. How many miles are both together?

measure seed=14 steps=4 test -> 35   (10 + (10 + 15 longer))
    The orange river is 10 miles. The yellow river is 15 miles longer than the orange one.
    What is their total in miles?
"""


class Pinned(NamedTuple):
    kind: str
    seed: int
    steps: int
    train: bool
    answer: int
    question: str


_HEAD = re.compile(r"(\w+) seed=(\d+) steps=(\d+) (train|test) -> (\d+)   \(.*\)")


def _pinned() -> list[Pinned]:
    out = []
    for block in PINNED.strip().split("\n\n"):
        head, *text = block.splitlines()
        kind, seed, steps, split, answer = _HEAD.fullmatch(head).groups()
        question = " ".join(" ".join(text).split())
        out.append(Pinned(kind, int(seed), int(steps), split == "train", int(answer), question))
    return out


FIXTURES = _pinned()


def test_every_kind_is_pinned_at_several_step_counts():
    assert {f.kind for f in FIXTURES} == set(stories.KINDS)
    for kind in stories.KINDS:
        pinned = [f for f in FIXTURES if f.kind == kind]
        assert len(pinned) >= 5, kind
        assert len({f.steps for f in pinned}) >= 3, kind
        assert {f.train for f in pinned} == {True, False}, kind


@pytest.mark.parametrize("f", FIXTURES, ids=lambda f: f"{f.kind}-{f.seed}-{f.steps}")
def test_the_answer_is_what_the_story_asks(f):
    p = gen.make_problem(random.Random(f.seed), f.kind, f.steps, TRAIN, train=f.train)
    assert p.family == f.kind
    assert p.question == f.question, (
        "this seed now tells another story: read it, work its answer by hand, pin both"
    )
    assert p.answer == f.answer, p
