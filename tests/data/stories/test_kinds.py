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
    Camila has 25 knives. Camila trades for 18 more knives. The store opens at 2
    o'clock. How many knives does she have altogether now?

change seed=12 steps=2 test -> 111   (86 + 6 made + 19 bought)
    Ana initially has 86 gloves. Ana makes 6 more. Next, Ana buys another 19. How many
    gloves does Ana have in the end?

change seed=13 steps=3 train -> 62   (4 - 1 + 78 - 19)
    To begin with, Theo had 4 necklaces. He handed out 1, collected 78 more and gave
    away 19 necklaces. How many necklaces does he still have?

change seed=14 steps=4 test -> 187   (52 - 8 - 9 + 67 + 85)
    Piotr had 52 cards in his bag. Piotr gave away 8 and then gave 9 cards to his
    brother. He traded for 67 more cards and made 85 more. An uncle walked 45 blocks to
    get there. How many cards did Piotr have left?

change seed=1 steps=2 train -> 83   (51 - 45 off + 77 on)
    On a bus there were 51 people. At the first stop, 45 people stepped off and 77 got
    on. Anil's house has 3 doors. How many people are on the bus in the end?

combine seed=21 steps=1 test -> 33   (31 + 2)
    Yara had 31 balls and Emeka had 2. The clock shows 8 o'clock. How many balls do they
    have in total?

combine seed=12 steps=2 test -> 391   (377 + 7 + 7)
    A kid has 377 leaves, Akua has 7, and Karim has 7. How many leaves do the three of them
    have?

combine seed=22 steps=2 train -> 58   (45 + 11 + 2 over three days)
    How many pages does Yara read over the three days? Yara reads 45 pages on Monday, 11 on
    Tuesday, and 2 on Wednesday.

combine seed=13 steps=3 train -> 32   (David's 3 + 2 - 1, and the shopkeeper's 28)
    David had 3 posters. A shopkeeper collected 28 posters. David found 2 more. Next,
    David packed 1 away. How many posters do they have in total?

combine seed=23 steps=4 train -> 648   (1 + 511 + 94 + 27, and Ava's 15)
    A pupil has 1 desk. Ava has 15 desks. The pupil receives 511 desks from Santi. The
    pupil gets 94 more desks. The pupil makes 27 more. How many desks do they have
    altogether?

compare seed=2 steps=1 train -> 1   (3 - 2 fewer)
    Mina has 3 kayaks. David has 2 fewer kayaks than Mina does. How many kayaks does David
    have?

compare seed=11 steps=1 train -> 20   (difference 25 - 5)
    Sanjay has 25 ribbons. Theo has 5 ribbons. What is the difference between their numbers
    of ribbons?

compare seed=0 steps=2 train -> 10   (4 - 1 younger + 7 older)
    A ranger is 4 years old. Otto is 1 year younger than the ranger. Jorge is 7 years
    older than Otto. How old is Jorge?

compare seed=12 steps=2 test -> 80   (86 + 6 - 12)
    Ana initially has 86 desks. Then her classmate gives her 6 more. Celine has 12
    desks. How many more desks does Ana have than Celine?

compare seed=13 steps=3 train -> 52   (29 * 3 - 2 - 33)
    Theo had 3 bundles with 29 posters in each. Theo donated 2 posters. Caleb had 33.
    How many more posters does Theo have than Caleb?

compare seed=14 steps=4 test -> 44   (5 + 46 - 17 + 85 - 75)
    Ines had a collection of 5 tables. She found 46 more tables, then dropped 17. She
    brought home 85 more. A nurse only had 75 tables. How many more does Ines have?

groups seed=11 steps=1 train -> 90   (18 * 5 bundles)
    Each bundle has 18 pies. Omar is in grade 6. How many pies are there in 5 bundles?

groups seed=21 steps=1 test -> 603   (67 miles * 9 days)
    Ken cycled 67 miles every day. The clock shows 8 o'clock. How many miles does he cycle
    in 9 days?

groups seed=22 steps=2 train -> 486   (21 * 24 - 18)
    I fill 24 bags with 21 potatoes each. I drop 18. How many potatoes do I have left?

groups seed=13 steps=3 train -> 166   (30 * 5 + 14 + 2)
    Rory had 5 crates of pies, with 30 pies in each crate. Rory was given 14 more pies.
    Rory borrowed 2 pies from a shopkeeper. How many pies does Rory have altogether now?

groups seed=24 steps=3 test -> 13   (21 * 3 - 2 - 48)
    Elena packs 3 boxes, 21 balls to a box. Elena loses 2. In the afternoon, she hands
    out 48. How many balls are left?

groups seed=14 steps=4 test -> 87   (4 * 6 + 34 + 46 - 17)
    There are 6 shelves, and each shelf has 4 robots. Sanjay bought another 34, found 46
    more robots and dropped 17. How many robots does he have now?

times seed=0 steps=1 train -> 137   (822 / 6)
    His teacher has 6 times as many blocks as Mr. Lopez. She has 822. How many blocks
    does Mr. Lopez have?

times seed=1 steps=1 train -> 8   (72 is 9 times the baker's: 72 / 9)
    How many chocolates does the baker have? Ramon had 72 chocolates. That is 9 times as
    many as the baker has.

times seed=11 steps=1 train -> 40   (4 times 10)
    Sanjay has 10 ribbons. Theo collects 4 times as many ribbons as Sanjay. How many ribbons
    does Theo have?

times seed=12 steps=2 test -> 510   (85 + 85 * 5)
    Ana owns 85 desks. There are 45 days until the holiday. Celine has 5 times as many
    desks as Ana. How many desks do they have together?

times seed=13 steps=3 train -> 66   (28 * 3 - 9 - 9)
    Theo had 28 posters. Caleb collected three times as many posters as Theo. Caleb lost
    9 of them. Caleb used 9. How many posters did he have then?

times seed=14 steps=4 test -> 103   (4 * 8 - 17 + 85 + 3)
    Ines owned 4 tables. A nurse had 8 times as many tables as Ines does. First the
    nurse used 17 tables, then collected 85 more tables, and finally borrowed 3 tables
    from the librarian. How many tables does the nurse have in the end?

share seed=11 steps=1 train -> 17   (85 / 5 to a box)
    Pavel gets 85 toys. He packs them 5 to a box. Omar is in grade 6. How many boxes are
    needed?

share seed=21 steps=1 test -> 66   (594 / 9)
    If Ken shared 594 ornaments equally among 9 friends, how many does each friend get?

share seed=22 steps=2 train -> 3   ((11 + 16 pears picked) / 9)
    I pick 11 pears. My grandma picks 16. I give the same number to each of 9 students.
    How many pears does each student get?

share seed=13 steps=3 train -> 204   ((25 + 96 + 899) / 5)
    Rory owned 25 tables. He found 96 more. Soon Rory found 899 more. Rory wanted to
    give all of them to 5 cousins, the same number each. How many tables will each
    cousin get?

share seed=24 steps=3 test -> 256   ((38 - 15 + 745) / 3)
    Elena currently has 38 vases. Elena breaks 15. The next day, she makes 745 more.
    Elena puts them all into bags of 3. How many bags are needed?

share seed=23 steps=4 train -> 159   ((36 + 4 + 511 + 721) / 8 on a shelf)
    Kenji initially has 36 oranges. Kenji gets 4 more from Ella, then borrows 511
    oranges from Ella. Later, Kenji receives 721 oranges from his grandpa. Kenji puts 8
    on each shelf. How many full shelves are there?

unknown seed=11 steps=1 train -> 42   (17 left + 25 spent)
    After Camila bought a ribbon for $25, she had 17 dollars left. How much money did
    she have at first?

unknown seed=1 steps=1 train -> 13   (19 now - 6 before)
    There were 6 cookies in a jar. Some more cookies were put in. Now there are 19
    cookies in the jar. Akua was 46 years old. How many cookies were put in?

unknown seed=12 steps=2 test -> 154   (77 + 15 + 62 spent)
    Ana spent $62 on a bead and then paid $15 for a brush. She has 77 dollars left. How
    much money did Ana have initially?

unknown seed=13 steps=3 train -> 136   (18 + 24 + 8 + 86 spent)
    Theo bought a broom for 86 dollars, spent $8, and then spent 24 dollars on a rake.
    Now Theo has $18. How much money did Theo start with?

unknown seed=14 steps=4 test -> 189   (51 + 15 + 85 + 38 spent (the kind has 3 steps at most))
    Piotr spent 38 dollars on a bolt, then paid 85 dollars for a balloon, and then paid
    $15 for a robot. He has $51 left over. How much money did he have at first?

needed seed=11 steps=1 train -> 24   (48 - 24)
    Camila initially has 24 knives. She wants 48 knives. How many more does she need?

needed seed=12 steps=2 test -> 26   (28 - (12 - 10))
    To begin with, Yusuf has 12 bracelets. He loses 10. He wants 28 bracelets. How many
    more bracelets must Yusuf get?

needed seed=1 steps=2 train -> 1   (58 - (58 - 1))
    Hassan counted 58 muffins. He donated 1 muffin. He wanted 58 muffins. How many more
    muffins does Hassan need?

needed seed=13 steps=3 train -> 34   (38 - (8 - 1 - 3))
    Rory started with 8 tables. He dropped 1 and then gave 3 tables to his grandma. Rory
    needed 38 tables for a project. How many more does Rory need?

needed seed=14 steps=4 test -> 1   (170 - (38 + 51 + 34 + 46))
    To begin with, Sanjay had 38 beads. He made 51 more. Sanjay bought another 34 and
    then won 46 more beads. His goal is 170 beads. How many more beads does Sanjay need?

part_whole seed=11 steps=1 train -> 18   (95 - 77 chocolate)
    95 cookies are at the hall. 77 are chocolate cookies. How many oat cookies are
    there?

part_whole seed=12 steps=2 test -> 16   (267 - 2 nickels - 249 dimes)
    A farm has 267 coins. The store opens at 11 o'clock. 2 are nickels and 249 are
    dimes, and the rest are pennies. How many of them are pennies?

part_whole seed=0 steps=2 train -> 185   (243 - 18 oaks - 40 pines)
    How many are maples? There are 243 trees at the yard. 18 are oaks and 40 are pines.
    The room has 11 windows.

part_whole seed=13 steps=3 train -> 25   (121 - 87 - 9 (two parts told))
    A club has 121 birds. 87 are sparrows and 9 are pigeons. How many crows are there?

part_whole seed=14 steps=4 test -> 39   (179 - 140 glass)
    There are 179 marbles in a show. 140 are glass marbles, and the rest are clay
    marbles. How many of them are clay marbles?

money seed=11 steps=1 train -> 86   (91 - 5)
    Camila has $91 in her wallet. She buys a shirt for 5 dollars. A zookeeper's lucky
    number is 22. How much money does Camila have left?

money seed=3 steps=1 train -> 155   (5 at 31 dollars)
    A strawberry costs 31 dollars. How many dollars do 5 strawberries cost?

money seed=12 steps=2 test -> 54   (81 - 10 - 17)
    Ana has $81 in her wallet. Ana spends $10 on maps, and later pays $17 for a tree.
    How much money does Ana have left?

money seed=13 steps=3 train -> 3   (29 - 7 - 9 - 10)
    Theo had $29 in his wallet. Theo paid 7 dollars for a pear. Theo spent $9 on
    toothbrushes. He spent 10 dollars on trees. There are 27 days until the holiday. How
    many dollars does he have left?

money seed=14 steps=4 test -> 61   (58 - 4 + 18 + 13 - 24)
    Sanjay took 58 dollars to the store. He paid $4 for a balloon. Sanjay earned $18
    more and got $13 from a singer. He spent 24 dollars on a bagel. How much money is he
    left with?

measure seed=11 steps=1 train -> 5   (26 - 21)
    The purple tank measures 26 liters. The orange tank is 21 liters. What is the difference
    in liters?

measure seed=0 steps=1 train -> 460   (499 - 39 heavier)
    The red box measures 499 pounds. The white box is 39 pounds. How many pounds heavier is
    the red box than the white one?

measure seed=3 steps=1 train -> 1   (10 - 9 lighter)
    The brown bag of rice is 10 kilograms. The purple bag of rice is 9 kilograms lighter
    than the brown one. Hans's lucky number is 27. How many kilograms is the purple bag
    of rice?

measure seed=12 steps=2 test -> 85   (13 + (13 + 59 longer))
    The black river is 13 miles. The green river is 59 miles longer than the black one. How
    many miles are both together?

measure seed=13 steps=3 train -> 10   (6 + (6 - 2 shorter))
    The green river is 6 miles. The gray river is 2 miles shorter than the green one. The
    bus comes every 10 minutes. How many miles are both together?

measure seed=14 steps=4 test -> 35   (10 + (10 + 15 longer))
    The orange river is 10 miles. The yellow river is 15 miles longer than the orange one.
    What is their total in miles?

implied seed=1 steps=1 train -> 10   (5 pairs * 2)
    Hassan bought five pairs of boots. How many boots did he buy?

implied seed=2 steps=2 test -> 46   (a dozen * 5 boxes - 14)
    A box holds a dozen hats. Amara has 5 boxes. She donates 14 hats. How many hats does
    Amara have now?

implied seed=3 steps=3 train -> 265   (25 dozen + 16 - 51)
    Polly bought 25 dozen kites. Her grandma shared 16 of her kites with her. A ranger
    took 51 of them. How many kites remain?

implied seed=4 steps=1 test -> 360   (6 hours * 60 minutes)
    You practiced the piano for 6 hours. How many minutes is that?

implied seed=5 steps=4 train -> 33   (a dozen * 5 - 16 - 4 - 7)
    A box holds a dozen seeds. Ian has 5 boxes. There are 3 days until the holiday. He
    loses 16 and gives his best friend 4 of them. Ian loses 7. How many seeds does Ian
    have altogether now?

implied seed=6 steps=2 train -> 1400   (50 a day * 7 days * 4 weeks)
    For 4 weeks, Kira practices 50 minutes each day. How many minutes is that
    altogether?

mixed seed=1 steps=1 train -> 32   (the cars: 14 + 18 (the vans left out))
    Pilar collected 14 cars and 51 vans. Pilar bought 18 more cars. Now how many cars
    does Pilar have?

mixed seed=2 steps=2 test -> 694   (the chairs: 655 + 22 + 17 (the tulip left out))
    Right now a store has 3 cars, 22 tulips, and 655 chairs. It gets 22 chairs as a
    gift. The store donates 1 tulip. The store gets 17 chairs as a gift. How many chairs
    are left?

mixed seed=3 steps=3 train -> 170   (17 - 2 white, + 72 orange + 83 yellow)
    Miss Das had 17 white plants, 72 orange plants, and 83 yellow plants in her room.
    Miss Das used 2 white plants. How many plants does she have in all now?

mixed seed=4 steps=1 test -> 4   (the onions: 7 - 3 (the cookies left out))
    Mrs. Patel had 48 cookies and 7 onions in her room. She traded away 3 onions, then
    got 86 more cookies. A camper's house has 5 doors. How many onions is Mrs. Patel
    left with?

mixed seed=5 steps=2 train -> 53   (the dimes: 22 + 13 + 18)
    Right now Santi has 33 nickels and 22 dimes. He adds 13 more dimes to the pile.
    Santi adds 18 more dimes to the pile. How many dimes does he have left?

mixed seed=6 steps=4 test -> 57   (2 comics + (8 - 1) novels + (54 - 6) atlases)
    Right now Mia has 2 comics, 8 novels, and 54 atlases. She donates 6 atlases. She
    uses 1 novel. A builder has 33 cousins. How many books does Mia have in all now?
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
