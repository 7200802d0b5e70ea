"""The weekly partner meeting on one printed page, for the minutes: a PDF with no names in it.

``weekly_summary_pdf(as_of=..., changes=meeting.weekly_changes(...), caseload=meeting.caseload_change(...),
agenda=meeting.meeting_agenda(...).counts)`` returns the PDF's bytes: the week and the as-of date, this
week's figures against last week's, each care team's caseload against its cap, and the client agenda
counted by team and reason. Only the columns named below are read, so a frame that carries more
(staff or participant names, say) cannot leak them onto the page.

Plain Python (fpdf2's built-in Helvetica, no font files), so it runs anywhere the dashboard does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lead_data.figures.meeting import COUNT_COLUMNS
from lead_data.labels import engagement_days
from lead_data.sql import CONTACT_OVERDUE, IN_THE_WIND

CHANGE_COLUMNS = ("figure", "this_week", "last_week", "change")
CASELOAD_COLUMNS = ("team", "caseload", "caseload_cap", "over_cap", "last_week", "change")
AGENDA_COLUMNS = COUNT_COLUMNS
AGENDA_HEADINGS = ("Team", "New intake", "Re-arrest", "Overdue", "In the wind", "Graduated", "Other exit", "Clients")
# More of these is bad news; the page marks which way is better so a reader need not guess.
RISING_IS_BAD = frozenset({"Re-arrests", "Other exits", "Unassigned", "Teams over cap"})

PAGE_FORMAT = "Letter"
MARGIN_MM = 15
INK = (17, 17, 17)
MUTED = (80, 80, 80)
RULE = (150, 150, 150)
HEADER_FILL = (232, 237, 242)
OVER_CAP_FILL = (250, 226, 211)  # a light tint of the dashboard's over-cap vermillion
MIN_ROW_MM = 4.2
AGENDA_ROW_MM, AGENDA_TEXT_MM = 5.0, 30.0
COMPACT_ROW_MM = 6.0  # the week's figures and the agenda: compact, so all three tables fit
# Typographic characters the built-in fonts lack, spelled with ones they have.
PLAIN = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u2009": " ",
        "\u2022": "-",
        "\u00d7": "x",
    }
)


def weekly_summary_pdf(
    *, as_of: date, changes: pd.DataFrame, caseload: pd.DataFrame, agenda: pd.DataFrame, program_name: str = "LEAD"
) -> bytes:
    """A one-page PDF summary of the weekly meeting for the as-of date (see the module docstring)."""
    _require_columns(changes, CHANGE_COLUMNS, "changes")
    _require_columns(caseload, CASELOAD_COLUMNS, "caseload")
    _require_columns(agenda, AGENDA_COLUMNS, "agenda")
    this_week_from, last_week_from = as_of - timedelta(days=6), as_of - timedelta(days=13)

    pdf = _Page(program_name)
    pdf.add_page()
    pdf.heading(f"{program_name} weekly partner meeting", size=12, colour=MUTED)
    pdf.heading(f"Week ending {as_of:%A %d %B %Y}", size=22)
    pdf.note(
        f"This week: {_day(this_week_from)} to {_day(as_of)}. Last week: {_day(last_week_from)} to "
        f"{_day(as_of - timedelta(days=7))}. Figures count what had happened by the end of {_day(as_of)}; "
        "active, unassigned and teams over cap are as at the end of each week."
    )
    pdf.ln(3)

    pdf.heading("This week against last week", size=14)
    rows = [
        [
            str(row.figure),
            _count(row.this_week),
            _count(row.last_week),
            _signed(row.change),
            "lower is better" if row.figure in RISING_IS_BAD else "",
        ]
        for row in changes[list(CHANGE_COLUMNS)].itertuples(index=False)
    ]
    pdf.ruled_table(
        ["Figure", "This week", "Last week", "Change", ""],
        rows,
        widths=(0.34, 0.15, 0.15, 0.13, 0.23),
        numeric=(False, True, True, True, False),
        max_height=min(pdf.remaining_height() * 0.42, (len(rows) + 1) * COMPACT_ROW_MM),
    )
    pdf.ln(5)

    over = int(caseload["over_cap"].astype(bool).sum())
    pdf.heading("Caseload per care team", size=14)
    pdf.note(
        f"Active clients per team now and a week before; {over} team{'s' if over != 1 else ''} over cap (highlighted)."
    )
    rows, highlighted = [], []
    for index, row in enumerate(caseload[list(CASELOAD_COLUMNS)].itertuples(index=False)):
        rows.append(
            [
                str(row.team),
                _count(row.caseload),
                _count(row.caseload_cap),
                "over cap" if bool(row.over_cap) else "",
                _count(row.last_week),
                _signed(row.change),
            ]
        )
        if bool(row.over_cap):
            highlighted.append(index)
    if rows:
        pdf.ruled_table(
            ["Team", "Caseload", "Cap", "", "Last week", "Change"],
            rows,
            widths=(0.34, 0.14, 0.12, 0.14, 0.14, 0.12),
            numeric=(False, True, True, False, True, True),
            highlighted=highlighted,
            max_height=pdf.remaining_height() - _agenda_room(agenda, pdf.remaining_height()),
        )
    else:
        pdf.note("No care teams are recorded.")
    pdf.ln(5)
    _agenda_section(pdf, agenda)
    return bytes(pdf.output())


def _agenda_room(agenda: pd.DataFrame, remaining: float) -> float:
    """Height kept below the caseload for the agenda: its heading, note and rows at a readable
    size, at most 70% of what is left."""
    return min(remaining * 0.7, AGENDA_TEXT_MM + (len(agenda) + 2) * AGENDA_ROW_MM)


def _agenda_section(pdf: _Page, agenda: pd.DataFrame) -> None:
    """The client agenda as counts per team and reason, and a total; never a name."""
    pdf.heading("Client agenda: clients to discuss, by team and reason", size=14)
    if agenda.empty:
        pdf.note("No participant had a new intake, a re-arrest, an exit or overdue contact this week.")
        return
    pdf.note(
        "A client with two reasons counts under each; Clients counts each person once. "
        f"Overdue: {engagement_days(CONTACT_OVERDUE)}; in the wind: {engagement_days(IN_THE_WIND)}. "
        "Graduations are good news."
    )
    counts = agenda[list(AGENDA_COLUMNS)]
    # The total first, so it is on the page even when the last teams give way to a note.
    rows = [["All teams", *(_count(counts[column].sum()) for column in AGENDA_COLUMNS[1:])]]
    rows += [[str(row[0]), *(_count(value) for value in row[1:])] for row in counts.itertuples(index=False)]
    pdf.ruled_table(
        list(AGENDA_HEADINGS),
        rows,
        widths=(0.22, 0.12, 0.11, 0.1, 0.11, 0.12, 0.11, 0.11),
        numeric=(False, *[True] * (len(AGENDA_HEADINGS) - 1)),
        max_height=min(pdf.remaining_height() - 2, (len(rows) + 1) * COMPACT_ROW_MM),
        split=False,  # eight columns: halves side by side would be unreadable
    )


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}; expected {', '.join(columns)}")


def plain_text(text: str) -> str:
    """Text the PDF's built-in font can show: typographic marks spelled plainly, accents kept where
    Latin-1 has them, anything else reduced to its unaccented letters (or '?')."""
    text = str(text).translate(PLAIN)
    if all(ord(character) < 256 for character in text):
        return text
    kept = []
    for character in text:
        if ord(character) < 256:
            kept.append(character)
        else:
            base = unicodedata.normalize("NFKD", character).encode("latin-1", "ignore").decode("latin-1")
            kept.append(base or "?")
    return "".join(kept)


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _count(value: float) -> str:
    return "-" if pd.isna(value) else f"{int(value):,}"


def _signed(value: float) -> str:  # a count, or NaN where there is none
    if pd.isna(value):
        return "-"
    number = int(value)
    return "0" if number == 0 else f"{number:+,}"


class _Page(FPDF):
    """One Letter page with a footer; it never breaks onto a second page: tables shrink to fit."""

    def __init__(self, program_name: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAGE_FORMAT)
        self.program_name = plain_text(program_name)
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(False)
        self.set_title(f"{self.program_name} weekly meeting summary")
        self.set_creator("LEAD dashboard")
        self.set_text_color(*INK)

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def remaining_height(self) -> float:
        return self.h - MARGIN_MM - 10 - self.get_y()  # 10 mm kept for the footer

    def footer(self) -> None:
        self.set_y(-MARGIN_MM - 2)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_font("Helvetica", size=8)
        self.set_text_color(*MUTED)
        self.cell(
            self.content_width / 2,
            6,
            plain_text(f"{self.program_name} dashboard - counts only, no names."),
            new_x=XPos.RIGHT,
            new_y=YPos.TOP,
        )
        self.cell(self.content_width / 2, 6, f"Printed {datetime.now():%d %b %Y %H:%M}", align="R")
        self.set_text_color(*INK)

    def heading(self, text: str, *, size: float, colour: tuple[int, int, int] = INK) -> None:
        self.set_font("Helvetica", style="B", size=size)
        self.set_text_color(*colour)
        self.multi_cell(self.content_width, size * 0.5, plain_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(1.5)

    def note(self, text: str) -> None:
        self.set_font("Helvetica", size=10)
        self.set_text_color(*MUTED)
        self.multi_cell(self.content_width, 5, plain_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(2)

    def ruled_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        numeric: Sequence[bool],
        max_height: float,
        highlighted: Sequence[int] = (),
        split: bool = True,
    ) -> None:
        """A ruled table that fits max_height: its rows shrink to a small but legible size, then it
        runs in two side-by-side halves (unless not ``split``), and past that the last rows give way
        to a note."""
        fitting = max(1, int(max_height // MIN_ROW_MM) - 1)
        blocks = 1 if len(rows) <= fitting or not split else 2
        per_block = -(-len(rows) // blocks)
        shown = min(len(rows), fitting * blocks)
        if shown < len(rows):
            per_block = fitting
            max_height -= 6  # room for the note
        row_height = max(MIN_ROW_MM, min(8.0, max_height / (min(per_block, shown) + 1)))
        gap = 4.0
        block_width = (self.content_width - gap * (blocks - 1)) / blocks
        top = self.get_y()
        bottom = top
        for block in range(blocks):
            first = block * per_block
            self.set_xy(self.l_margin + block * (block_width + gap), top)
            self._block(
                header,
                rows[first : min(first + per_block, shown)],
                [fraction * block_width for fraction in widths],
                numeric,
                row_height,
                {index - first for index in highlighted},
            )
            bottom = max(bottom, self.get_y())
        self.set_xy(self.l_margin, bottom)
        if shown < len(rows):
            self.note(f"... and {len(rows) - shown} more rows: see the dashboard.")

    def _block(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        columns: Sequence[float],
        numeric: Sequence[bool],
        row_height: float,
        highlighted: set[int],
    ) -> None:
        left = self.get_x()
        font_size = max(6.0, min(11.0, row_height * 1.45))
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.set_font("Helvetica", style="B", size=font_size)
        self.set_fill_color(*HEADER_FILL)
        for title, width, is_number in zip(header, columns, numeric, strict=True):
            self.cell(width, row_height, plain_text(title), border="B", align="R" if is_number else "L", fill=True)
        self.set_xy(left, self.get_y() + row_height)
        for index, row in enumerate(rows):
            marked = index in highlighted
            self.set_font("Helvetica", style="B" if marked else "", size=font_size)
            self.set_fill_color(*(OVER_CAP_FILL if marked else (255, 255, 255)))
            for text, width, is_number in zip(row, columns, numeric, strict=True):
                self.cell(width, row_height, plain_text(text), border="B", align="R" if is_number else "L", fill=True)
            self.set_xy(left, self.get_y() + row_height)
