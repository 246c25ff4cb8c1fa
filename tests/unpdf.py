"""Generate PDFs laid out like a UN Security Council monitoring-team report.

The text is invented for tests (no real UN report is quoted).  The layout
copies what makes real reports hard to extract: a cover letter with a
masthead, section headings, numbered paragraphs with a hanging indent,
paragraphs running over page breaks, running headers alternating left and
right, job numbers and ``n/N`` page marks in the footer, an extra repeated
margin line, footnotes with raised reference digits, forced line-end
hyphenation ("Afghani-" / "stan") next to real hyphens ("small-" / "scale"),
and an annex whose paragraphs are numbered again from 1.

Markup in the paragraph sources: ``^12`` is footnote reference 12, ``~``
is a soft hyphenation point where the line must break ("Afghani~stan"), and
``-\\n`` is a real hyphen where the line must break ("small-\\nscale").
``make_report`` returns the PDF and the passages a perfect extractor finds.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

SYMBOL = "S/TEST/2023/14"
JOB = "23-09427"
PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT = 72.0, 523.0
HANG = 108.0  # text column of numbered paragraphs (hanging indent)
TOP, BOTTOM = 770.0, 80.0  # body area
BODY, NOTE, SUP = 11.0, 8.0, 7.0
LEAD, NOTE_LEAD = 14.0, 10.0
PARA_GAP, HEAD_GAP = 6.0, 10.0

LETTER = [
    "I have the honour to transmit herewith the fourteenth report of the "
    "Analytical Support and Sanctions Monitoring Team, submitted pursuant to "
    "paragraph 11 of resolution 2665 (2022).",
    "I should be grateful if the present letter and its annex could be "
    "brought to the attention of the members of the Security Council and "
    "issued as a document of the Council.",
]
SUMMARY = [
    "The Taliban have consolidated control over Afghanistan and show no sign "
    "of loosening their ties with Al-Qaida, whose senior figures continue to "
    "live in the country under Taliban protection.",
    "ISIL-K remains the most serious terrorist threat in the region. Its "
    "attacks have declined in number but grown in ambition, and it continues "
    "to recruit small-scale cells in neighbouring States.",
]
BODY_PARAS = [
    ("II. Introduction", None),
    (
        None,
        "The Monitoring Team travelled to eight Member States during the "
        "reporting period and held more than 40 meetings with officials, "
        "researchers and civil society. It also received written submissions "
        "from 14 Member States.",
    ),
    (
        None,
        "This report covers the period from December 2022 to April 2023. "
        "It reflects information provided by Member States on the situation in "
        "Afghani~stan and on the activities of listed individuals and entities.",
    ),
    ("III. Relations between the Taliban and Al-Qaida", None),
    (
        None,
        "Member States assess that the relationship between the Taliban and "
        "Al-Qaida remains close and symbiotic. One Member State reported that "
        "Al-Qaida has between 30 and 60 core members in the country, while its "
        "wider network of fighters numbers around 400, with up to 1,600 family "
        "members.^1 Several senior figures were said to reside in Kabul.^2",
    ),
    (
        None,
        "Al-Qaida appears to be rebuilding its training capacity on a "
        "small-\nscale, using up to five camps in the east and south of the "
        "country. The camps are reportedly protected by Taliban units and are "
        "used to train fighters who may later deploy abroad. Other Member "
        "States did not corroborate the existence of the camps, and the Team "
        "continues to monitor the reports closely because they would, if "
        "confirmed, mark a significant step in the group's reconstitution under "
        "the protection of the de facto authorities. The Team notes that "
        "several interlocutors described the arrangement as a form of "
        "hospitality extended to long-standing allies rather than a formal "
        "alliance, and that the Taliban leadership has sought to limit any "
        "visible activity that might attract international attention.^3",
    ),
    (
        None,
        "The Taliban have not taken visible steps to restrict the "
        "activities of foreign terrorist fighters in Afghani~stan. Instead, "
        "some Al-Qaida members have reportedly been appointed to positions in "
        "the security and administrative apparatus of the de facto "
        "authorities, and others receive monthly welfare payments.",
    ),
    ("IV. Islamic State in Iraq and the Levant-Khorasan", None),
    (
        None,
        "ISIL-K is assessed to have between 4,000 and 6,000 fighters and "
        "family members in Afghanistan. Its leader was reported killed in an "
        "operation by the de facto authorities in early 2023, but the group "
        "continued its campaign of high-profile attacks against Taliban "
        "officials, religious minorities and foreign interests.^4",
    ),
    (
        None,
        "The group has expanded its propaganda in regional languages and "
        "uses small-scale financial transfers through hawala networks to move "
        "funds across borders. Member States noted that the financial "
        "resources of ISIL-K remain limited, though sufficient to sustain its "
        "operations at the current tempo.",
    ),
]
ANNEX = [
    "The Team received information that Al-Qaida maintains safe houses in Herat, Helmand and Kabul provinces.^5",
    "The de facto authorities have reportedly issued travel documents to "
    "some Al-Qaida members, enabling them to move within the region.",
]
FOOTNOTES = {
    1: "Information provided by a Member State in March 2023.",
    2: "Information provided by two Member States; see also S/2022/419, para. 42.",
    3: "The Team was unable to verify these reports independently.",
    4: "Information provided by Member States in February and April 2023.",
    5: "Information provided by a Member State.",
}
# Paragraphs cycled to fill long reports; numbers vary per copy.
FILLER = [
    "In its meetings in the region the Team heard that {n} fighters had "
    "crossed into neighbouring provinces during the winter months, and that "
    "the de facto authorities had relocated several families of foreign "
    "fighters away from urban centres in Afghanistan.",
    "Member States reported that ISIL-K carried out {n} attacks in the "
    "period under review, a small-scale but persistent campaign concentrated "
    "in the north and east. Several States expressed concern that the group "
    "is seeking to recruit among displaced communities and former members of "
    "the security forces.",
    "One Member State assessed that Al-Qaida had received around {n} new "
    "recruits from the region and continues to rely on trusted "
    "intermediaries to communicate with its affiliates, while its leaders "
    "avoid electronic communications for fear of detection.",
]


@dataclass
class Report:
    """A generated report and what extraction should recover from it."""

    pdf: bytes
    passages: dict[str, str]  # locator -> expected passage text
    footnote_to: dict[str, str] = field(default_factory=dict)
    pages: int = 0


@dataclass
class _Line:
    x: float
    y: float
    text: str  # may contain ^N footnote markers
    font: str = "Times-Roman"
    size: float = BODY


@dataclass
class _Page:
    lines: list[_Line] = field(default_factory=list)
    notes: list[int] = field(default_factory=list)


def make_report(pages: int | None = None) -> Report:
    """Build the fixture report; with ``pages``, pad the body to about that length."""
    layout = _Layout()
    expected: dict[str, str] = {}
    links: dict[str, str] = {}
    layout.masthead()
    layout.title(
        "Letter dated 29 May 2023 from the Chair of the Security Council "
        "Committee established pursuant to resolution 1988 (2011) addressed "
        "to the President of the Security Council"
    )
    for i, text in enumerate(LETTER, 1):
        layout.paragraph(text)
        expected[f"p. 1, ¶ {i}"] = _plain(text)
    layout.new_page()
    layout.title(
        "Fourteenth report of the Analytical Support and Sanctions Monitoring "
        "Team concerning the Taliban and other associated individuals"
    )
    layout.heading("I. Summary")
    for text in SUMMARY:
        layout.paragraph(text)
    expected["summary"] = _plain(SUMMARY[0])
    number = 0
    for head, text in BODY_PARAS:
        if head:
            layout.heading(head)
            continue
        number += 1
        layout.numbered(number, text)
        expected[f"para. {number}"] = _plain(text)
        for ref in re.findall(r"\^(\d+)", text):
            links[f"footnote {ref}"] = f"para. {number}"
    if pages:
        layout.heading("V. Further observations")
        k = 0
        while len(layout.pages) < pages - 1:
            number += 1
            text = FILLER[k % len(FILLER)].format(n=f"{(k * 37) % 900 + 100:,}")
            layout.numbered(number, text)
            expected[f"para. {number}"] = _plain(text)
            k += 1
    layout.new_page()
    layout.heading("Annex I")
    layout.heading("Locations and movements of Al-Qaida members")
    for i, text in enumerate(ANNEX, 1):
        layout.numbered(i, text)
        expected[f"annex I, para. {i}"] = _plain(text)
        for ref in re.findall(r"\^(\d+)", text):
            links[f"footnote {ref}"] = f"annex I, para. {i}"
    for n, text in FOOTNOTES.items():
        expected[f"footnote {n}"] = text
    return Report(_render(layout.pages), expected, links, len(layout.pages))


def _plain(text: str) -> str:
    """The passage text a perfect extractor returns for a paragraph source."""
    text = re.sub(r"\^\d+", "", text)
    return text.replace("~", "").replace("-\n", "-")


class _Layout:
    """Greedy line breaking and page filling, with footnotes kept on their page."""

    def __init__(self) -> None:
        self.pages: list[_Page] = [_Page()]
        self.y = TOP

    @property
    def page(self) -> _Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = TOP

    def masthead(self) -> None:
        top = [
            _Line(LEFT, 800, "United Nations", "Times-Bold", 12),
            _Line(400, 800, SYMBOL, "Times-Bold", 14),
            _Line(LEFT, 775, "Security Council", "Times-Bold", 18),
            _Line(400, 775, "Distr.: General", size=10),
            _Line(400, 763, "1 June 2023", size=10),
            _Line(400, 745, "Original: English", size=10),
        ]
        self.page.lines.extend(top)
        self.y = 700

    def title(self, text: str) -> None:
        for line in _wrap(text, RIGHT - LEFT - 60, "Times-Bold", 14):
            self.page.lines.append(_Line(LEFT, self.y, line, "Times-Bold", 14))
            self.y -= 17
        self.y -= HEAD_GAP

    def heading(self, text: str) -> None:
        if self.y - 3 * LEAD < self._floor([]):
            self.new_page()
        self.page.lines.append(_Line(LEFT, self.y, text, "Times-Bold", BODY))
        self.y -= LEAD + HEAD_GAP

    def paragraph(self, text: str) -> None:
        self._place(_wrap(text, RIGHT - LEFT, "Times-Roman", BODY), LEFT)

    def numbered(self, number: int, text: str) -> None:
        lines = _wrap(text, RIGHT - HANG, "Times-Roman", BODY)
        self._place(lines, HANG, label=f"{number}.")

    def _place(self, lines: list[str], x: float, label: str | None = None) -> None:
        for i, line in enumerate(lines):
            refs = [int(r) for r in re.findall(r"\^(\d+)", line)]
            if self.y - LEAD < self._floor(refs):
                self.new_page()
            self.page.notes.extend(refs)
            if i == 0 and label:
                self.page.lines.append(_Line(LEFT, self.y, label))
            self.page.lines.append(_Line(x, self.y, line))
            self.y -= LEAD
        self.y -= PARA_GAP

    def _floor(self, refs: list[int]) -> float:
        notes = self.page.notes + refs
        height = sum(len(_note_lines(n)) * NOTE_LEAD + 2 for n in notes)
        return BOTTOM + height + (12 if notes else 0)


def _note_lines(number: int) -> list[str]:
    return _wrap(
        FOOTNOTES.get(number, "Information provided by a Member State."), RIGHT - LEFT - 12, "Times-Roman", NOTE
    )


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Greedy line breaking honouring the forced-break markup."""
    lines: list[str] = []
    for chunk in re.split(r"(?<=-)\n", text):
        parts = chunk.split("~")
        for j, part in enumerate(parts):
            current = ""
            for word in part.split():
                trial = f"{current} {word}".strip()
                if current and _width(trial, font, size) > width:
                    lines.append(current)
                    current = word
                else:
                    current = trial
            lines.append(current + ("-" if j < len(parts) - 1 else ""))
    return lines


def _width(text: str, font: str, size: float) -> float:
    return stringWidth(re.sub(r"\^\d+", "", text), font, size)


def _render(pages: list[_Page]) -> bytes:
    """Draw the laid-out pages with running headers, footers and footnotes."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=True)
    total = len(pages)
    for number, page in enumerate(pages, 1):
        if number > 1:
            canvas.setFont("Times-Roman", 8)
            canvas.drawCentredString(PAGE_W / 2, 818, "Advance unedited version")
            canvas.setFont("Times-Bold", 9)
            if number % 2:
                canvas.drawRightString(RIGHT, 800, SYMBOL)
            else:
                canvas.drawString(LEFT, 800, SYMBOL)
        for line in page.lines:
            _draw_text(canvas, line)
        if page.notes:
            y = BOTTOM + sum(len(_note_lines(n)) * NOTE_LEAD + 2 for n in page.notes)
            canvas.line(LEFT, y + 8, LEFT + 72, y + 8)
            for n in page.notes:
                for k, text in enumerate(_note_lines(n)):
                    if k == 0:
                        canvas.setFont("Times-Roman", NOTE)
                        canvas.drawString(LEFT, y, str(n))
                    canvas.setFont("Times-Roman", NOTE)
                    canvas.drawString(LEFT + 12, y, text)
                    y -= NOTE_LEAD
                y -= 2
        canvas.setFont("Times-Roman", 9)
        if number == 1:
            canvas.drawString(LEFT, 50, f"{JOB} (E)    050623")
            canvas.drawString(LEFT, 38, f"*{JOB.replace('-', '')}*")
            canvas.drawRightString(RIGHT, 50, "Please recycle")
        elif number % 2:
            canvas.drawString(LEFT, 50, JOB)
            canvas.drawRightString(RIGHT, 50, f"{number}/{total}")
        else:
            canvas.drawString(LEFT, 50, f"{number}/{total}")
            canvas.drawRightString(RIGHT, 50, JOB)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _draw_text(canvas: Canvas, line: _Line) -> None:
    """Draw one line; ``^N`` becomes a raised, smaller footnote reference."""
    text = canvas.beginText(line.x, line.y)
    for part in re.split(r"(\^\d+)", line.text):
        if not part:
            continue
        if part.startswith("^"):
            text.setFont(line.font, SUP)
            text.setRise(4)
            text.textOut(part[1:])
            text.setRise(0)
        else:
            text.setFont(line.font, line.size)
            text.textOut(part)
    canvas.drawText(text)


if __name__ == "__main__":  # pragma: no cover - manual inspection aid
    import sys

    report = make_report(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    sys.stdout.buffer.write(report.pdf)
