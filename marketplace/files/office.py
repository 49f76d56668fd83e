"""Office documents: what is inside a ZIP (OOXML, OpenDocument) or an OLE container.

A ZIP's first bytes say only "ZIP"; a .docx, a .docm (macros), a .jar and an archive of
anything all start the same. So the ZIP's directory is read (never its whole content):

- OpenDocument: the first entry is `mimetype`, stored uncompressed, naming the type
  (text, spreadsheet or presentation); `META-INF/manifest.xml` must be there. A manifest
  with `encryption-data` is a password-protected document; macros live under `Basic/`
  or `Scripts/` (beyond the library index files every document may have).
- OOXML: `[Content_Types].xml` names the main part's content type, and that part must
  be in the ZIP. A macro-enabled main type (docm, xlsm, pptm, xlsb), a VBA project
  (`vbaProject.bin`) or an Excel 4 macro sheet anywhere is refused as macros, whatever
  the main type says.
- Anything else in a ZIP is refused: archives hide what they hold.

OLE (Compound File Binary, Office 97-2003) is read with `olefile` (pure Python, the parser
behind oletools and Pillow's OLE formats): its streams say which program wrote it
(`WordDocument`, `Workbook`, `PowerPoint Document`). A password-protected OOXML file is
an OLE container with `EncryptionInfo` and `EncryptedPackage`: refused as encrypted.
Word's and Excel's VBA storages (`Macros`, `_VBA_PROJECT_CUR`) are refused as macros,
and so are Word's encryption flag, Excel's FILEPASS record and PowerPoint's
`EncryptedSummary`. Not detected: VBA inside a legacy .ppt (it sits compressed inside the
main stream) and objects embedded in a document.

Only small parts are decompressed (the content types, the manifest, the mimetype), each
with a size cap: a ZIP bomb costs nothing here.
"""

from __future__ import annotations

import struct
import zipfile
from typing import BinaryIO
from xml.etree import ElementTree

import olefile

from marketplace.files import errors

MAX_ZIP_ENTRIES = 10_000
MAX_PART_BYTES = 1024 * 1024  # [Content_Types].xml and manifest.xml are a few kB

ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# The index files a LibreOffice document may carry in Basic/ without any macro in it.
ODF_LIBRARY_INDEXES = {"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"}

OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
OOXML_MACRO_TYPES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml",
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.addin.macroEnabled.main+xml",
    "application/vnd.ms-office.vbaProject",
    "application/vnd.ms-excel.macrosheet+xml",
    "application/vnd.ms-excel.intlmacrosheet+xml",
}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

# Word's File Information Block: wIdent, then at offset 10 the flags (fEncrypted 0x0100).
_WORD_IDENT = 0xA5EC
_WORD_ENCRYPTED = 0x0100
_XLS_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_XLS_FILEPASS = 0x002F


def zip_kind(file: BinaryIO) -> str:
    """ "docx", "xlsx", "pptx", "odt", "ods" or "odp", or UnacceptableFile."""
    if _zip_entry_count(file) > MAX_ZIP_ENTRIES:
        raise errors.damaged()
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise errors.damaged() from None
    with archive:
        entries = archive.infolist()
        if not entries:
            raise errors.damaged()
        if any(entry.flag_bits & 0x1 for entry in entries):  # ZIP-level password
            raise errors.encrypted()
        names = {entry.filename for entry in entries}
        if entries[0].filename == "mimetype":
            return _odf_kind(archive, entries[0], names)
        if "[Content_Types].xml" in names:
            return _ooxml_kind(archive, names)
    raise errors.not_accepted()


def _odf_kind(archive: zipfile.ZipFile, first: zipfile.ZipInfo, names: set[str]) -> str:
    if first.compress_type != zipfile.ZIP_STORED or first.file_size > 200:
        raise errors.damaged()
    mimetype = _read_part(archive, "mimetype").decode("ascii", "replace").strip()
    kind = ODF_MIMETYPES.get(mimetype)
    if kind is None:  # drawings, formulas, templates, ...
        raise errors.not_accepted()
    if "META-INF/manifest.xml" not in names:
        raise errors.damaged()
    if b"encryption-data" in _read_part(archive, "META-INF/manifest.xml"):
        raise errors.encrypted()
    for name in names:
        folder, _, rest = name.partition("/")
        if folder not in ("Basic", "Scripts") or not rest or rest.endswith("/"):
            continue
        if rest.rsplit("/", 1)[-1] not in ODF_LIBRARY_INDEXES:
            raise errors.macros()
    if "content.xml" not in names:
        raise errors.damaged()
    return kind


def _ooxml_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise errors.macros()
    overrides, defaults = _content_types(_read_part(archive, "[Content_Types].xml"))
    if (set(overrides.values()) | defaults) & OOXML_MACRO_TYPES:
        raise errors.macros()
    mains = [(part, OOXML_MAIN_TYPES[t]) for part, t in overrides.items() if t in OOXML_MAIN_TYPES]
    if not mains:  # templates, slide shows, or another OPC package (.vsdx, .nupkg...)
        raise errors.not_accepted()
    lowered = {name.lower() for name in names}  # OPC part names ignore case
    part, kind = mains[0]
    if len(mains) != 1 or part.lstrip("/").lower() not in lowered:
        raise errors.damaged()
    if "_rels/.rels" not in lowered:
        raise errors.damaged()
    return kind


def _content_types(data: bytes) -> tuple[dict[str, str], set[str]]:
    """[Content_Types].xml: PartName -> ContentType of its Overrides, and the types of its
    Defaults (one per file extension: a macro type there counts too).

    No DTD is ever needed there; refusing one keeps entity tricks out (ElementTree never
    fetches external entities, and expat caps entity expansion).
    """
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise errors.damaged()
    try:
        root = ElementTree.fromstring(data)  # noqa: S314  (no DTD, see above)
    except ElementTree.ParseError:
        raise errors.damaged() from None
    if root.tag != f"{_CONTENT_TYPES_NS}Types":
        raise errors.damaged()
    overrides = {
        element.get("PartName", ""): element.get("ContentType", "")
        for element in root.iter(f"{_CONTENT_TYPES_NS}Override")
    }
    defaults = {
        element.get("ContentType", "") for element in root.iter(f"{_CONTENT_TYPES_NS}Default")
    }
    return overrides, defaults


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise errors.damaged()
        with archive.open(info) as part:
            data = part.read(MAX_PART_BYTES + 1)
    except errors.UnacceptableFile:
        raise
    except Exception:  # corrupt deflate data, bad CRC, unsupported compression, ...
        raise errors.damaged() from None
    if len(data) > MAX_PART_BYTES:
        raise errors.damaged()
    return data


def _zip_entry_count(file: BinaryIO) -> int:
    """The entry count of the end-of-central-directory record, read before zipfile loads
    the whole directory into memory (millions of tiny entries would cost gigabytes)."""
    file.seek(0, 2)
    size = file.tell()
    tail_size = min(size, 22 + 65535)  # the record, and a comment of at most 64 KiB
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    file.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        raise errors.damaged()
    (count,) = struct.unpack_from("<H", tail, at + 10)
    return int(count)  # 0xFFFF: a ZIP64 record follows; zipfile reads the real count


# ------------------------------------------------------------------------------- OLE


def ole_kind(file: BinaryIO) -> str:
    """ "doc", "xls" or "ppt", or UnacceptableFile."""
    try:
        ole = olefile.OleFileIO(file)
    except Exception:  # not a valid compound file: olefile raises OSError and others
        raise errors.damaged() from None
    try:
        return _classify_ole(ole)
    except errors.UnacceptableFile:
        raise
    except Exception:
        raise errors.damaged() from None
    finally:
        ole.close()


def _classify_ole(ole: olefile.OleFileIO) -> str:
    if ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo"):
        raise errors.encrypted()  # a .docx/.xlsx/.pptx with a password
    if ole.exists("Macros") or ole.exists("_VBA_PROJECT_CUR"):
        raise errors.macros()
    if ole.exists("WordDocument"):
        head = ole.openstream("WordDocument").read(12)
        if len(head) < 12:
            raise errors.damaged()
        ident, flags = struct.unpack_from("<H", head, 0)[0], struct.unpack_from("<H", head, 10)[0]
        if ident != _WORD_IDENT:
            raise errors.damaged()
        if flags & _WORD_ENCRYPTED:
            raise errors.encrypted()
        return "doc"
    for name in ("Workbook", "Book"):
        if ole.exists(name):
            _check_workbook(ole.openstream(name).read(64 * 1024))
            return "xls"
    if ole.exists("PowerPoint Document"):
        if ole.exists("EncryptedSummary"):
            raise errors.encrypted()
        return "ppt"
    raise errors.not_accepted()  # Outlook messages, installers, Visio, ...


def _check_workbook(head: bytes) -> None:
    """A BIFF workbook starts with a BOF record; FILEPASS, if any, follows it closely."""
    if len(head) < 4 or struct.unpack_from("<H", head, 0)[0] not in _XLS_BOF:
        raise errors.damaged()
    offset = 0
    for _ in range(32):
        if offset + 4 > len(head):
            return
        record, length = struct.unpack_from("<HH", head, offset)
        if record == _XLS_FILEPASS:
            raise errors.encrypted()
        offset += 4 + length
