"""Static reference data of the demo league: the 30 teams, name pools, injury reasons, bookmakers."""

from __future__ import annotations

# (tricode, conference, division, home arena time zone: drives the usual tip-off time)
TEAMS: tuple[tuple[str, str, str, str], ...] = (
    ("BOS", "East", "Atlantic", "ET"),
    ("BKN", "East", "Atlantic", "ET"),
    ("NYK", "East", "Atlantic", "ET"),
    ("PHI", "East", "Atlantic", "ET"),
    ("TOR", "East", "Atlantic", "ET"),
    ("CHI", "East", "Central", "CT"),
    ("CLE", "East", "Central", "ET"),
    ("DET", "East", "Central", "ET"),
    ("IND", "East", "Central", "ET"),
    ("MIL", "East", "Central", "CT"),
    ("ATL", "East", "Southeast", "ET"),
    ("CHA", "East", "Southeast", "ET"),
    ("MIA", "East", "Southeast", "ET"),
    ("ORL", "East", "Southeast", "ET"),
    ("WAS", "East", "Southeast", "ET"),
    ("DEN", "West", "Northwest", "MT"),
    ("MIN", "West", "Northwest", "CT"),
    ("OKC", "West", "Northwest", "CT"),
    ("POR", "West", "Northwest", "PT"),
    ("UTA", "West", "Northwest", "MT"),
    ("GSW", "West", "Pacific", "PT"),
    ("LAC", "West", "Pacific", "PT"),
    ("LAL", "West", "Pacific", "PT"),
    ("PHX", "West", "Pacific", "MT"),
    ("SAC", "West", "Pacific", "PT"),
    ("DAL", "West", "Southwest", "CT"),
    ("HOU", "West", "Southwest", "CT"),
    ("MEM", "West", "Southwest", "CT"),
    ("NOP", "West", "Southwest", "CT"),
    ("SAS", "West", "Southwest", "CT"),
)
TRICODES: tuple[str, ...] = tuple(t[0] for t in TEAMS)
TEAM_INDEX: dict[str, int] = {t: i for i, t in enumerate(TRICODES)}
CONFERENCE: tuple[str, ...] = tuple(t[1] for t in TEAMS)

# Usual local tip-off (Eastern time, minutes after midnight) by the home team's time zone.
TIPOFF_ET_MINUTES: dict[str, tuple[int, ...]] = {
    "ET": (19 * 60, 19 * 60 + 30, 19 * 60 + 30, 20 * 60),
    "CT": (20 * 60, 20 * 60, 20 * 60 + 30, 21 * 60),
    "MT": (21 * 60, 21 * 60, 22 * 60),
    "PT": (22 * 60, 22 * 60, 22 * 60 + 30),
}
WEEKEND_MATINEE_ET_MINUTES = (13 * 60, 15 * 60 + 30, 15 * 60 + 30, 18 * 60)

FIRST_NAMES = (
    "Aaron Adrian Al Alec Alex Alonzo Amir Andre Andrew Anfernee Anthony Antoine Armel Austin Bam Ben "
    "Bennedict Bilal Blake Bobby Bogdan Bol Brandon Brook Bruce Buddy Caleb Cam Cameron Caris Carlton Cason "
    "Chet Chris Christian Clint Cody Cole Collin Corey Cory Dalano Damian Daniel Dante Darius David Davion "
    "Dean Dejounte Dennis Deni Derrick Desmond Devin Dillon Domantas Donovan Dorian Draymond Dyson Ed Evan "
    "Franz Gabe Gary Georges Gordon Grant Harrison Herbert Isaac Isaiah Ivica Jabari Jaden Jakob Jalen "
    "Jamal Jaren Jarrett Javonte Jaxson Jayson Jeremiah Jerami Jevon Jimmy Joel Jonas Jordan Jose Josh "
    "Jrue Julius Justin Karl Keegan Keldon Kelly Kevin Khris Killian Kris Kyle Kyrie Lamar LaMelo Lauri "
    "Luguentz Luka Malik Marcus Mark Marvin Max Mikal Miles Mitchell Moses Naji Naz Nic Nick Nikola Norman "
    "Obi Onyeka Orlando Ousmane Paolo Pascal Patrick Payton Precious Quentin RJ Reggie Rudy Russell Saddiq "
    "Scoot Scottie Seth Shaedon Shai Spencer Stephen Terance Terry Tobias Torrey Trae Tre Trey Tyler Tyrese "
    "Tyus Victor Walker Wendell Xavier Zach Zion"
).split()
LAST_NAMES = (
    "Adams Allen Anderson Anunoby Ayton Ball Banchero Barnes Barrett Beasley Bey Bridges Brogdon Brooks "
    "Brown Brunson Bryant Caldwell Capela Carter Clarke Claxton Collins Conley Cunningham Daniels Davis "
    "DeRozan Dort Dosunmu Duren Edwards Eubanks Fox Garland Gafford Gilgeous George Giddey Gobert Gordon "
    "Grant Green Haliburton Harden Harris Hart Hayes Herro Hield Holiday Holmgren Horford Huerter Hunter "
    "Ingram Irving Isaac Ivey Jackson James Johnson Jokic Jones Kispert Kleber Kuminga Kuzma LaVine Lively "
    "Lopez Lowry Markkanen Martin Mathurin Maxey McCollum McConnell Middleton Miller Mitchell Mobley Monk "
    "Morant Murphy Murray Nance Nesmith Norman Nurkic Okongwu Oubre Paul Payne Porter Porzingis Poole "
    "Powell Quickley Randle Reaves Reid Robinson Rozier Russell Sabonis Sarr Sengun Sexton Sharpe Siakam "
    "Simmons Smart Smith Strus Suggs Tatum Thompson Towns Turner Valanciunas VanVleet Vassell Vucevic "
    "Wagner Walker Wallace Washington Watson Wembanyama White Wiggins Williams Williamson Wood Young Zubac"
).split()

INJURY_REASONS = (
    "Injury/Illness - Left Ankle; Sprain",
    "Injury/Illness - Right Ankle; Sprain",
    "Injury/Illness - Left Knee; Soreness",
    "Injury/Illness - Right Knee; Soreness",
    "Injury/Illness - Low Back; Spasms",
    "Injury/Illness - Right Hamstring; Strain",
    "Injury/Illness - Left Hamstring; Strain",
    "Injury/Illness - Left Calf; Strain",
    "Injury/Illness - Right Foot; Plantar Fasciitis",
    "Injury/Illness - Right Hip; Contusion",
    "Injury/Illness - Left Shoulder; Sprain",
    "Injury/Illness - Right Wrist; Fracture",
    "Injury/Illness - Illness",
    "Injury/Illness - Concussion Protocol",
    "Personal Reasons",
)
REST_REASON = "Injury/Illness - Injury Management; Rest"

# odds_api books: (name, probability that the book lists a given player prop)
ODDS_API_BOOKS: tuple[tuple[str, float], ...] = (
    ("draftkings", 0.90),
    ("fanduel", 0.92),
    ("betmgm", 0.75),
    ("williamhill_us", 0.55),
    ("bovada", 0.55),
    ("espnbet", 0.40),
)
BETTINGPROS_BOOKS: tuple[str, ...] = (
    "draftkings",
    "fanduel",
    "betmgm",
    "caesars",
    "bet365",
    "prizepicks",
    "underdog",
)
