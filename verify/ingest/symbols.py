"""Recognise and normalise United Nations document symbols.

A symbol such as ``S/2023/370`` is how fact-checkers and UN reports cite each
other, so it is the natural key for a source. People paste symbols in many
shapes (lower case, stray spaces, ``S/RES/2665(2022)``); we normalise them to
the one official spelling so the same report is never registered twice, and
refuse strings that only look similar (``S/2023``) rather than guess.

Grammar (components separated by ``/``)::

    symbol  := body ("/" organ)* "/" core ("/" suffix)*
    body    := A | S | E | ST | T | ... (1-6 capital letters)
    organ   := capital letters, optionally ".<number>"   (HRC, RES, PRST, C.3, CN.4, AC.37)
    core    := <year or session> "/" <number>               S/2023/370, A/78/123
             | <session> "/" <country code> "/" <number>      A/HRC/WG.6/34/SVN/1 (UPR)
             | <year or session> "/" (L|PV|SR|INF) "." <n>  A/78/L.1, A/78/PV.12
             | (PV|SR) "." <n>                               S/PV.9300
             | <number> [" (" <year> ")"]   after RES only   S/RES/2665 (2022)
    suffix  := (Add|Corr|Rev|Amend) "." <number>             /Add.1/Corr.2
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from verify.errors import VerifyError

DEFAULT_SYMBOL_URL = "https://documents.un.org/api/symbol/access?s={symbol}&l=en&t=pdf"

_SUFFIX_NAMES = {"ADD": "Add", "CORR": "Corr", "REV": "Rev", "AMEND": "Amend"}

_BODY = r"[A-Z]{1,6}"
_ORGAN = r"[A-Z]{1,8}(?:\.[0-9]{1,4}[A-Z]?)?"
_PERIOD = r"(?:19[4-9][0-9]|20[0-9]{2}|[1-9][0-9]{0,2})"  # a year or a session number
_NUMBER = r"[1-9][0-9]{0,5}"
_SUFFIX = r"(?:ADD|CORR|REV|AMEND)\.[1-9][0-9]{0,2}"

_SYMBOL_RE = re.compile(
    rf"""
    (?P<body>{_BODY})
    (?P<organs>(?:/{_ORGAN})*?)
    /
    (?P<core>
        {_PERIOD}/(?:[A-Z]{{3}}/)?{_NUMBER}
      | {_PERIOD}/(?:L|PV|SR|INF)\.{_NUMBER}
      | (?:PV|SR)\.{_NUMBER}
      | {_NUMBER}(?:\ \((?:19[4-9][0-9]|20[0-9]{{2}})\))?
    )
    (?P<suffixes>(?:/{_SUFFIX})*)
    """,
    re.VERBOSE,
)
_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#]+\S*")


def _canonical_spelling(text: str) -> str:
    """Fold the ways people paste a symbol into one comparable spelling."""
    text = unicodedata.normalize("NFKC", text).strip().upper()
    text = re.sub(r"\s*/\s*", "/", text)  # "S / 2023 / 370"
    text = re.sub(r"\s*\(\s*", " (", text)  # "2665(2022)" -> "2665 (2022)"
    text = re.sub(r"\s*\)", ")", text)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\.\s+", ".", text)  # "Add. 1" -> "Add.1"


def parse_symbol(text: str) -> str:
    """Return the official spelling of a UN document symbol, or raise VerifyError.

    ``" s/2023/370 "`` becomes ``"S/2023/370"``; suffixes keep their usual
    case (``A/78/123/Add.1/Corr.2``).
    """
    if not isinstance(text, str) or not text.strip():
        raise VerifyError("empty UN document symbol")
    canonical = _canonical_spelling(text)
    match = _SYMBOL_RE.fullmatch(canonical)
    if match is None or (_is_bare_number(match["core"]) and not match["organs"].endswith("/RES")):
        shown = text.strip()[:80]
        raise VerifyError(f"not a valid UN document symbol: {shown!r} (expected e.g. S/2023/370 or A/78/123/Add.1)")
    suffixes = "".join(
        f"/{_SUFFIX_NAMES[name]}.{number}" for name, number in re.findall(r"/([A-Z]+)\.([0-9]+)", match["suffixes"])
    )
    return f"{match['body']}{match['organs']}/{match['core']}{suffixes}"


def _is_bare_number(core: str) -> bool:
    """A core without period ("2665" or "2665 (2022)") is only valid for resolutions."""
    return "/" not in core and "." not in core


def is_symbol(text: str) -> bool:
    """True when ``text`` parses as a UN document symbol."""
    try:
        parse_symbol(text)
    except VerifyError:
        return False
    return True


def symbol_url(symbol: str, template: str = DEFAULT_SYMBOL_URL) -> str:
    """The download URL for ``symbol``, built from ``template``'s ``{symbol}``.

    The symbol is normalised first and percent-encoded, keeping ``/`` as is
    so the same template style works in a query (``?s={symbol}``) and in a
    path (``https://undocs.org/{symbol}``).
    """
    if "{symbol}" not in template:
        raise VerifyError("symbol URL template must contain {symbol}")
    normalised = parse_symbol(symbol)
    return template.replace("{symbol}", quote(normalised, safe="/"))


def looks_like_url(text: str) -> bool:
    """True when ``text`` is written as ``scheme://host...`` rather than a key.

    Any scheme counts, so that ``ftp://...`` reaches the fetcher and gets a
    clear refusal instead of being mistaken for a symbol.
    """
    return isinstance(text, str) and _URL_RE.fullmatch(text.strip()) is not None
