"""A deterministic, clearly labelled synthetic corpus of defence-diplomacy articles.

Every text is assembled from sentence templates written for presswatch (``tables``) and
filled in by a seeded ``random.Random`` (``generator``); nothing is taken from real
articles. Country facts used to make the patterns realistic (capitals, demonyms, alliance
members, summit hosts, well-known exercise names) are public facts, not copied prose.
Every source name says "demo", every ``origin_file`` starts with ``demo:`` and every URL
uses the reserved ``.invalid`` domain, so demo articles can never be mistaken for real
reporting.
"""

from presswatch.demo.generator import DEMO_NOTICE, DEMO_ORIGIN, DEMO_SEED, generate_articles
from presswatch.demo.tables import COUNTRIES, DEMO_END, DEMO_START, ORGS, SOURCES

__all__ = [
    "COUNTRIES",
    "DEMO_END",
    "DEMO_NOTICE",
    "DEMO_ORIGIN",
    "DEMO_SEED",
    "DEMO_START",
    "ORGS",
    "SOURCES",
    "generate_articles",
]
