"""What is counted: things (food, fragile, other items), containers, the parts of a
whole, colours, scenes where things come and go, activities per day, measures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thing:
    """A countable thing: singular, plural, and what may happen to it."""

    one: str
    many: str
    kind: str  # "food" (eaten, baked), "fragile" (breaks), "item" (anything else)


def _things(kind: str, text: str) -> list[Thing]:
    out = []
    for entry in text.split():
        one, _, many = entry.partition("/")
        out.append(Thing(one.replace("_", " "), (many or one + "s").replace("_", " "), kind))
    return out


FOOD = _things(
    "food",
    """
apple banana/bananas orange pear peach/peaches plum lemon mango/mangoes cherry/cherries
grape strawberry/strawberries carrot potato/potatoes tomato/tomatoes onion cookie cupcake
muffin donut pretzel cracker sandwich/sandwiches pancake waffle bagel pie tart candy/candies
lollipop chocolate egg nut walnut peanut cherry_tomato/cherry_tomatoes melon kiwi/kiwis
radish/radishes pickle sausage/sausages dumpling taco burrito pizza/pizzas brownie
""",
)
FRAGILE = _things(
    "fragile",
    """
glass/glasses cup plate bowl vase jar mug bottle lamp bulb ornament
""",
)
ITEMS = _things(
    "item",
    """
pen pencil marker crayon sticker marble book notebook coin card shell stamp balloon bead toy
rock ball kite block puzzle doll robot car truck boat train ticket badge button ribbon flower
rose tulip leaf/leaves feather sock hat/hats shirt scarf/scarves glove ring bracelet necklace/necklaces
comic magazine letter postcard photo poster map key/keys brick tile nail screw bolt
seed plant tree bucket basket box/boxes bag envelope folder eraser ruler brush/brushes
paintbrush/paintbrushes candle toothbrush/toothbrushes spoon fork knife/knives towel pillow blanket
chair table desk bench/benches lamp_post shovel rake broom tent kayak bike scooter
""",
)
THINGS = FOOD + FRAGILE + ITEMS
# Foods that are baked ("She bakes 24 muffins"; not strawberries).
BAKED = frozenset(
    [
        "cookies",
        "cupcakes",
        "muffins",
        "donuts",
        "pretzels",
        "crackers",
        "pancakes",
        "waffles",
        "bagels",
        "pies",
        "tarts",
        "pizzas",
        "brownies",
    ]
)
# Containers for groups: "6 boxes with 12 pens in each".
CONTAINERS = _things(
    "item",
    """
box/boxes bag jar basket pack crate tray carton bin case/cases bundle pouch/pouches tin packet
shelf/shelves drawer bucket sack barrel
""",
)
# Things counted by category, for parts of a whole: (whole, [part, part, ...]).
PARTS = (
    ("students", ("boys", "girls")),
    ("children", ("boys", "girls")),
    ("people", ("adults", "children")),
    ("animals", ("cats", "dogs")),
    ("pets", ("cats", "dogs", "rabbits")),
    ("birds", ("sparrows", "pigeons", "crows")),
    ("fish", ("goldfish", "guppies")),
    ("flowers", ("roses", "tulips", "daisies")),
    ("fruits", ("apples", "pears", "plums")),
    ("vehicles", ("cars", "vans", "trucks")),
    ("books", ("comics", "novels", "atlases")),
    ("coins", ("nickels", "dimes", "pennies")),
    ("shapes", ("circles", "squares", "triangles")),
    ("players", ("runners", "jumpers")),
    ("trees", ("oaks", "pines", "maples")),
    ("cookies", ("chocolate cookies", "oat cookies")),
    ("marbles", ("glass marbles", "clay marbles")),
    ("socks", ("striped socks", "plain socks")),
)
COLORS = [
    "red",
    "blue",
    "green",
    "yellow",
    "white",
    "black",
    "pink",
    "purple",
    "orange",
    "brown",
    "gray",
    "striped",
]

# Places things come and go from by themselves: (place, thing, arrive verbs, leave verbs).
SCENES = (
    ("on a bus", "people", ("get on", "climb on", "board"), ("get off", "step off", "leave")),
    ("in a tree", "birds", ("land", "fly in", "join them"), ("fly away", "fly off", "leave")),
    ("in a pond", "ducks", ("swim over", "join them", "arrive"), ("swim away", "fly off", "leave")),
    (
        "in a parking lot",
        "cars",
        ("drive in", "park", "arrive"),
        ("drive away", "leave", "pull out"),
    ),
    ("at a party", "guests", ("arrive", "come in", "join"), ("go home", "leave", "walk out")),
    (
        "in a field",
        "sheep",
        ("wander in", "join them", "arrive"),
        ("wander off", "run away", "leave"),
    ),
    (
        "on a train",
        "passengers",
        ("get on", "board", "climb aboard"),
        ("get off", "leave", "step off"),
    ),
    ("in a line", "children", ("join it", "line up", "join"), ("leave", "walk away", "step out")),
    ("at a pool", "swimmers", ("jump in", "arrive", "join them"), ("get out", "go home", "leave")),
    ("on a beach", "seagulls", ("land", "fly in", "arrive"), ("fly away", "take off", "leave")),
    ("in a library", "readers", ("come in", "arrive", "walk in"), ("go home", "leave", "walk out")),
    (
        "on a playground",
        "kids",
        ("run over", "join them", "arrive"),
        ("go home", "leave", "run off"),
    ),
    # containers: things are put in and taken out
    ("in a box", "pencils", ("be put in", "be added"), ("be taken out", "be removed")),
    ("in a jar", "cookies", ("be put in", "be added"), ("be eaten", "be taken out")),
    ("on a shelf", "books", ("be put back", "be added"), ("be taken away", "be borrowed")),
    ("in a fridge", "eggs", ("be added", "be put in"), ("be used", "be taken out")),
    ("in a vase", "flowers", ("be added", "be put in"), ("be taken out", "wilt")),
)

# Activities counted per day: (verb base, verb past, what is counted).
ACTIVITIES = (
    ("read", "read", "pages"),
    ("walk", "walked", "kilometers"),
    ("run", "ran", "laps"),
    ("swim", "swam", "laps"),
    ("bake", "baked", "cookies"),
    ("pick", "picked", "apples"),
    ("sell", "sold", "tickets"),
    ("collect", "collected", "shells"),
    ("score", "scored", "points"),
    ("save", "saved", "dollars"),
    ("earn", "earned", "dollars"),
    ("write", "wrote", "pages"),
    ("fold", "folded", "paper cranes"),
    ("plant", "planted", "seeds"),
    ("paint", "painted", "pictures"),
    ("jump", "jumped", "rope skips"),
    ("cycle", "cycled", "miles"),
    ("knit", "knitted", "rows"),
    ("practice", "practiced", "minutes"),
    ("drink", "drank", "glasses of water"),
)
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Things measured and the words comparing them: (noun, unit, bigger, smaller).
MEASURES = (
    ("rope", "meters", "longer", "shorter"),
    ("ribbon", "centimeters", "longer", "shorter"),
    ("road", "kilometers", "longer", "shorter"),
    ("tower", "meters", "taller", "shorter"),
    ("tree", "feet", "taller", "shorter"),
    ("bag of rice", "kilograms", "heavier", "lighter"),
    ("box", "pounds", "heavier", "lighter"),
    ("tank", "liters", "bigger", "smaller"),
    ("movie", "minutes", "longer", "shorter"),
    ("trip", "hours", "longer", "shorter"),
    ("river", "miles", "longer", "shorter"),
    ("pool", "meters", "longer", "shorter"),
)

# The singular of every other plural a story may count ("1 minute", "1 person"): units,
# scene and part nouns, what activities count, and the nouns of distractor sentences.
_IRREGULAR_PLURALS = {
    "feet": "foot",
    "people": "person",
    "children": "child",
    "sheep": "sheep",
    "fish": "fish",
    "glasses of water": "glass of water",
    "guppies": "guppy",
    "daisies": "daisy",
    "pennies": "penny",
    "atlases": "atlas",
    "families": "family",
    "cookies": "cookie",
    "chocolate cookies": "chocolate cookie",
    "oat cookies": "oat cookie",
    "shelves": "shelf",
    "movies": "movie",
}
_PLURALS = {
    *(m[1] for m in MEASURES),
    *(s[1] for s in SCENES),
    *(what for _, _, what in ACTIVITIES),
    *(whole for whole, _ in PARTS),
    *(part for _, parts in PARTS for part in parts),
    *[
        "years",
        "dollars",
        "cents",
        "pages",
        "points",
        "doors",
        "windows",
        "cousins",
        "days",
        "minutes",
        "hours",
        "blocks",
        "degrees",
        "friends",
        "students",
        "kids",
        "boys",
        "girls",
        "adults",
        "seats",
        "tickets",
        "rows",
        "laps",
        "weeks",
        "months",
        "cars",
        "boxes",
        "shelves",
        "teams",
        "groups",
        "bags",
        "packs",
        "stamps",
        "players",
        "animals",
    ],
}


def _singular(plural: str) -> str:
    if plural in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[plural]
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    return plural[:-2] if plural.endswith(("ches", "shes", "xes")) else plural[:-1]


SINGULAR = {p: _singular(p) for p in _PLURALS if p.endswith("s")} | _IRREGULAR_PLURALS

# Numbers a question implies with a word instead of writing them: the plan line writes
# the number ("5*7" for "every day for a week"). A test allows these operands only when
# the question has the word.
IMPLIED_NUMBERS = {
    "twice": 2,
    "double": 2,
    "half": 2,
    "pair": 2,
    "pairs": 2,
    "triple": 3,
    "dozen": 12,
    "week": 7,
    "weeks": 7,
    "hour": 60,
    "hours": 60,
    "minute": 60,
    "minutes": 60,
    "day": 24,
    "days": 24,
    "year": 12,
    "years": 12,
    # "between herself and her 3 friends": the sharer is one more
    "herself": 1,
    "himself": 1,
    "myself": 1,
    "yourself": 1,
}
