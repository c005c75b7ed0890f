"""Web boilerplate in pasted article text: what is removed, by which rule.

A teacher copying an article out of a browser brings along the page around it: comment
forms, share buttons, advertisements, cookie and newsletter notices, related-link lists
and photo captions.  Left in, they become paragraphs of their own, shift the paragraph
numbers and end up in evidence quotes.

Each rule below removes **whole lines** (never part of a line), and only short lines:
a line of article prose that happens to mention "cookies" or "Getty Images" is kept.
Every removed line is reported with its rule, so the draft can list it for review, and
``keep`` (``newsquiz new --keep TEXT``) keeps lines containing a given text.

The rules are documented in docs/authoring.md (a test checks the two lists agree).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Longest line (in characters) that a rule may remove; longer lines are article prose.
MAX_LINE = 120


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    pattern: re.Pattern[str]
    #: A heading: also removes the lines after it, up to the next blank line.
    heading: bool = False


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"^\s*(?:" + "|".join(alternatives) + r")\s*$", re.IGNORECASE)


RULES: tuple[Rule, ...] = (
    Rule(
        "comment form",
        '"Leave a Reply", "Leave a comment", "Cancel reply", "Your email address will not '
        'be published", "Required fields are marked *", "Post Comment", "Save my name, '
        'email, and website…", comment counts ("3 comments") and the field labels '
        '"Comment", "Name *", "Email *", "Website"',
        _rx(
            r"leave a (?:reply|comment)(?: to .*)?",
            r"cancel reply",
            r"your email address will not be published\.?(?: required fields are marked \*)?",
            r"required fields are marked \*?",
            r"post (?:a )?comment",
            r"save my name,? email,? and website in this browser.*",
            r"\d+ (?:comments?|responses?|replies)",
            r"(?:comments?|name|email|e-mail|website)\s*\*?",
            r"notify me of (?:follow-up comments|new posts).*",
        ),
    ),
    Rule(
        "share, follow or subscribe line",
        '"Share", "Share this article", "Share on Facebook", "Follow us on …", "Subscribe", '
        '"Subscribe now", "Tweet", "Email this", "Print", "Copy link", "Click to share on …", '
        "and lines that name only social networks",
        _rx(
            r"share(?: this(?: article| story| page| post)?| on \w+| via \w+| the story)?:?",
            r"follow (?:us|me|@\w+)\b.{0,60}",
            r"subscribe(?: now| today| to (?:our|the) \w+.{0,40})?",
            r"(?:tweet|email|print|pin)(?: this(?: article| page| story)?)?",
            r"copy link|link copied|click to (?:share|email|print) .{0,60}",
            r"(?:(?:facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|email|"
            r"messenger|telegram|bluesky)[\s,|/·•]*){2,8}",
        ),
    ),
    Rule(
        "advertisement",
        '"Advertisement", "Advert", "Ad", "Sponsored", "Sponsored content", "Story continues '
        'below advertisement", "Skip advertisement"',
        _rx(
            r"advertisement",
            r"advert",
            r"ad",
            r"sponsored(?: content)?",
            r"(?:story|article) continues (?:below|after) (?:this )?(?:advertisement|ad)",
            r"skip advertisement",
        ),
    ),
    Rule(
        "cookie or newsletter notice",
        "short lines about the site's cookies (cookies with use, accept, consent, policy, "
        "settings, browser, site or website), newsletter sign-ups (newsletter with sign up, "
        'subscribe, inbox, email, get or receive) and "Sign up for/to …"',
        _rx(
            r"(?=.*\bcookies?\b).*\b(?:use|uses|accept|consent|policy|settings|browser|"
            r"site|website)\b.*",
            r"(?=.*\bnewsletters?\b).*\b(?:sign up|subscribe|inbox|email|get|receive)\b.*",
            r"sign up (?:for|to|now)\b.*",
        ),
    ),
    Rule(
        "related links",
        'a heading "Related", "Related stories", "Related articles", "Related topics", '
        '"Read more", "More on this story", "You may also like", "Most read", "Top '
        'stories", "Recommended", and the lines after it up to the next blank line',
        _rx(
            r"related(?: stories| articles| topics| content| posts| links)?:?",
            r"read more:?",
            r"more on this story:?",
            r"you (?:may|might) also like:?",
            r"most (?:read|popular|viewed):?",
            r"top stories:?",
            r"recommended(?: for you)?:?",
        ),
        heading=True,
    ),
    Rule(
        "related link",
        'a single line "Read more: …", "Related: …", "See also: …"',
        _rx(r"(?:read more|related|see also|also read)\s*:.+"),
    ),
    Rule(
        "photo caption or credit",
        'lines starting "Image copyright", "Image caption", "Image source", "Media '
        'caption", "Photo:", "Photograph:", "Picture:", "Credit:", "(Photo by", lines '
        'ending in a picture agency credit ("…/Getty Images", "/AFP", "/Reuters", "AP '
        'Photo", "PA Media", "EPA"), short lines naming "Getty Images", "AP Photo", "PA Media" or '
        '"PA Wire", and the bare words "Photo", "Image", "Video", "Gallery", "Watch", "Listen", '
        '"Play video"',
        _rx(
            r"(?:image (?:copyright|caption|source)|media caption|photo(?:graph)?:|picture:|"
            r"credit:|photo credit|\(?photo by|\(?photograph by|getty images|"
            r"copyright:?\s).*",
            r".*(?:/|\bvia |\bcredit\s*|\bphoto:\s*|\bphotograph:\s*)"
            r"(?:getty images|afp|reuters|ap|epa|pa media|pa|shutterstock|alamy)\)?\.?",
            r".*\b(?:ap photo|afp via getty images|getty images|pa media|pa wire)\)?\.?",
            r"photo|image|video|gallery|watch|listen|play video",
        ),
    ),
)


@dataclass(frozen=True)
class Removed:
    """A line taken out: its number in the pasted text (from 1), the text and the rule."""

    line: int
    text: str
    rule: str


@dataclass(frozen=True)
class Cleaned:
    text: str
    removed: tuple[Removed, ...]


def rule_for(line: str) -> Rule | None:
    """The rule that removes ``line`` as boilerplate, or None for article text."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_LINE:
        return None
    for rule in RULES:
        if rule.pattern.match(stripped):
            return rule
    return None


def clean(text: str, keep: Sequence[str] = ()) -> Cleaned:
    """``text`` without boilerplate lines (lines containing one of ``keep`` stay)."""
    lines = text.split("\n")
    out: list[str] = []
    removed: list[Removed] = []
    in_heading: Rule | None = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            in_heading = None
            out.append("")
            continue
        kept = any(k and k.lower() in line.lower() for k in keep)
        rule = in_heading or rule_for(line)
        if rule is None or kept:
            in_heading = None
            out.append(line)
            continue
        removed.append(Removed(number, line.strip(), rule.name))
        if rule.heading:
            in_heading = rule
    return Cleaned("\n".join(out), tuple(removed))


def boilerplate_lines(lines: Iterable[str]) -> list[str]:
    """The lines among ``lines`` that a rule would remove (for measuring extractions)."""
    return [line for line in lines if rule_for(line) is not None]
