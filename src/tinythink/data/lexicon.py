"""The words the story generator draws on: people, things, places, units and verbs.

Written for this project. Lists are long on purpose: a question about a thing or a
person the model never met should read like any other question. A slice of every
list is held out of training (see ``stories.Picker``), so the test split can ask
about words the model never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- people -------------------------------------------------------------------------------

SHE_NAMES = [
    "Mia",
    "Ana",
    "Ivy",
    "Zoe",
    "Eva",
    "Lily",
    "Nora",
    "Yuki",
    "Ella",
    "Rosa",
    "Amara",
    "Priya",
    "Sofia",
    "Hana",
    "Leila",
    "Maya",
    "Chloe",
    "Aisha",
    "Fatima",
    "Mei",
    "Lucia",
    "Elena",
    "Sara",
    "Julia",
    "Emma",
    "Olivia",
    "Ava",
    "Isla",
    "Alice",
    "Clara",
    "Lena",
    "Nadia",
    "Ines",
    "Carmen",
    "Paula",
    "Marta",
    "Kira",
    "Anya",
    "Tara",
    "Asha",
    "Nia",
    "Zara",
    "Lina",
    "Noor",
    "Amina",
    "Sana",
    "Rina",
    "Keiko",
    "Aiko",
    "Jia",
    "Ji",
    "Hye",
    "Mina",
    "Dina",
    "Tina",
    "Gina",
    "Rita",
    "Greta",
    "Heidi",
    "Ingrid",
    "Astrid",
    "Freya",
    "Sigrid",
    "Olga",
    "Vera",
    "Irina",
    "Katya",
    "Ewa",
    "Zofia",
    "Alma",
    "Luz",
    "Pilar",
    "Rocio",
    "Camila",
    "Valeria",
    "Ximena",
    "Lupe",
    "Bianca",
    "Giulia",
    "Chiara",
    "Amelie",
    "Louise",
    "Margot",
    "Celine",
    "Fleur",
    "Esme",
    "Poppy",
    "Molly",
    "Polly",
    "Jenny",
    "Kate",
    "Beth",
    "Anne",
    "Jane",
    "Sue",
    "Aurora",
    "Naomi",
    "Ruth",
    "Esther",
    "Miriam",
    "Talia",
    "Yara",
    "Rania",
    "Salma",
    "Layla",
    "Zainab",
    "Adaeze",
    "Chioma",
    "Ngozi",
    "Abena",
    "Akua",
    "Efua",
    "Wanjiru",
    "Zawadi",
    "Imani",
    "Neema",
]
HE_NAMES = [
    "Leo",
    "Sam",
    "Tom",
    "Max",
    "Ben",
    "Omar",
    "Ravi",
    "Finn",
    "Kofi",
    "Arjun",
    "Hiro",
    "Kenji",
    "Luca",
    "Marco",
    "Diego",
    "Carlos",
    "Mateo",
    "Pablo",
    "Juan",
    "Luis",
    "Jorge",
    "Andre",
    "Felix",
    "Hugo",
    "Oscar",
    "Louis",
    "Theo",
    "Noah",
    "Liam",
    "Ethan",
    "Lucas",
    "Owen",
    "Caleb",
    "Adam",
    "Ali",
    "Hassan",
    "Yusuf",
    "Karim",
    "Tariq",
    "Amir",
    "Idris",
    "Musa",
    "Kwame",
    "Kojo",
    "Yaw",
    "Chidi",
    "Emeka",
    "Tunde",
    "Jomo",
    "Baraka",
    "Juma",
    "Wei",
    "Hao",
    "Ming",
    "Tao",
    "Minh",
    "Duc",
    "Raj",
    "Vikram",
    "Anil",
    "Dev",
    "Nikhil",
    "Rohan",
    "Sanjay",
    "Ivan",
    "Oleg",
    "Pavel",
    "Dmitri",
    "Boris",
    "Piotr",
    "Jan",
    "Lars",
    "Sven",
    "Erik",
    "Nils",
    "Anders",
    "Bjorn",
    "Otto",
    "Karl",
    "Hans",
    "Fritz",
    "Emil",
    "Jonas",
    "Tobias",
    "Paul",
    "Peter",
    "Luke",
    "John",
    "James",
    "Henry",
    "George",
    "Harry",
    "Oliver",
    "Jacob",
    "Daniel",
    "David",
    "Simon",
    "Alex",
    "Victor",
    "Hector",
    "Ramon",
    "Tomas",
    "Bruno",
    "Enzo",
    "Nico",
    "Rafa",
    "Santi",
    "Joel",
    "Seth",
    "Eli",
    "Abe",
    "Ezra",
    "Levi",
    "Gideon",
    "Ira",
    "Ari",
    "Milo",
    "Ned",
    "Fred",
    "Bob",
    "Tim",
    "Jim",
    "Ken",
    "Dan",
    "Ian",
    "Sean",
    "Rory",
    "Cian",
    "Dara",
    "Conor",
]
SURNAMES = [
    "Lee",
    "Garcia",
    "Smith",
    "Khan",
    "Patel",
    "Nguyen",
    "Kim",
    "Lopez",
    "Silva",
    "Ito",
    "Novak",
    "Okafor",
    "Mensah",
    "Rossi",
    "Muller",
    "Costa",
    "Haddad",
    "Sato",
    "Tanaka",
    "Wang",
    "Singh",
    "Das",
    "Rao",
    "Cohen",
    "Levy",
    "Katz",
    "Moreno",
    "Ortiz",
    "Reyes",
    "Diaz",
]
# Noun-phrase owners: "a farmer" the first time, "the farmer" after.
ROLES = [
    "farmer",
    "baker",
    "teacher",
    "doctor",
    "nurse",
    "pilot",
    "driver",
    "cook",
    "chef",
    "painter",
    "gardener",
    "fisher",
    "builder",
    "librarian",
    "shopkeeper",
    "zookeeper",
    "coach",
    "player",
    "student",
    "pupil",
    "boy",
    "girl",
    "child",
    "kid",
    "man",
    "woman",
    "lady",
    "grandma",
    "grandpa",
    "mother",
    "father",
    "uncle",
    "aunt",
    "neighbor",
    "vendor",
    "florist",
    "tailor",
    "carpenter",
    "mechanic",
    "scientist",
    "artist",
    "singer",
    "dancer",
    "writer",
    "reader",
    "camper",
    "hiker",
    "sailor",
    "ranger",
    "janitor",
    "waiter",
    "clerk",
]
# Places and groups that hold things ("it"): "A bakery has 48 muffins. It sells 19."
PLACES = [
    "shop",
    "store",
    "bakery",
    "library",
    "school",
    "class",
    "farm",
    "zoo",
    "market",
    "cafe",
    "museum",
    "club",
    "team",
    "hotel",
    "garden",
    "factory",
    "warehouse",
    "kitchen",
    "office",
    "theater",
    "stadium",
    "park",
    "camp",
]


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
# Distractors: sentences with numbers that the question does not need.
DISTRACTORS = (
    "{S} [be] {n} years old.",
    "It is {n} degrees outside.",
    "The store opens at {h} o'clock.",
    "{S} [live] at number {n} on the street.",
    "There are {n} days until the holiday.",
    "{S} [have] {n} cousins.",
    "The bus comes every {n} minutes.",
    "{S}'s lucky number is {n}.",
    "{S} [walk] {n} blocks to get there.",
    "The room has {h} windows.",
    "{S} [be] in grade {g}.",
    "The clock shows {h} o'clock.",
    "{S}'s house has {g} doors.",
)

# --- verbs ------------------------------------------------------------------------------------

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
