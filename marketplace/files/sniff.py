"""What an upload is, decided from its bytes, never from its name or the browser's word.

`inspect(filename, stream, max_bytes)` reads the stream once, in chunks, into an unnamed
temporary file while it counts the bytes and hashes them (SHA-256); it stops as soon as
`max_bytes` is passed. It then looks at the copy and returns an `Inspected`: the clean
name, the content type to serve it with, the size, the hash and the copy itself, ready
for `storage.put(key, inspected.file)`; closing it removes the copy. Or it raises
`UnacceptableFile(reason, message)` (marketplace/files/errors.py).

Accepted, and how each is recognised:
- PDF: `%PDF-` at the very start and `%%EOF` in the last kilobyte (else truncated). A
  PDF with a password is accepted: viewers open one that only restricts printing, and
  a sender may give the recipient the password by phone; its encryption hides nothing
  from a viewer that a plain PDF could not hold.
- Word, Excel, PowerPoint (97-2003 and OOXML) and OpenDocument text, spreadsheet and
  presentation: the inside of the container is read (marketplace/files/office.py);
  macros and passwords are refused.
- PNG, JPEG, GIF and WebP: their signature and the frame of their container (PNG's first
  chunk is IHDR and it ends with IEND; GIF ends with its trailer; WebP's RIFF size is the
  file's). Pixels are never decoded on the server.
- Plain text and CSV: every byte valid UTF-8 (a BOM is allowed) or, failing that,
  Windows-1252 (CSV saved by a French Excel, notes from an old Notepad), with no control
  character but tab, CR and LF. The charset goes into the content type.

Refused with their own reason: programs (ELF, Windows PE, Mach-O, Java classes) and
scripts (a `#!` first line), even renamed; HTML, SVG and XML, even named .txt (checked on
the first bytes as browsers sniff them, WHATWG MIME Sniffing, and for script-bearing tags
anywhere); HEIC photos (no browser but Safari shows them: export them as JPEG);
everything else as "not accepted".

The extension must agree with the content: a real PDF named `.docx` is refused with a
message naming the right name (the sender sees she picked the wrong file, or that it was
disguised); a name without extension gets the right one. The returned name is cleaned by
marketplace/files/names.py.

No magic-number library: the accepted list is short and each needs more than its first
bytes. python-magic needs the C libmagic, which a clean machine may lack; `filetype` tells
a .docx from a .docm only by searching the first bytes of the ZIP for "word/" (both
match) and reads no ZIP directory; `puremagic` guesses among thousands of signatures
with a confidence, where a refusal list needs certainty. The ZIP containers are read
with the standard library, the OLE ones with `olefile`.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import struct
import tempfile
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

from marketplace.files import errors, office
from marketplace.files.errors import UnacceptableFile
from marketplace.files.names import clean_filename, split_extension, with_extension

__all__ = ["ACCEPT_ATTRIBUTE", "KINDS", "Inspected", "Kind", "UnacceptableFile", "inspect"]

CHUNK_BYTES = 64 * 1024
# How much of a text the browsers sniff for markup (WHATWG MIME Sniffing, resource header).
SNIFF_BYTES = 1445


@dataclass(frozen=True)
class Kind:
    """One accepted type: its served content type, its extensions (the first is the one a
    name without extension gets), and what the messages call it."""

    name: str
    content_type: str
    extensions: tuple[str, ...]
    label: Any  # a lazy French string


KINDS = {
    kind.name: kind
    for kind in (
        Kind("pdf", "application/pdf", ("pdf",), _l("un document PDF")),
        Kind("doc", "application/msword", ("doc",), _l("un document Word 97-2003")),
        Kind("xls", "application/vnd.ms-excel", ("xls",), _l("un classeur Excel 97-2003")),
        Kind(
            "ppt",
            "application/vnd.ms-powerpoint",
            ("ppt", "pps"),
            _l("une présentation PowerPoint 97-2003"),
        ),
        Kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ("docx",),
            _l("un document Word"),
        ),
        Kind(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ("xlsx",),
            _l("un classeur Excel"),
        ),
        Kind(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ("pptx",),
            _l("une présentation PowerPoint"),
        ),
        Kind(
            "odt",
            "application/vnd.oasis.opendocument.text",
            ("odt",),
            _l("un texte OpenDocument"),
        ),
        Kind(
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            ("ods",),
            _l("un classeur OpenDocument"),
        ),
        Kind(
            "odp",
            "application/vnd.oasis.opendocument.presentation",
            ("odp",),
            _l("une présentation OpenDocument"),
        ),
        Kind("png", "image/png", ("png",), _l("une image PNG")),
        Kind("jpeg", "image/jpeg", ("jpg", "jpeg", "jpe", "jfif"), _l("une image JPEG")),
        Kind("gif", "image/gif", ("gif",), _l("une image GIF")),
        Kind("webp", "image/webp", ("webp",), _l("une image WebP")),
        Kind("txt", "text/plain", ("txt", "text"), _l("un fichier texte")),
        Kind("csv", "text/csv", ("csv",), _l("un fichier CSV")),
    )
}
TEXT_KINDS = ("txt", "csv")
# For the upload form's accept="..." (a hint for the file picker, checked here anyway).
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for kind in KINDS.values() for ext in kind.extensions)


@dataclass(frozen=True)
class Inspected:
    """An accepted upload. `file` is the spooled copy, at its start; close() removes it."""

    filename: str
    content_type: str  # what to serve it with (text kinds carry their charset)
    size_bytes: int
    sha256: str  # hex
    kind: str  # a key of KINDS
    file: BinaryIO = field(repr=False, compare=False)

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Inspected:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def inspect(filename: str, stream: BinaryIO, max_bytes: int) -> Inspected:
    """Read `stream` once and accept it, or raise UnacceptableFile (see the module doc)."""
    if max_bytes < 1:
        raise ValueError("max_bytes must be positive")
    spool: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the caller)
    try:
        size, sha256 = _spool(stream, spool, max_bytes)
        if size == 0:
            raise errors.empty()
        spool.seek(0)
        family, charset = _detect(spool)
        kind, name = _named(clean_filename(filename), family)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    content_type = KINDS[kind].content_type + (f"; charset={charset}" if charset else "")
    return Inspected(name, content_type, size, sha256, kind, spool)


def _spool(stream: BinaryIO, spool: BinaryIO, max_bytes: int) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(min(CHUNK_BYTES, max_bytes + 1 - size)):
        size += len(chunk)
        if size > max_bytes:  # one byte too many is enough to know: stop reading
            raise errors.too_large(max_bytes)
        digest.update(chunk)
        spool.write(chunk)
    return size, digest.hexdigest()


def _named(filename: str, family: str) -> tuple[str, str]:
    """The kind, and the name to keep: the detected family must agree with the extension."""
    stem, extension = split_extension(filename)
    given = extension.lower()
    if family == "text":
        family = "csv" if given == "csv" else "txt"
    kind = KINDS[family]
    if not given:
        return family, with_extension(stem, kind.extensions[0])
    if given not in kind.extensions:
        suggested = with_extension(stem, kind.extensions[0])
        raise errors.extension_mismatch(filename, kind.label, suggested)
    return family, filename


# ------------------------------------------------------------------------- detection

_EXECUTABLE_SIGNATURES = (
    b"\x7fELF",  # Linux, BSD
    b"\xfe\xed\xfa\xce",  # Mach-O 32 and 64 bits, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, or a Java class
    b"#!",  # a script naming its interpreter
)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def _detect(file: BinaryIO) -> tuple[str, str | None]:
    """("pdf", None), ..., or ("text", "utf-8"); else UnacceptableFile."""
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    if head.startswith(_EXECUTABLE_SIGNATURES) or _is_windows_program(file, head):
        raise errors.executable()
    if head.startswith(b"%PDF-"):
        _check_tail(file, b"%%EOF", 1024)
        return "pdf", None
    if head.startswith(_OLE_SIGNATURE):
        return office.ole_kind(file), None
    if head.startswith(b"PK\x03\x04"):
        return office.zip_kind(file), None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        if head[12:16] != b"IHDR":
            raise errors.damaged()
        _check_tail(file, b"IEND", 64)
        return "png", None
    if head.startswith(b"\xff\xd8\xff"):
        # No check of the end: phones append data after the image (motion photos).
        return "jpeg", None
    if head.startswith((b"GIF87a", b"GIF89a")):
        _check_tail(file, b";", 16)
        return "gif", None
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        _check_webp(file, head)
        return "webp", None
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        raise errors.not_accepted(
            _l(
                "Les photos HEIC ne sont pas acceptées : enregistrez la photo en JPEG et "
                "envoyez-la à nouveau."
            )
        )
    return "text", _text_charset(file, head)


def _is_windows_program(file: BinaryIO, head: bytes) -> bool:
    """MZ, then the PE header where the DOS header points; "MZ" alone may begin a text."""
    if not head.startswith(b"MZ") or len(head) < 64:
        return False
    if b"\x00" in head[:64]:  # a DOS header is binary: no text has NULs
        return True
    (offset,) = struct.unpack_from("<I", head, 0x3C)
    file.seek(offset)
    signature = file.read(4)
    file.seek(0)
    return signature == b"PE\x00\x00"


def _check_tail(file: BinaryIO, marker: bytes, within: int) -> None:
    """`marker` in the last `within` bytes, or the file was cut short."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(max(0, size - within))
    tail = file.read(within)
    file.seek(0)
    if marker not in tail.rstrip(b"\x00\r\n\t "):
        raise errors.damaged()


def _check_webp(file: BinaryIO, head: bytes) -> None:
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    (riff_size,) = struct.unpack_from("<I", head, 4)
    if riff_size + 8 not in (size, size - 1) or head[12:16] not in (b"VP8 ", b"VP8L", b"VP8X"):
        raise errors.damaged()


# ------------------------------------------------------------------------------ text

# C0 controls but tab, LF and CR; DEL; C1 controls (what UTF-8 may encode, cp1252 cannot).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")
# The patterns browsers sniff as HTML or XML at the start of a resource (WHATWG), and
# SVG, which is XML that runs scripts.
_MARKUP_START = re.compile(
    r"\s*(?:<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b"
    r"|body|br|p|svg)[\s>/]|<!--|<\?xml)",
    re.IGNORECASE,
)
# Tags that run code or pull in documents, wherever they are in a text.
_MARKUP_ANYWHERE = re.compile(
    r"<(?:script|svg|iframe|object|embed|html|!doctype)[\s>/]|<\?xml\s", re.IGNORECASE
)
_OVERLAP = 16  # a tag cut between two chunks is still found


def _text_charset(file: BinaryIO, head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise errors.not_accepted(
            _l(
                "Les fichiers texte en UTF-16 ne sont pas acceptés : enregistrez le fichier "
                "en UTF-8 (« CSV UTF-8 » dans Excel) et envoyez-le à nouveau."
            )
        )
    for encoding in ("utf-8", "cp1252"):
        try:
            _check_text(file, encoding)
        except UnicodeDecodeError:
            continue
        return "utf-8" if encoding == "utf-8" else "windows-1252"
    raise errors.not_accepted()


def _check_text(file: BinaryIO, encoding: str) -> None:
    """Decode the whole file chunk by chunk; UnicodeDecodeError if it is not `encoding`."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    previous = ""
    first = True
    while True:
        chunk = file.read(CHUNK_BYTES)
        text = decoder.decode(chunk, final=not chunk)
        if first:
            text = text.removeprefix("\ufeff")  # the BOM Windows puts before UTF-8
            if _MARKUP_START.match(text):
                raise errors.markup()
            first = False
        if _CONTROL.search(text):
            # Binary data, or a format this list does not accept.
            raise errors.not_accepted()
        if _MARKUP_ANYWHERE.search(previous[-_OVERLAP:] + text):
            raise errors.markup()
        previous = text
        if not chunk:
            break
    file.seek(0)
