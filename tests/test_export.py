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
