"""Real small files, built byte by byte the way their formats say (no fixture files).

Images come from Pillow (installed with fpdf2), ZIP containers from zipfile, and the
legacy Office containers from `compound_file`, a minimal writer of the Compound File
Binary format ([MS-CFB], version 3): the streams are at least 4096 bytes so they all
live in regular sectors and no mini stream is needed.
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
from collections.abc import Mapping
from typing import Union

from PIL import Image


def pdf(body: str = "Bonjour") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 72 770 Td ({body}) Tj ET".encode("latin-1")
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, content))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def image(format: str, size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(out, format=format)
    return out.getvalue()


# ------------------------------------------------------------------------------ OOXML

OOXML = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}
MACRO_MAIN_TYPES = {
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    "xlsm": ("xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
    "pptm": (
        "ppt/presentation.xml",
        "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    ),
}


def ooxml(
    kind: str = "docx",
    *,
    main_type: str | None = None,
    main_part: str | None = None,
    extra_parts: Mapping[str, bytes] | None = None,
    extra_types: str = "",
    write_main: bool = True,
) -> bytes:
    """A minimal OOXML package: content types, package relationships and the main part."""
    if kind in OOXML:
        part, suffix = OOXML[kind]
        content_type = "application/vnd.openxmlformats-officedocument." + suffix
    else:
        part, content_type = MACRO_MAIN_TYPES[kind]
    part = main_part or part
    content_type = main_type or content_type
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/>'
        f"{extra_types}</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/officeDocument" Target="{part}"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        if write_main:
            archive.writestr(part, '<?xml version="1.0"?><document>Bonjour</document>')
        for name, data in (extra_parts or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


# ---------------------------------------------------------------------- OpenDocument


def odf(
    mimetype: str = "application/vnd.oasis.opendocument.text",
    *,
    stored: bool = True,
    manifest_extra: str = "",
    extra_parts: Mapping[str, bytes] | None = None,
    mimetype_first: bool = True,
) -> bytes:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{manifest_extra}</manifest:file-entry></manifest:manifest>"
    )
    entries = [
        ("mimetype", mimetype.encode(), zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED),
        ("content.xml", b'<?xml version="1.0"?><office:document-content/>', zipfile.ZIP_DEFLATED),
        ("META-INF/manifest.xml", manifest.encode(), zipfile.ZIP_DEFLATED),
    ]
    if not mimetype_first:
        entries.append(entries.pop(0))
    for name, data in (extra_parts or {}).items():
        entries.append((name, data, zipfile.ZIP_DEFLATED))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, compression in entries:
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return out.getvalue()


def plain_zip(files: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


# ---------------------------------------------------------------- Compound File (OLE)

Tree = Mapping[str, Union[bytes, "Tree"]]

SECTOR = 512
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MIN_STREAM = 4096  # the mini-stream cutoff: bigger streams live in regular sectors


def compound_file(tree: Tree) -> bytes:
    """A Compound File holding `tree`: names to stream bytes, or to a storage's tree."""
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5}]
    sectors: list[bytes] = []
    fat: list[int] = []

    def add(tree: Tree) -> int:
        ids = []
        for name, value in tree.items():
            entry: dict[str, object] = {"name": name}
            entries.append(entry)
            ids.append(len(entries) - 1)
            if isinstance(value, bytes):
                data = value.ljust(MIN_STREAM, b"\x00")
                entry.update(type=2, start=len(sectors), size=len(data))
                count = -(-len(data) // SECTOR)
                for i in range(count):
                    sectors.append(data[i * SECTOR : (i + 1) * SECTOR].ljust(SECTOR, b"\x00"))
                    fat.append(len(sectors) if i < count - 1 else END_OF_CHAIN)
            else:
                entry.update(type=1, child=add(value))
        for this, following in itertools.pairwise(ids):  # a chain of right siblings
            entries[this]["right"] = following
        return ids[0] if ids else NO_STREAM

    entries[0]["child"] = add(tree)
    directory = b"".join(_directory_entry(entry) for entry in entries)
    directory = directory.ljust(-(-len(directory) // SECTOR) * SECTOR, b"\x00")
    first_directory = len(sectors)
    count = len(directory) // SECTOR
    for i in range(count):
        sectors.append(directory[i * SECTOR : (i + 1) * SECTOR])
        fat.append(len(sectors) if i < count - 1 else END_OF_CHAIN)
    fat_sector = len(sectors)
    fat.append(FAT_SECTOR)
    assert len(fat) <= SECTOR // 4, "one FAT sector is enough for test files"
    sectors.append(struct.pack(f"<{SECTOR // 4}I", *fat, *[FREE] * (SECTOR // 4 - len(fat))))

    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, first_directory,
                          0, MIN_STREAM, END_OF_CHAIN, 0, END_OF_CHAIN, 0)  # fmt: skip
    header += struct.pack("<109I", fat_sector, *[FREE] * 108)
    return header + b"".join(sectors)


def _directory_entry(entry: Mapping[str, object]) -> bytes:
    name = str(entry["name"]).encode("utf-16-le") + b"\x00\x00"
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        int(entry["type"]),  # type: ignore[call-overload]
        1,  # black
        NO_STREAM,
        int(entry.get("right", NO_STREAM)),  # type: ignore[call-overload]
        int(entry.get("child", NO_STREAM)),  # type: ignore[call-overload]
        b"\x00" * 16,
        0,
        0,
        0,
        int(entry.get("start", END_OF_CHAIN)),  # type: ignore[call-overload]
        int(entry.get("size", 0)),  # type: ignore[call-overload]
    )


def word_document(*, encrypted: bool = False) -> bytes:
    """The start of a Word File Information Block: wIdent, version, ..., the flags."""
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0, 0, flags)


def workbook(*, encrypted: bool = False) -> bytes:
    """BIFF8 records: BOF, (FILEPASS), EOF."""
    records = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 5, 0, 0, 0, 0)
    if encrypted:
        records += struct.pack("<HHH", 0x002F, 2, 1)
    return records + struct.pack("<HH", 0x000A, 0)


def legacy(kind: str, **flags: bool) -> bytes:
    if kind == "doc":
        return compound_file({"WordDocument": word_document(**flags), "1Table": b"\x00"})
    if kind == "xls":
        return compound_file({"Workbook": workbook(**flags)})
    if kind == "ppt":
        tree: dict[str, bytes | Tree] = {"PowerPoint Document": b"\x00" * 8, "Current User": b""}
        if flags.get("encrypted"):
            tree["EncryptedSummary"] = b"\x00"
        return compound_file(tree)
    raise ValueError(kind)
