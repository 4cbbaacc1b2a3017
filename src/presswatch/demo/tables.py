"""The demo corpus's template tables: countries, organisations, outlets, sentence templates.

Everything here is data: sentence templates written for presswatch and public country
facts (capitals, demonyms, alliance members, summit hosts, well-known exercise names).
``generator.py`` draws from these tables; editing a template changes the corpus without
touching the drawing logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# The span the trend tables below are written for.
DEMO_START = date(2015, 1, 1)
DEMO_END = date(2025, 12, 31)


# --- countries --------------------------------------------------------------------------
# name | adjective (demonym) | capital used as metonymy ("-" = none) | base weight | alias
# Weights give a long-tailed popularity similar to defence coverage; aliases are the short
# forms news uses, so the detector sees "US", "UK", "DPRK" as well as full names.
COUNTRY_TABLE = """
the United States|American|Washington|100|the US
China|Chinese|Beijing|90|
Russia|Russian|Moscow|80|
Japan|Japanese|Tokyo|38|
India|Indian|New Delhi|36|
the United Kingdom|British|London|30|Britain
France|French|Paris|26|
Ukraine|Ukrainian|Kyiv|16|
Germany|German|Berlin|22|
Iran|Iranian|Tehran|20|
Israel|Israeli|-|16|
Pakistan|Pakistani|Islamabad|18|
South Korea|South Korean|Seoul|20|the Republic of Korea
North Korea|North Korean|Pyongyang|16|the DPRK
Australia|Australian|Canberra|18|
Turkey|Turkish|Ankara|14|Türkiye
Saudi Arabia|Saudi|Riyadh|12|
the Philippines|Philippine|Manila|12|
Vietnam|Vietnamese|Hanoi|9|
Indonesia|Indonesian|Jakarta|9|
Taiwan|Taiwanese|Taipei|8|
Syria|Syrian|Damascus|9|
Afghanistan|Afghan|Kabul|8|
Iraq|Iraqi|Baghdad|8|
Egypt|Egyptian|Cairo|8|
Poland|Polish|Warsaw|9|
Italy|Italian|Rome|8|
Canada|Canadian|Ottawa|8|
Brazil|Brazilian|Brasília|7|
South Africa|South African|Pretoria|7|
Belarus|Belarusian|Minsk|6|
Singapore|Singaporean|-|6|
Malaysia|Malaysian|Kuala Lumpur|6|
Thailand|Thai|Bangkok|6|
Spain|Spanish|Madrid|6|
the United Arab Emirates|Emirati|Abu Dhabi|6|the UAE
Qatar|Qatari|Doha|5|
Kazakhstan|Kazakh|Astana|5|
Sweden|Swedish|Stockholm|5|
Finland|Finnish|Helsinki|5|
Bangladesh|Bangladeshi|Dhaka|5|
Lebanon|Lebanese|Beirut|5|
Yemen|Yemeni|Sanaa|5|
Cambodia|Cambodian|Phnom Penh|4|
Myanmar|Myanmar|Naypyitaw|4|
Sri Lanka|Sri Lankan|Colombo|4|
Nigeria|Nigerian|Abuja|5|
Ethiopia|Ethiopian|Addis Ababa|4|
Kenya|Kenyan|Nairobi|4|
Mali|Malian|Bamako|4|
Venezuela|Venezuelan|Caracas|4|
Greece|Greek|Athens|4|
the Netherlands|Dutch|Amsterdam|4|
Norway|Norwegian|Oslo|4|
New Zealand|New Zealand|Wellington|4|
Mexico|Mexican|Mexico City|4|
Jordan|Jordanian|Amman|4|
Armenia|Armenian|Yerevan|4|
Azerbaijan|Azerbaijani|Baku|4|
Serbia|Serbian|Belgrade|3|
Lithuania|Lithuanian|Vilnius|3|
Romania|Romanian|Bucharest|3|
Libya|Libyan|-|4|
Sudan|Sudanese|Khartoum|3|
South Sudan|South Sudanese|Juba|3|
Somalia|Somali|Mogadishu|3|
Djibouti|Djiboutian|-|3|
the Democratic Republic of the Congo|Congolese|Kinshasa|3|the DRC
Nepal|Nepalese|Kathmandu|3|
Mongolia|Mongolian|Ulaanbaatar|3|
Kyrgyzstan|Kyrgyz|Bishkek|3|
Tajikistan|Tajik|Dushanbe|3|
Uzbekistan|Uzbek|Tashkent|3|
Laos|Lao|Vientiane|2|
Georgia|Georgian|Tbilisi|3|
Moldova|Moldovan|Chisinau|2|
Estonia|Estonian|Tallinn|3|
Latvia|Latvian|Riga|3|
Denmark|Danish|Copenhagen|3|
Hungary|Hungarian|Budapest|3|
the Czech Republic|Czech|Prague|2|Czechia
Bulgaria|Bulgarian|Sofia|2|
Cuba|Cuban|Havana|3|
Argentina|Argentine|Buenos Aires|3|
Colombia|Colombian|Bogotá|3|
Chile|Chilean|Santiago|2|
Peru|Peruvian|Lima|2|
Algeria|Algerian|Algiers|3|
Morocco|Moroccan|Rabat|3|
Tunisia|Tunisian|Tunis|2|
Niger|Nigerien|Niamey|2|
Chad|Chadian|N'Djamena|2|
Rwanda|Rwandan|Kigali|2|
the Central African Republic|Central African|Bangui|2|
Oman|Omani|Muscat|3|
Kuwait|Kuwaiti|-|2|
Bahrain|Bahraini|Manama|2|
Portugal|Portuguese|Lisbon|2|
Switzerland|Swiss|Bern|2|
Ireland|Irish|Dublin|1|
Papua New Guinea|Papua New Guinean|Port Moresby|2|
Fiji|Fijian|Suva|2|
Tonga|Tongan|Nuku'alofa|1|
the Solomon Islands|Solomon Islands|Honiara|2|
Brunei|Bruneian|Bandar Seri Begawan|1|
Timor-Leste|Timorese|Dili|1|
the Maldives|Maldivian|Malé|1|
Equatorial Guinea|Equatoguinean|Malabo|1|
Guinea|Guinean|Conakry|1|
Angola|Angolan|Luanda|2|
Mozambique|Mozambican|Maputo|2|
Tanzania|Tanzanian|Dodoma|2|
Uganda|Ugandan|Kampala|2|
Ghana|Ghanaian|Accra|2|
Senegal|Senegalese|Dakar|2|
Zimbabwe|Zimbabwean|Harare|1|
Nicaragua|Nicaraguan|Managua|1|
Ecuador|Ecuadorian|Quito|1|
Bolivia|Bolivian|La Paz|1|
"""


@dataclass(frozen=True, slots=True)
class DemoCountry:
    """One country as the demo writes about it."""

    name: str  # may start with "the "
    adjective: str
    capital: str | None
    weight: float
    alias: str | None

    @property
    def short(self) -> str:
        """The form used in compounds and headlines: "US", "UK", "UAE", "China"."""
        if self.name == "the United Kingdom":  # its alias is "Britain"; compounds say "UK"
            return "UK"
        if self.alias and self.alias.startswith("the ") and self.alias[4:].isupper():
            return self.alias[4:]
        return self.name.removeprefix("the ")


def _parse_countries(table: str) -> dict[str, DemoCountry]:
    countries: dict[str, DemoCountry] = {}
    for line in table.strip().splitlines():
        name, adjective, capital, weight, alias = line.split("|")
        key = name.removeprefix("the ")
        countries[key] = DemoCountry(
            name, adjective, None if capital == "-" else capital, float(weight), alias or None
        )
    return countries


COUNTRIES: dict[str, DemoCountry] = _parse_countries(COUNTRY_TABLE)


@dataclass(frozen=True, slots=True)
class DemoOrg:
    """An international organisation: abbreviation, full name and typical member cast."""

    abbr: str
    full: str
    members: tuple[str, ...]
    since: date = DEMO_START


_ORG_LIST = [
    DemoOrg("NATO", "North Atlantic Treaty Organization", (
        "United States", "United Kingdom", "France", "Germany", "Poland", "Turkey", "Italy",
        "Canada", "Norway", "Estonia", "Latvia", "Lithuania", "Romania", "Netherlands",
        "Denmark", "Spain", "Greece")),
    DemoOrg("ASEAN", "Association of Southeast Asian Nations", (
        "Indonesia", "Malaysia", "Singapore", "Thailand", "Philippines", "Vietnam", "Cambodia",
        "Laos", "Myanmar", "Brunei")),
    DemoOrg("SCO", "Shanghai Cooperation Organisation", (
        "China", "Russia", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "India",
        "Pakistan")),
    DemoOrg("BRICS", "BRICS group", ("Brazil", "Russia", "India", "China", "South Africa")),
    DemoOrg("UN", "United Nations", (
        "China", "United States", "Russia", "France", "United Kingdom", "India", "Brazil")),
    DemoOrg("EU", "European Union", (
        "France", "Germany", "Italy", "Spain", "Poland", "Netherlands", "Sweden", "Finland")),
    DemoOrg("AU", "African Union", (
        "Ethiopia", "Nigeria", "South Africa", "Kenya", "Egypt", "Rwanda", "Ghana", "Senegal")),
    DemoOrg("G20", "Group of 20", (
        "United States", "China", "India", "Japan", "Germany", "Brazil", "Saudi Arabia",
        "Indonesia", "Turkey", "Argentina")),
    DemoOrg("CSTO", "Collective Security Treaty Organization", (
        "Russia", "Belarus", "Armenia", "Kazakhstan", "Kyrgyzstan", "Tajikistan")),
    DemoOrg("GCC", "Gulf Cooperation Council", (
        "Saudi Arabia", "United Arab Emirates", "Qatar", "Kuwait", "Bahrain", "Oman")),
    DemoOrg("OSCE", "Organization for Security and Co-operation in Europe", (
        "Ukraine", "Russia", "Moldova", "Georgia", "Armenia", "Azerbaijan", "Switzerland")),
    DemoOrg("G7", "Group of Seven", (
        "United States", "Japan", "Germany", "United Kingdom", "France", "Italy", "Canada")),
    DemoOrg("Quad", "Quadrilateral Security Dialogue", (
        "United States", "Japan", "India", "Australia"), since=date(2017, 11, 1)),
    DemoOrg("AUKUS", "AUKUS partnership", (
        "Australia", "United Kingdom", "United States"), since=date(2021, 9, 15)),
]  # fmt: skip
ORGS: dict[str, DemoOrg] = {o.abbr: o for o in _ORG_LIST}
ORG_WEIGHT = {
    "NATO": 10, "ASEAN": 6, "SCO": 6, "BRICS": 5, "UN": 8, "EU": 6, "AU": 3, "G20": 3,
    "CSTO": 2, "GCC": 2, "OSCE": 2, "G7": 3, "Quad": 3, "AUKUS": 3,
}  # fmt: skip

# Summit hosts and months (public facts) give BRICS and SCO coverage its yearly peaks.
BRICS_SUMMITS = {
    2015: ("Russia", 7), 2016: ("India", 10), 2017: ("China", 9), 2018: ("South Africa", 7),
    2019: ("Brazil", 11), 2020: ("Russia", 11), 2021: ("India", 9), 2022: ("China", 6),
    2023: ("South Africa", 8), 2024: ("Russia", 10), 2025: ("Brazil", 7),
}  # fmt: skip
SCO_SUMMITS = {
    2015: ("Russia", 7), 2016: ("Uzbekistan", 6), 2017: ("Kazakhstan", 6), 2018: ("China", 6),
    2019: ("Kyrgyzstan", 6), 2020: ("Russia", 11), 2021: ("Tajikistan", 9),
    2022: ("Uzbekistan", 9), 2023: ("India", 7), 2024: ("Kazakhstan", 7), 2025: ("China", 8),
}  # fmt: skip

# --- sources ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoSource:
    """An invented outlet; ``kind`` decides dateline style and quotation habits."""

    name: str
    code: str
    kind: str  # agency | ministry | thinktank | paper
    weight: float


SOURCES: tuple[DemoSource, ...] = (
    DemoSource("Demo Defence Wire", "ddw", "agency", 22),
    DemoSource("Meridian Press Agency (demo)", "mpa", "agency", 16),
    DemoSource("Eastern Dispatch (demo)", "edi", "agency", 12),
    DemoSource("Ministry of Defence Bulletin (demo)", "mdb", "ministry", 10),
    DemoSource("Foreign Affairs Press Office (demo)", "fapo", "ministry", 9),
    DemoSource("Atlantic Security Monitor (demo)", "asm", "paper", 8),
    DemoSource("Naval Affairs Weekly (demo)", "naw", "paper", 6),
    DemoSource("Continental Affairs Daily (demo)", "cad", "paper", 7),
    DemoSource("Harbourview Institute (demo)", "hvi", "thinktank", 4),
    DemoSource("Pacific Security Forum Notes (demo)", "psf", "thinktank", 4),
    DemoSource("Caspian Observer (demo)", "cob", "paper", 3),
    DemoSource("Sahel Security Briefing (demo)", "ssb", "thinktank", 2),
    DemoSource("Northern Lights Policy Centre (demo)", "nlp", "thinktank", 2),
    DemoSource("Demo Peacekeeping Review", "dpr", "paper", 2),
)

# --- topics -----------------------------------------------------------------------------
# Each topic has casting rules (who appears) and its own titles, leads and body sentences.
# Slots: {A} {B} main countries, {Aa} {Ba} adjectives, {Ac} {Bc} capitals (metonymy),
# {As} {Bs} short forms, {C} {D} context countries, {Ca} adjective of C, {org} {orgf},
# {ex} exercise name, {yr} {mon} {day}, {n1}..{n5} figures, {mission} {H} {Ha} for
# peacekeeping hosts, {sys} a weapon system, {ord} an ordinal.

TITLES = {
    "exercise": [
        "{Aa} and {Ba} forces open {ex}",
        "{As}, {Bs} begin joint military exercise {ex}",
        "{AB} joint exercise {ex} under way",
        "{ex}: {Aa}, {Ba} troops rehearse joint operations",
        "Joint exercises between {A} and {B} enter live-fire phase",
        "{A}, {B} wrap up {ex} after {n4} days",
        "{Ac} says {ex} drills with {B} are not aimed at any third party",
    ],
    "visit": [
        "{Aa} defence minister visits {B} to deepen military ties",
        "{As} and {Bs} pledge closer defence cooperation",
        "{AB} defence ties set for new boost",
        "{Aa} and {Ba} chiefs of staff hold {ord} round of strategic talks",
        "{Ac} and {Bc} sign memorandum on military education",
        "{Ba} delegation in {A} for defence consultations",
    ],
    "summit": [
        "{org} summit opens in {city} amid security concerns",
        "{org} leaders discuss regional security in {city}",
        "{A} hosts {org} defence ministers' meeting",
        "{org} partners back new counter-terrorism framework",
        "{Aa} president calls for {org} unity at {city} summit",
    ],
    "arms_control": [
        "{As} and {Bs} resume arms control talks",
        "{AB} strategic stability talks end without agreement",
        "{Ac} warns {Bc} over missile deployments",
        "Arms control: {A} urges {B} to return to the negotiating table",
        "IAEA report on {B} raises questions about verification",
        "{A} calls for new arms control framework including {C}",
    ],
    "peacekeeping": [
        "{Aa} peacekeepers rotate into {mission}",
        "{A} sends {n1} peacekeeping troops to {H}",
        "UN peacekeeping mission in {H} receives {Aa} engineers",
        "{Aa} medical team honoured for peacekeeping service in {H}",
    ],
    "sanctions": [
        "{As} announces new sanctions on {Bs}",
        "EU extends sanctions against {B} for six months",
        "{Ac} says sanctions on {B} will stay until talks resume",
        "{B} condemns {Aa} sanctions as unilateral pressure",
    ],
    "ukraine": [
        "Moscow warns Kyiv over drone strikes",
        "Ukraine receives new air defence systems from {C}",
        "Russia and Ukraine trade accusations over shelling near the front line",
        "{C} pledges military aid to Ukraine",
        "Kyiv says Russian missile attack hit energy infrastructure",
        "NATO ministers discuss support for Ukraine",
    ],
    "mideast": [
        "Tehran vows response after strike blamed on Israel",
        "Israel and Iran exchange threats as regional tensions mount",
        "{C} urges restraint between Israel and Iran",
        "Gulf states call for de-escalation after {Ba} strikes",
        "UN Security Council meets on Israel-Iran tensions",
    ],
    "south_asia": [
        "India and Pakistan exchange fire along Line of Control",
        "Islamabad summons Indian envoy over border incident",
        "New Delhi says Pakistani drones crossed the border",
        "{C} calls on India and Pakistan to show restraint",
    ],
    "maritime": [
        "{Aa} coast guard and {Ba} vessels in standoff in the South China Sea",
        "{A} conducts freedom of navigation operation near disputed reef",
        "Beijing protests {Ba} patrol in the South China Sea",
        "{A} and {B} agree maritime hotline to manage incidents",
        "Navies of {A} and {B} hold joint patrol in the Indo-Pacific",
    ],
    "aukus": [
        "AUKUS partners set out nuclear-powered submarine pathway",
        "Australia, UK and US expand AUKUS cooperation to hypersonics",
        "Beijing criticises AUKUS submarine deal",
        "AUKUS: Canberra confirms next submarine milestone",
    ],
    "korea": [
        "Pyongyang fires ballistic missile into the Sea of Japan",
        "Seoul and Washington hold talks on the Korean Peninsula",
        "North Korea condemns US-South Korea exercises",
        "UN sanctions committee reviews North Korean launches",
    ],
    "arms_sales": [
        "{A} signs deal to buy {sys} from {B}",
        "{Ba} arms exports to {A} reach new high",
        "{A} takes delivery of first {sys} from {B}",
        "{Ac} defends {sys} purchase despite {Ca} objections",
    ],
}

LEADS = {
    "exercise": [
        "The armed forces of {A} and {B} began the joint military exercise {ex} on {mon} {day}, "
        "bringing together about {n1} troops, {n2} ships and {n3} aircraft.",
        "{Aa} and {Ba} units opened {ex}, a joint exercise focused on counter-terrorism and "
        "maritime security, at a training ground near {city}.",
        "More than {n1} personnel from {A} and {B} are taking part in {ex}, which will run for "
        "{n4} days and include live-fire drills.",
    ],
    "visit": [
        "The {Aa} defence minister arrived in {city} on {mon} {day} for talks with {Ba} "
        "counterparts on military cooperation, training and regional security.",
        "{A} and {B} agreed to expand defence cooperation during talks in {city}, officials from "
        "both sides said on {mon} {day}.",
        "{aBa_u} military delegation led by the chief of the general staff held the {ord} round "
        "of strategic consultations with {A} this week.",
    ],
    "summit": [
        "Leaders of the {orgf} ({org}) gathered in {city} on {mon} {day} for a summit dominated "
        "by security, trade and the situation in {X}.",
        "Defence ministers of {org} member states met in {city}, where host {A} called for "
        "closer coordination against terrorism and transnational crime.",
        "The {org} summit in {city} opened with an appeal by {A} for dialogue and a commitment "
        "to build a community with a shared future.",
    ],
    "arms_control": [
        "{A} and {B} held a new round of strategic stability talks on {mon} {day}, the first "
        "in {n4} months, as arms control experts warned of a widening gap.",
        "{Ac} said on {mon} {day} that {B} must return to full compliance with its arms "
        "control commitments before further talks could make progress.",
        "Arms control negotiators from {A} and {B} met in Geneva to discuss missile limits and "
        "verification measures.",
    ],
    "peacekeeping": [
        "A contingent of {n1} {Aa} peacekeepers arrived in {H} on {mon} {day} to join {mission}.",
        "{A} has rotated its {ord} peacekeeping contingent into {H}, where {Aa} engineers and "
        "medical staff serve with {mission}.",
        "UN peacekeeping officials praised the {Aa} battalion serving with {mission} in {H} for "
        "its work on roads, clinics and patrols.",
    ],
    "sanctions": [
        "{A} announced new sanctions on {B} on {mon} {day}, targeting {n3} companies and "
        "individuals linked to the defence sector.",
        "The European Union and {A} widened sanctions against {B}, adding export controls on "
        "dual-use goods.",
        "{Ac} said the sanctions on {B} would remain in place until it changed course, while "
        "{Bc} called them illegal.",
    ],
    "ukraine": [
        "Moscow warned Kyiv on {mon} {day} that attacks on Russian territory would draw a "
        "response, as fighting continued along the front line in eastern Ukraine.",
        "Ukraine said it had received new air defence systems from {C}, part of a package "
        "worth {money} announced earlier this year.",
        "Russian and Ukrainian officials accused each other of shelling near the front line, "
        "while {C} called for a ceasefire.",
    ],
    "mideast": [
        "Iran vowed on {mon} {day} to respond to a strike it blamed on Israel, raising fears "
        "of a wider regional war.",
        "Israel said its air defences intercepted most of the missiles launched from Iran, "
        "while {C} urged both sides to step back.",
        "Tehran and Jerusalem traded warnings as diplomats from {C} and {D} sought to contain "
        "the crisis.",
    ],
    "south_asia": [
        "Indian and Pakistani troops exchanged fire along the Line of Control on {mon} {day}, "
        "officials in both capitals said.",
        "Islamabad summoned the Indian envoy after a border incident that Pakistan said killed "
        "{n5} civilians.",
        "New Delhi accused Pakistan of sending drones across the border, a charge Islamabad "
        "rejected.",
    ],
    "maritime": [
        "Coast guard vessels from {A} and {B} faced off near a disputed shoal in the South China "
        "Sea on {mon} {day}, each accusing the other of dangerous manoeuvres.",
        "{aAa_u} destroyer sailed within 12 nautical miles of a disputed reef in the South China "
        "Sea in what {Ac} called a freedom of navigation operation.",
        "{A} and {B} agreed to set up a maritime hotline to manage incidents at sea in the "
        "Indo-Pacific.",
    ],
    "aukus": [
        "Australia, the United Kingdom and the United States set out the next steps of the AUKUS "
        "partnership on {mon} {day}, including training for Australian submariners.",
        "AUKUS partners said they would cooperate on hypersonic weapons and electronic warfare, "
        "widening the pact beyond nuclear-powered submarines.",
        "Beijing said the AUKUS submarine deal risked fuelling an arms race in the Asia-Pacific "
        "and undermining non-proliferation.",
    ],
    "korea": [
        "North Korea fired a ballistic missile into the Sea of Japan on {mon} {day}, the South "
        "Korean military said.",
        "Seoul and Washington held talks on deterrence on the Korean Peninsula after a series of "
        "North Korean missile launches.",
        "Pyongyang condemned joint exercises by South Korea and the United States as a rehearsal "
        "for invasion.",
    ],
    "arms_sales": [
        "{A} signed a contract worth {money} to buy {sys} from {B}, the defence ministry in "
        "{Ac} said on {mon} {day}.",
        "{Ba} arms exports to {A} reached a new high, driven by orders for {sys} and spare parts.",
        "The first {sys} ordered from {B} arrived in {A}, {n4} months ahead of schedule.",
    ],
}

BODIES = {
    "exercise": [
        "The joint exercise includes anti-submarine warfare, air defence and search-and-rescue "
        "drills.",
        "Officials in {Ac} said {ex} was planned long in advance and was not directed at any "
        "third country.",
        "It is the {ord} joint military exercise between the two countries since {yr0}.",
        "{Ba} officers said the drills would improve interoperability between the two armed "
        "forces.",
        "Observers from {C} and {D} were invited to watch the final phase of the exercise.",
        "{Bc} said the joint exercises were part of an annual training plan.",
        "The {Aa} navy sent a destroyer, a frigate and a supply ship to the exercise area.",
        "Analysts said the growing scale of {Aa}-{Ba} drills reflected closer military ties.",
        "The {AB} drills are among the largest of their kind this year.",
        "According to {aBa} statement, about {n1} troops and {n3} aircraft were involved.",
        "{Ca} and {Da} observers attended the closing ceremony.",
        "The {Aa} navy's {ord} escort task force is currently deployed in the Gulf of Aden.",
    ],
    "visit": [
        "The two sides signed agreements on military education, logistics and joint training.",
        "{Bc} said it valued the partnership with {A} and wanted to raise it to a new level.",
        "The ministers also discussed the situation in {X} and maritime security.",
        "The visit is the {ord} by {aAa} defence minister to {B} since {yr0}.",
        "Both sides agreed to hold the next round of talks in {Ac} next year.",
        "{Aa} officials said the cooperation would help build a community with a shared future.",
    ],
    "summit": [
        "The declaration adopted by {org} leaders called for a political settlement in {C}.",
        "{B} proposed a joint counter-terrorism exercise for {org} member states next year.",
        "{Ac} said the {org} should play a greater role in regional security.",
        "Delegations from {B}, {C} and {D} held meetings on the sidelines of the summit.",
        "The {orgf} also discussed peacekeeping, arms control and sanctions relief.",
        "Host {A} said the meeting showed that {org} members could work together despite "
        "differences.",
    ],
    "arms_control": [
        "Experts said the collapse of earlier treaties left few limits on intermediate-range "
        "missiles.",
        "{Bc} rejected the accusations and said it remained open to dialogue on arms control.",
        "{A} called on {C} to join future arms control talks.",
        "The International Atomic Energy Agency said inspectors needed full access to declared "
        "sites.",
        "Verification and data exchanges remain the main obstacles, officials in {Ac} said.",
        "The {Aa} delegation proposed a moratorium on new deployments in Europe and Asia.",
        "Both sides agreed to keep talking at expert level, according to a joint statement.",
        "Non-proliferation experts said the talks were a small but useful step.",
    ],
    "peacekeeping": [
        "{A} is one of the largest contributors of troops to UN peacekeeping operations.",
        "The contingent includes engineers, medical staff and a security company.",
        "UN peacekeeping missions face growing risks from armed groups and improvised "
        "explosive devices.",
        "The {Aa} peacekeepers have built {n5} kilometres of roads and treated thousands of "
        "patients.",
        "Troops from {C} and {D} serve alongside the {Aa} contingent.",
    ],
    "sanctions": [
        "The sanctions target banks, shipping companies and defence manufacturers.",
        "{Bc} warned that it would take countermeasures against the new sanctions.",
        "Officials in {C} said they would not join the sanctions but would respect them.",
        "Analysts said the sanctions had reduced {Ba} access to advanced components.",
        "The sanctions package also restricts exports of dual-use technology to {B}.",
        "Companies in {C} were also named for helping to evade earlier measures.",
        "{Bc} said the sanctions would hurt ordinary people and not change its policy.",
    ],
    "ukraine": [
        "Russia said its forces had taken control of a village in eastern Ukraine, a claim Kyiv "
        "denied.",
        "Ukrainian officials said air defences shot down {n5} drones overnight.",
        "NATO allies pledged further military aid to Ukraine at a meeting in Brussels.",
        "Moscow accused {C} of prolonging the conflict by sending weapons to Kyiv.",
        "The OSCE said monitors recorded repeated ceasefire violations near the contact line.",
        "European Union sanctions on Russia were extended for another six months.",
        "Ukrainian officials said repairs to the power grid would take weeks.",
        "Russian officials said the strikes targeted military infrastructure only.",
        "Humanitarian agencies said thousands of civilians had left towns near the front line.",
        "Kyiv asked its partners for more artillery ammunition and air defence interceptors.",
    ],
    "mideast": [
        "The United States moved additional air defence units to the region.",
        "Iranian officials said the country did not seek war but would defend itself.",
        "Israel said it would act against any threat from Iran or its allies in Lebanon, Syria "
        "and Yemen.",
        "Oil prices rose as markets weighed the risk of a wider conflict in the Gulf.",
        "Airlines rerouted flights away from Iranian and Israeli airspace.",
        "Tehran said it had informed the United Nations of its position.",
        "Israeli officials said the country's air defences remained on high alert.",
        "The IAEA said it had lost continuity of knowledge about parts of Iran's nuclear "
        "programme.",
    ],
    "south_asia": [
        "China and the United States urged both India and Pakistan to exercise restraint.",
        "The Line of Control has seen repeated ceasefire violations since the two countries "
        "agreed to a truce.",
        "Pakistani officials said they had briefed diplomats from {C} and {D} on the incident.",
        "Indian officials said the army responded in a measured way to unprovoked firing.",
        "Islamabad said it wanted peace but would defend its territory.",
        "Schools near the border were closed as a precaution, local officials said.",
        "The military operations directors of both armies spoke by hotline, officials said.",
    ],
    "maritime": [
        "The South China Sea carries a large share of global seaborne trade.",
        "{Bc} said the vessels were conducting routine law-enforcement patrols.",
        "Vietnam, Malaysia and the Philippines also claim parts of the sea.",
        "The United States and Japan said they opposed any unilateral change to the status quo.",
        "ASEAN and China have been negotiating a code of conduct for the South China Sea for "
        "years.",
        "The incident took place near an outpost that {A} has occupied since the 1990s.",
        "Video released by the {Aa} coast guard showed water cannon being used.",
        "{Ac} said it would continue patrols in waters it considers its own.",
    ],
    "aukus": [
        "Under the AUKUS plan, Australia will buy several Virginia-class submarines from the "
        "United States.",
        "British and Australian shipyards will build a new class of submarines.",
        "China and Indonesia have expressed concern about nuclear-powered submarines in the "
        "region.",
        "New Zealand and Canada are considering joining non-nuclear parts of AUKUS.",
    ],
    "korea": [
        "Japan said the missile fell outside its exclusive economic zone.",
        "South Korea and the United States said their alliance was ready to respond to any "
        "provocation.",
        "UN Security Council resolutions ban North Korea from ballistic missile launches.",
        "China called on all parties to avoid steps that raise tension on the Korean Peninsula.",
        "The launch was the {ord} this year, according to the South Korean military.",
        "Pyongyang said the test was a routine part of its defence development plan.",
        "Tokyo said it had lodged a protest through diplomatic channels.",
    ],
    "arms_sales": [
        "The contract includes training, maintenance and a package of spare parts.",
        "{C} has criticised the purchase, saying it could upset the regional balance.",
        "{Ba} manufacturers are competing with suppliers from {C} for orders in {A}.",
        "Deliveries are expected to continue until {yr1}.",
    ],
}

# Sentences any topic can use: quotations, metonymy, context, background.
# Sentences any topic can use: quotations, metonymy, context, background.
NEUTRAL = [
    "{Bc} warned that any attempt to interfere in its internal affairs would fail.",
    "Neither {As} nor {Bs} published the full text of the statement.",
    "Officials in {Bc} declined to comment on the details.",
    "{Ap} defence budget for {yr} rose by {pct} percent, according to official figures.",
    "{C} and {D} are watching the developments closely, diplomats said.",
    "{Ca} officials said they had been briefed in advance.",
    "The {Aa} and {Ba} foreign ministers also spoke by phone on {mon} {day}.",
    "Analysts at {aCa} research institute said the relationship remained uneven.",
    "{D} called on all sides to respect international law.",
    "Officials in {D} said they were following the situation closely.",
    "{C} expressed concern about the growing militarisation of the region.",
    "Experts said confidence-building measures were urgently needed.",
    "The {Ba} side said it supported a political solution to the crisis in {X}.",
    "Satellite images reviewed by analysts in {C} showed increased activity at several "
    "military sites.",
    "The {Ba} defence ministry said its forces remained on high alert.",
    "{Ac} has repeatedly said it does not seek confrontation.",
    "Officials in {Ac} said they would respond to any threat to national security.",
    "{Ca} diplomats said they were in contact with both sides.",
    "The statement did not say when further steps would be taken.",
    "Reporters were not allowed to visit the area.",
    "The {Aa} government has raised military spending in each of the past {n4} years.",
]
# Sentences for stories of tension and conflict (every topic outside COOPERATIVE_TOPICS).
TENSE = [
    "{Ac} accused {Bc} of deliberately raising tensions.",
    "{AB} relations have deteriorated sharply since {yr0}.",
    "Relations between {As} and {Bs} have been strained for years.",
    "{Bc} rejected the accusation as groundless and politically motivated.",
    "The {Aa} foreign ministry summoned the {Ba} ambassador on {mon} {day}.",
    "Analysts warned that a miscalculation could trigger a wider crisis.",
    "{C} called on both sides to exercise restraint and return to dialogue.",
    "{Ca} and {Da} officials said they were ready to help mediate.",
    "The United Nations Security Council was expected to discuss the situation.",
    "{Ap} military said it had raised its readiness level.",
    "Diplomats said back-channel contacts between {Ac} and {Bc} had not been broken off.",
    "The latest incident follows months of rising tension between {A} and {B}.",
    "{Bp} state media described the move as a provocation.",
    "Officials in {Ac} said all options remained on the table.",
    "{Ca} analysts said military pressure had so far failed to change course.",
    "The European Union said it was following events with great concern.",
    "Neither side gave details of casualties.",
    "A spokesperson for {Bc} said the country would take necessary measures.",
]

# Sentences that only fit friendly encounters (exercises, visits, summits, deals).
COOPERATIVE = [
    "{Ac} said the talks had been frank and constructive.",
    "{AB} military ties have deepened since {yr0}.",
    "Officials said {As} and {Bs} would also expand intelligence sharing.",
    '"We are ready to work with all partners for peace and stability," {aAa} official said.',
    "{aBa_u} defence ministry spokesperson told reporters the cooperation was not aimed at "
    "third parties.",
    "The foreign ministry in {Ac} said the two sides would keep in close contact.",
    "Defence cooperation between {A} and {B} has expanded steadily over the past decade.",
    "{Ac} and {Bc} have held regular consultations on regional security since {yr0}.",
    "The statement said both countries support the central role of the United Nations.",
    "{Aa} media described the outcome as a success for both sides.",
    "Officials said a follow-up meeting would take place in {city} in {mon2}.",
    "The {Aa} embassy in {Bc} organised a reception for visiting officers.",
    "The two sides also discussed cooperation on disaster relief and military medicine.",
    "{A} has become one of {Bp} most important security partners.",
    "Critics in {B} questioned whether the agreements would be carried out.",
    "The meeting lasted about {n6} hours, officials said.",
    "{Bc} said the agreement would strengthen strategic trust between the two militaries.",
    "A joint communiqué issued after the meeting listed {n5} areas of cooperation.",
    "Officials from {C} said they would send observers to the next round.",
]
COOPERATIVE_TOPICS = frozenset(
    {"exercise", "visit", "summit", "peacekeeping", "arms_sales", "aukus"}
)

EX_POOL = {
    frozenset({"China", "Russia"}): [
        "Joint Sea-{yr}", "Maritime Joint-{yr}", "Northern/Interaction-{yr}"
    ],
    frozenset({"United States", "Japan"}): [
        "Keen Sword {yy}", "Orient Shield {yy}", "Resolute Dragon {yy}"
    ],
    frozenset({"United States", "South Korea"}): ["Ulchi Freedom Shield {yy}", "Freedom Edge {yy}"],
    frozenset({"United States", "India"}): ["Yudh Abhyas {yr}", "Malabar {yr}", "Cope India {yr}"],
    frozenset({"India", "Russia"}): ["INDRA {yr}"],
    frozenset({"United States", "Philippines"}): ["Balikatan {yr}"],
    frozenset({"United States", "Australia"}): ["Talisman Sabre {yr}"],
    frozenset({"Russia", "Belarus"}): ["Zapad-{yr}", "Union Resolve {yr}"],
    frozenset({"China", "Cambodia"}): ["Golden Dragon {yr}"],
    frozenset({"China", "Pakistan"}): ["Shaheen-{yr}", "Sea Guardian-{yr}"],
    frozenset({"China", "Kyrgyzstan"}): ["Peace Mission-{yr}"],
    frozenset({"China", "Kazakhstan"}): ["Peace Mission-{yr}"],
    frozenset({"Russia", "Tajikistan"}): ["Peace Mission-{yr}"],
    frozenset({"United Kingdom", "France"}): ["Griffin Strike {yr}"],
}  # fmt: skip
EX_ADJ = [
    "Northern", "Southern", "Eastern", "Western", "Blue", "Golden", "Silver", "Iron", "Steel",
    "Desert", "Mountain", "Coastal", "Arctic", "Falcon", "Eagle", "Pacific", "Steppe", "Amber",
    "Jade", "Cedar", "Granite", "Harbour", "Sapphire", "Emerald", "Crimson", "Swift",
]  # fmt: skip
EX_NOUN = [
    "Shield", "Sword", "Dawn", "Thunder", "Guardian", "Horizon", "Trident", "Spear", "Sentinel",
    "Anchor", "Bridge", "Star", "Resolve", "Partner", "Friendship", "Harmony", "Sky", "Wave",
]  # fmt: skip

# Pairs that co-occur far more often than popularity alone would predict.
EXERCISE_PAIRS = [
    ("China", "Russia", 20), ("United States", "Japan", 10), ("United States", "South Korea", 8),
    ("United States", "India", 6), ("India", "Russia", 4), ("United States", "Philippines", 5),
    ("United States", "Australia", 5), ("Russia", "Belarus", 4), ("China", "Pakistan", 5),
    ("China", "Cambodia", 2), ("China", "Kyrgyzstan", 2), ("China", "Kazakhstan", 2),
    ("Russia", "Tajikistan", 2), ("United Kingdom", "France", 3), ("India", "France", 3),
    ("Japan", "Australia", 3), ("United States", "United Kingdom", 4), ("China", "Thailand", 2),
    ("Russia", "Iran", 2), ("Egypt", "Saudi Arabia", 1), ("Turkey", "Azerbaijan", 2),
    ("India", "Japan", 2), ("China", "Tanzania", 1), ("Indonesia", "United States", 2),
    ("Poland", "United States", 3), ("Singapore", "Australia", 1), ("China", "Serbia", 1),
]  # fmt: skip
VISIT_PAIRS = [
    ("China", "Russia", 12), ("China", "Pakistan", 5), ("United States", "Japan", 6),
    ("India", "United States", 5), ("Russia", "India", 4), ("China", "Cambodia", 3),
    ("Israel", "United States", 4), ("Turkey", "Azerbaijan", 2), ("Vietnam", "Japan", 2),
    ("China", "Indonesia", 3), ("Saudi Arabia", "United States", 3), ("France", "India", 3),
    ("China", "Nepal", 2), ("China", "Sri Lanka", 2), ("Germany", "France", 2),
    ("Ukraine", "Poland", 2), ("Russia", "Iran", 3), ("China", "Egypt", 2),
    ("Australia", "Fiji", 1),
    ("China", "Tonga", 1), ("Russia", "North Korea", 2), ("United States", "Vietnam", 2),
]  # fmt: skip
ARMS_CONTROL_PAIRS = [
    ("United States", "Russia", 10), ("United States", "Iran", 6),
    ("United States", "North Korea", 4),
    ("France", "Iran", 2), ("United Kingdom", "Russia", 2), ("United States", "China", 4),
]  # fmt: skip
SANCTION_PAIRS = [
    ("United States", "Russia", 8), ("United Kingdom", "Russia", 4), ("United States", "Iran", 6),
    ("United States", "North Korea", 4), ("United States", "Venezuela", 2), ("Japan", "Russia", 2),
    ("United States", "China", 3), ("Canada", "Russia", 1), ("Australia", "Russia", 1),
    ("United States", "Syria", 2), ("United States", "Myanmar", 1), ("United States", "Cuba", 1),
]  # fmt: skip
MARITIME_PAIRS = [
    ("China", "Philippines", 8), ("China", "Vietnam", 4), ("United States", "China", 6),
    ("Japan", "China", 3), ("China", "Malaysia", 2), ("United States", "Philippines", 3),
    ("Australia", "China", 2), ("India", "Philippines", 1),
]  # fmt: skip
ARMS_SALES = [
    ("India", "Russia", 5), ("India", "France", 4), ("Saudi Arabia", "United States", 5),
    ("Pakistan", "China", 4), ("Egypt", "France", 2), ("Poland", "South Korea", 3),
    ("Taiwan", "United States", 3), ("Indonesia", "France", 2), ("Turkey", "Russia", 2),
    ("Qatar", "United Kingdom", 2), ("Vietnam", "Russia", 2), ("Algeria", "Russia", 2),
    ("United Arab Emirates", "United States", 2), ("Nigeria", "China", 1),
    ("Bangladesh", "China", 1),
    ("Philippines", "India", 1), ("Armenia", "India", 1), ("Serbia", "China", 1),
]  # fmt: skip
SYSTEMS = [
    "S-400 air defence systems", "Rafale fighter jets", "F-16 fighter jets", "HQ-9 missiles",
    "Patriot missile batteries", "K2 tanks", "BrahMos cruise missiles", "JF-17 aircraft",
    "attack helicopters", "frigates", "armed drones", "coastal radar systems", "patrol boats",
    "armoured personnel carriers", "transport aircraft", "self-propelled howitzers",
]  # fmt: skip
PEACEKEEPING = [
    ("UNMISS", "South Sudan"), ("MINUSMA", "Mali"), ("UNIFIL", "Lebanon"),
    ("MONUSCO", "Democratic Republic of the Congo"), ("MINUSCA", "Central African Republic"),
    ("UNISFA", "Sudan"), ("UNDOF", "Syria"),
]  # fmt: skip
PK_CONTRIBUTORS = [
    ("Bangladesh", 6), ("Nepal", 5), ("India", 6), ("Rwanda", 4), ("Pakistan", 4), ("China", 6),
    ("Ethiopia", 3), ("Ghana", 2), ("Indonesia", 3), ("Senegal", 2), ("Egypt", 2), ("Italy", 1),
    ("France", 1), ("Ireland", 1), ("Mongolia", 2), ("Cambodia", 2), ("Fiji", 1), ("Kenya", 1),
]  # fmt: skip
PEACEKEEPING_BY_HOST = {host: (mission, host) for mission, host in PEACEKEEPING}
MISSION_NAME = {
    "UNMISS": "the UN Mission in South Sudan (UNMISS)",
    "MINUSMA": "the UN mission in Mali (MINUSMA)",
    "UNIFIL": "the UN Interim Force in Lebanon (UNIFIL)",
    "MONUSCO": "the UN stabilization mission in the Congo (MONUSCO)",
    "MINUSCA": "the UN mission in the Central African Republic (MINUSCA)",
    "UNISFA": "the UN interim security force for Abyei (UNISFA)",
    "UNDOF": "the UN Disengagement Observer Force (UNDOF)",
}

# Places whose "crisis" or "situation" summits and talks discuss.
CRISES = [
    "Syria", "Yemen", "Libya", "Afghanistan", "Sudan", "Myanmar", "Mali", "Somalia",
    "South Sudan", "Venezuela", "Ukraine", "the Sahel", "Gaza", "Haiti",
]  # fmt: skip

# Bystanders a topic usually mentions (weights), besides its two main countries.
CONTEXT = {
    "ukraine": [
        ("United States", 10),
        ("Germany", 5),
        ("France", 5),
        ("United Kingdom", 5),
        ("Poland", 5),
        ("China", 5),
        ("Turkey", 3),
        ("Belarus", 3),
        ("Hungary", 1),
        ("India", 2),
    ],
    "mideast": [
        ("United States", 10),
        ("Saudi Arabia", 3),
        ("Qatar", 3),
        ("Egypt", 3),
        ("Jordan", 2),
        ("Lebanon", 3),
        ("Syria", 2),
        ("Yemen", 2),
        ("Russia", 2),
        ("China", 2),
        ("France", 2),
        ("United Kingdom", 2),
        ("Iraq", 2),
    ],
    "south_asia": [
        ("China", 6),
        ("United States", 6),
        ("Afghanistan", 3),
        ("Saudi Arabia", 2),
        ("Russia", 2),
        ("Bangladesh", 1),
        ("United Kingdom", 1),
    ],
    "maritime": [
        ("United States", 6),
        ("Japan", 4),
        ("Australia", 3),
        ("Vietnam", 3),
        ("Malaysia", 2),
        ("Indonesia", 2),
        ("India", 2),
        ("Philippines", 3),
    ],
    "korea": [("China", 6), ("Japan", 6), ("Russia", 4), ("United States", 3)],
    "aukus": [
        ("China", 6),
        ("France", 3),
        ("Japan", 3),
        ("New Zealand", 2),
        ("Indonesia", 2),
        ("Canada", 2),
    ],
    "arms_control": [("China", 5), ("Iran", 2), ("North Korea", 2), ("France", 2), ("Germany", 2)],
}

# Close partners that stories about one of them tend to bring in.
PARTNERS = {
    "China": "Russia", "Russia": "China", "Pakistan": "China", "North Korea": "China",
    "Iran": "Russia", "Belarus": "Russia", "Japan": "United States",
    "South Korea": "United States", "Australia": "United States", "Philippines": "United States",
    "Ukraine": "United States", "Israel": "United States",
}  # fmt: skip

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
ORDINALS = [
    "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "11th", "12th", "13th", "14th", "15th", "16th", "17th", "18th", "19th", "20th", "21st",
]  # fmt: skip


# Dateline cities where the capital is not used for metonymy (or is the country's name).
DATELINE_CITY = {
    "Israel": "Tel Aviv", "Singapore": "Singapore", "Libya": "Tripoli", "Djibouti": "Djibouti",
    "Kuwait": "Kuwait City",
}  # fmt: skip
