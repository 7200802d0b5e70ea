"""Values from the database, the URL or a text box (names of participants, staff and teams, places, reasons,
details) drawn as the text they are.

Streamlit reads Markdown and its own directives (``:red[...]``, ``:material/icon:``, emoji shortcodes,
``$...$`` LaTeX) in headings, markdown, captions, alerts, metric labels and values, widget, expander and
page-link labels; Plotly reads a little HTML (``<b>``, ``<a href>``, ``<br>``) in trace names, tick labels,
hover and bar text. A name like ``[x](https://host) **b**`` would otherwise become a bold link, and
``![i](https://host/p.png)`` an image loaded from another host whenever staff open the page.

Escaping is not enough on its own: after parsing, Streamlit still rewrites the plain text it found, turning
``:streamlit:`` into its logo, ``:material_person:`` into an icon, ``->`` into an arrow and ``--`` into a dash,
and GitHub's extension links bare addresses (``https://host``, ``a@host.org``, ``www.host.org``). A word
joiner (U+2060: invisible, no line break) goes where those patterns would match, so none can.

A value may also hold bidirectional controls (U+202A-U+202E, U+2066-U+2069): a right-to-left override
reverses everything drawn after it up to the end of the line ("(ID 123)" would read "(321 DI)"). A line of a
value holding one, or a right-to-left letter, is therefore set in a bidi isolate of its own (U+2068 ...
U+2069), which ends every override begun inside it and keeps the line's direction from reordering what
follows; the line's own isolates are balanced first so that none can close or outlast that one. Other lines
are left as they are: left-to-right text without controls cannot move what is drawn after it.
"""

from __future__ import annotations

import html
import re
import unicodedata

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
WORD_JOINER = "\u2060"
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")  # left-to-right, right-to-left and first-strong isolates
# Bidirectional classes that can reorder the text after them: right-to-left letters and every explicit control.
_REORDERING_CLASSES = frozenset({"R", "AL", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})

# CommonMark lets a backslash escape every ASCII punctuation character (drawn without the backslash). Escaping
# all of them, not only today's syntax, also stops Streamlit's directives and shortcodes (":" and "["), its
# LaTeX ("$"), entities ("&amp;"), raw HTML ("<") and GitHub's bare links ("www.", "://", "@").
_ASCII_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")

# Where Streamlit's rewriting of parsed text would match: after a colon (":streamlit:", ":material_x:", emoji
# shortcodes, "https:", "mailto:") or an at sign (an e-mail address), between "www" and its dot, and inside
# the arrows and signs it typesets ("->", "<-", "--", ">=", "<=", "~=").
_REWRITTEN_TEXT = re.compile(r"(?<=[:@])|(?i:(?<=www)(?=\.))|(?<=<)(?=-)|(?<=-)(?=[->])|(?<=[<>~])(?==)")


def markdown_literal(value: object) -> str:
    """``value`` as Markdown source that Streamlit draws as exactly its text: no formatting, link, image,
    directive, icon, emoji or formula, no line reordering what follows; a line break in it starts a new line."""
    return "  \n".join(_isolated(_ASCII_PUNCTUATION.sub(r"\\\1", _unrewritten(line))) for line in _lines(value))


def plotly_literal(value: object) -> str:
    """``value`` as Plotly label text (a trace name, tick label, hover or bar text) that Plotly draws as
    exactly its text: ``<``, ``>`` and ``&`` as entities, no line reordering what follows, a line break as
    ``<br>``."""
    return "<br>".join(_isolated(html.escape(line, quote=False)) for line in _lines(value))


def isolated_text(value: object) -> str:
    """``value`` for a place that draws plain text (a chooser's options), bidi-isolated where it could
    reorder what follows: an override in a name cannot reverse the "(ID 123)" after it."""
    return "\n".join(_isolated(line) for line in _lines(value))


def _lines(value: object) -> list[str]:
    return str(value).splitlines() or [""]


def _unrewritten(line: str) -> str:
    return _REWRITTEN_TEXT.sub(WORD_JOINER, line)


def _isolated(line: str) -> str:
    """``line`` as it is when it cannot reorder what follows it; otherwise in a first-strong bidi isolate
    that its own controls cannot leave: a closing isolate without its opener is dropped (it would close
    this one), and openers left open are closed before this one is."""
    if not any(unicodedata.bidirectional(character) in _REORDERING_CLASSES for character in line):
        return line
    kept: list[str] = []
    open_isolates = 0
    for character in line:
        if character in _ISOLATE_OPENERS:
            open_isolates += 1
        elif character == POP_DIRECTIONAL_ISOLATE:
            if not open_isolates:
                continue
            open_isolates -= 1
        kept.append(character)
    return FIRST_STRONG_ISOLATE + "".join(kept) + POP_DIRECTIONAL_ISOLATE * (open_isolates + 1)
