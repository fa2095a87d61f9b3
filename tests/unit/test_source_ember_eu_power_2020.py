"""The Ember/Agora workbook, rebuilt in miniature for each test.

Neither openpyxl nor xlsxwriter is installed, so `_write_xlsx` writes the few XML parts of an
Office Open XML workbook with the standard library (inline strings, numeric cells), which
calamine reads like the real file.
"""

from __future__ import annotations

import zipfile
from xml.sax.saxutils import escape

import pytest

from conftest import fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import ember_eu_power_2020
from pipelines.validation import validate

SOURCE_ID = "ember_eu_power_2020"
WORKBOOK = ember_eu_power_2020.WORKBOOK
VARIABLE = "Carbon intensity (gCO2/kWh)"
READ_ME = [
    [None, "Europe's Power Sector in 2020"],
    [None, "2000 to 2018 data is from EUROSTAT (nrg_bal_peh); 2019+2020 are estimates from Ember/Agora"],
]
# Real values from the published sheet; one blank cell (Czech Republic 2000) to stand for a gap.
INTENSITIES = [
    ["Area", "Variable", 2000, 2018, 2019, 2020],
    ["Austria", VARIABLE, 158, 102, 99, 83],
    ["Czech Republic", VARIABLE, None, 445, 423, 386],
    ["EU-27", VARIABLE, 399, 287, 252, 226],
    ["EU27+1", VARIABLE, 411, 285, 251, 226],
    ["United Kingdom", VARIABLE, 484, 250, 228, 209],
]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _write_xlsx(path, sheets: dict[str, list[list]]) -> None:
    count = len(sheets)
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="{_RELS_TYPE}"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_BOOK_TYPE}"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                for i in range(1, count + 1)
            )
            + "</Types>",
        )
        book.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_REL}"><sheets>'
            + "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
            + "</sheets></workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, count + 1)
            )
            + "</Relationships>",
        )
        for i, rows in enumerate(sheets.values(), 1):
            body = "".join(
                f'<row r="{r}">' + "".join(_cell(f"{_column_letter(c)}{r}", v) for c, v in enumerate(row)) + "</row>"
                for r, row in enumerate(rows, 1)
            )
            book.writestr(
                f"xl/worksheets/sheet{i}.xml", f'<worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData></worksheet>'
            )


def _source(tmp_path, intensities=INTENSITIES, sheet_name="Carbon intensities"):
    _write_xlsx(tmp_path / WORKBOOK, {"Read me": READ_ME, sheet_name: intensities})
    return fixture_source(SOURCE_ID, folder=tmp_path)


def _parsed(tmp_path, **kwargs):
    return ember_eu_power_2020.parse_grid_intensity(_source(tmp_path, **kwargs))


def _value(frame, zone_id, year):
    rows = frame[(frame["zone_id"] == zone_id) & (frame["year"] == year)]
    assert len(rows) == 1, f"expected one row for {zone_id} {year}, got {len(rows)}"
    return rows.iloc[0]["gco2e_per_kwh"]


def test_generated_workbook_is_small(tmp_path):
    _source(tmp_path)
    assert (tmp_path / WORKBOOK).stat().st_size < 5000


def test_wide_sheet_becomes_one_row_per_area_and_year(tmp_path):
    frame = _parsed(tmp_path)
    assert len(frame) == 5 * 4 - 1
    assert _value(frame, "AUT", 2000) == 158
    assert _value(frame, "AUT", 2020) == 83
    assert _value(frame, "CZE", 2019) == 423
    assert _value(frame, "GBR", 2018) == 250
    assert sorted(frame["year"].unique()) == [2000, 2018, 2019, 2020]


def test_blank_cell_is_no_row(tmp_path):
    frame = _parsed(tmp_path)
    assert sorted(frame.loc[frame["zone_id"] == "CZE", "year"]) == [2018, 2019, 2020]


def test_countries_and_aggregates_get_shared_zone_ids(tmp_path):
    frame = _parsed(tmp_path)
    zones = frame.drop_duplicates("zone_id").set_index("zone_id")[["zone_name", "zone_type"]]
    assert zones.to_dict("index") == {
        "AUT": {"zone_name": "Austria", "zone_type": "country"},
        "CZE": {"zone_name": "Czech Republic", "zone_type": "country"},
        "EU27": {"zone_name": "EU-27", "zone_type": "aggregate"},
        "AGG-EU27-1": {"zone_name": "EU27+1", "zone_type": "aggregate"},
        "GBR": {"zone_name": "United Kingdom", "zone_type": "country"},
    }
    assert _value(frame, "EU27", 2020) == 226
    assert _value(frame, "AGG-EU27-1", 2000) == 411


def test_every_row_is_direct_and_from_the_workbook(tmp_path):
    frame = _parsed(tmp_path)
    assert set(frame["basis"]) == {"direct"}
    assert set(frame["source_file"]) == {WORKBOOK}


def test_year_headers_typed_as_text_are_read(tmp_path):
    rows = [["Area", "Variable", "2019", "2020"], ["Austria", VARIABLE, 99, 83]]
    frame = _parsed(tmp_path, intensities=rows)
    assert frame.set_index("year")["gco2e_per_kwh"].to_dict() == {2019: 99, 2020: 83}


def test_other_variable_is_a_format_error(tmp_path):
    rows = [["Area", "Variable", 2020], ["Austria", "Generation (TWh)", 72.1]]
    with pytest.raises(SourceFormatError, match="Carbon intensity") as caught:
        _parsed(tmp_path, intensities=rows)
    assert (caught.value.file, caught.value.column) == (WORKBOOK, "Variable")


def test_missing_sheet_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match="unreadable workbook") as caught:
        _parsed(tmp_path, sheet_name="Carbon intensity")
    assert caught.value.file == WORKBOOK


def test_renamed_area_column_is_a_format_error(tmp_path):
    rows = [["Country", "Variable", 2020], ["Austria", VARIABLE, 83]]
    with pytest.raises(SourceFormatError) as caught:
        _parsed(tmp_path, intensities=rows)
    assert (caught.value.file, caught.value.column) == (WORKBOOK, "Area")


def test_sheet_without_year_columns_is_a_format_error(tmp_path):
    rows = [["Area", "Variable", "Latest"], ["Austria", VARIABLE, 83]]
    with pytest.raises(SourceFormatError, match="no year columns"):
        _parsed(tmp_path, intensities=rows)


def test_non_numeric_cell_names_file_and_year_column(tmp_path):
    rows = [["Area", "Variable", 2019, 2020], ["Austria", VARIABLE, 99, "about 83"]]
    with pytest.raises(SourceFormatError, match="non-numeric") as caught:
        _parsed(tmp_path, intensities=rows)
    assert (caught.value.file, caught.value.column) == (WORKBOOK, "2020")


def test_unknown_area_is_a_format_error(tmp_path):
    rows = [["Area", "Variable", 2020], ["Austria", VARIABLE, 83], ["Western Balkans", VARIABLE, 700]]
    with pytest.raises(SourceFormatError, match="Western Balkans") as caught:
        _parsed(tmp_path, intensities=rows)
    assert caught.value.column == "Area"


def test_output_is_schema_valid(tmp_path):
    frame = _parsed(tmp_path).assign(source_id=SOURCE_ID, source_vintage="2021-01-27")
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 19
