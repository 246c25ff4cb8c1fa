"""``verify article add URL|FILE|-``: web pages, Word drafts and PDF proofs, and where each revision came from.

Pages are served by a real HTTP server on 127.0.0.1; Word drafts are built in
the test with python-docx plus the XML Word writes for tracked changes,
footnotes and comments (``tests/docxmaker.py``); PDF proofs are drawn with
reportlab. Bad input of each kind is refused in one line with exit code 2
and nothing written.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.cli.test_bad_input import assert_one_line_error
from tests.docxmaker import Para, comment_around, dele, encrypted_docx, footnote_ref, ins, make_docx
from tests.docxmaker import run as text_run
from tests.httpserver import Reply

STORY = [
    "The city council approved 25 new teaching posts on Monday after a two-hour debate.",
    "Mayor Ana Ruiz said the posts would cost 4.2 million euros a year, paid from the regional grant.",
    "Opposition leaders called the vote rushed and asked for an audit of the grant by June.",
    "The education budget was cut by 3 percent in 2023, according to the council's own figures.",
    "Teachers' unions welcomed the decision but said at least 40 posts were needed to end waiting lists.",
    "The regional government has not yet confirmed the size of next year's grant, a spokesman said.",
]


def claim_texts(run) -> list[str]:
    return [c["text"] for c in json.loads(run("claim", "list", "--format", "json").stdout)]


def article_rows(workspace) -> list[dict]:
    return workspace.rows("SELECT id, title, author, url, published FROM article ORDER BY id")


def revision_rows(workspace) -> list[dict]:
    return workspace.rows(
        "SELECT article_id, number, source_name, source_format FROM article_revision ORDER BY article_id, number"
    )


@pytest.fixture
def desk(run, workspace):
    assert run("init").exit_code == 0
    return workspace


def refused(run, workspace, target: str, *fragments: str, args: tuple[str, ...] = ()) -> None:
    before = workspace.dump()
    result = run("article", "add", target, *args)
    assert_one_line_error(result, *fragments)
    assert workspace.dump() == before


# --- web pages -----------------------------------------------------------------------------

NEWS_PAGE = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Council approves 25 teaching posts | The Daily Ledger</title>
<meta property="og:title" content="Council approves 25 teaching posts">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Council approves 25 teaching posts",
 "author": {{"@type": "Person", "name": "Maria Lopez"}}, "datePublished": "2026-01-06T08:30:00+01:00"}}
</script>
</head><body>
<header class="site-header"><nav><a href="/">Home</a> <a href="/politics">Politics</a>
<a href="/sport">Sport</a> <a href="/subscribe">Subscribe for 1 euro a month</a></nav></header>
<div class="ad-banner advert">Buy the new Ledger app today and save 50 percent on your first year of news.</div>
<main><article>
<h1>Council approves 25 teaching posts</h1>
<p class="byline">By Maria Lopez</p>
{paragraphs}
<figure><img src="/vote.jpg" alt=""><figcaption>Councillors voting on Monday evening in the main chamber of the
town hall. Photo: Ledger staff</figcaption></figure>
</article></main>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/a">Five things to know about the regional grant and how it is spent each year</a></li>
<li><a href="/b">Opinion: why the city needs more teachers now, not in five years from today</a></li></ul></aside>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>This council never listens to anyone in the northern districts, what a disgrace.</p></div>
<div class="comment"><p>Finally some good news for our schools after years of cuts and broken promises.</p></div>
</section>
<footer>Copyright 2026 The Daily Ledger. All rights reserved. Contact us. Privacy policy. Terms of use.</footer>
</body></html>
"""

FURNITURE = (
    "Home",
    "Buy the new Ledger app",
    "Councillors voting",
    "Five things",
    "Opinion: why",
    "disgrace",
    "Finally some good news",
    "Copyright",
    "Related stories",
    "By Maria Lopez",
)


def news_page(paragraphs: list[str] = STORY) -> bytes:
    return NEWS_PAGE.format(paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs)).encode("utf-8")


def test_a_news_page_by_url(desk, run, http_server):
    http_server.serve("/news/council-posts", news_page(), "text/html; charset=utf-8")
    url = http_server.url("/news/council-posts")
    result = run("article", "add", url)
    assert result.exit_code == 0, result.stderr
    assert "imported article 1 'Council approves 25 teaching posts': 6 claims" in result.stdout
    assert f"from {url}, web page" in result.stdout
    texts = claim_texts(run)
    assert texts == STORY
    joined = " ".join(texts)
    for furniture in FURNITURE:
        assert furniture not in joined, furniture
    assert article_rows(desk) == [
        {
            "id": 1,
            "title": "Council approves 25 teaching posts",
            "author": "Maria Lopez",
            "url": url,
            "published": "2026-01-06",
        }
    ]
    assert revision_rows(desk) == [{"article_id": 1, "number": 1, "source_name": url, "source_format": "web page"}]
    assert http_server.requests[0].headers["user-agent"].startswith("verify/")


def test_title_author_and_date_options_override_the_page(desk, run, http_server):
    http_server.serve("/story", news_page(), "text/html")
    result = run(
        "article",
        "add",
        http_server.url("/story"),
        "--title",
        "Teaching posts approved",
        "--author",
        "Desk",
        "--published",
        "2026-01-07",
    )
    assert result.exit_code == 0, result.stderr
    row = article_rows(desk)[0]
    assert (row["title"], row["author"], row["published"]) == ("Teaching posts approved", "Desk", "2026-01-07")


@pytest.mark.parametrize(
    ("head", "body_extra", "expected"),
    [
        (
            '<meta property="og:title" content="Grant row deepens"><meta name="author" content="Ines Varela">'
            '<meta property="article:published_time" content="2026-02-03T10:00:00Z">',
            "",
            ("Grant row deepens", "Ines Varela", "2026-02-03"),
        ),
        (
            "<title>Grant row deepens</title>",
            '<p>Published <time datetime="2026-02-04" pubdate>4 February 2026</time></p>',
            ("Grant row deepens", None, "2026-02-04"),
        ),
    ],
    ids=["opengraph", "time-element"],
)
def test_metadata_from_opengraph_or_a_time_element(desk, run, http_server, head, body_extra, expected):
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    page = f"<!doctype html><html><head>{head}</head><body><article>{body_extra}{paragraphs}</article></body></html>"
    http_server.serve("/grant", page.encode(), "text/html")
    assert run("article", "add", http_server.url("/grant")).exit_code == 0
    row = article_rows(desk)[0]
    assert (row["title"], row["author"], row["published"]) == expected


def test_a_redirected_page_is_followed_and_the_requested_url_kept(desk, run, http_server):
    http_server.serve("/final", news_page(), "text/html")
    http_server.redirect("/short", "/final")
    assert run("article", "add", http_server.url("/short")).exit_code == 0
    assert article_rows(desk)[0]["url"] == http_server.url("/short")


def test_refusals_for_urls(desk, run, http_server):
    http_server.serve(
        "/report.pdf", proof_pdf("A report", STORY, repeat=1), "text/html"
    )  # a PDF, whatever the header says
    refused(run, desk, http_server.url("/report.pdf"), "serves a PDF, not a web page")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    http_server.serve("/photo", png, "image/png")
    refused(run, desk, http_server.url("/photo"), "unsupported media type image/png", "accepted: HTML")
    wall = (
        "<html><head><title>Council approves posts</title></head><body><article><h1>Council approves posts</h1>"
        "<p>The city council approved new teaching posts on Monday.</p>"
        "<p>Subscribe to continue reading. Already a subscriber? Sign in to continue.</p></article></body></html>"
    )
    http_server.serve("/paywalled", wall.encode(), "text/html")
    refused(run, desk, http_server.url("/paywalled"), "asks the reader to sign in or subscribe")
    empty = (
        "<html><head><title>Gallery</title></head><body><nav><a href='/'>Home</a></nav><img src=a.jpg></body></html>"
    )
    http_server.serve("/gallery", empty.encode(), "text/html")
    refused(run, desk, http_server.url("/gallery"), "has no article text")
    http_server.redirect("/escape", "file:///etc/passwd")
    refused(run, desk, http_server.url("/escape"), "only http and https URLs can be fetched")
    http_server.route("/slow", Reply(body=news_page(), content_type="text/html", header_delay=3))
    refused(run, desk, http_server.url("/slow"), "--timeout", args=("--timeout", "0.5"))
    http_server.serve("/big", news_page() + b" " * 20_000, "text/html")
    refused(run, desk, http_server.url("/big"), "download limit", args=("--max-size", "10KB"))
    http_server.route("/gone", Reply(status=404))
    refused(run, desk, http_server.url("/gone"), "HTTP 404")


# --- Word drafts ---------------------------------------------------------------------------


def draft(tmp_path: Path, name: str = "draft.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(
        make_docx(
            [
                Para("Council approves 25 teaching posts", style="Title"),
                Para(
                    xml=text_run("The city council approved ")
                    + dele("20")
                    + ins("25")
                    + text_run(" new teaching posts on Monday after a two-hour debate.")
                    + footnote_ref()
                ),
                Para("Mayor Ana Ruiz said the posts would cost 4.2 million euros a year,", mark_deleted=True),
                Para("paid from the regional grant."),
                Para("Reaction", style="Heading 1"),
                Para(xml=comment_around(STORY[2])),
                Para(STORY[3]),
            ],
            footnote="Council minutes of 5 January, item 4.",
            comment="Check this with the opposition's press office.",
        )
    )
    return path


def test_a_word_draft_with_headings_footnotes_comments_and_tracked_changes(desk, run, tmp_path):
    path = draft(tmp_path)
    result = run("article", "add", str(path))
    assert result.exit_code == 0, result.stderr
    assert "draft.docx: 3 tracked changes accepted: the text is read as it would stand with every change" in (
        result.stdout
    )
    assert "imported article 1 'Council approves 25 teaching posts': 4 claims (from draft.docx, docx)" in result.stdout
    assert claim_texts(run) == [STORY[0], STORY[1], STORY[2], STORY[3]]
    assert revision_rows(desk) == [{"article_id": 1, "number": 1, "source_name": "draft.docx", "source_format": "docx"}]
    events = desk.rows("SELECT note FROM event WHERE action = 'import'")
    assert events == [
        {
            "note": "from draft.docx (docx); 3 tracked changes accepted: the text is read as it would "
            "stand with every change accepted"
        }
    ]


def test_moved_text_and_a_subtitle(desk, run, tmp_path):
    moved_from = (
        '<w:moveFrom w:id="5" w:author="Editor" w:date="2026-01-05T09:00:00Z">' + text_run(STORY[1]) + "</w:moveFrom>"
    )
    moved_to = (
        '<w:moveTo w:id="6" w:author="Editor" w:date="2026-01-05T09:00:00Z">' + text_run(STORY[1]) + "</w:moveTo>"
    )
    path = tmp_path / "moved.docx"
    path.write_bytes(
        make_docx(
            [
                Para("Council approves posts", style="Title"),
                Para(STORY[0], style="Subtitle"),
                Para(xml=moved_from),
                Para(STORY[2]),
                Para(xml=moved_to),
            ]
        )
    )
    result = run("article", "add", str(path))
    assert result.exit_code == 0, result.stderr
    assert "2 tracked changes accepted" in result.stdout
    assert claim_texts(run) == [STORY[0], STORY[2], STORY[1]]


def test_a_plain_text_url(desk, run, http_server):
    http_server.serve("/story.txt", ("Council approves posts\n\n" + "\n\n".join(STORY)).encode(), "text/plain")
    result = run("article", "add", http_server.url("/story.txt"))
    assert result.exit_code == 0, result.stderr
    assert "web text" in result.stdout and claim_texts(run) == STORY


def test_a_word_draft_from_standard_input(desk, run, tmp_path):
    data = draft(tmp_path).read_bytes()
    result = run("article", "add", "-", "--title", "Posts", input=data)
    assert result.exit_code == 0, result.stderr
    assert revision_rows(desk)[0]["source_format"] == "docx"
    assert claim_texts(run)[0] == STORY[0]


def test_refusals_for_word_files(desk, run, tmp_path):
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("photos/vote.jpg", b"\xff\xd8\xff" + b"\x00" * 100)
        archive.writestr("notes.txt", "not a draft")
    cases = {
        "archive.docx": (zipped.getvalue(), "is a zip archive but not a Word document"),
        "locked.docx": (encrypted_docx(), "is protected by a password"),
        "old.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old-format Word (.doc) file"),
        "text.docx": (b"The council approved 25 posts.", "is not a Word document"),
        "title-only.docx": (make_docx([Para("Council approves posts", style="Title")]), "has no body paragraphs"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        refused(run, desk, str(path), name, message)


# --- PDF proofs ----------------------------------------------------------------------------

PROOF_STORY = STORY + [
    "The council will publish the full list of schools that receive the new posts before the end of March.",
    "Parents in the northern districts have campaigned for smaller classes since the closure of two schools in 2021.",
    "A motion to fund school meals from the same grant was rejected by 14 votes to 11 late on Monday night.",
    "The audit office said it would examine how the grant has been spent over the past three years.",
    "Head teachers will be asked to advertise the new posts in February, with first hires expected by April.",
    "Council staff estimate that average class sizes in the city will fall from 29 pupils to 26 by next autumn.",
]


def proof_pdf(title: str, paragraphs: list[str], *, repeat: int = 4) -> bytes:
    """A proof: slug line and page number on every page, a headline, body paragraphs over several pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    page = 1

    def furniture() -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, height - 40, "LEDGER PROOF - education desk - not for publication")
        canvas.drawString(width / 2, 30, f"Page {page}")

    furniture()
    y = height - 90
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(72, y, title)
    y -= 36
    for text in paragraphs * repeat:
        for line in simpleSplit(text, "Helvetica", 11, width - 144):
            if y < 72:
                canvas.showPage()
                page += 1
                furniture()
                y = height - 90
            canvas.setFont("Helvetica", 11)
            canvas.drawString(72, y, line)
            y -= 14
        y -= 10
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_pdf_proof(desk, run, tmp_path):
    path = tmp_path / "proof.pdf"
    path.write_bytes(proof_pdf("Council approves 25 teaching posts", PROOF_STORY, repeat=3))
    result = run("article", "add", str(path))
    assert result.exit_code == 0, result.stderr
    assert "imported article 1 'Council approves 25 teaching posts'" in result.stdout
    paragraphs = [c["paragraph"] for c in json.loads(run("claim", "list", "--format", "json").stdout)]
    assert max(paragraphs) == len(PROOF_STORY) * 3  # one article paragraph per printed paragraph
    assert claim_texts(run) == PROOF_STORY * 3  # across page breaks, no slug line, no page number
    assert revision_rows(desk)[0]["source_format"] == "pdf"


def test_a_pdf_without_a_text_layer_is_refused(desk, run, tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.rect(72, 72, 400, 600, fill=1)  # a scanned page: pixels, no text
    canvas.showPage()
    canvas.save()
    path = tmp_path / "scan.pdf"
    path.write_bytes(buffer.getvalue())
    refused(run, desk, str(path), "scan.pdf", "no text layer")


# --- revisions across formats, and origins -------------------------------------------------


def test_revisions_keep_claim_ids_whatever_the_format(desk, run, tmp_path, http_server):
    title = "Council approves 25 teaching posts"
    word = tmp_path / "draft-v1.docx"
    word.write_bytes(make_docx([Para(title, style="Title"), *[Para(p) for p in PROOF_STORY]]))
    assert run("article", "add", str(word)).exit_code == 0
    first = {c["text"]: c["id"] for c in json.loads(run("claim", "list", "--format", "json").stdout)}

    edited = [p.replace("25 new", "26 new") for p in PROOF_STORY]
    proof = tmp_path / "proof.pdf"
    proof.write_bytes(proof_pdf(title, edited, repeat=1))
    result = run("article", "add", str(proof))
    assert result.exit_code == 0, result.stderr
    assert "revision 2: 11 unchanged, 1 edited (back to unreviewed), 0 new, 0 withdrawn (from proof.pdf, pdf)" in (
        result.stdout
    )

    http_server.serve("/published", news_page(edited[:6]), "text/html")
    result = run("article", "add", http_server.url("/published"), "--title", title)
    assert result.exit_code == 0, result.stderr
    assert "revision 3: 6 unchanged, 0 edited (back to unreviewed), 0 new, 6 withdrawn" in result.stdout
    after = {c["text"]: c["id"] for c in json.loads(run("claim", "list", "--format", "json").stdout)}
    assert after[edited[0]] == first[PROOF_STORY[0]]  # the edited sentence kept its id
    assert all(after[text] == first[text] for text in PROOF_STORY[1:6])

    listing = json.loads(run("article", "list", "--format", "json").stdout)
    assert [(r["origin"], r["format"]) for r in listing] == [(http_server.url("/published"), "web page")]
    assert [(v["revision"], v["origin"], v["format"]) for v in listing[0]["revisions"]] == [
        (1, "draft-v1.docx", "docx"),
        (2, "proof.pdf", "pdf"),
        (3, http_server.url("/published"), "web page"),
    ]
    assert all(v["imported_at"] for v in listing[0]["revisions"])
    status = run("status").stdout
    assert "revision 1: draft-v1.docx (docx), imported " in status
    assert "revision 2: proof.pdf (pdf), imported " in status
    assert f"revision 3: {http_server.url('/published')} (web page), imported " in status
    report = json.loads(run("status", "--format", "json").stdout)
    assert [v["format"] for v in report["articles"][0]["revisions"]] == ["docx", "pdf", "web page"]


def test_a_plain_text_file_names_its_format(desk, run, tmp_path):
    path = tmp_path / "story.md"
    path.write_text("# Council approves posts\n\n" + "\n\n".join(STORY) + "\n", encoding="utf-8")
    result = run("article", "add", str(path))
    assert result.exit_code == 0, result.stderr
    assert "(from story.md, markdown)" in result.stdout
    assert run("article", "list").stdout.count("story.md (markdown)") == 1


# --- real news pages -----------------------------------------------------------------------


def test_real_news_pages_by_url(desk, run, http_server):
    """Eight real pages of the article-extraction benchmark, served as they were crawled.

    Each becomes an article whose claims are, for at least 85% of them, sentences of
    the page's hand-checked article body (the rest: a subheading-like line or a
    caption the extractor kept), with its title and date from the page's markup.
    """
    import gzip
    import re

    from tests import realdocs

    truth = json.loads(realdocs.require("article-extraction-ground-truth"))
    pages = realdocs.require_folder("article-extraction-html")

    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    for number, key in enumerate(sorted(truth)[:8], start=1):
        http_server.serve(f"/{key}", gzip.decompress(pages[f"{key}.html.gz"]), "text/html")
        result = run("article", "add", http_server.url(f"/{key}"))
        assert result.exit_code == 0, (key, result.stderr)
        claims = json.loads(run("claim", "list", "--article", str(number), "--format", "json").stdout)
        body = words(truth[key]["articleBody"])
        inside = sum(words(c["text"]) in body for c in claims)
        assert claims and inside >= 0.85 * len(claims), (key, inside, len(claims))
        row = article_rows(desk)[number - 1]
        assert row["title"] and row["published"] and row["published"].startswith("2019-11"), row
