"""UN document symbols: parsing, normalisation, URLs (table-driven)."""

from __future__ import annotations

import pytest

from verify.errors import VerifyError
from verify.ingest.symbols import (
    DEFAULT_SYMBOL_URL,
    is_symbol,
    looks_like_url,
    parse_symbol,
    symbol_url,
)

VALID = [
    # (as typed, normalised)
    ("S/2023/370", "S/2023/370"),
    (" s/2023/370 ", "S/2023/370"),
    ("S/2023/549", "S/2023/549"),
    ("A/78/123", "A/78/123"),
    ("A/78/123/Add.1", "A/78/123/Add.1"),
    ("a/78/123/add.1", "A/78/123/Add.1"),
    ("A/78/123/Add.1/Corr.2", "A/78/123/Add.1/Corr.2"),
    ("S/2022/419/Corr.1", "S/2022/419/Corr.1"),
    ("S/2022/419/REV.1", "S/2022/419/Rev.1"),
    ("S/RES/2665 (2022)", "S/RES/2665 (2022)"),
    ("S/RES/2665(2022)", "S/RES/2665 (2022)"),
    ("s/res/2665", "S/RES/2665"),
    ("A/HRC/52/23", "A/HRC/52/23"),
    ("A/HRC/RES/52/1", "A/HRC/RES/52/1"),
    ("A/RES/77/1", "A/RES/77/1"),
    ("S/PRST/2023/1", "S/PRST/2023/1"),
    ("S / 2023 / 370", "S/2023/370"),
    ("S/2023/370/Add. 1", "S/2023/370/Add.1"),
    ("S\uff0f2023\uff0f370", "S/2023/370"),  # full-width slashes pasted from a PDF
    ("A/C.3/78/L.1", "A/C.3/78/L.1"),
    ("E/CN.6/2023/1", "E/CN.6/2023/1"),
    ("S/PV.9300", "S/PV.9300"),
    ("A/78/PV.12", "A/78/PV.12"),
    ("a/hrc/wg.6/34/svn/1", "A/HRC/WG.6/34/SVN/1"),  # universal periodic review documents
]

INVALID = [
    "S/2023",
    "2023/370",
    "S//370",
    "hello",
    "S/2023/370/Foo.1",
    "",
    "   ",
    "S/2665",  # a bare number is only a resolution number
    "S/2665 (2022)",
    "S/2023/370/",
    "/S/2023/370",
    "S/2023/0370",
    "S/2023/370/Add.",
    "S/2023/370 extra",
    "https://undocs.org/S/2023/370",
    "../S/2023/370",
]


@pytest.mark.parametrize(("typed", "normalised"), VALID)
def test_valid_symbols_are_normalised(typed: str, normalised: str) -> None:
    assert parse_symbol(typed) == normalised
    assert is_symbol(typed)
    assert parse_symbol(normalised) == normalised  # idempotent


@pytest.mark.parametrize("text", INVALID)
def test_invalid_symbols_are_refused(text: str) -> None:
    assert not is_symbol(text)
    with pytest.raises(VerifyError, match="UN document symbol") as caught:
        parse_symbol(text)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("symbol", "template", "url"),
    [
        (
            "S/2023/370",
            DEFAULT_SYMBOL_URL,
            "https://documents.un.org/api/symbol/access?s=S/2023/370&l=en&t=pdf",
        ),
        (
            "S/RES/2665 (2022)",
            DEFAULT_SYMBOL_URL,
            "https://documents.un.org/api/symbol/access?s=S/RES/2665%20%282022%29&l=en&t=pdf",
        ),
        (" s/2023/370 ", "https://undocs.org/{symbol}", "https://undocs.org/S/2023/370"),
        (
            "A/78/123/Add.1",
            "http://127.0.0.1:8000/{symbol}.pdf",
            "http://127.0.0.1:8000/A/78/123/Add.1.pdf",
        ),
    ],
)
def test_symbol_url(symbol: str, template: str, url: str) -> None:
    assert symbol_url(symbol, template) == url


def test_symbol_url_default_template() -> None:
    assert symbol_url("S/2023/370").startswith("https://documents.un.org/")


def test_symbol_url_refuses_bad_input() -> None:
    with pytest.raises(VerifyError, match="UN document symbol"):
        symbol_url("S/2023")
    with pytest.raises(VerifyError, match=r"\{symbol\}"):
        symbol_url("S/2023/370", "https://example.org/doc")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://documents.un.org/doc/S/2023/370", True),
        ("http://127.0.0.1:8000/x.pdf", True),
        ("  HTTPS://example.org  ", True),
        ("ftp://example.org/report.pdf", True),  # so the fetcher can refuse it clearly
        ("S/2023/370", False),
        ("example.org/report.pdf", False),
        ("https://", False),
        ("see https://example.org", False),
        ("", False),
    ],
)
def test_looks_like_url(text: str, expected: bool) -> None:
    assert looks_like_url(text) is expected
