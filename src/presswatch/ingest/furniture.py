"""Page furniture: lines that scraped and copied web pages carry around an article.

The rules live here, as data, so that a new site's boilerplate is one pattern away:

* ``DROP_LINE`` — a line that matches is removed wherever it stands (bylines, share
  buttons, "See also …" link lines, cookie and spam notices, comment-form labels);
* ``CUT_FROM`` — a line that matches ends the article: it and everything after it are
  removed ("You may also like", "Leave a Comment", "Related posts" …).

Every pattern must match the whole line (after trimming), case-insensitively, so a body
sentence that merely mentions "cookies" or "comment" is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SOCIAL = (
    r"facebook|twitter|x|linkedin|whatsapp|telegram|email|e-mail|print|reddit|pinterest"
    r"|tumblr|vk|weibo|wechat|line|viber|skype|messenger|pocket|copy link|share|tweet"
)

DROP_LINE: tuple[str, ...] = (
    # bylines that are nothing but a byline
    r"(?:posted |written |published )?by:?\s+(?:admin|administrator|editor|staff|webmaster"
    r"|guest|author)",
    # "See also" / "Read also" / "Related:" link lines
    r"(?:see|read) also\b.*",
    r"related(?: article| story| stories| news)?\s*:.*",
    r"(?:read more|continue reading|click here to read more|read the full (?:story|article))"
    r"\W*",
    # share buttons
    rf"share (?:this(?: (?:article|story|post|page))?|(?:on|via) (?:social media|{_SOCIAL}))\W*",
    r"(?:share|tweet|like)\s*:?",
    rf"(?:(?:{_SOCIAL})[\s,|•·/]*){{2,}}",
    # cookie notices
    r".*\b(?:this|our) (?:web)?site uses cookies\b.*",
    r".*\bwe use cookies\b.*",
    r"privacy (?:&|and) cookies? policy",
    r"(?:accept|reject|decline)(?: all)?(?: cookies)?"
    r"(?:\s+(?:read more|settings|cookie settings))?",
    # comment forms and spam notices
    r"this site uses akismet to reduce spam\..*",
    r"your email address will not be published\..*",
    r"required fields are marked\s*\*?",
    r"save my name, email, and website in this browser for the next time i comment\.?",
    r"(?:post comment|submit comment|cancel reply|add comment|\d+ comments?|no comments(?: yet)?)",
    r"(?:name|email|e-mail|website|comment)\s*\*?:?",
    # tags and navigation crumbs left at the end of posts
    r"(?:tags|tagged|filed under|categories|category)\s*:.*",
    r"(?:previous|next) (?:post|article|story)\s*:?.*",
    r"(?:advertisement|sponsored content|back to top|skip to (?:main )?content)",
)

CUT_FROM: tuple[str, ...] = (
    r"you (?:may|might) (?:also|be interested in) like\W*",
    r"you may be interested in\W*",
    r"leave a (?:comment|reply)\W*",
    r"related (?:posts|articles|stories|news)\W*",
    r"(?:more|recommended|popular|trending) (?:stories|articles|news|posts)\W*",
    r"post navigation",
    r"comments?\s*\(\d+\)",
)


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_DROP_RE = _compile(DROP_LINE)
_CUT_RE = _compile(CUT_FROM)
# A byline that is only a name, matched case-sensitively, so that "By John Smith" is
# furniture while "By the end of 2030 …" and a wrapped "… by Baker." are not.
_BYLINE_NAME_RE = re.compile(
    r"(?:(?:Posted|Written) [Bb]y|By|BY):?\s+[A-Z][\w.'’-]*"
    r"(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von|al|bin)){0,4}"
)


# Furniture lines are short; article paragraphs beyond this length skip the regex work.
_MAX_FURNITURE_CHARS = 300


def is_furniture(line: str) -> bool:
    """True when the whole line is page furniture to drop."""
    s = line.strip()
    if not s or len(s) > _MAX_FURNITURE_CHARS:
        return False
    return _DROP_RE.fullmatch(s) is not None or _BYLINE_NAME_RE.fullmatch(s) is not None


def is_cut_marker(line: str) -> bool:
    """True when the line starts the trailing furniture block that ends an article."""
    if len(line) > _MAX_FURNITURE_CHARS:
        return False
    return _CUT_RE.fullmatch(line.strip()) is not None


def strip_furniture(paragraphs: list[str]) -> list[str]:
    """Drop furniture lines and cut at the first end-of-article marker after some text."""
    kept: list[str] = []
    for para in paragraphs:
        if kept and is_cut_marker(para):
            break
        if is_furniture(para) or is_cut_marker(para):
            continue
        kept.append(para)
    return kept
