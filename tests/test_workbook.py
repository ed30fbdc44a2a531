"""Workbooks: the rows workbook.make adds below XlsxWriter's header rows must be the rows
XlsxWriter itself writes (its constant_memory mode, which writes inline strings too), and the
workbook must read back as the records say."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
import xlsxwriter

from disclosure import workbook

HEADERS = ["名称", "数值", "备注", "其他"]
# Everything XlsxWriter escapes or treats apart: XML characters, leading and trailing spaces
# (an ideographic one too), control characters, a literal "_xHHHH_", Unicode non-characters,
# empty strings and None (no cell), rows with no cell at all, short rows, booleans, integers
# and floats, text that looks like a formula or a web address, and text over Excel's limit.
ROWS = [
    ["a&b<c>d", 1.5, " 前导空格", "结尾空格 "],
    ["", 3, "x\x01_x0041_y\x1f", None],
    ["全角空格\u3000", 1e20, True, False],
    ["=1+2", 0.1 + 0.2, "https://example.org/", -7],
    [None, "", None, ""],
    ["短行"],
    ["非字符\ufffe\uffff", 123456789012345678, 2.0, "换行\n与制表\t"],
    ["临河区" * 12000, 0, -0.5, "last"],
    ["", "", "", "末列"],
]


def _sheet_xml(data: bytes, number: int) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def _below_header(xml: str) -> str:
    """The sheet's rows after its header row (row 1), up to the end of its data."""
    data = xml[xml.index("<sheetData>"):xml.index("</sheetData>")]
    return data[data.index("</row>") + len("</row>"):]


def _dimension(xml: str) -> str:
    return re.search(r'<dimension ref="([^"]*)"/>', xml).group(1)


def test_rows_are_those_xlsxwriter_writes_for_the_same_cells(tmp_path):
    sheets = [("第一表", HEADERS, ROWS), ("第二表", ["甲", "乙"], [["一", 1]]), ("空表", ["只有表头"], [])]
    ours = workbook.make(sheets, dt.date(2026, 6, 1))

    reference = tmp_path / "reference.xlsx"
    book = xlsxwriter.Workbook(str(reference), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
    for title, headers, rows in sheets:
        sheet = book.add_worksheet(title)
        for number, row in enumerate([headers, *rows]):
            for column, value in enumerate(row):  # write_row would stop at the cut string
                sheet.write(number, column, value)
    book.close()

    for number in (1, 2, 3):
        expected, got = _sheet_xml(reference.read_bytes(), number), _sheet_xml(ours, number)
        assert _below_header(got) == _below_header(expected)
        assert _dimension(got) == _dimension(expected)
    assert _dimension(_sheet_xml(ours, 1)) == "A1:D10"
    assert "_x005F_x0041_" in _sheet_xml(ours, 1) and "_x0001_" in _sheet_xml(ours, 1)


def test_workbook_reads_back_as_written_and_is_the_same_bytes_every_time(tmp_path):
    when = dt.date(2026, 6, 1)
    data = workbook.make([("台账", HEADERS, ROWS), ("指标", ["甲"], [["一"]])], when)
    assert data == workbook.make([("台账", HEADERS, ROWS), ("指标", ["甲"], [["一"]])], when)
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["台账", "指标"]
    sheet = book["台账"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width > 8
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADERS
    assert values[1] == ["a&b<c>d", 1.5, " 前导空格", "结尾空格 "]
    assert values[2][:2] == [None, 3]  # (the escapes are XlsxWriter's: the test above)
    assert values[3] == ["全角空格\u3000", 1e20, True, False]
    assert values[4] == ["=1+2", 0.3, "https://example.org/", -7]  # 16 digits, as XlsxWriter writes
    assert sheet["A5"].data_type == "s"  # text, not a formula
    assert len(values[8][0]) == 32767  # cut to Excel's limit, as XlsxWriter cuts it
    assert book.properties.created == dt.datetime(2026, 6, 1)
    assert book["指标"]["A2"].value == "一"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), dt.date(2026, 1, 1)])
def test_a_value_a_cell_cannot_hold_stops_the_workbook(value):
    with pytest.raises((ValueError, TypeError)):
        workbook.make([("表", ["甲"], [[value]])], dt.date(2026, 6, 1))


def test_a_sheet_without_headers_still_gets_its_rows(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(workbook.make([("无表头", [], [["甲", 2]])], dt.date(2026, 6, 1)))
    sheet = openpyxl.load_workbook(path)["无表头"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [[None, None], ["甲", 2]]


def test_a_workbook_made_again_writes_only_the_blocks_of_rows_that_changed(tmp_path, monkeypatch):
    """With the rows kept (workbook.KeptRows), a workbook made again after one row changed
    writes that row's block afresh, takes the others' XML as they were, and comes out byte
    for byte as made from nothing; so does one whose kept file is damaged."""
    monkeypatch.setattr(workbook, "_ROWS_PER_WRITE", 4)
    rows = [[f"小区{n}", n, n * 0.5, "" if n % 3 else None] for n in range(10)]  # blocks of 4, 4 and 2 rows
    sheets = [("小区", HEADERS, rows), ("第二表", ["甲"], [["一"]])]
    when, kept = dt.date(2026, 6, 1), tmp_path / "rows.pickle"
    written = []
    rows_xml = workbook._rows_xml
    monkeypatch.setattr(workbook, "_rows_xml", lambda block, first: written.append(first) or rows_xml(block, first))

    def made_again(sheets) -> list[int]:
        """The first rows of the blocks written afresh, after checking the bytes."""
        plain = workbook.make(sheets, when)
        written.clear()
        assert workbook.make(sheets, when, workbook.KeptRows(kept, b"writer")) == plain
        return sorted(written)

    assert made_again(sheets) == [2, 2, 6, 10]  # each block of both sheets: nothing kept yet
    changed = [row[:] for row in rows]
    changed[5][0] = "改名小区"
    assert made_again([("小区", HEADERS, changed), sheets[1]]) == [6]  # the second block alone
    assert made_again([("小区", HEADERS, changed), sheets[1]]) == []
    assert made_again(sheets) == [6]
    kept.write_bytes(b"not a pickle")
    assert made_again(sheets) == [2, 2, 6, 10]
