"""Reading an article closely enough to draft questions: sentences, people, quotes,
figures and dates, each with the paragraph it is in and its exact place there.

Everything here is found in the article's own words by simple, predictable rules (no
model, no lookup): the draft it feeds is for a teacher to review, and every answer must
be traceable to a verbatim passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt",
    "capt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "no", "vs", "inc", "ltd", "co", "corp", "jr", "sr", "mt", "ft", "etc", "approx",
}  # fmt: skip

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

#: Capitalised words that start sentences or name roles, places and time, not people.
NOT_NAMES = {
    *MONTHS,
    *["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    *[
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "For",
        "But",
        "And",
        "Or",
        "If",
        "As",
        "It",
        "Its",
        "This",
        "That",
        "These",
        "Those",
        "He",
        "She",
        "They",
        "We",
        "I",
        "You",
        "His",
        "Her",
        "Their",
        "Our",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sir",
        "Lord",
        "Lady",
        "Dame",
        "Prof",
        "Miss",
        "After",
        "Before",
        "During",
        "While",
        "When",
        "Where",
        "What",
        "Who",
        "Why",
        "How",
        "There",
        "Here",
        "However",
        "Meanwhile",
        "Also",
        "Then",
        "Since",
        "Although",
        "Though",
        "Yet",
        "So",
        "Still",
        "Now",
        "According",
        "Last",
        "Next",
        "One",
        "Two",
        "Three",
        "Many",
        "Some",
        "Both",
        "Each",
        "Every",
        "All",
        "No",
        "Not",
        "Under",
        "Over",
        "From",
        "To",
        "With",
        "Without",
        "By",
        "Of",
        "Analysis",
    ],
}

#: Words of office that come before a name ("Foreign Minister Sergei Lavrov").
TITLE_WORDS = set(
    [
        "President",
        "Vice",
        "Prime",
        "Minister",
        "Secretary",
        "State",
        "Foreign",
        "Home",
        "Chancellor",
        "Chief",
        "Executive",
        "Senator",
        "Governor",
        "Mayor",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Judge",
        "Coach",
        "Captain",
        "Manager",
        "Director",
        "Chairman",
        "Chairwoman",
        "Chair",
        "Editor",
        "Correspondent",
        "Leader",
        "General",
        "Commissioner",
        "Ambassador",
        "Officer",
        "Deputy",
        "Shadow",
        "Justice",
        "King",
        "Queen",
        "Prince",
        "Princess",
        "Pope",
        "Bishop",
        "Sheriff",
        "Inspector",
        "Professor",
        "Doctor",
        "Councillor",
        "Minister",
        "Finance",
        "Defence",
        "Defense",
        "Health",
        "Trade",
        "Economy",
        "Business",
        "Culture",
        "Sports",
        "Sport",
        "Labour",
        "Tory",
        "Democrat",
        "Republican",
        "US",
        "UK",
        "EU",
        "UN",
    ]
)

HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Prof)\.?"
_NAME_WORD = r"(?:Mc|Mac|O'|O’)?[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*"
_CAP_SEQ = re.compile(rf"\b{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|[A-Z]\.))*")
_HONORIFIC_NAME = re.compile(rf"\b{HONORIFIC}\s+({_NAME_WORD}(?:\s+{_NAME_WORD})?)")
SPEECH_VERBS = (
    "said|says|told|added|explained|wrote|warned|argued|insisted|stated|declared|noted|"
    "claimed|admitted|replied|asked|urged|vowed"
)
ROLE_WORDS = (
    "spokeswoman|spokesman|spokesperson|minister|secretary|president|chief|director|analyst|"
    "professor|author|writer|novelist|editor|chairman|chairwoman|boss|coach|player|striker|"
    "manager|actor|actress|singer|economist|lawyer|campaigner|leader|founder|official|MP"
)
#: Words inside names ("Nick Van den Brul"): never a surname on their own.
PARTICLES = {"Van", "Von", "De", "Der", "Den", "Le", "La", "Di", "Da", "Du", "Del", "Al", "Bin"}
PRONOUNS = {"he", "she", "they"}

_OPEN = '“"'
_CLOSE = '”"'
_QUOTE = re.compile(r"[“\"]([^“”\"\n]{12,400}?)[”\"]")

_FIGURE = re.compile(
    r"(?<![\w./-])([$£€]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%|bn|m|k|\b)(?![\w/-])"
)
_YEAR_RANGE = (1900, 2099)
_DATE = re.compile(rf"\b(?:(?:early|late|mid-?)\s*)?(?:({'|'.join(MONTHS)})\s+)?((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class Span:
    """A passage of paragraph ``para`` (from 1): ``text == paragraphs[para-1][start:end]``."""

    para: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Figure:
    span: Span  # the whole token as written: "$1.13bn", "76%", "10"
    digits: Span  # the number alone: "1.13", "76", "10"
    value: float
    shape: str  # what kind of figure: "%", "$", "£", "plain"...
    unit: str  # the word after it, if any
    sentence: Span


@dataclass(frozen=True)
class DateRef:
    span: Span  # "January 2022" or "2009"
    year: int
    month: int  # 0 when only the year is given
    sentence: Span


@dataclass(frozen=True)
class Quote:
    span: Span  # the quotation, marks included
    words: str  # inside the marks
    speaker: str  # canonical name
    sentence: Span


@dataclass
class Person:
    name: str  # the fullest form found: "Antony Blinken"
    surname: str
    mentions: list[Span]


@dataclass
class Analysis:
    paragraphs: Sequence[str]
    sentences: list[Span]
    people: dict[str, Person]  # by surname
    quotes: list[Quote]
    figures: list[Figure]
    dates: list[DateRef]

    def person(self, surname: str) -> Person | None:
        return self.people.get(surname)


# ------------------------------------------------------------------ sentences


def split_sentences(paragraph: str, para: int) -> list[Span]:
    spans: list[Span] = []
    start = 0
    boundary = re.compile(r"[.!?…][”\"’')\]]*(?=\s+[“\"‘(]?[A-Z0-9])|\n")
    for m in boundary.finditer(paragraph):
        end = m.end()
        if m.group() != "\n":
            before = paragraph[start : m.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if (
                last in ABBREVIATIONS
                or re.fullmatch(r"[a-z]", last)
                or re.fullmatch(r"(?:[a-z]\.)+[a-z]", last)
            ):
                continue
        text = paragraph[start:end].strip()
        if text:
            s = paragraph.index(text, start)
            spans.append(Span(para, s, s + len(text), text))
        start = end
    text = paragraph[start:].strip()
    if text:
        s = paragraph.index(text, start)
        spans.append(Span(para, s, s + len(text), text))
    return spans


def _sentence_at(sentences: list[Span], para: int, offset: int) -> Span:
    for s in sentences:
        if s.para == para and s.start <= offset < s.end:
            return s
    return next(s for s in sentences if s.para == para)


# -------------------------------------------------------------------- people


ORGANISATION_WORDS = set(
    [
        "Party",
        "Democrats",
        "Labs",
        "Lab",
        "Group",
        "Bank",
        "Inc",
        "Council",
        "Ministry",
        "Department",
        "Office",
        "Commission",
        "Corporation",
        "Corp",
        "Airways",
        "News",
        "Association",
        "Union",
        "Agency",
        "Institute",
        "University",
        "College",
        "School",
        "Club",
        "Committee",
        "Court",
        "Parliament",
        "Assembly",
        "Government",
        "Executive",
        "Board",
        "Fund",
        "Company",
        "Exchange",
        "Service",
        "Services",
        "Times",
        "Post",
        "Journal",
        "Media",
        "Overflow",
        "Kleinwort",
    ]
)


def _strip_titles(words: list[str]) -> list[str]:
    """A person's name from capitalised words: no leading titles, at most three words
    after the last title word, nothing that names an organisation."""
    if any(w in ORGANISATION_WORDS for w in words):
        return []
    tail: list[str] = []
    for w in reversed(words):
        if w in TITLE_WORDS or w in NOT_NAMES or len(tail) == 3 or w.endswith(("'s", "’s")):
            break
        tail.insert(0, w)
    return tail


def _find_people(paragraphs: Sequence[str]) -> dict[str, Person]:
    """People: surnames seen after an honorific or in a speech pattern, with the
    fullest "First Last" form the article gives them."""
    surnames: set[str] = set()
    text = "\n\n".join(paragraphs)
    for m in _HONORIFIC_NAME.finditer(text):
        surnames.add(m.group(1).split()[-1])
    speech = re.compile(
        rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}),?\s+(?:{SPEECH_VERBS})\b"
        rf"|\b(?:{SPEECH_VERBS})\s+({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})"
    )
    for m in speech.finditer(text):
        words = _strip_titles((m.group(1) or m.group(2)).split())
        if len(words) >= 2:
            surnames.add(words[-1])
    # "Maria Zakharova, a spokeswoman…", "spokeswoman Maria Zakharova", "Zakharova confirmed"
    appositive = re.compile(
        rf"({_NAME_WORD}\s+{_NAME_WORD}),\s+(?:a|an|the|who)\s"
        rf"|\b(?:{ROLE_WORDS})\s+({_NAME_WORD}\s+{_NAME_WORD})\b"
    )
    for m in appositive.finditer(text):
        words = _strip_titles((m.group(1) or m.group(2)).split())
        if len(words) >= 2:
            surnames.add(words[-1])
    full: dict[str, str] = {}
    for m in _CAP_SEQ.finditer(text):
        words = _strip_titles(m.group().split())
        if len(words) < 2 or words[-1] not in surnames:
            continue
        name = " ".join(words)
        surname = words[-1]
        if len(name) > len(full.get(surname, "")):
            full[surname] = name
    people: dict[str, Person] = {}
    for surname in sorted(surnames):
        if surname in NOT_NAMES or surname in TITLE_WORDS or surname in PARTICLES:
            continue
        name = full.get(surname, "")
        if not name:
            continue  # only ever "Mr X": no first name to ask for
        mentions = []
        for i, p in enumerate(paragraphs, 1):
            for m in re.finditer(rf"\b{re.escape(surname)}\b", p):
                mentions.append(Span(i, m.start(), m.end(), m.group()))
        people[surname] = Person(name, surname, mentions)
    return people


def _speaker_in(text: str, people: dict[str, Person]) -> str | None:
    """The one person named in ``text`` (by surname), or None."""
    found = {s for s in people if re.search(rf"\b{re.escape(s)}\b", text)}
    return found.pop() if len(found) == 1 else None


# -------------------------------------------------------------------- quotes


def _find_quotes(
    paragraphs: Sequence[str], sentences: list[Span], people: dict[str, Person]
) -> list[Quote]:
    quotes: list[Quote] = []
    previous: Span | None = None
    for sentence in sentences:
        for m in _QUOTE.finditer(sentence.text):
            words = m.group(1).strip(" ,.")
            if len(words.split()) < 4:
                continue
            after = sentence.text[m.end() :]
            before = sentence.text[: m.start()]
            speaker: str | None = None
            am = re.match(
                rf"\s*,?\s*(?:(\w+(?:\s+\w+){{0,3}}?)\s+(?:{SPEECH_VERBS})\b|(?:{SPEECH_VERBS})"
                rf"\s+(\w+(?:\s+\w+){{0,3}}))",
                after,
            )
            if am:
                who = (am.group(1) or am.group(2) or "").strip()
                if who.lower() in PRONOUNS:
                    if previous is not None:
                        speaker = _speaker_in(previous.text, people)
                else:
                    speaker = _speaker_in(who, people)
            elif re.search(rf"(?:{SPEECH_VERBS})[:,]?\s*$", before):
                speaker = _speaker_in(before, people)
            if speaker is None:
                continue
            start = sentence.start + m.start()
            end = sentence.start + m.end()
            text = paragraphs[sentence.para - 1][start:end]
            quotes.append(Quote(Span(sentence.para, start, end, text), words, speaker, sentence))
        previous = sentence
    return quotes


# ---------------------------------------------------------- figures and dates


def _find_figures(paragraphs: Sequence[str], sentences: list[Span]) -> list[Figure]:
    figures: list[Figure] = []
    for s in sentences:
        if s.text.count("“") + s.text.count('"') >= 2:
            continue  # numbers inside quoted speech make poor questions
        for m in _FIGURE.finditer(s.text):
            symbol, whole, frac, suffix = m.groups()
            plain = whole.replace(",", "")
            if not symbol and not suffix and not frac and len(plain) == 4:
                year = int(plain)
                if _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
                    continue  # a year: see dates
            value = float(plain + ("." + frac if frac else ""))
            rest = s.text[m.end() :]
            um = re.match(r"\s+([a-z]+)", rest)
            unit = suffix if suffix in ("%",) else (um.group(1) if um and not suffix else "")
            if unit in {"and", "or", "to", "of", "the", "a", "in", "on", "per", "as", "at"}:
                unit = ""
            shape = symbol or ("%" if suffix == "%" else "plain")
            if suffix in ("bn", "m", "k"):
                shape += suffix
            start = s.start + m.start()
            dstart = start + len(symbol)
            dend = dstart + len(whole) + (len(frac) + 1 if frac else 0)
            p = paragraphs[s.para - 1]
            figures.append(
                Figure(
                    Span(s.para, start, s.start + m.end(), p[start : s.start + m.end()]),
                    Span(s.para, dstart, dend, p[dstart:dend]),
                    value,
                    shape,
                    unit,
                    s,
                )
            )
    return figures


def _find_dates(paragraphs: Sequence[str], sentences: list[Span]) -> list[DateRef]:
    dates: list[DateRef] = []
    for s in sentences:
        for m in _DATE.finditer(s.text):
            month = MONTHS.index(m.group(1)) + 1 if m.group(1) else 0
            start = s.start + m.start()
            end = s.start + m.end()
            after = s.text[m.end() : m.end() + 1]
            if after in ("%", "-", "/") or s.text[max(0, m.start() - 1) : m.start()] in "$£€":
                continue
            p = paragraphs[s.para - 1]
            dates.append(DateRef(Span(s.para, start, end, p[start:end]), int(m.group(2)), month, s))
    return dates


def analyse(paragraphs: Sequence[str]) -> Analysis:
    sentences = [s for i, p in enumerate(paragraphs, 1) for s in split_sentences(p, i)]
    people = _find_people(paragraphs)
    return Analysis(
        paragraphs=paragraphs,
        sentences=sentences,
        people=people,
        quotes=_find_quotes(paragraphs, sentences, people),
        figures=_find_figures(paragraphs, sentences),
        dates=_find_dates(paragraphs, sentences),
    )
