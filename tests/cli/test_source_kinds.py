"""Sources that are not public documents: kinds, internal sources, interviews, calls without a transcript.

An internal source supports verdicts and is cited in the internal appendix and
the full exports, but never named in ClaimReview or CSL-JSON, which say "the
newsroom's own reporting" where a verdict rests on internal sources alone. A
call registered without a transcript gives evidence that is a note, shown as
one everywhere. Every document here is written by the test.
"""

from __future__ import annotations

import csv
import io
import json

ARTICLE = (
    "# Floods in the valley\n\n"
    "The ministry said 2,000 people were displaced in March.\n\n"
    "Relief convoys reached 14 villages by the end of April.\n\n"
    "The river rose by three metres in a single night.\n"
)
NOTES = (
    "Interview notes, Ana Ruiz, ministry spokesperson.\n\n"
    "Convoys from the relief agency had reached 14 villages by the end of April, she said.\n"
)
REPORT = (
    "Valley flood situation report.\n\n"
    "Relief convoys reached 14 villages by the end of April according to the agency.\n\n"
    "Gauges show the river rose by three metres in a single night on 3 March.\n"
)
PERSON = "Ana Ruiz"
CALL_PERSON = "Tomás Ledesma"  # the person on the unrecorded call: named nowhere public
SAID = "Ledesma confirmed that 2,000 people were displaced in March"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def refused(result, *words: str) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message, message
    for word in words:
        assert word in message, message
    return message


def show(run, key: str) -> dict:
    return json.loads(ok(run("source", "show", key, "--format", "json")).stdout)


def claim_id(run, start: str) -> int:
    claims = json.loads(ok(run("claim", "list", "--format", "json")).stdout)
    return next(c["id"] for c in claims if c["text"].startswith(start))


def newsroom(run, tmp_path) -> dict[str, int]:
    """An article, interview notes (internal), a call without a transcript (internal) and a public report.

    Claim "displaced" rests on the call alone, "convoys" on the notes and the
    report, "river" on the report alone; all three verified.
    """
    ok(run("init"))
    (tmp_path / "floods.md").write_text(ARTICLE, encoding="utf-8")
    ok(run("article", "add", "floods.md", "--url", "https://news.example.org/floods"))
    (tmp_path / "ruiz-notes.txt").write_text(NOTES, encoding="utf-8")
    ok(
        run(
            "source", "add", "ruiz-notes.txt", "--key", "ruiz-notes", "--kind", "interview", "--person", PERSON,
            "--role", "ministry spokesperson", "--method", "phone", "--date", "2026-11-30",
        )
    )  # fmt: skip
    ok(
        run(
            "source", "register", "ledesma-call", "--kind", "interview", "--person", CALL_PERSON, "--role",
            "district official", "--method", "in person", "--date", "2026-12-01", "--summary",
            "Confirmed the displacement figure; would not be named in print.",
        )
    )  # fmt: skip
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    ok(run("source", "add", "report.txt", "--key", "flood-report", "--kind", "report", "--publisher", "Relief Agency"))
    claims = {name: claim_id(run, start) for name, start in (("displaced", "The ministry"), ("convoys", "Relief"))}
    claims["river"] = claim_id(run, "The river")
    ok(run("evidence", "link", str(claims["displaced"]), "--source", "ledesma-call", "--stance", "supports",
           "--said", SAID))  # fmt: skip
    ok(run("evidence", "link", str(claims["convoys"]), "--source", "ruiz-notes", "--stance", "supports",
           "--quote", "had reached 14 villages by the end of April"))  # fmt: skip
    ok(run("evidence", "link", str(claims["convoys"]), "--source", "flood-report", "--stance", "supports",
           "--quote", "Relief convoys reached 14 villages by the end of April"))  # fmt: skip
    ok(run("evidence", "link", str(claims["river"]), "--source", "flood-report", "--stance", "supports",
           "--quote", "the river rose by three metres in a single night"))  # fmt: skip
    for claim in claims.values():
        ok(run("claim", "mark", str(claim), "verified"))
    return claims


# --- kinds, interviews, internal ----------------------------------------------------------------


def test_interview_notes_are_an_internal_source_with_who_role_date_and_method(run, workspace, tmp_path):
    ok(run("init"))
    (tmp_path / "notes.txt").write_text(NOTES, encoding="utf-8")
    added = ok(
        run(
            "source", "add", "notes.txt", "--key", "ruiz", "--kind", "interview", "--person", PERSON, "--role",
            "ministry spokesperson", "--method", "Phone", "--date", "2026-11-30",
        )
    )  # fmt: skip
    assert "[interview, internal]" in added.stdout
    shown = show(run, "ruiz")
    assert (shown["kind"], shown["internal"], shown["person"], shown["role"], shown["method"], shown["date"]) == (
        "interview",
        True,
        PERSON,
        "ministry spokesperson",
        "phone",
        "2026-11-30",
    )
    assert workspace.query("SELECT kind, internal FROM source WHERE key = 'ruiz'") == [("interview", True)]
    assert json.loads((workspace.sources / "ruiz" / "source.json").read_text())["internal"] is True
    text = ok(run("source", "show", "ruiz")).stdout
    assert "never named in public outputs" in text and PERSON in text
    listed = json.loads(ok(run("source", "list", "--format", "json")).stdout)
    assert [(s["key"], s["kind"], s["internal"]) for s in listed] == [("ruiz", "interview", True)]


def test_an_interview_given_public_and_other_kinds_default_to_public(run, workspace, tmp_path):
    ok(run("init"))
    (tmp_path / "notes.txt").write_text(NOTES, encoding="utf-8")
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    ok(run("source", "add", "notes.txt", "--key", "on-record", "--kind", "interview", "--public"))
    ok(run("source", "add", "report.txt", "--key", "memo", "--kind", "document", "--internal"))
    assert (show(run, "on-record")["internal"], show(run, "memo")["internal"]) == (False, True)
    assert show(run, "memo")["kind"] == "document"


def test_wrong_kinds_and_interview_fields_are_refused_and_nothing_is_written(run, workspace, tmp_path):
    ok(run("init"))
    (tmp_path / "notes.txt").write_text(NOTES, encoding="utf-8")
    refused(run("source", "add", "notes.txt", "--kind", "rumour"), "unknown source kind 'rumour'", "interview")
    refused(run("source", "add", "notes.txt", "--person", PERSON), "--person", "--kind interview")
    refused(run("source", "add", "notes.txt", "--kind", "interview", "--method", "pigeon"), "unknown interview method")
    refused(run("source", "add", "notes.txt", "--kind", "interview", "--summary", "x"), "--summary")
    refused(run("source", "register", "call", "--kind", "report", "--role", "mayor"), "--role", "--kind interview")
    assert workspace.query("SELECT count(*) FROM source") == [(0,)]
    assert not workspace.sources.exists() or not any(workspace.sources.iterdir())


def test_source_edit_sets_kind_and_internal_audited(run, workspace, tmp_path):
    ok(run("init"))
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    ok(run("source", "add", "report.txt", "--key", "memo"))
    assert show(run, "memo")["internal"] is False
    edited = ok(run("source", "edit", "memo", "--kind", "document", "--internal"))
    assert "kind (none) -> 'document'" in edited.stdout and "internal 'public' -> 'internal'" in edited.stdout
    assert workspace.query("SELECT old, new FROM event WHERE action = 'source_edit' ORDER BY id") == [
        (None, "document"),
        ("public", "internal"),
    ]
    assert "nothing changed" in ok(run("source", "edit", "memo", "--internal")).stdout
    refused(run("source", "edit", "memo", "--person", PERSON), "--person", "not one")
    ok(run("source", "edit", "memo", "--public"))
    assert show(run, "memo")["internal"] is False


# --- a call without a transcript -------------------------------------------------------------------


def test_a_registered_call_gives_note_evidence_shown_as_a_note(run, workspace, tmp_path):
    ok(run("init"))
    (tmp_path / "floods.md").write_text(ARTICLE, encoding="utf-8")
    ok(run("article", "add", "floods.md"))
    registered = ok(
        run("source", "register", "call", "--kind", "interview", "--person", CALL_PERSON, "--method", "phone",
            "--date", "2026-12-01", "--summary", "Confirmed the figure.")
    )  # fmt: skip
    assert "registered interview call (internal; no transcript)" in registered.stdout
    claim = str(claim_id(run, "The ministry"))
    refused(
        run("evidence", "link", claim, "--source", "call", "--stance", "supports", "--quote", "two thousand people"),
        "without a transcript",
        "--said",
    )
    refused(
        run("evidence", "link", claim, "--source", "call", "--stance", "supports", "--said", SAID, "--quote", "x y z"),
        "--said links a note",
    )
    refused(run("evidence", "link", claim, "--source", "call", "--stance", "supports", "--said", "  "), "empty")
    assert workspace.query("SELECT count(*) FROM evidence") == [(0,)]
    linked = ok(run("evidence", "link", claim, "--source", "call", "--stance", "supports", "--said", SAID))
    assert "note of a call, not a quote" in linked.stdout
    assert workspace.query("SELECT kind, anchor, quote, start, passage_id FROM evidence") == [
        ("note", "note", SAID, None, None)
    ]
    [item] = json.loads(ok(run("evidence", "list", claim, "--format", "json")).stdout)
    assert (item["kind"], item["source_internal"], item["quote"]) == ("note", True, SAID)
    table = ok(run("evidence", "list", claim)).stdout
    assert "call note" in table and "note: Ledesma confirmed" in table and "(internal)" in table
    shown = ok(run("claim", "show", claim)).stdout
    assert "note of a call, not a quote:" in shown and f"“{SAID}”" not in shown
    assert f"call: {CALL_PERSON}, phone, 2026-12-01" in shown
    marked = ok(run("claim", "mark", claim, "verified"))
    assert "on notes of calls without a transcript only" in marked.stdout and "evidence 1 (call)" in marked.stdout
    assert workspace.query("SELECT status FROM claim WHERE id = ?", int(claim)) == [("verified",)]
    check = ok(run("source", "check", "call", "--format", "json"))
    assert [(f["state"], f["problem"]) for f in json.loads(check.stdout)] == [("no_transcript", False)]
    status = json.loads(ok(run("status", "--format", "json")).stdout)
    assert [(s["key"], s["kind"], s["internal"]) for s in status["sources"]] == [("call", "interview", True)]
    assert "call, no transcript" in ok(run("status")).stdout


def test_said_is_only_for_a_call_without_a_transcript(run, workspace, tmp_path):
    ok(run("init"))
    (tmp_path / "floods.md").write_text(ARTICLE, encoding="utf-8")
    ok(run("article", "add", "floods.md"))
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    ok(run("source", "add", "report.txt", "--key", "report"))
    (tmp_path / "notes.txt").write_text(NOTES, encoding="utf-8")
    ok(run("source", "add", "notes.txt", "--key", "notes", "--kind", "interview"))
    claim = str(claim_id(run, "Relief"))
    refused(run("evidence", "link", claim, "--source", "report", "--stance", "supports", "--said", SAID), "--quote")
    refused(run("evidence", "link", claim, "--source", "notes", "--stance", "supports", "--said", SAID), "transcript")
    assert workspace.query("SELECT count(*) FROM evidence") == [(0,)]


def test_a_transcript_added_later_keeps_the_call_and_its_notes(run, workspace, tmp_path):
    ok(run("init"))
    (tmp_path / "floods.md").write_text(ARTICLE, encoding="utf-8")
    ok(run("article", "add", "floods.md"))
    ok(run("source", "register", "call", "--kind", "interview", "--person", CALL_PERSON, "--method", "phone"))
    claim = str(claim_id(run, "Relief"))
    ok(run("evidence", "link", claim, "--source", "call", "--stance", "supports", "--said", SAID))
    (tmp_path / "transcript.txt").write_text(NOTES, encoding="utf-8")
    ok(run("source", "add", "transcript.txt", "--key", "call"))
    shown = show(run, "call")
    assert (shown["kind"], shown["internal"], shown["person"], shown["retrieved"]) == (
        "interview",
        True,
        CALL_PERSON,
        True,
    )
    ok(run("evidence", "link", claim, "--source", "call", "--stance", "supports", "--quote", "reached 14 villages"))
    kinds = [e["kind"] for e in json.loads(ok(run("evidence", "list", claim, "--format", "json")).stdout)]
    assert kinds == ["note", "quote"]
    # A corrected transcript is a new version: the note follows it as it is, and is logged.
    (tmp_path / "transcript.txt").write_text(NOTES + "\nShe added nothing else.\n", encoding="utf-8")
    ok(run("source", "add", "transcript.txt", "--key", "call"))
    assert workspace.query(
        "SELECT e.kind, s.version FROM evidence e JOIN source s ON s.id = e.source_id ORDER BY e.id"
    ) == [("note", 2), ("quote", 2)]
    assert workspace.query("SELECT count(*) FROM event WHERE action = 'evidence_reanchor'") == [(2,)]


# --- the public/internal split in every output ----------------------------------------------------


def test_internal_appendix_cites_internal_sources_marked_and_call_notes_as_notes(run, workspace, tmp_path):
    newsroom(run, tmp_path)
    markdown = ok(run("report", "appendix")).stdout
    assert "Interview with Ana Ruiz, ministry spokesperson, by phone, 30 November 2026" in markdown
    assert f"Interview with {CALL_PERSON}, district official, in person, 1 December 2026" in markdown
    assert markdown.count("*Internal source, not in the public appendix.*") == 4  # 2 citations, 2 bibliography
    assert f"Note of the call (no transcript; the reporter's words, not a quote): {SAID}" in markdown
    assert f"> “{SAID}”" not in markdown
    assert "Call recorded without a transcript." in markdown
    assert "**flood-report**: Relief Agency" in markdown
    html = ok(run("report", "appendix", "--format", "html")).stdout
    assert html.count('<span class="internal">Internal source, not in the public appendix.</span>') == 4
    assert '<p class="call-note">Note of the call (no transcript; the reporter&#x27;s words, not a quote):' in html
    assert "Tom\u00e1s Ledesma" in html or "Tom&#" in html


def test_claimreview_names_no_internal_source_and_says_the_newsroom_confirmed(run, workspace, tmp_path):
    claims = newsroom(run, tmp_path)
    text = ok(
        run(
            "export",
            "--format",
            "claimreview",
            "--org",
            "Desk",
            "--review-url",
            "https://example.org/checks",
            "--include-unsigned",
        )
    ).stdout
    reviews = {r["url"].rsplit("-", 1)[1]: r for r in json.loads(text)}
    assert reviews[str(claims["displaced"])]["reviewBody"] == "Confirmed by the newsroom's own reporting."
    assert "reviewBody" not in reviews[str(claims["convoys"])]  # a public report supports it too
    assert "reviewBody" not in reviews[str(claims["river"])]
    for secret in (CALL_PERSON, PERSON, "ledesma-call", "ruiz-notes", SAID, "spokesperson"):
        assert secret not in text


def test_claimreview_wording_is_configurable_from_the_library(run, workspace, tmp_path):
    claims = newsroom(run, tmp_path)
    from verify.db.engine import open_database
    from verify.exports.claimreview import claim_reviews

    database = open_database(workspace.url)
    try:
        with database.read() as session:
            reviews = claim_reviews(
                session,
                org="Desk",
                review_url="https://example.org/checks",
                include_unsigned=True,
                wording="  established by our own reporters ",
            ).reviews
    finally:
        database.engine.dispose()
    bodies = {r["url"].rsplit("-", 1)[1]: r.get("reviewBody") for r in reviews}
    assert bodies[str(claims["displaced"])] == "Established by our own reporters."


def test_public_appendix_names_no_internal_source_and_says_the_newsroom_confirmed(run, workspace, tmp_path):
    claims = newsroom(run, tmp_path)
    for fmt in ("md", "html"):
        text = ok(run("report", "appendix", "--public", "--format", fmt)).stdout
        assert "Confirmed by the newsroom" in text and "Relief Agency" in text  # the public report is cited
        for secret in (CALL_PERSON, PERSON, "ledesma-call", "ruiz-notes", SAID, "spokesperson", "Internal source"):
            assert secret not in text, (fmt, secret)
    markdown = ok(run("report", "appendix", "--public")).stdout
    displaced = markdown.split(f'<a id="claim-{claims["displaced"]}"></a>', 1)[1].split("<a id=", 1)[0]
    assert "*Confirmed by the newsroom's own reporting.*" in displaced


def test_csl_leaves_internal_sources_out(run, workspace, tmp_path):
    newsroom(run, tmp_path)
    text = ok(run("export", "--format", "csl-json")).stdout
    assert [item["id"] for item in json.loads(text)] == ["flood-report"]
    for secret in (CALL_PERSON, PERSON, "ledesma-call", "ruiz-notes"):
        assert secret not in text
    ok(run("source", "edit", "ruiz-notes", "--public"))  # put on the record: now it is cited
    assert [item["id"] for item in json.loads(ok(run("export", "--format", "csl-json")).stdout)] == [
        "flood-report",
        "ruiz-notes",
    ]


def test_csv_export_marks_internal_sources_and_call_notes(run, workspace, tmp_path):
    claims = newsroom(run, tmp_path)
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(ok(run("export", "--format", "csv")).stdout))}
    assert rows[claims["displaced"]]["sources"] == "ledesma-call (internal, call note)"
    assert rows[claims["convoys"]]["sources"] == "ruiz-notes ¶ 2 (internal); flood-report ¶ 2"
    assert rows[claims["river"]]["sources"] == "flood-report ¶ 3"
    listed = list(csv.DictReader(io.StringIO(ok(run("source", "list", "--format", "csv")).stdout)))
    assert {(r["key"], r["kind"], r["internal"]) for r in listed} == {
        ("flood-report", "report", "False"),
        ("ledesma-call", "interview", "True"),
        ("ruiz-notes", "interview", "True"),
    }


def test_json_export_keeps_everything_internal_and_round_trips(run, workspace, tmp_path):
    newsroom(run, tmp_path)
    text = ok(run("export", "--format", "json")).stdout
    data = json.loads(text)
    sources = {s["key"]: s for s in data["sources"]}
    assert (sources["ledesma-call"]["internal"], sources["ledesma-call"]["person"]) == (True, CALL_PERSON)
    assert sources["ledesma-call"]["summary"].startswith("Confirmed the displacement figure")
    assert sources["flood-report"]["internal"] is False and sources["flood-report"]["kind"] == "report"
    assert sorted(e["kind"] for e in data["evidence"]) == ["note", "quote", "quote", "quote"]
    (tmp_path / "dump.json").write_text(text, encoding="utf-8")
    other = tmp_path / "other.db"
    env_db = ("--db", str(other))
    ok(run(*env_db, "init"))
    ok(run(*env_db, "import", str(tmp_path / "dump.json")))
    again = json.loads(ok(run(*env_db, "export", "--format", "json")).stdout)
    assert again["sources"] == data["sources"] and again["evidence"] == data["evidence"]


# --- the schema ------------------------------------------------------------------------------------


def test_migration_0012_downgrades_and_upgrades_keeping_every_row(run, workspace, tmp_path):
    from alembic import command

    from verify.db import migrate
    from verify.db.engine import open_database

    newsroom(run, tmp_path)
    counts = [workspace.query(f"SELECT count(*) FROM {table}") for table in ("source", "evidence", "event")]
    database = open_database(workspace.url)
    try:
        config = migrate._config()
        with database.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0006")
    finally:
        database.engine.dispose()
    assert workspace.query("SELECT version_num FROM alembic_version") == [("0006",)]
    assert "internal" not in workspace.rows("SELECT * FROM source")[0]
    assert "kind" not in workspace.rows("SELECT * FROM evidence")[0]
    assert [workspace.query(f"SELECT count(*) FROM {table}") for table in ("source", "evidence", "event")] == counts
    assert f"schema 0006 -> {migrate.HEAD}" in ok(run("db", "upgrade")).stdout
    assert workspace.query("SELECT DISTINCT kind, internal FROM source") == [(None, False)]
    assert workspace.query("SELECT DISTINCT kind FROM evidence") == [("quote",)]
