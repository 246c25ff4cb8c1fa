"""Generate PDFs in the layouts real reports use and the monitoring-team fixture lacks.

The text is invented for tests. ``old_un_report`` copies the 2009 UN layout:
a cover page with masthead, a table of contents with dot leaders, a job
number and a barcode; "A/64/9999" (an invented symbol) and "Page N" as running headers;
paragraphs without indent, numbered across sections; numbered sub-headings in
bold with their own numbering series ("1. Racism and xenophobia"); a
paragraph and a table that run over a page break; raised note markers and
the notes gathered under a "Notes" heading at the end (endnotes), and a
fake-bold title (each glyph drawn twice, slightly offset, as some producers do).
``columns_report`` lays paragraphs out in two or three columns that run from
column to column and page to page, under a full-width title.
``un_note_with_table`` is a 2-page UN note whose 10-row table carries raised
letters ("Field office, north^a") explained by lettered notes in smaller type
under the table ("a Includes ..."), one of them wrapped over two lines.

Each function returns the PDF and what a perfect extractor finds: passage
texts by locator, and the order of the locators.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT = 72.0, 523.0
TOP, BOTTOM = 760.0, 90.0
BODY, SUP, LEAD = 10.0, 6.5, 12.5
OLD_SYMBOL = "A/64/9999"  # invented: a symbol of the valid shape that no real document has


@dataclass
class Expected:
    """A generated PDF and the passages a perfect extractor finds in it."""

    pdf: bytes
    passages: dict[str, str]  # locator -> passage text
    order: list[str] = field(default_factory=list)  # every locator, in reading order
    footnote_to: dict[str, str] = field(default_factory=dict)


def plain(text: str) -> str:
    """The source markup (``^N``, ``^a`` note markers) removed, as the passage should read."""
    return re.sub(_MARKUP, "", text)


_MARKUP = r"\^(\d+|[a-z](?![a-z]))"


def wrap(
    text: str, width: float, font: str = "Times-Roman", size: float = BODY, first_indent: float = 0.0
) -> list[str]:
    """Greedy line breaking with the real font metrics (markers take no room)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        room = width - (first_indent if not lines else 0.0)
        if line and stringWidth(plain(candidate), font, size) > room:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def draw(canvas: Canvas, x: float, y: float, text: str, font: str = "Times-Roman", size: float = BODY) -> None:
    """Draw a line; ``^N`` (``^a``) becomes a raised, smaller note number (letter) glued to the word."""
    for k, part in enumerate(re.split(_MARKUP, text)):
        if not part:
            continue
        if k % 2:
            canvas.setFont(font, SUP)
            canvas.drawString(x, y + 3.5, part)
            x += stringWidth(part, font, SUP)
        else:
            canvas.setFont(font, size)
            canvas.drawString(x, y, part)
            x += stringWidth(part, font, size)


# --- the 2009 layout ----------------------------------------------------------

OLD_SECTIONS = [
    (
        "I. Introduction",
        [
            (
                None,
                "The present report is submitted pursuant to General Assembly resolution "
                "63/TEST and covers the period from 1 August 2008 to 31 July 2009. It "
                "draws on information received from 23 Governments and 41 non-governmental "
                "organizations.^1",
            ),
            (
                None,
                "The Special Rapporteur carried out two country visits during the period "
                "and held consultations in Geneva with representatives of regional "
                "groups, specialized agencies and national human rights institutions.",
            ),
        ],
    ),
    (
        "II. Main developments",
        [
            ("1. Racism and xenophobia", None),
            (
                None,
                "The Special Rapporteur received reports of 312 incidents of racially "
                "motivated violence, an increase of 18 per cent over the previous period. "
                "Most incidents were reported in urban areas and targeted migrants and "
                "members of minority communities, and several of them were committed by "
                "organized groups that publish their material online.^2",
            ),
            (
                None,
                "Several Governments informed the Special Rapporteur of new legislation "
                "criminalizing incitement to racial hatred. The Special Rapporteur "
                "welcomes these steps but notes that prosecutions remain rare and that "
                "victims often do not report incidents to the police, for fear of "
                "reprisals or because they doubt that the authorities will act.",
            ),
            ("2. The death penalty", None),
            (
                None,
                "The Special Rapporteur notes with concern that 5 States carried out "
                "executions during the period, including of persons who were under 18 "
                "years of age at the time of the offence. Information on the number of "
                "executions remains incomplete because several States treat it as a "
                "State secret.^3",
            ),
            (
                None,
                "The Special Rapporteur calls on all States that retain the death penalty "
                "to publish full figures on death sentences and executions and to "
                "establish a moratorium with a view to abolition.",
            ),
            ("3. Freedom of expression", None),
            (
                None,
                "Journalists and human rights defenders continued to face harassment in "
                "at least 27 countries. The Special Rapporteur transmitted 64 "
                "communications to Governments on such cases and received replies to 29 "
                "of them, which are summarized in the table below.",
            ),
        ],
    ),
    (
        "III. Conclusions and recommendations",
        [
            (
                None,
                "The Special Rapporteur recommends that States adopt national action "
                "plans against racism, with measurable targets, and report on their "
                "implementation to the Human Rights Council.^4",
            ),
            (
                None,
                "The Special Rapporteur further recommends that States ensure that "
                "victims of racially motivated violence have access to effective "
                "remedies, including compensation, and that law enforcement officials "
                "receive training on the investigation of hate crimes.",
            ),
        ],
    ),
]
OLD_TABLE = [
    ("Region", "Communications", "Replies"),
    ("Africa", "14", "6"),
    ("Asia and the Pacific", "19", "8"),
    ("Eastern Europe", "9", "5"),
    ("Latin America and the Caribbean", "11", "4"),
    ("Western Europe and other States", "11", "6"),
    ("Total", "64", "29"),
]
OLD_NOTES = {
    1: "See A/63/TEST, para. 12.",
    2: "Information received from non-governmental organizations in March 2009.",
    3: "See also E/CN.4/2005/7, paras. 56-60.",
    4: "See Human Rights Council resolution 10/TEST.",
}
OLD_TITLE = "Report of the Special Rapporteur on racism and related intolerance"


class _Pages:
    """A canvas that turns pages with the 2009 running header and footer."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.page = 1
        self.y = TOP

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.turn()

    def turn(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self.y = TOP
        self.canvas.setFont("Times-Roman", 9)
        self.canvas.drawString(LEFT, 800, OLD_SYMBOL)
        self.canvas.drawRightString(RIGHT, 800, f"Page {self.page}")
        self.canvas.setFont("Times-Roman", 8)
        self.canvas.drawString(LEFT, 50, "09-12345")


def old_un_report() -> Expected:
    """The 2009 layout (see the module doc); paragraph 6 and the table cross page breaks."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=True)
    canvas.setTitle("")
    # cover: masthead, fake-bold title, contents, job number, barcode
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(LEFT, 790, "United Nations")
    canvas.setFont("Times-Roman", 10)
    canvas.drawRightString(RIGHT, 790, OLD_SYMBOL)
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(LEFT, 760, "General Assembly")
    canvas.setFont("Times-Roman", 10)
    for k, line in enumerate(("Distr.: General", "15 July 2009", "Original: English")):
        canvas.drawString(400, 760 - 12 * k, line)
    y = 690.0
    for line in wrap(OLD_TITLE, 380, "Times-Bold", 14):
        for dx in (0.0, 0.3):  # fake bold: the same glyphs drawn twice
            canvas.setFont("Times-Bold", 14)
            canvas.drawString(LEFT + dx, y, line)
        y -= 17
    y -= 20
    canvas.setFont("Times-Bold", 11)
    canvas.drawString(LEFT, y, "Contents")
    canvas.setFont("Times-Roman", 9)
    canvas.drawRightString(RIGHT, y, "Page")
    y -= 18
    for entry, page in (
        ("I. Introduction", 2),
        ("II. Main developments", 2),
        ("III. Conclusions and recommendations", 3),
        ("Notes", 4),
    ):
        canvas.setFont("Times-Roman", BODY)
        canvas.drawString(LEFT, y, entry)
        dots_from = LEFT + stringWidth(entry, "Times-Roman", BODY) + 6
        canvas.drawString(dots_from, y, "." * int((RIGHT - 20 - dots_from) / 2.6))
        canvas.drawRightString(RIGHT, y, str(page))
        y -= 14
    canvas.setFont("Times-Roman", 8)
    canvas.drawString(LEFT, 60, "09-12345 (E)    150709")
    canvas.setFont("Courier", 10)
    canvas.drawString(LEFT, 45, "*0912345*")

    pages = _Pages(canvas)
    pages.turn()
    expected: dict[str, str] = {}
    order: list[str] = []
    links: dict[str, str] = {}
    number = 0
    for head, items in OLD_SECTIONS:
        pages.need(3 * LEAD)
        draw(canvas, LEFT, pages.y, head, "Times-Bold", 11)
        pages.y -= 2 * LEAD
        for sub, text in items:
            if sub:
                pages.need(3 * LEAD)
                draw(canvas, LEFT, pages.y, sub, "Times-Bold", BODY)
                pages.y -= 1.6 * LEAD
                continue
            assert text is not None
            number += 1
            if number == 5:  # starts two lines above the foot of the page: runs over the break
                pages.y = min(pages.y, BOTTOM + 2 * LEAD + 1)
            label = f"{number}."
            lines = wrap(text, RIGHT - LEFT, first_indent=28)
            for k, line in enumerate(lines):
                pages.need(LEAD)
                if k == 0:
                    draw(canvas, LEFT, pages.y, label)
                    draw(canvas, LEFT + 28, pages.y, line)
                else:
                    draw(canvas, LEFT, pages.y, line)
                pages.y -= LEAD
            pages.y -= 0.6 * LEAD
            locator = f"para. {number}"
            expected[locator] = plain(text)
            order.append(locator)
            for ref in re.findall(r"\^(\d+)", text):
                links[f"footnote {ref}"] = locator
            if number == 7:  # the table, running over the page break
                pages.y = min(pages.y, BOTTOM + 3 * LEAD + 2)  # three rows fit, then a new page
                start, rows = pages.page, []
                for cells in OLD_TABLE:
                    pages.need(LEAD)
                    font = "Times-Bold" if cells[0] == "Region" else "Times-Roman"
                    canvas.setFont(font, 9)
                    canvas.drawString(LEFT + 20, pages.y, cells[0])
                    canvas.drawRightString(360, pages.y, cells[1])
                    canvas.drawRightString(460, pages.y, cells[2])
                    rows.append(" | ".join(cells))
                    pages.y -= LEAD
                pages.y -= 0.6 * LEAD
                expected[f"p. {start}, table 1"] = "\n".join(rows)
                order.append(f"p. {start}, table 1")
    pages.turn()
    draw(canvas, LEFT, pages.y, "Notes", "Times-Bold", 11)
    pages.y -= 2 * LEAD
    for ref, note in OLD_NOTES.items():
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(LEFT, pages.y, str(ref))
        canvas.drawString(LEFT + 18, pages.y, note)
        pages.y -= 1.2 * LEAD
        expected[f"footnote {ref}"] = note
        order.append(f"footnote {ref}")
    canvas.showPage()
    canvas.save()
    return Expected(buf.getvalue(), expected, order, links)


# --- two and three columns ------------------------------------------------------

COLUMN_PARAS = [
    "The committee met four times during the year and reviewed 37 applications for "
    "funding, of which 21 were approved in full and 9 in part.",
    "Members noted that the number of applications from small municipalities had "
    "doubled since the previous year, which they attributed to the simplified "
    "procedure introduced in March and to the outreach of the regional offices. "
    "They asked the secretariat to keep the procedure under review and to report "
    "on its effects on the quality of the applications received.",
    "The total amount granted was 4.2 million euros, against 3.1 million euros in the "
    "previous year, an increase of 35 per cent.",
    "Projects on water supply received the largest share, followed by projects on "
    "school buildings and on rural roads. Two projects were cancelled after the "
    "applicants withdrew, and the funds were returned to the reserve.",
    "The committee decided to publish the full list of approved projects, with the "
    "amounts granted and the names of the responsible officials, on its website "
    "within 30 days of each meeting.",
    "Members also agreed to commission an independent evaluation of the programme, "
    "to be completed before the end of the following year, and to invite comments "
    "from the municipalities that had received funding.",
]


def columns_report(columns: int, copies: int = 2) -> Expected:
    """Numbered paragraphs in ``columns`` columns under a full-width title, over two pages."""
    gutter = 18.0
    width = (RIGHT - LEFT - gutter * (columns - 1)) / columns
    paras = [p for _ in range(copies) for p in COLUMN_PARAS]
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=True)
    canvas.setFont("Times-Bold", 14)
    canvas.drawString(LEFT, 780, "Annual report of the grants committee")
    column, y, top = 0, 740.0, 740.0
    bottom = 560.0 if columns == 3 else 480.0  # short columns: paragraphs must flow
    expected: dict[str, str] = {}
    order: list[str] = []
    for number, text in enumerate(paras, 1):
        lines = wrap(f"{number}. {text}", width)
        for line in lines:
            if y < bottom:
                column += 1
                y = top
                if column == columns:
                    canvas.showPage()
                    column, top, y = 0, 780.0, 780.0
            draw(canvas, LEFT + column * (width + gutter), y, line)
            y -= LEAD
        y -= 0.7 * LEAD
        expected[f"para. {number}"] = text
        order.append(f"para. {number}")
    canvas.showPage()
    canvas.save()
    return Expected(buf.getvalue(), expected, order)


# --- a 2-page UN note with a table and lettered table notes -----------------------

NOTE_SYMBOL = "S/2099/101"  # invented
NOTE_TITLE = "Note by the Secretariat on the staffing of field offices"
NOTE_PARAS = [
    "The present note provides information on the staffing of the field offices of the "
    "mission as at 31 January 2025, as requested by the Council in its resolution 9999 (2099).",
    "The mission operates eight field offices. Their approved posts and vacancies are set out in the table below.",
    "Vacancy rates remain highest in the offices opened most recently, where recruitment was "
    "delayed by the security situation.",
    "The Secretariat will continue to fill vacant posts as a matter of priority and will report "
    "on progress in its next note.",
    "The Council may wish to take note of the present information.",
]
NOTE_TABLE = [
    ("Office", "Posts", "Vacant"),
    ("Headquarters", "112", "9"),
    ("Field office, north^a", "41", "6"),
    ("Field office, south", "38", "4"),
    ("Field office, east", "27", "5"),
    ("Field office, west", "25", "3"),
    ("Liaison office, capital^b", "12", "2"),
    ("Logistics base", "19", "1"),
    ("Regional hub", "16", "2"),
    ("Total", "290", "32"),
]
NOTE_TABLE_NOTES = {
    "a": "Includes two posts on loan from the regional service centre.",
    "b": "Opened in January 2025; the figures cover the posts approved for the first year of "
    "operation only, before the review of its staffing table by the Advisory Committee.",
}


MODIFIER_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # has "ᵃ", "ᵇ"; not every machine
_MODIFIERS = {"a": "ᵃ", "b": "ᵇ"}


def un_note_with_table(modifier_letters: bool = False) -> Expected:
    """The 2-page UN note (see the module doc); the table notes end page 1's table.

    ``modifier_letters`` writes the markers as the characters "ᵃ", "ᵇ" at text
    size (as some producers and copy-pasted tables do) instead of raised
    letters; the table and its notes are then set in DejaVu Sans.
    """
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=True)
    cell_font = "Times-Roman"
    if modifier_letters:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont("DejaVuSans", MODIFIER_FONT))
        cell_font = "DejaVuSans"
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(LEFT, 790, "United Nations")
    canvas.setFont("Times-Roman", 10)
    canvas.drawRightString(RIGHT, 790, NOTE_SYMBOL)
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(LEFT, 760, "Security Council")
    canvas.setFont("Times-Roman", 10)
    for k, line in enumerate(("Distr.: General", "12 March 2099", "Original: English")):
        canvas.drawString(400, 760 - 12 * k, line)
    y = 700.0
    canvas.setFont("Times-Bold", 14)
    canvas.drawString(LEFT, y, NOTE_TITLE)
    y -= 2.5 * LEAD
    expected: dict[str, str] = {}
    order: list[str] = []

    def paragraph(number: int, y: float) -> float:
        lines = wrap(NOTE_PARAS[number - 1], RIGHT - LEFT, first_indent=28)
        for k, line in enumerate(lines):
            if k == 0:
                draw(canvas, LEFT, y, f"{number}.")
            draw(canvas, LEFT + (28 if k == 0 else 0), y, line)
            y -= LEAD
        expected[f"para. {number}"] = NOTE_PARAS[number - 1]
        order.append(f"para. {number}")
        return y - 0.6 * LEAD

    for number in (1, 2, 3):
        y = paragraph(number, y)
    rows = []
    for cells in NOTE_TABLE:
        font = "Times-Bold" if cells[0] == "Office" else cell_font
        if modifier_letters:
            canvas.setFont(font, 9)
            canvas.drawString(LEFT + 20, y, re.sub(r"\^([a-z])", lambda m: _MODIFIERS[m.group(1)], cells[0]))
        else:
            draw(canvas, LEFT + 20, y, cells[0], font, 9)
        canvas.setFont(font, 9)
        canvas.drawRightString(360, y, cells[1])
        canvas.drawRightString(460, y, cells[2])
        rows.append(" | ".join(plain(c) for c in cells))
        y -= LEAD
    expected["p. 1, table 1"] = "\n".join(rows)
    order.append("p. 1, table 1")
    y -= 0.3 * LEAD
    for letter, note in NOTE_TABLE_NOTES.items():
        for k, line in enumerate(wrap(note, RIGHT - LEFT - 30, size=8)):
            if k == 0 and modifier_letters:
                line = f"{_MODIFIERS[letter]} {line}"
            elif k == 0:
                canvas.setFont("Times-Roman", 6)
                canvas.drawString(LEFT + 20, y + 3, letter)
            canvas.setFont(cell_font, 8)
            canvas.drawString(LEFT + (20 if modifier_letters and k == 0 else 26), y, line)
            y -= 10
        expected[f"footnote {letter}"] = note
        order.append(f"footnote {letter}")
    y -= LEAD
    y = paragraph(4, y)
    canvas.setFont("Times-Roman", 8)
    canvas.drawString(LEFT, 60, "99-99999 (E)    120399")
    canvas.setFont("Courier", 10)
    canvas.drawString(LEFT, 45, "*9999999*")
    canvas.showPage()
    canvas.setFont("Times-Roman", 9)
    canvas.drawString(LEFT, 800, NOTE_SYMBOL)
    y = TOP
    y = paragraph(5, y)
    canvas.setFont("Times-Roman", 9)
    canvas.drawRightString(RIGHT, 50, "2/2")
    canvas.drawString(LEFT, 50, "99-99999")
    canvas.showPage()
    canvas.save()
    links = {"footnote a": "p. 1, table 1", "footnote b": "p. 1, table 1"}
    return Expected(buf.getvalue(), expected, order, links)
