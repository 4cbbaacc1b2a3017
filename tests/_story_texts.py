"""Texts written for the story-detection tests: one story, its copies, and hard negatives."""

from __future__ import annotations

STORY = """BEIJING, Dec. 29 (Xinhua) -- China and Kazakhstan agreed on Thursday to expand rail freight across their shared border, the two governments said in a joint statement after talks in the capital.
Under the plan, a second track will be laid between the border stations of Khorgos and Altynkol by the end of 2024, lifting the yearly capacity of the crossing from 20 million to 35 million tonnes of goods.
The statement said the two sides would also simplify customs checks for container trains and open a joint logistics centre near the crossing, where cargo can be moved between the different track gauges used in the two countries.
Officials from both ministries of transport described the project as a priority for trade between East Asia and Europe, which has grown quickly since freight trains began to run regularly on the route a decade ago.
Kazakhstan's deputy minister of industry said that more than 600 trains had used the crossing in November alone, a record for a single month, and that waiting times at the border had fallen by a third since the spring.
The agreement also covers a study of a new road bridge over the river that marks the frontier further south, and the training of railway engineers at universities in both countries.
Work on the second track is to begin in the spring, once the ground has thawed, the statement said. Financing will come from the two national railway companies and a development bank, whose share has yet to be agreed.
Trade between the two countries reached a record level in the first eleven months of the year, according to customs figures published earlier this month."""

TITLE = "China, Kazakhstan agree to expand rail freight at border crossing"

# The product's own first article was this kind of page: a repost wrapped in site furniture.
AGGREGATOR = f"""Home
World
Politics
Business
{TITLE}
by admin
29 December 2022, 14:05
{STORY}
See also
See also: Stock markets close the year lower as rates bite
See also: Heavy snow disrupts flights across northern Europe
You may also like
Ten things to know before you travel this winter
New electric bus fleet enters service in the capital
We use cookies to ensure that we give you the best experience on our website. If you continue to use this site we will assume that you are happy with it.
Accept"""

_PARAGRAPHS = STORY.split("\n")
# Another wire: new dateline, the fifth paragraph's first sentence dropped, a word changed.
WIRE = "\n".join(
    [
        _PARAGRAPHS[0].replace("BEIJING, Dec. 29 (Xinhua) --", "ALMATY, Dec 29 (Reuters) -"),
        *_PARAGRAPHS[1:4],
        *_PARAGRAPHS[5:6],
        _PARAGRAPHS[6].replace("is to begin", "will begin"),
        _PARAGRAPHS[7],
    ]
)

_WORDS = STORY.split(" ")
# A lead-only excerpt: the title and the first 30 % of the words, then a link to the rest.
EXCERPT = f"{TITLE}\n" + " ".join(_WORDS[: int(len(_WORDS) * 0.30)]) + " … Continue reading"

MIRROR = f"""Home | News | World | Business | Sport | Culture | Contact
Home > News > Asia
{TITLE}
{STORY}
Related articles
Port of Gdansk reports record container traffic
New border crossing opens between two Central Asian states
Copyright © 2023 Mirror News Network. All rights reserved.
Home | News | World | Business | Sport | Culture | Contact"""

# Curly quotes, dashes, ellipsis, non-breaking spaces, full-width digits, other line breaks.
TYPOGRAPHIC = (
    STORY.replace(" -- ", " — ")
    .replace("Kazakhstan's", "Kazakhstan’s")
    .replace("20 million", "２０\u00a0million")
    .replace("said. ", "said… ")
    .replace("\n", " ")
    .replace("the statement said", "“the statement” said")
    .upper()
)

COMMENTS = (
    STORY
    + """
37 comments
railfan88 says: About time, the old single track was a bottleneck for years and everyone who ships through there knows it.
Marta K. says: I wonder who will pay for the bridge in the end, the article does not say and the banks never lend for free.
railfan88 says: The gauge change is the real problem, not the track. Until they fix that nothing will move faster at all.
Observer says: Freight by rail is good news for the climate if it replaces trucks, less so if it just adds more trade.
Tom says: Does anyone know if passenger trains will use the new line too? I would love to take that trip one day.
Marta K. says: Passenger services were suspended years ago, I doubt they come back soon with all the freight traffic.
Observer says: Thirty five million tonnes sounds like a lot but it is small compared with the sea routes through the canal."""
)

# --- hard negatives ---------------------------------------------------------------------

PRESS_MONDAY = """Q: The US State Department said yesterday that it would impose new export controls on chip makers. What is China's response?
A: We have noted the reports. China firmly opposes the abuse of export control measures and the politicisation of trade and technology issues. Such moves violate the rules of the market economy and harm the interests of companies in all countries, including American ones. We urge the US side to stop its wrong practices. China will take necessary measures to safeguard its legitimate rights and interests.
Q: There are reports that a Chinese research vessel will dock in Colombo next week. Can you confirm?
A: I would refer you to the competent authorities for the specific arrangements. China and Sri Lanka carry out normal cooperation in marine scientific research, which is in line with international law. We hope relevant parties will view it in an objective and rational way.
Q: The Prime Minister of Pakistan will visit Beijing this week. Can you share more details about the programme?
A: During the visit, the two sides will exchange views on bilateral relations, the economic corridor and regional issues of common interest. China stands ready to work with Pakistan to deepen the all-weather strategic cooperative partnership."""

PRESS_TUESDAY = """Q: Yesterday the Japanese government announced a plan to release treated water from the nuclear plant in the summer. What is China's comment?
A: We have noted the reports. The ocean is not a private sewer of Japan. China firmly opposes the decision and urges Japan to fulfil its obligations under international law, to communicate fully with its neighbours and the international community, and to dispose of the water in a science-based, open and transparent way.
Q: There are reports that China will host a meeting of foreign ministers from Central Asia next month. Can you confirm?
A: I would refer you to the competent authorities for the specific arrangements. China and the Central Asian countries carry out cooperation across many fields, and we will release information in due course.
Q: The President of the European Council said that the EU will review its China policy. How do you respond?
A: China has always viewed its relations with the EU from a strategic and long-term perspective. We hope the EU side will view China's development in an objective and rational way and work with us for the sound and steady growth of our relations."""

SPEECH_2010 = """Mr. President, allow me at the outset to congratulate you on your election to preside over the General Assembly at its sixty-fifth session. I assure you of the full support of my delegation.
My country has always placed its trust in the United Nations as the centre of multilateral cooperation. This year, however, the world has again been shaken by the consequences of the financial crisis, which has pushed millions of people back into poverty and has put the Millennium Development Goals out of reach for many developing countries.
Small island states like mine face a particular danger. The sea is rising, our coasts are eroding and our fresh water is turning salt. We call on the industrialised countries to honour the pledges made at Copenhagen and to provide the new and additional financing for adaptation that was promised to the most vulnerable.
We welcome the high-level meeting on the Millennium Development Goals held last week, and we hope that its commitments will be turned into action on the ground, in particular in health and in the education of girls.
Finally, my delegation supports the reform of the Security Council, so that it reflects the world of today and not that of 1945."""

SPEECH_2011 = """Mr. President, allow me at the outset to congratulate you on your election to preside over the General Assembly at its sixty-sixth session, and to thank your predecessor for his able leadership.
My country has always placed its trust in the United Nations as the centre of multilateral cooperation. This year the world has witnessed great changes in North Africa and the Middle East, where peoples have demanded dignity, work and a voice in how they are governed, and we salute their courage.
For small island states, climate change remains the greatest threat to our survival. The conference in Durban must agree a second commitment period under the Kyoto Protocol and make the Green Climate Fund operational, or our islands may not see the end of this century.
We are also concerned by the famine in the Horn of Africa, and we have contributed, within our modest means, to the appeal of the World Food Programme.
Finally, my delegation once again supports the reform of the Security Council, and the admission of new members who have long waited for their place among the nations."""

ABOUT = """About the Ministry: the Ministry of Agriculture and Rural Development is responsible for national policy on farming, forestry, fisheries, food safety and the development of rural areas. It works with regional offices in every province, supports research at the national agricultural institutes, administers the rural infrastructure programme and represents the country in international organisations concerned with food and agriculture. Media enquiries should be sent to the press office, which answers on working days between nine and five.
Disclaimer: this release is issued for information purposes only. Figures are provisional and may be revised when the final statistics are published."""

RELEASES = [
    "The ministry has opened applications for this year's grants to young farmers. Applicants under forty may request up to twenty thousand for machinery and seed until the end of March.\n"
    + ABOUT,
    "Inspectors found no trace of the bird flu virus at the three poultry farms tested last week, the ministry said on Friday. Restrictions on moving birds in the district will be lifted on Monday.\n"
    + ABOUT,
    "The national forest service will plant two million saplings along the eastern hills this autumn to slow erosion after the summer fires, the minister announced at a visit to the nursery.\n"
    + ABOUT,
]
