"""``verify export --format claimreview``: signed-off verdicts as schema.org ClaimReview, checked as JSON-LD.

The JSON-LD checks use pyld (expand, then compact) against the context in
tests/data/schemaorg/, which defines only the schema.org terms a ClaimReview
needs; pyld's document loader is replaced so nothing is fetched. A property
the context does not define is dropped by expansion, so a misspelt or
invented property fails the round trip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.golden.update import template

CONTEXT = REPO / "tests" / "data" / "schemaorg" / "claimreview-context.jsonld"
SCHEMA = "https://schema.org/"
PAGE = "https://news.example/checks/taliban"
ARTICLE_URL = "https://example.org/taliban-al-qaeda"
SIGNED = [3, 9]  # the verdicts signed off in the reports' test database
ALL = [3, 9, 20, 25, 26, 56]  # every verdict it holds (none is in conflict)


@pytest.fixture
def reports_db(workspace, tmp_path_factory):
    root = template(tmp_path_factory)
    return workspace.restore(root / "claims.db", root / "sources")


def reviews(run, *args: str) -> list[dict]:
    result = run("export", "--format", "claimreview", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def anchors(items: list[dict]) -> list[int]:
    return [int(r["url"].rsplit("#claim-", 1)[1]) for r in items]


def test_one_review_per_signed_off_verdict(reports_db, run):
    items = reviews(run, "--org", "Desk Checks", "--review-url", PAGE)
    assert anchors(items) == SIGNED
    assert [r["url"] for r in items] == [f"{PAGE}#claim-3", f"{PAGE}#claim-9"]
    for review in items:
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["author"] == {"@type": "Organization", "name": "Desk Checks"}
        assert review["datePublished"] == "2026-11-26"  # the sign-off's date
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["author"] == {"@type": "Person", "name": "A. Writer"}
        assert item["appearance"] == {
            "@type": "CreativeWork",
            "headline": "The Taliban’s Strategy to Strengthen and Govern al-Qaeda",
            "url": ARTICLE_URL,
            "datePublished": "2024-01-15",
            "author": {"@type": "Person", "name": "A. Writer"},
        }


def test_include_unsigned_adds_every_verdict(reports_db, run):
    signed = run("export", "--format", "claimreview", "--org", "Desk", "--review-url", PAGE)
    assert "warning: 4 verdict(s) without a current sign-off left out" in signed.stderr  # never silently
    everything = run("export", "--format", "claimreview", "--org", "Desk", "--review-url", PAGE, "--include-unsigned")
    assert anchors(json.loads(everything.stdout)) == ALL and everything.stderr == ""


def test_ratings_follow_the_documented_mapping(reports_db, run):
    items = reviews(run, "--org", "Desk", "--review-url", PAGE, "--include-unsigned")
    ratings = {n: r["reviewRating"] for n, r in zip(anchors(items), items, strict=True)}
    scale = {"@type": "Rating", "bestRating": 5, "worstRating": 1}
    assert ratings[3] == {**scale, "ratingValue": 5, "alternateName": "Verified"}
    assert ratings[25] == {**scale, "ratingValue": 3, "alternateName": "Partly verified"}
    assert ratings[26] == {**scale, "ratingValue": 1, "alternateName": "Disputed"}
    # unsupported is not false: no place on the scale, only the words
    assert ratings[9] == {"@type": "Rating", "alternateName": "Unsupported by the cited sources"}


def test_claim_reviewed_is_the_whole_sentence(reports_db, run):
    items = reviews(run, "--org", "Desk", "--review-url", PAGE, "--include-unsigned")
    texts = dict(reports_db.query("SELECT id, text FROM claim WHERE id IN (3, 9, 20, 25, 26, 56)"))
    for number, review in zip(anchors(items), items, strict=True):
        assert review["claimReviewed"] == texts[number]
    assert max(len(r["claimReviewed"]) for r in items) > 200  # nothing cut at 75 characters


def test_every_review_url_points_at_a_claim_of_the_public_appendix(reports_db, run):
    items = reviews(run, "--org", "Desk", "--review-url", PAGE, "--include-unsigned")
    fragment = run("report", "appendix", "--public", "--fragment").stdout
    for review in items:
        assert f'id="{review["url"].split("#")[1]}"' in fragment


def test_a_fragment_in_the_review_url_is_replaced(reports_db, run):
    items = reviews(run, "--org", "Desk", "--review-url", PAGE + "#top")
    assert items[0]["url"] == f"{PAGE}#claim-3"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--review-url", PAGE], "needs the organisation publishing the reviews: pass --org NAME or set organisation"),
        (["--org", "  ", "--review-url", PAGE], "pass --org NAME"),
        (["--org", "Desk"], "pass --review-url URL or set review_url in verify.toml"),
        (["--org", "Desk", "--review-url", "javascript:alert(1)"], "is not an http(s) URL"),
    ],
)
def test_missing_organisation_or_page_is_refused(reports_db, run, args, says):
    before = reports_db.dump()
    result = run("export", "--format", "claimreview", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert says in result.stderr and result.stderr.count("\n") == 1
    assert reports_db.dump() == before


def test_organisation_and_page_come_from_verify_toml(reports_db, run, tmp_path, monkeypatch):
    config = tmp_path / "desk.toml"
    config.write_text(f'organisation = "Toml Desk"\nreview_url = "{PAGE}"\n', encoding="utf-8")
    monkeypatch.setenv("VERIFY_CONFIG", str(config))
    items = reviews(run)
    assert items[0]["author"]["name"] == "Toml Desk" and items[0]["url"] == f"{PAGE}#claim-3"
    overridden = reviews(run, "--org", "Other", "--review-url", "https://other.example/p")
    assert overridden[0]["author"]["name"] == "Other" and overridden[0]["url"] == "https://other.example/p#claim-3"


# --- JSON-LD, with pyld -------------------------------------------------------------------------


def _loader():
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))

    def load(url: str, options: dict | None = None) -> dict:
        if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
            return {"contextUrl": None, "documentUrl": url, "document": context}
        raise AssertionError(f"the check tried to fetch {url}")

    return load


def _keys(node: object) -> int:
    """How many object keys a JSON value holds, at any depth (what expansion must not drop)."""
    if isinstance(node, dict):
        return len(node) + sum(_keys(v) for v in node.values())
    if isinstance(node, list):
        return sum(_keys(v) for v in node)
    return 0


def test_claimreview_is_json_ld_that_expands_and_compacts_losslessly(reports_db, run):
    jsonld = pytest.importorskip("pyld.jsonld", reason="pyld is a test dependency: pip install -e '.[test]'")
    options = {"documentLoader": _loader()}
    items = reviews(run, "--org", "Desk", "--review-url", PAGE, "--include-unsigned")
    for review in items:
        expanded = jsonld.expand(review, options)
        assert len(expanded) == 1
        node = expanded[0]
        assert node["@type"] == [SCHEMA + "ClaimReview"]
        assert node[SCHEMA + "url"] == [{"@id": review["url"]}]  # an IRI, not a string
        assert node[SCHEMA + "claimReviewed"] == [{"@value": review["claimReviewed"]}]
        rating = node[SCHEMA + "reviewRating"][0]
        assert rating["@type"] == [SCHEMA + "Rating"]
        item = node[SCHEMA + "itemReviewed"][0]
        assert item["@type"] == [SCHEMA + "Claim"]
        assert item[SCHEMA + "appearance"][0][SCHEMA + "url"] == [{"@id": ARTICLE_URL}]
        assert node[SCHEMA + "author"][0]["@type"] == [SCHEMA + "Organization"]
        # compacting again gives the document back: every property is a defined schema.org term
        compacted = jsonld.compact(expanded, "https://schema.org", options)
        assert compacted == review
        assert _keys(compacted) == _keys(review)


def test_an_undefined_property_would_be_caught(reports_db, run):
    """The check above can fail: a property schema.org does not define is dropped by expansion."""
    jsonld = pytest.importorskip("pyld.jsonld", reason="pyld is a test dependency: pip install -e '.[test]'")
    options = {"documentLoader": _loader()}
    review = reviews(run, "--org", "Desk", "--review-url", PAGE)[0]
    broken = {**review, "claimReviwed": review["claimReviewed"]}
    compacted = jsonld.compact(jsonld.expand(broken, options), "https://schema.org", options)
    assert compacted != broken and "claimReviwed" not in compacted


def test_output_file_is_written(reports_db, run, tmp_path):
    target = tmp_path / "reviews.json"
    result = run("export", "--format", "claimreview", "--org", "Desk", "--review-url", PAGE, "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert anchors(json.loads(Path(target).read_text(encoding="utf-8"))) == SIGNED


def test_an_article_without_url_or_author_is_said_on_stderr(reports_db, run):
    reports_db.execute("UPDATE article SET url = NULL, author = NULL")
    result = run("export", "--format", "claimreview", "--org", "Desk", "--review-url", PAGE)
    assert result.exit_code == 0
    assert "warning: article 1 records no URL and author, so the reviewed claims' appearance lacks them" in (
        result.stderr
    )
    item = json.loads(result.stdout)[0]["itemReviewed"]
    assert "url" not in item["appearance"] and "author" not in item
