"""Kind detection: ``quote``, ``factual`` or ``opinion``.

A sentence that asserts something is ``factual`` unless it carries a marker of
judgement: the kind decides whether a fact-checker checks the sentence or
leaves it aside as the author's view, so when in doubt it is checked.

* a direct quotation of two or more words makes a ``quote``;
* a sentence with no marker of opinion is ``factual``, whatever its length and
  whatever names it uses ("Chrysler is moving a major plant from Mexico to
  Michigan.");
* markers of opinion are predictions and possibilities (modal verbs,
  "likely"), recommendations and obligations ("should", "must", "let's"), a
  first-person stance ("I think", "we want"), evaluative words ("disaster",
  "premature", "clearly"), views ascribed to unnamed others ("Some have …",
  "There is a perception that …") and questions;
* a sentence with markers stays ``factual`` when it carries at least as much
  checkable content: numbers, dates, attributions, reported events (past-tense
  verbs), records, comparisons and names. A modal or an evaluation inside reported speech ("Ford
  announced it will invest $700 million") belongs to the speaker, so it is
  what the speaker said, a checkable fact, and not the author's judgement.

The rules are plain English word lists, measured on public check-worthiness
data (CLEF CheckThat! 2019 political debates, ClaimBuster), on the sentence
segmentation "golden rules" and on the shipped article's hand labels
(``benchmarks/bench_kinds.py``; figures in docs/concepts.md). No rule names an
article's actors: every name counts the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

APOSTROPHE = "[’']"


@dataclass(frozen=True)
class Signal:
    """One piece of evidence for a kind: why it counts, the words found, their place and weight."""

    reason: str
    text: str
    start: int
    weight: float


def _words(*alternatives: str) -> str:
    return r"\b(?:" + "|".join(alternatives) + r")\b"


# --- markers of opinion -------------------------------------------------------------------

# Predictions and possibilities. "May" the month and "will" the noun are not modal.
PREDICTION_RE = re.compile(
    rf"\b(?:will|won{APOSTROPHE}t|would|wouldn{APOSTROPHE}t|could|couldn{APOSTROPHE}t|might|shall"
    r"|(?<!\b[Ii]n )(?<!\b[Oo]f )(?<!\b[Ss]ince )(?<!\b[Uu]ntil )(?<!\b[Ll]ast )(?<!\b[Nn]ext )"
    r"(?:may|May(?!\s+\d)))\b"
    rf"|{APOSTROPHE}(?:ll|d)\b"
    r"|\b(?:going to|gonna)\s+(?!the\b|a\b|an\b|be\s+\w+ed\b)(?=\w)",
)
# Plans and forecasts ("will", "going to") weigh less than possibilities and conditions ("could").
FORECASTS = {"will", "won’t", "won't", "’ll", "'ll", "shall", "going to", "gonna"}
# "I will tell you", "let me say", "you'll see": ways of speaking, not predictions or duties.
PERFORMATIVE_RE = re.compile(
    rf"\b(?:I|[Ww]e|[Yy]ou|[Ll]et me|[Ll]et us)(?:{APOSTROPHE}ll|{APOSTROPHE}d|{APOSTROPHE}re| will| would| have to| "
    r"must|"
    r" can| are| am| want to| just)*(?: going to)?(?: just| also)?\s+"
    r"(?:say|tell|point out|add|note|mention|remind|see|find|talk|discuss|admit|repeat|ask|look|take a look|"
    r"check|read)\b"
)
WILL_NOUN_RE = re.compile(r"\b(?:the|a|free|political|good|ill|his|her|their|its|our|my)\s+will\b", re.IGNORECASE)
OBLIGATION_RE = re.compile(
    _words(
        r"should",
        rf"shouldn{APOSTROPHE}t",
        r"must",
        rf"mustn{APOSTROPHE}t",
        r"ought to",
        r"needs? to",
        r"got to",
        r"gotta",
        r"ha(?:ve|s) to",
        rf"it{APOSTROPHE}s time",
        rf"let{APOSTROPHE}s",
        r"let us",
        r"please",
    ),
    re.IGNORECASE,
)
HEDGE_RE = re.compile(
    _words(
        r"perhaps",
        r"maybe",
        r"probably",
        r"possibly",
        r"likely",
        r"unlikely",
        r"presumably",
        r"seem(?:s|ed|ingly)?",
        r"appears? to",
        r"as long as",
        r"otherwise",
        r"in other words",
        r"potential(?:ly)?",
        r"opportunity",
        r"envision(?:s|ed)?",
        r"(?:designed|intended|meant) to",
        r"means(?! of| test)",
    ),
    re.IGNORECASE,
)
STANCE_RE = re.compile(
    r"\b(?:I|[Ww]e)\s+(?:(?:really|truly|do|don[’']t|do not|still|also|just|strongly|firmly|honestly|all)\s+)*"
    r"(?:think(?! about| of)|believe|feel|hope|wish|want|expect|guess|suppose|suspect|doubt|fear|trust|"
    r"love|like|hate|prefer|urge|intend|need|am (?:sure|convinced|confident|proud|"
    r"certain|afraid|worried|concerned|pleased|glad|honou?red)|are (?:sure|convinced|confident|proud|"
    r"certain|determined|committed)|would (?:like|love))\b"
    r"|\b(?:I|[Ww]e)[’']d (?:like|love|prefer)\b"
    r"|\b(?:in my (?:view|opinion|judge?ment)|my (?:view|opinion|belief|plea|hope))\b",
)
UNNAMED_OTHERS_RE = re.compile(
    r"^(?:(?:But|And|Yet|So|Now|Still)\s+)?(?:"
    r"(?:Others|Those who|Those advocating)\b"
    r"|(?:Some|Many|Most|Critics|Skeptics|Sceptics|Supporters|Opponents|Observers|Analysts|Experts)"
    r"(?:\s+(?:people|observers|analysts|experts|critics|commentators))?\s+"
    r"(?:say|said|argue|believe|think|claim|contend|insist|fear|worry|feel|suggest|ha(?:ve|d) \w+ed)\b"
    r"|There (?:is|are) (?:even |also |still )?(?:a |the )?(?:perception|belief|sense|feeling|view|notion|"
    r"argument|idea|impression)s? that"
    r"|They (?:insist|argue|say|claim|think|believe|feel|contend)\b)"
    r"|\b(?:make|makes|made) the case that|\bviews?\b",
)
EVALUATIVE_RE = re.compile(
    _words(
        # judgements of quality
        r"good(?! (?:chunk|deal|part|portion|number|share|bit|many|few)\b)",
        r"great(?:est)?",
        r"bad",
        r"terrible",
        r"horrible",
        r"horrific",
        r"awful",
        r"wonderful",
        r"excellent",
        r"amazing",
        r"incredible",
        r"tremendous",
        r"fantastic",
        r"beautiful",
        r"magnificent",
        r"disaster",
        r"disastrous",
        r"catastroph(?:e|ic)",
        r"tragic",
        r"tragedy",
        r"shame(?:ful)?",
        r"disgrace(?:ful)?",
        r"outrageous",
        r"ridiculous",
        r"absurd",
        r"stupid",
        r"foolish",
        r"dumb",
        r"smart",
        r"wise",
        r"unwise",
        r"naive",
        r"naïve",
        r"reckless",
        r"irresponsible",
        r"dangerous",
        r"unfair",
        r"wrong",
        r"best",
        r"worst",
        r"better",
        r"worse",
        r"nice",
        r"sad",
        r"pathetic",
        r"perfect",
        r"mess",
        r"rigged",
        r"corrupt",
        r"crooked",
        r"nasty",
        r"evil",
        r"crazy",
        r"incompetent",
        r"dystopian",
        r"siren song",
        r"sobering",
        r"troubling",
        r"alarming",
        r"remarkable",
        r"impressive",
        r"unacceptable",
        r"inexcusable",
        # judgements of importance, timing or soundness
        r"important",
        r"crucial",
        r"vital",
        r"essential",
        r"necessary",
        r"imperative",
        r"premature",
        r"debatable",
        r"flawed",
        r"misguided",
        r"misleading",
        r"underestimated?",
        r"overestimated?",
        r"fail(?:s)? to (?:grasp|understand|see|recognize|recognise|appreciate)",
        r"all the more",
        r"seamless",
        r"legac(?:y|ies)",
        r"deliberately",
        # stance adverbs
        r"clearly",
        r"obviously",
        r"surely",
        r"undoubtedly",
        r"unfortunately",
        r"sadly",
        r"fortunately",
        r"hopefully",
        r"arguably",
        r"inevitabl[ey]",
        r"frankly",
        r"honestly",
    ),
    re.IGNORECASE,
)
IMPERATIVE_RE = re.compile(r"^(?:Imagine|Consider|Think about|Don[’']t|Do not)\b")

# Reported speech: what follows "X said" / "Ford announced" is the speaker's, checkable as said.
REPORTING_RE = re.compile(
    r"\b(?:said|told|announced|promised|pledged|vowed|claimed|stated|declared|warned|argued|proposed|"
    r"concluded|wrote|reported|testified|admitted|acknowledged|predicted|estimated|threatened|suggested|"
    r"insisted|called for|directed|ordered|required|demanded|asked|point(?:s|ed)? out that|noted that)\b"
    r"|\b(?:laid out|set out|described|outlined|explained|noted|documented) by\b"
    r"|(?<!\bI )(?<!\b[Ww]e )(?<!\bto )(?<!\bwould )(?<![’']d )(?<!\b[Ll]et me )(?<!\b[Ll]et us )"
    r"\b(?:says|say|tells|announces|promises|claims|states|declares|warns|proposes|writes|believes|thinks|"
    r"wants|insists|calls for|thought)\b"
)

# --- checkable content --------------------------------------------------------------------

IRREGULAR_PAST = (
    "said|made|took|gave|went|came|got|told|found|left|built|won|lost|paid|sold|bought|brought|began|became|"
    "knew|saw|met|sent|spent|held|led|ran|wrote|written|fell|rose|grew|grown|cut|hit|shot|fought|caught|taught|"
    "kept|stood|struck|broke|broken|chose|drove|flew|hid|stole|threw|wore|beat|beaten|begun|done|did|gone|"
    "known|seen|taken|given|sunk|sank|spoke|spoken|stolen|sworn|swore"
)
PAST_EVENT_RE = re.compile(rf"\b(?:[a-z]{{3,}}ed|{IRREGULAR_PAST})\b")
MODAL_BEFORE_RE = re.compile(
    rf"\b(?:will|would|could|might|may|should|must|can|going to|to|{APOSTROPHE}ll|{APOSTROPHE}d)"
    r"(?:\s+(?:not|also|never|be|been|have|get|just|all|then))*\s+$",
    re.IGNORECASE,
)
NOT_EVENTS = {
    "needed",
    "used",
    "supposed",
    "concerned",
    "interested",
    "related",
    "based",
    "called",
    "advanced",
    "detailed",
    "limited",
    "united",
    "armed",
    "skilled",
    "talented",
    "determined",
    "committed",
    "designed",
    "aimed",
    "tasked",
    "varied",
    "tired",
    "scared",
    "worried",
    "pleased",
    "excited",
    "indeed",
    "need",
    "speed",
    "proceed",
    "exceed",
    "succeed",
    "breed",
    "feed",
    "seed",
    "embed",
    "hundred",
    "red",
    "bed",
}
# Superlatives measured against a record ("the biggest win since 1984", "the lowest ever") can be checked.
RECORD_RE = re.compile(
    r"\b(?:\w+est|most|least|fewest|first|only)\b(?:\s+[\w-]+){0,6}?\s+"
    r"(?:ever|in (?:the )?history|since|on record|in (?:the )?(?:world|country|nation)|in \d+ years|of all time)\b"
    r"|\b(?:world|country|nation)[’']s (?:\w+est|leading|leader|top|number one|most|first)\b",
    re.IGNORECASE,
)
# A day without a year ("on November 8th", "last Tuesday"), which the date hints leave out.
DAY_RE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\.? \d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December)\b"
    r"|\b(?:on|last|this|next) (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
# A comparison ("better than we take care of our vets") and a time anchor ("yesterday", "two years ago")
# say what could be measured or dated.
COMPARISON_RE = re.compile(r"\b(?:\w{3,}er|more|less|fewer|better|worse)\s+(?:[\w-]+\s+){0,4}?than\b", re.IGNORECASE)
TIME_ANCHOR_RE = re.compile(
    r"\b(?:yesterday|ago|as of today|last (?:week|month|year|night|time)|this (?:week|month|year)|"
    r"(?:in|during|since) (?:the )?(?:last|past) \w+ (?:days|weeks|months|years|decades))\b",
    re.IGNORECASE,
)
ASSERTED_FACT_RE = re.compile(
    r"\b(?:the fact (?:is )?that|in fact|as a matter of fact|on record|actually)\b", re.IGNORECASE
)
QUANTITY_RE = re.compile(
    r"\b(?:million|billion|trillion|percent|per cent|half|double|doubled|tripled|twice|dozens?|hundreds|"
    r"thousands|millions|billions|first|second|third|highest|lowest|largest|smallest|record|"
    r"most|least|more|fewer|less|increase[sd]?|decrease[sd]?|rose|fell|up|down)\b",
    re.IGNORECASE,
)
# A name says who a sentence is about, not what it asserts: every name weighs the same, and little.
NAME_WEIGHT = 0.25


def _is_name_word(text: str, start: int) -> bool:
    """A capitalised word inside a sentence belongs to a name ("the Great Recession")."""
    return start > 0 and text[start].isupper() and not text[:start].rstrip().endswith((".", "!", "?", ":", "—"))


def _reported_from(text: str) -> int:
    """Where reported speech begins (after "X said", "Ford announced"); past the end if there is none."""
    match = REPORTING_RE.search(text)
    return match.end() if match else len(text) + 1


def opinion_signals(text: str) -> list[Signal]:
    """The author's markers of judgement, prediction, recommendation or evaluation in ``text``.

    Markers inside reported speech are the speaker's words, not the author's
    judgement, and are left out; so are evaluative words that are part of a
    name.
    """
    reported = _reported_from(text)
    signals: list[Signal] = []
    noun_wills = {m.end() for m in WILL_NOUN_RE.finditer(text)}
    for match in PREDICTION_RE.finditer(text):
        word = match.group(0).strip()
        if word.lower() == "will" and match.end() in noun_wills:
            continue
        signals.append(Signal("prediction", word, match.start(), 1 if word.lower() in FORECASTS else 2))
    signals += [Signal("recommendation", m.group(0), m.start(), 2) for m in OBLIGATION_RE.finditer(text)]
    speaking = [m.span() for m in PERFORMATIVE_RE.finditer(text)]
    signals = [s for s in signals if not any(start <= s.start < end for start, end in speaking)]
    signals += [Signal("hedge", m.group(0), m.start(), 1) for m in HEDGE_RE.finditer(text)]
    signals += [
        Signal("evaluation", m.group(0), m.start(), 1)
        for m in EVALUATIVE_RE.finditer(text)
        if not _is_name_word(text, m.start())
    ]
    signals = [s for s in signals if s.start < reported]
    signals += [Signal("stance", m.group(0), m.start(), 2) for m in STANCE_RE.finditer(text)]
    signals += [Signal("unnamed others", m.group(0), m.start(), 2) for m in UNNAMED_OTHERS_RE.finditer(text)]
    if IMPERATIVE_RE.search(text):
        signals.append(Signal("imperative", text.split()[0], 0, 2))
    if text.rstrip(" \"'”’)").endswith("?"):
        signals.append(Signal("question", "?", len(text), 2))
    return _once(signals)


def _once(signals: list[Signal]) -> list[Signal]:
    """A marker repeated for emphasis ("tremendous, absolutely tremendous") or overlapping another
    ("we need to": a stance and a duty) is one judgement."""
    kept: list[Signal] = []
    seen: set[str] = set()
    for signal in sorted(signals, key=lambda s: (s.start, -s.weight)):
        words = signal.text.lower()
        if words in seen or any(k.start <= signal.start < k.start + len(k.text) for k in kept):
            continue
        seen.add(words)
        kept.append(signal)
    return kept


def checkable_signals(text: str, hints: dict[str, Any]) -> list[Signal]:
    """What a fact-checker could look up: quantities, dates, attributions, reported events, names."""
    signals = [Signal("number", n, text.find(n), 2) for n in hints.get("numbers", [])]
    signals += [Signal("date", d, text.find(d), 2) for d in hints.get("dates", [])]
    signals += [Signal("attribution", a, text.find(a), 2) for a in hints.get("attributions", [])]
    reported = REPORTING_RE.search(text)
    if reported and not hints.get("attributions") and not UNNAMED_OTHERS_RE.search(text):
        signals.append(Signal("reported speech", reported.group(0), reported.start(), 2))
    evaluated = {m.start() for regex in (EVALUATIVE_RE, HEDGE_RE) for m in regex.finditer(text)}
    evaluated |= {m.end() for m in EVALUATIVE_RE.finditer(text)}
    for match in PAST_EVENT_RE.finditer(text):
        word = match.group(0)
        if word.lower() in NOT_EVENTS or match.start() in evaluated or MODAL_BEFORE_RE.search(text[: match.start()]):
            continue
        signals.append(Signal("event", word, match.start(), 1))
    signals += [Signal("record", m.group(0), m.start(), 2) for m in RECORD_RE.finditer(text)][:1]
    signals += [Signal("asserted fact", m.group(0), m.start(), 1) for m in ASSERTED_FACT_RE.finditer(text)]
    signals += [Signal("comparison", m.group(0), m.start(), 1) for m in COMPARISON_RE.finditer(text)][:1]
    if not hints.get("dates"):
        signals += [Signal("date", m.group(0), m.start(), 2) for m in DAY_RE.finditer(text)][:1]
        signals += [Signal("time", m.group(0), m.start(), 1) for m in TIME_ANCHOR_RE.finditer(text)][:1]
    if not hints.get("numbers"):
        signals += [
            Signal("quantity", m.group(0), m.start(), 1) for m in QUANTITY_RE.finditer(text) if m.end() not in evaluated
        ][:1]
    names = [name for key in ("places", "people", "organisations", "other_names") for name in hints.get(key, [])]
    signals += [Signal("name", n, text.find(n), NAME_WEIGHT) for n in names]
    return signals


def detect_kind(text: str, hints: dict[str, Any]) -> str:
    """Classify one sentence; ``hints`` are those from :func:`verify.claims.hints.compute_hints`."""
    if any(len(quote.split()) >= 2 for quote in hints.get("quotes", [])):
        return "quote"
    judgement = sum(signal.weight for signal in opinion_signals(text))
    if judgement == 0:
        return "factual"
    checkable = sum(signal.weight for signal in checkable_signals(text, hints))
    return "factual" if checkable >= judgement else "opinion"
