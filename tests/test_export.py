import io

import pandas as pd

from lead_data.export import csv_bytes


def test_csv_export_has_exactly_the_rows_and_columns_given():
    frame = pd.DataFrame({"participant_id": [3, 1], "name": ["Cedar Demo-0003", "Ash Demo-0001"]})
    assert pd.read_csv(io.BytesIO(csv_bytes(frame))).equals(frame)


def test_csv_export_neutralises_cells_a_spreadsheet_would_run_as_formulas():
    frame = pd.DataFrame({"name": ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "Plain"], "days": [1, -2, 3, 4, 5]})
    exported = pd.read_csv(io.BytesIO(csv_bytes(frame)))
    assert exported["name"].tolist() == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", "Plain"]
    assert exported["days"].tolist() == [1, -2, 3, 4, 5]  # numbers stay numbers


def test_csv_export_neutralises_formulas_hidden_behind_leading_whitespace():
    cells = [" =1+1", "  +1", "\t-2", "\r@SUM(A1)", '\n=HYPERLINK("x")', " \n =cmd", "\tplain tab", " plain", "a=b"]
    exported = pd.read_csv(io.BytesIO(csv_bytes(pd.DataFrame({"name": cells}))), keep_default_na=False)
    expected = ["'" + cell for cell in cells[:7]] + [" plain", "a=b"]
    assert exported["name"].tolist() == expected
