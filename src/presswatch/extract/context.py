"""Context evidence for ambiguous names: word lists and small regular expressions.

These decide things like "Georgia" (state or country), "Jordan" (country or a person's
name), "Lebanon, Pa." (a US town) and "French classes" (a language). They only ever look at
a few words around an automaton hit (or, for Georgia, Congo and Korea, at the article), and
the detector tries them behind cheap one-character gates, so their cost does not grow with
the size of the gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Capitalised words that may stand directly before a country name without making it part
# of a personal name ("In Jordan", "King Abdullah of Jordan", "Visiting Chad").
NOT_GIVEN_NAMES = frozenset(
    """the a an in on at to from for with by of and or but as into via about against between
    across toward towards within without under over after before since during including like
    unlike both while when where if said says visited visit visits visiting neighbouring
    neighboring neighbor neighbour neighbours neighbors king queen kingdom prince princess
    emir sultan president premier minister ambassador embassy government also then that this
    these those western eastern northern southern central north south east west greater
    democratic republic hashemite only even all throughout upon per than war why how what which
    who whom whose not no yes because although though unless until whether outside inside near
    beyond along amid among around behind below beside besides despite except onto past
    through up down off out so such today yesterday meanwhile however moreover furthermore
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december mainland rural urban modern ancient
    old new free occupied independent post pre pro anti neutral nuclear oil is was are were be
    been has have had will would could should can may might must do does did let here there
    now today tomorrow welcome leaving entering reached reaching left fled flee fleeing invade
    invaded invading attack attacked attacking support supported backing backed against
    where's later earlier recently currently last next first second third finally eventually
    ultimately overall thus therefore hence otherwise instead indeed similarly separately
    additionally previously still elsewhere nearby every each any some many most several few
    other another such whereas while despite given according""".split()
)

# Capitalised words that may follow a country name without making it a personal name
# ("Jordan King Abdullah", "Chad Army", "Georgia Governor").
NOT_SURNAMES = frozenset(
    """king queen prince president prime premier foreign defence defense interior army armed
    air navy naval government ministry minister embassy ambassador national central supreme
    state parliament senate police customs airways airlines security intelligence forces
    border trade economy on in and but the this that has is was will says said and or to of
    for with at by as from after before since monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october
    november december telecom post times news daily radio today television tv mobile unicom
    railway railways eastern southern western northern""".split()
)

# Article/sentence evidence for "Georgia" the US state versus the country.
GEORGIA_STATE_CUES = re.compile(
    r"\b(?:Atlanta|Savannah|Augusta|Macon|Valdosta|Marietta|Gwinnett|"
    r"Fulton|DeKalb|Cobb|Chatham|Clayton|Ga\.|Peach State|Bulldogs|Yellow Jackets|Braves|"
    r"Falcons|Perdue|Kemp|Chambliss|Isakson|county|County|Legislature|statewide|Gov\.)"
    r"(?![A-Za-z])"
)
GEORGIA_COUNTRY_CUES = re.compile(
    r"\b(?:Tbilisi|Abkhaz\w*|Ossetia\w*|Saakashvili|Shevardnadze|Ivanishvili|Caucasus|"
    r"Caucasian|Batumi|Kutaisi|Gori|Kremlin|Moscow|Russia|Russian|Russians|Armenia|Azerbaijan|"
    r"Ukraine|Moldova|Belarus|Turkey|Iran|Kazakhstan|Eurasia\w*|NATO|Nato|EU|European|Europe|"
    r"Black Sea|Soviet|Georgian Orthodox|Georgian Dream|lari)(?![A-Za-z])"
)

# Substrings looked for with ``in`` (C speed) before CONGO_REPUBLIC_CUES confirms a whole
# word: a pattern that starts with \b is tried at every offset of the article.
CONGO_REPUBLIC_WORDS = ("Brazzaville", "Sassou", "Pointe-Noire")
CONGO_REPUBLIC_CUES = re.compile(
    r"\b(?:" + "|".join(map(re.escape, CONGO_REPUBLIC_WORDS)) + r")(?![A-Za-z])"
)

# Evidence that a country or capital name is a US town, strongest first. Strong evidence
# marks the name as a town for the whole article (one sense per discourse); weak evidence
# only removes the one hit. "High-Level Dialogue", "China county" and "Beijing middle school"
# must stay untouched, so lower-case and one-word generic heads are not evidence.
# Strong: US county/school/civic words after the name ("Lebanon County", "Palestine ISD").
STRONG_LOCAL_AFTER_WORDS = (
    *("County", "Township", "Twp.", "Borough", "Parish", "High School", "Elementary School"),
    *("Middle School", "School District", "Independent School District", "ISD", "Civic Center"),
    *("city limits", "Public Library", "City Council", "Police Department", "Fire Department"),
)
STRONG_LOCAL_AFTER = re.compile(
    r"[ \t]+(?:" + "|".join(map(re.escape, STRONG_LOCAL_AFTER_WORDS)) + r")(?![A-Za-z])"
)
# Strong only for names flagged us_town ("a Palestine man", "Lebanon police", "Jordan
# elementary"); "Singapore police" and "a Hong Kong man" are the country's.
TOWN_WORDS_AFTER_WORDS = (
    *("man", "woman", "men", "women", "resident", "residents", "police", "Police", "mayor"),
    *("Mayor", "city council", "elementary", "middle school", "high school", "library", "boys"),
    "girls",
)
TOWN_WORDS_AFTER = re.compile(
    r"[ \t]+(?:" + "|".join(map(re.escape, TOWN_WORDS_AFTER_WORDS)) + r")(?![A-Za-z])"
)
# Strong: US newspaper address and age styles before the name ("Locust St., Lebanon",
# "Joyce Glover, 22, Palestine", "Evans, 26, of Paris") and official town names ("City of
# Turkey"); lower-case "the city of X" is left alone ("the hottest city of Pakistan").
STRONG_LOCAL_BEFORE = re.compile(
    r"(?:\b(?:St|Ave|Rd|Blvd|Dr|Street|Avenue|Road|Drive|Lane|Highway|Route|Hwy)\.?,|"
    r"[A-Z][a-z]+, \d{1,3},(?:[ \t]+of)?)[ \t]+$"
)
TOWN_NAME_WORDS = ("City", "Town", "Village", "Township", "Borough")
TOWN_NAME_BEFORE = re.compile(r"\b(?:" + "|".join(TOWN_NAME_WORDS) + r") of[ \t]+$")
# str.endswith(TOWN_NAME_ENDINGS) is the cheap gate for TOWN_NAME_BEFORE.
TOWN_NAME_ENDINGS = tuple(f"{word} of" for word in TOWN_NAME_WORDS)
# For names that are also US towns (flag us_town) lower case is enough: "the town of Malta",
# "the village of Lebanon"; "city of" stays out ("the largest city of Lebanon"), and so does a
# superlative ("Birkirkara, the largest town of Malta").
US_TOWN_NAME_BEFORE = re.compile(
    r"\b(?:[Tt]he|[Aa]|of|in)[ \t]+(?:town|village|township|borough|hamlet) of[ \t]+$"
)
# "Galen Miller of Palestine," / "Jane Doe of Lebanon.": US newspapers give a person's home
# town so. Both words must be capitalised names (not "King Abdullah of Jordan" - "King" is a
# title - nor "Prime Minister of Malta").
RESIDENT_OF_BEFORE = re.compile(r"\b([A-Z][a-z]+)[ \t]+([A-Z][a-z]+)[ \t]+of[ \t]+$")
RESIDENT_OF_END = re.compile(r"[ \t]*(?:[,.;)]|$)")
# Words that make "<Word> <Word> of X" an institution, not a person: "National Bank of Cuba".
INSTITUTION_WORDS = frozenset(
    """bank national central republic university church council committee ministry embassy
    government party union people state states army navy force forces police court assembly
    congress parliament senate house institute college school center centre museum hospital
    company corporation association society foundation league federation chamber port city town
    county province region department office agency bureau board commission authority airport
    station river lake island islands coast gulf sea bay mountains kingdom empire people's
    development trade investment reserve exchange stock group fund""".split()
)
# "President Mahmoud Abbas of Palestine": a title before the name makes a dignitary.
TITLE_BEFORE = re.compile(
    r"\b(?:President|Prime Minister|Minister|King|Queen|Prince|Princess|Emir|Sultan|Sheikh|"
    r"Ambassador|Envoy|General|Gen\.|Secretary|Chancellor|Premier|Governor|Mayor|Chief|"
    r"Commander|Speaker|Patriarch|Archbishop|Bishop|Cardinal)[ \t]+$"
)
COUNTY_WORD = re.compile(r"\b(?:County|Parish|Township)(?![A-Za-z])")
# "Malta Road in Malta": a road named after the town, in the town.
ROAD_IN_BEFORE = re.compile(
    r"([A-Z][a-z]+)[ \t]+(?:Road|Rd\.|Street|St\.|Avenue|Ave\.|Drive|Lane|Boulevard|Blvd\.|"
    r"Pike|Highway)[ \t]+in[ \t]+$"
)
# Titles that make "<Title> <Name> of <country>" a dignitary, not a resident.
TITLES = frozenset(
    """king queen prince princess crown emir sultan sheikh president premier minister
    ambassador envoy general gen colonel col major lieutenant lt captain capt admiral
    secretary chancellor chief consul governor senator sen rep representative mayor pope
    bishop archbishop patriarch cardinal imam rabbi father sister brother dr professor
    prof judge justice foreign defence defense interior""".split()
)
# Weak: a street or natural feature named after the country ("Malta Road", "Peru Creek").
WEAK_LOCAL_AFTER_WORDS = (
    *("Street", "St.", "Avenue", "Ave.", "Road", "Rd.", "Boulevard", "Blvd.", "Drive", "Lane"),
    *("Highway", "Pike", "Heights", "Springs", "Falls", "Creek", "Valley"),
)
WEAK_LOCAL_AFTER = re.compile(
    r"[ \t]+(?:" + "|".join(map(re.escape, WEAK_LOCAL_AFTER_WORDS)) + r")(?![A-Za-z])"
)
# The cheap gate for STRONG_LOCAL_AFTER and WEAK_LOCAL_AFTER: the character that may follow
# the first blank (another blank, or the first letter of one of their words).
LOCAL_AFTER_INITIALS = frozenset(
    " \t" + "".join(w[0] for w in STRONG_LOCAL_AFTER_WORDS + WEAK_LOCAL_AFTER_WORDS)
)
NEIGHBOURHOOD_BEFORE = re.compile(r"\bLittle[ \t]+$")

# Ship names: "USS Tripoli", "HMS Argentina".
SHIP_BEFORE = re.compile(
    r"\b(?:USS|USNS|HMS|HMAS|HMCS|HMNZS|INS|ROKS|JS|ESPS|TCG|PNS|KRI|BRP|RFS|FS)[ \t]+$"
)

# Capitalised words (or "of", "and", "for", "the") before an acronym in parentheses, to
# tell "Provincial Response Company (PRC)" from "People's Republic of China (PRC)".
DEFINING_WORDS = re.compile(r"((?:[A-Z][\w'-]*|of|and|for|the|on|in)[ \t]+)+\($")

# A name or demonym heading a company or association name: "American Diabetes Association",
# "British Airways", "Egypt Telecom", "Italian Grill".
ORGANISATION_AFTER = re.compile(
    r"(?:[ \t]+(?:[A-Z][\w'\u2019.&-]*|and|of|&)){0,3}?[ \t]+(?:Association|Associations|"
    r"Society|Foundation|Airways|Airlines|Express|Legion|Corporation|Corp\.?|Company|Co\.?|Inc\.?|"
    r"Group|Bank|Restaurant|Grill|Cafe|Café|Kitchen|Bistro|Market|Marketplace|Apartments|"
    r"Board|Store|Shop|Deli|Bakery|Festival|Mortgage|Insurance|Telecom|Hospital|Club|"
    r"Immersion|Idol|School|Press|Motors|Oil|Petroleum|Holdings|Industries|Ltd\.?|LLC|Plc|PLC)"
    r"(?![A-Za-z])"
)
ORGANISATION_AFTER_CAPS = re.compile(ORGANISATION_AFTER.pattern, re.IGNORECASE)
# Not heads on purpose: Act, Service, Institute, Academy, University - "Taiwan Relations Act",
# "Russian Foreign Intelligence Service" and "Chinese Academy of Sciences" are about the state.

# A country word between an amount and a currency is part of the unit, like "US$":
# "28.6 billion US dollars", "500 Canadian dollars", "billions of Hong Kong dollars".
# Without an amount the currency itself is the subject ("the Canadian dollar fell") and
# counts, as wire services tag such stories with the country.
CURRENCY_AFTER = re.compile(
    r"[ \t]+(?:dollars?|yuan|renminbi|yen|roubles?|rubles?|rupees?|liras?|pesos?|pounds?|"
    r"francs?|won|rand|euros?|dinars?|dirhams?|riyals?|rials?|shekels?|kronor|kroner|krona|"
    r"krone)(?![A-Za-z])",
    re.IGNORECASE,
)
AMOUNT_BEFORE = re.compile(
    r"(?:\d(?:[ \t]+(?:hundred|thousand|million|billion|trillion|mn|bn))?"
    r"|(?:hundreds|thousands|millions|billions|trillions)[ \t]+of)[ \t]+$",
    re.IGNORECASE,
)

# US highways: "US-24", "U.S. 79", "U.S. Highway 82".
US_HIGHWAY_AFTER = re.compile(
    r"(?:[ \t]*-?[ \t]*\d|[ \t]+(?:Highway|Hwy\.?|Route|Rte\.?)(?![A-Za-z]))"
)

# A demonym used as the name of a language or a cuisine is not a mention of the country:
# "French classes", "Spanish-speaking", "said in Chinese.", "Polish sausage", "Italian food".
LANGUAGE_AFTER = re.compile(
    r"[ \t]*-?[ \t]*(?:language|languages|speaker|speakers|speaking|class|classes|teacher|"
    r"teachers|lesson|lessons|course|courses|immersion|translation|translations|translator|"
    r"translators|version|subtitles|dictionary|word|words|major|majors|minor|minors|"
    r"tutor|tutors|tutoring|exam|exams|honor society|food|foods|cuisine|restaurant|"
    r"restaurants|dish|dishes|cooking|recipe|recipes|sausage|sausages|bread|pastry|pastries|"
    r"cheese|fries|dressing|toast|beer|coffee|pizza|bakery|deli|oven)(?![A-Za-z])"
)
# After "speaks/teaches/in French" the language ends the phrase or a word follows that an
# adjective never precedes ("teaches Spanish at the high school", "answered in Russian
# before"); "in French politics" is the country.
LANGUAGE_END = re.compile(
    r"[ \t]*(?:[,.;:)!?\"'\u201d]|(?:and|or|at|to|for|with|from|on|as|this|next|last|since|"
    r"while|when|after|before|during|until|because|but|than)(?![A-Za-z])|$)"
)
# A school level or exam before a language name makes it the school subject: "eighth-grade
# French students", "AP Spanish", "Honors German" (never "advanced Chinese weapons").
SCHOOL_WORDS = tuple(
    """grade grader graders AP IB Honors honors conversational introductory remedial beginning
    beginners beginners'""".split()
)
# str.endswith(SCHOOL_WORDS) is the cheap gate; this confirms a whole word ("upgrade" is not).
SCHOOL_SUBJECT_BEFORE = re.compile(
    r"\b(?:" + "|".join(re.escape(w) for w in SCHOOL_WORDS) + r")[ \t]+$"
)
LANGUAGES = frozenset(
    """French Spanish German Italian Portuguese Chinese Japanese Russian Korean Dutch Greek
    Turkish Polish Swedish Norwegian Danish Finnish Hungarian Czech Vietnamese Thai Indonesian
    Ukrainian Romanian Bulgarian Serbian Croatian Albanian Icelandic Irish Slovak Slovenian
    Lithuanian Latvian Estonian Malaysian Filipino Mongolian Armenian Georgian Tajik Uzbek
    Kazakh Turkmen Kyrgyz Nepali Maltese Swahili Somali Burmese""".split()
)
_OTHER_LANGUAGES = "English Arabic Farsi Hindi Urdu Hebrew Latin Mandarin Cantonese Swahili"
LANGUAGE_BEFORE = re.compile(
    r"(?:\b(?:in|into|speak|speaks|spoke|speaking|learn|learns|learning|learned|learnt|study|"
    r"studies|studying|studied|teach|teaches|teaching|taught|fluent|only|"
    + "|".join(sorted({*LANGUAGES, *_OTHER_LANGUAGES.split()}))
    + r")(?:[ \t]+(?:and|or|in))?)[ \t]+$"
)

# A demonym naming a culture or ancestry rather than the state: "Irish heritage",
# "Irish pub", "of Italian descent".
CULTURE_AFTER = re.compile(
    r"[ \t]+(?:heritage|ancestry|descent|pub|pubs|music|song|songs|dance|dancing|dancers|folk|"
    r"rock|culture|cuisine|food|foods|restaurant|restaurants|recipe|recipes|costume|costumes|"
    r"yogurt|chocolate|meatball|meatballs|bacon|waffle|waffles|pastry|pastries|"
    r"cake|cakes|sausage|sausages|bread|dumplings|noodles|pancakes|cookies|omelet|omelette|"
    r"potato salad|dressing|fare|"
    # "everyone is Irish on St. Patrick's Day": the holiday, not Ireland.
    r"(?:for|on)[ \t]+(?:St\.?|Saint)[ \t]+(?:Patrick|Paddy))(?![A-Za-z])"
)

# "Mexican-American", "Irish-Americans", "Chinese-Canadian": an immigrant community's heritage
# (the demonym before the hyphen is ancestry) when the plural noun or a word for people or
# their culture follows, or the phrase ends ("She is Polish-American."); otherwise two states
# ("Soviet-American statement", "Mexican-American War", "British-American co-operation").
HERITAGE_SECOND = re.compile(
    r"[-\u2010\u2011\u2012\u2013](?:American|Americans|Canadian|Canadians|Australian|"
    r"Australians)(?![A-Za-z])"
)
HERITAGE_AFTER = re.compile(
    r"[ \t]*(?:[,.;:)!?\"'\u201d]|$)|[ \t]+(?:community|communities|family|families|heritage|"
    r"culture|cultural|neighborhood|neighborhoods|neighbourhood|population|voters|student|students|"
    r"woman|women|man|men|girl|girls|boy|boys|child|children|kids|youth|teen|teens|artist|artists|"
    r"writer|writers|author|poet|singer|actor|actress|musician|businessman|businesswoman|owner|"
    r"owners|activist|activists|leader|leaders|immigrant|immigrants|descent|ancestry|veteran|"
    r"veterans|club|clubs|museum|festival|chamber|parish|church|congregation|resident|residents|"
    r"couple|parents|grandparents|mother|father|son|daughter|wife|husband)(?![A-Za-z])"
)

# "Indian" meaning Native American. Near-by words: "Indian casinos", "Negro and Indian
# servants"; article cues: tribes, reservations, named nations, with no cue for India.
NATIVE_AFTER = re.compile(
    r"[ \t]+(?:gaming|casino|casinos|artifacts|artifact|arrowhead|arrowheads|burial|mound|"
    r"mounds|mascot|mascots|removal|headdress|headdresses|captive|captives|wars|Wars|"
    r"massacre|raid|raids|scouts|land claims)(?![A-Za-z])"
)
RACE_NEIGHBOUR_BEFORE = re.compile(
    r"\b(?:Negro|Negroes|Black|Blacks|White|Whites|Mulatto|Colored|Coloured|black|white)"
    r"(?:,|[ \t]+(?:and|or))[ \t]+$"
)
RACE_NEIGHBOUR_AFTER = re.compile(
    r"(?:,|[ \t]+(?:and|or))[ \t]+(?:Negro|Negroes|Black|Blacks|White|Whites|Mulatto|Colored|"
    r"Coloured|black|white)(?![A-Za-z])"
)
# Substrings looked for with ``in`` (C speed) before NATIVE_CUES confirms a whole word.
NATIVE_WORDS = (
    *("Indian tribe", "Indian reservation", "Indian Reservation", "Indian Affairs"),
    *("Native American", "American Indian", "Crow Nation", "Ho-Chunk", "powwow", "pow-wow"),
    *"""Seminole Cherokee Navajo Sioux Apache Choctaw Chickasaw Muscogee Mohegan Pequot Oneida
    Ojibwe Chippewa Lakota Iroquois Comanche Hopi Pueblo Shawnee Miccosukee
    Potawatomi Menominee""".split(),
)
NATIVE_CUES = re.compile(
    r"\b(?:" + "|".join(re.escape(w) for w in NATIVE_WORDS) + r")(?:s|es)?(?![A-Za-z])"
)
# "tribal" alone is no cue: India has its tribal communities too.
INDIA_CUES = re.compile(
    r"\b(?:India|New Delhi|Delhi|Mumbai|Bombay|Bangalore|Bengaluru|Kolkata|Calcutta|Chennai|"
    r"Hyderabad|Maharashtra|Kerala|Gujarat|Bihar|Assam|Karnataka|Rajasthan|Uttar Pradesh|Odisha|"
    r"Jharkhand|Bengal|Punjab|Kashmir|Tamil|Adivasi|Hindu|Hindus|Hindi|Sikh|Sikhs|rupee|rupees|"
    r"crore|lakh|Lok Sabha|BJP|Bollywood|Gandhi|Modi|Nehru|Pakistan|Bangladesh|Sri Lanka|Nepal)"
    r"(?![A-Za-z])"
)

# "UK" meaning the University of Kentucky in Kentucky news ("UK basketball", "UK HealthCare"):
# the article must name Kentucky and the university or its teams and say nothing British.
KENTUCKY_CUES = ("Kentucky", "Ky.")
UK_UNIVERSITY_CUES = re.compile(
    r"\b(?:University of Kentucky|Wildcats|UK HealthCare|Rupp Arena|Lexington|Big Blue Nation|"
    r"Commonwealth Stadium|Kroger Field|Chandler (?:Hospital|Medical Center))(?![A-Za-z])"
)
BRITAIN_CUES = re.compile(
    r"\b(?:Britain|British|Briton|Britons|United Kingdom|England|English Channel|Scotland|"
    r"Scottish|Wales|Welsh|London|Northern Ireland|Downing Street|Westminster|Whitehall|"
    r"Prime Minister|Brexit|NHS|pounds? sterling|Oxford|Cambridge|Manchester|Birmingham|"
    r"Liverpool|Edinburgh|Glasgow|Cardiff|Belfast|Crown Court|Europe|European)(?![A-Za-z])"
)

# "Henry's Turkey Service", "Bob's Peru Farm": a country name between someone's possessive
# and a small-business word is a business name ("Nixon's China Visit" is not).
POSSESSOR_BEFORE = re.compile(r"([A-Z][A-Za-z]+)['\u2019]s[ \t]+$")
SMALL_BUSINESS_AFTER = re.compile(
    r"(?:[ \t]+[A-Z][\w'\u2019&-]*){0,2}?[ \t]+(?:Service|Services|Supply|Farm|Farms|Ranch|Auto|"
    r"Garage|Salon|Tavern|Inn|Diner|Pizza|Catering|Cleaning|Repair|Repairs|Center|Centre|Imports|"
    r"Outlet|Boutique|Gallery|Studio|Motel|Lodge|Bar|Pub|Grill|Cafe|Kitchen|Market|Store|Shop)"
    r"(?![A-Za-z])"
)

# A demonym that is a surname: "French said", "Finn told reporters".
SPEECH_AFTER = re.compile(
    r"[ \t]+(?:said|says|told|added|noted|explained|stated|wrote|asked)(?![A-Za-z])"
)

# "Brown and Jordan shot a man": a lone capitalised word (not the end of a longer name such as
# "West Bank" or "Arab Republic") joined to the name, and a verb of a person's deed after them.
SURNAME_AND_BEFORE = re.compile(r"(?:([A-Za-z]+)[ \t]+)?\b([A-Z][a-z]+)[ \t]+and[ \t]+$")
OPENERS = frozenset("then but and so also when after while as".split())
DEED_AFTER = re.compile(
    r"[ \t]+(?:shot|stabbed|killed|robbed|beat|fled|ran|pleaded|testified|confessed|were "
    r"(?:arrested|charged|indicted|convicted|sentenced|married)|got married|divorced)"
    r"(?![A-Za-z])"
)
PLACE_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|to|from|of|into|across|visited|visit|visiting|neighbouring|neighboring)[ \t]+$"
)
NAME_BEFORE = re.compile(r"([A-Z][a-z]+|[A-Z]\.)[ \t]+$")
NAME_AFTER = re.compile(r"[ \t]+([A-Z][a-z]+[A-Za-z'-]*|[A-Z]\.)(?![A-Za-z])")
# "Seattle, Washington": the state, when the word before is not itself a country or capital.
TOWN_COMMA_BEFORE = re.compile(r"([A-Z][a-z]+),[ \t]+$")
OF_ORGANISATION = re.compile(r"([A-Z][A-Za-z&]*)[ \t]+of[ \t]+$")
NOT_ORGANISATION_HEADS = frozenset(
    """one two three four five most part much rest people citizens president presidents
    heart map history future state states union united""".split()
)

# In ALL-CAPS headlines "US" can be the pronoun ("LET US", "TELL US").
CAPS_PRONOUN_BEFORE = re.compile(
    r"\b(?:LET|TELL|TELLS|TOLD|GIVE|GIVES|GAVE|HELP|HELPS|JOIN|JOINS|SHOW|SHOWS|ALL OF|ONE OF|"
    r"FOR|WITH|AMONG|BEHIND|ABOUT|AGAINST|LIKE|TO)[ \t]+$"
)


# After "Guam, Alaska" a further ", Hawaii" or " and Ohio" shows a list of places, not a town.
LIST_CONTINUES = re.compile(r"(?:,[ \t]*|[ \t]+(?:and|or)[ \t]+)[A-Z]")


def state_after_pattern(states: Iterable[str]) -> re.Pattern[str]:
    """Regex matching ", <US state or abbreviation>" right after a name.

    Georgia, Washington and New York are left out: "Beijing, Washington and Moscow" is a list
    of capitals, "Tbilisi, Georgia" is the country and "Beijing, New York" two cities.
    """
    ordered = sorted(set(states) - {"Georgia", "Washington", "New York"}, key=len, reverse=True)
    alternatives = "|".join(re.escape(s) for s in ordered) or "(?!)"
    return re.compile(r",[ \t]+(?:" + alternatives + r")(?![A-Za-z])")


def other_states_pattern(states: Iterable[str]) -> re.Pattern[str]:
    """Regex matching full US state names other than Georgia and Washington (ambiguous)."""
    names = sorted(
        {s for s in states if not s.endswith(".") and s not in {"Georgia", "Washington"}},
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(?:" + ("|".join(re.escape(n) for n in names) or "(?!)") + r")\b")


def any_state_pattern(states: Iterable[str]) -> re.Pattern[str]:
    """Regex matching a US state name or newspaper abbreviation (not Georgia or Washington)."""
    forms = sorted(set(states) - {"Georgia", "Washington", "D.C."}, key=len, reverse=True)
    alternatives = "|".join(re.escape(f) for f in forms) or "(?!)"
    return re.compile(r"(?<![A-Za-z])(?:" + alternatives + r")(?![A-Za-z])")


def _alternatives(words: Iterable[str]) -> str:
    """Longest first, so "News Agency" is tried before "News"; "(?!)" when there are none."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or "(?!)"


def event_after_pattern(heads: Iterable[str], *, adjacent: bool) -> re.Pattern[str]:
    """Regex for the rest of an event, document or venue name after a capital.

    "Beijing Xiangshan Forum", "Moscow International Security Conference", "Beijing 2022
    Winter Olympics": up to three capitalised words (or a year), then a head word from
    name_contexts.tsv. With ``adjacent`` the head must follow at once: in a Title Case or
    ALL-CAPS headline every word is capitalised, so "Moscow Rejects Peace Agreement" must
    not read as a name.
    """
    middle = "" if adjacent else r"(?:[ \t]+(?:[A-Z][\w'\u2019.&-]*|\d{4})){0,3}?"
    return re.compile(middle + r"[ \t]+(?:" + _alternatives(heads) + r")(?![A-Za-z])")


_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# What follows the place of a dateline: ", Dec. 3", ", China, Dec 3", ", 3 December",
# " (Xinhua) --" or a dash. Dashes are matched raw (em and en dashes, "--").
DATELINE_AFTER = re.compile(
    r"(?:,[ \t]+(?:[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?,[ \t]+)?"
    r"(?:(?:" + _MONTHS + r")\.?[ \t]+\d{1,2}(?!\d)|\d{1,2}[ \t]+(?:" + _MONTHS + r")(?![a-z]))"
    r"|[ \t]*\([A-Z][\w .&'-]*\)[ \t]*(?:--?|[\u2013\u2014:])"
    r"|[ \t]+(?:--?|[\u2013\u2014])[ \t])"
)


def dateline_before_pattern(agencies: Iterable[str], heads: Iterable[str]) -> re.Pattern[str]:
    """Regex (fullmatch) for what may precede the place of a dateline on its line.

    Nothing, or the end of a sentence (paragraphs run together in some feeds), then
    optionally a news agency and a comma: "Xinhua News Agency, Beijing, December 29".
    """
    agency = (
        r"(?:(?:" + _alternatives(agencies) + r")|(?:[A-Z][\w'\u2019.&-]*[ \t]+){0,4}"
        r"(?:" + _alternatives(heads) + r")),[ \t]+"
    )
    return re.compile(
        r"(?:.*[.!?][\"'\u201d)]?[ \t]+)?[ \t\"'\u201c]*(?:" + agency + r")?", re.DOTALL
    )


# "said Israel Marshall, product manager": a job after the name makes it a person's.
def job_apposition_pattern(jobs: Iterable[str]) -> re.Pattern[str]:
    """Regex for ", [a|the ...] [up to three words] <job>" right after a person's name."""
    return re.compile(
        r",[ \t]+(?:(?:a|an|the|its|their|our|his|her)[ \t]+)?(?:[\w'\u2019.&-]+[ \t]+){0,3}?"
        r"(?:" + _alternatives(jobs) + r")(?![A-Za-z])"
    )


# "..., said Israel Katz." / "said Jordan Henderson, who ...": a quoted speaker's name.
SPEECH_BEFORE = re.compile(
    r"\b(?:said|says|told|added|asked|explained|noted|wrote|according to)[ \t]+$"
)
SPEAKER_END = re.compile(r"[ \t]*(?:[.,;:]|$)")
