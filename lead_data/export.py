"""Exports of on-screen tables that are safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@")
# Spreadsheets skip these before a formula, so " =1+1" or "\n=HYPERLINK(…)" would run as one too.
LEADING_BLANKS = " \t\r\n"
# A cell starting with a tab or carriage return is quoted whatever follows (OWASP's CSV injection advice).
CONTROL_STARTS = ("\t", "\r")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of ``frame``; text cells a spreadsheet would run as a formula get a leading quote.

    Lines end in CRLF (RFC 4180), which also makes a cell holding a lone CR quoted, not split in two.
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_neutralised)
    text: str = safe.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8")


def _neutralised(value: object) -> object:
    if isinstance(value, str) and (
        value.lstrip(LEADING_BLANKS).startswith(FORMULA_STARTS) or value.startswith(CONTROL_STARTS)
    ):
        return "'" + value
    return value
