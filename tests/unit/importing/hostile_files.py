"""Hostile uploads, built in the test: workbooks whose parts expand far beyond their zip size."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Target="xl/workbook.xml"
 Type="{_DOC_RELS}/officeDocument"/></Relationships>"""
_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>
<sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{_RELS}">
<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{_DOC_RELS}/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml" Type="{_DOC_RELS}/sharedStrings"/>
</Relationships>"""


def workbook(sheet: Iterable[bytes], shared: Iterable[bytes] = ()) -> bytes:
    """An .xlsx file whose first sheet and shared strings are streamed from the given parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        _stream(
            archive,
            "xl/worksheets/sheet1.xml",
            [
                f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode(),
                *sheet,
                b"</sheetData></worksheet>",
            ],
        )
        _stream(
            archive, "xl/sharedStrings.xml", [f'<sst xmlns="{_MAIN}">'.encode(), *shared, b"</sst>"]
        )
    return buffer.getvalue()


def _stream(archive: zipfile.ZipFile, name: str, parts: Iterable[bytes]) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        for block in parts:
            part.write(block)


def _header() -> bytes:
    return b'<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c></row>'


def expanding_sheet(megabytes: int = 60) -> bytes:
    """A sheet of millions of rows in a few hundred kilobytes: its XML compresses 1000 times."""
    row = b'<row><c t="inlineStr"><is><t>a@b.de</t></is></c></row>'
    block = row * (1_000_000 // len(row))
    return workbook([_header(), *(block for _ in range(megabytes))])


def shared_strings_bomb(megabytes: int = 60) -> bytes:
    """Millions of shared strings in a few hundred kilobytes."""
    item = b"<si><t>x</t></si>"
    block = item * (1_000_000 // len(item))
    return workbook([_header()], [block for _ in range(megabytes)])


def small_workbook(rows: list[list[str]], shared: list[str] | None = None) -> bytes:
    """A plain workbook of inline strings (and some shared strings), under every ratio check."""
    lines = []
    for number, cells in enumerate(rows, start=1):
        inner = "".join(f'<c t="inlineStr"><is><t>{cell}</t></is></c>' for cell in cells)
        lines.append(f'<row r="{number}">{inner}</row>'.encode())
    strings = [f"<si><t>{text}</t></si>".encode() for text in shared or []]
    return workbook(lines, strings)
