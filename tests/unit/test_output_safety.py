"""Terminal escaping and the CSV formula-injection policy (issue #18, class 7)."""

import duckdb
import numpy as np
import pandas as pd

from pipelines.output_safety import csv_safe_frame, csv_safe_select, terminal_safe


def test_control_characters_are_shown_escaped_and_other_text_kept():
    assert terminal_safe("H100\x1b[2J\rX\x07") == "H100\\x1b[2J\\x0dX\\x07"
    assert terminal_safe("evil\u202etxt.exe") == "evil\\u202etxt.exe"  # bidi override
    assert terminal_safe("a\x85b\x7f") == "a\\x85b\\x7f"  # C1 control and DEL
    assert terminal_safe("Île-de-France 中国 — 41.4 g/kWh") == "Île-de-France 中国 — 41.4 g/kWh"
    assert terminal_safe("line one\nline two") == "line one\\x0aline two"
    assert terminal_safe("line one\n\x1b[31mtwo", keep_newlines=True) == "line one\n\\x1b[31mtwo"


def test_text_cells_that_spreadsheets_would_run_get_a_quote_and_numbers_do_not():
    frame = pd.DataFrame(
        {
            "label": ["=1+1", "+A1", "-x", "@SUM(A1)", "\tTab", "plain", None],
            "value": [-3.5, 1.0, -2.0, 0.0, np.nan, 4.0, 5.0],
            "count": [-1, 2, 3, 4, 5, 6, 7],
        }
    )
    safe = csv_safe_frame(frame)
    assert safe["label"].tolist()[:6] == ["'=1+1", "'+A1", "'-x", "'@SUM(A1)", "'\tTab", "plain"]
    assert safe["label"].iloc[6] is None
    assert safe["value"].equals(frame["value"]) and safe["count"].equals(frame["count"])
    assert frame["label"].iloc[0] == "=1+1"  # the caller's frame is untouched


def test_the_sql_form_applies_the_same_policy_to_varchar_columns_only():
    con = duckdb.connect()
    query = "select * from (values ('=cmd', -1.5, -2), ('-note', 2.0, 3), ('ok', 1.0, 1)) t(label, x, n)"
    rows = con.execute(csv_safe_select(con, query)).fetchall()
    assert rows == [("'=cmd", -1.5, -2), ("'-note", 2.0, 3), ("ok", 1.0, 1)]
