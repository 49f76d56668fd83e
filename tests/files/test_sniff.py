"""inspect(): the type comes from the bytes, the name must agree, refusals say why."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from marketplace.files import KINDS, Inspected, UnacceptableFile, inspect
from tests.files import samples

MB = 1024 * 1024


def accepted(name: str, data: bytes, max_bytes: int = 5 * MB) -> Inspected:
    inspected = inspect(name, io.BytesIO(data), max_bytes)
    inspected.close()
    return inspected


def refusal(name: str, data: bytes, max_bytes: int = 5 * MB) -> UnacceptableFile:
    with pytest.raises(UnacceptableFile) as caught:
        inspect(name, io.BytesIO(data), max_bytes)
    return caught.value


# ------------------------------------------------------------------------- accepted


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("Facture 2024.pdf", samples.pdf(), "pdf"),
        ("compte-rendu.docx", samples.ooxml("docx"), "docx"),
        ("budget.xlsx", samples.ooxml("xlsx"), "xlsx"),
        ("réunion.pptx", samples.ooxml("pptx"), "pptx"),
        ("courrier.odt", samples.odf(), "odt"),
        ("tableau.ods", samples.odf("application/vnd.oasis.opendocument.spreadsheet"), "ods"),
        ("diapos.odp", samples.odf("application/vnd.oasis.opendocument.presentation"), "odp"),
        ("ancien.doc", samples.legacy("doc"), "doc"),
        ("ancien.xls", samples.legacy("xls"), "xls"),
        ("ancien.ppt", samples.legacy("ppt"), "ppt"),
        ("scan.png", samples.image("PNG"), "png"),
        ("photo.jpg", samples.image("JPEG"), "jpeg"),
        ("photo.JPEG", samples.image("JPEG"), "jpeg"),
        ("logo.gif", samples.image("GIF"), "gif"),
        ("photo.webp", samples.image("WEBP"), "webp"),
        ("notes.txt", "Rendez-vous à 14 h, salle 2.\n".encode(), "txt"),
    ],
)
def test_accepted_types_get_their_content_type(name: str, data: bytes, kind: str) -> None:
    inspected = accepted(name, data)
    assert inspected.kind == kind
    assert inspected.content_type.split(";")[0] == KINDS[kind].content_type
    assert inspected.filename == name
    assert inspected.size_bytes == len(data)
    assert inspected.sha256 == hashlib.sha256(data).hexdigest()


def test_the_copy_is_handed_back_at_its_start_and_removed_on_close() -> None:
    data = samples.pdf()
    with inspect("a.pdf", io.BytesIO(data), MB) as inspected:
        assert inspected.file.read() == data
        file = inspected.file
    assert file.closed


def test_a_french_excel_csv_in_windows_1252_is_accepted_with_its_charset() -> None:
    data = "Nom;Ville;Montant\nHélène Dupré;Nîmes;12,50 €\n".encode("cp1252")
    inspected = accepted("export.csv", data)
    assert inspected.kind == "csv"
    assert inspected.content_type == "text/csv; charset=windows-1252"


def test_utf8_text_with_a_bom_and_crlf_is_accepted() -> None:
    data = "\ufeffNom,Prénom\r\nDurand,Zoé\r\n\tfin\r\n".encode()
    inspected = accepted("liste.csv", data)
    assert inspected.content_type == "text/csv; charset=utf-8"


def test_a_name_without_extension_gets_the_detected_one() -> None:
    assert accepted("Contrat signé", samples.pdf()).filename == "Contrat signé.pdf"
    assert accepted("notes", b"du texte\n").filename == "notes.txt"
    assert accepted("photo", samples.image("JPEG")).filename == "photo.jpg"


def test_a_password_protected_pdf_is_accepted() -> None:
    # Documented choice (sniff.py): viewers open restricted PDFs, and a password may be
    # given to the recipient apart. The trailer names an /Encrypt dictionary.
    data = samples.pdf().replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 5 0 R")
    assert accepted("releve.pdf", data).kind == "pdf"


def test_a_jpeg_with_data_after_the_image_is_accepted() -> None:
    motion_photo = samples.image("JPEG") + b"\x00\x00\x00\x18ftypmp42" + os.urandom(2000)
    assert accepted("PXL_0001.MP.jpg", motion_photo).kind == "jpeg"


def test_the_stream_is_read_in_chunks_and_once() -> None:
    reads: list[int] = []

    class Recording(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            reads.append(-1 if size is None else size)
            return super().read(size)

    data = b"ligne de texte\n" * 100_000  # 1.5 MB
    inspect("long.txt", Recording(data), max_bytes=2 * MB).close()
    assert all(0 < size <= 64 * 1024 for size in reads)  # never "everything at once"
    assert sum(reads) >= len(data) and len(reads) <= len(data) // (64 * 1024) + 2


# ---------------------------------------------------------------------- size limits


def test_an_empty_file_is_refused() -> None:
    assert refusal("vide.pdf", b"").reason == "empty"


def test_a_file_over_the_limit_is_refused_and_reading_stops_at_the_limit() -> None:
    class Endless(io.RawIOBase):
        """A zip-bomb-like upload: it never ends; inspect must stop by itself."""

        given = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            buffer[: len(buffer)] = b"\x00" * len(buffer)
            self.given += len(buffer)
            return len(buffer)

    source = Endless()
    with pytest.raises(UnacceptableFile) as caught:
        inspect("bombe.zip", source, max_bytes=1 * MB)  # type: ignore[arg-type]
    assert caught.value.reason == "too_large"
    assert str(caught.value) == "Le fichier dépasse la taille maximale de 1 Mo."
    assert source.given <= 1 * MB + 64 * 1024


def test_exactly_the_limit_is_accepted() -> None:
    data = b"a" * 999 + b"\n"
    assert accepted("juste.txt", data, max_bytes=1000).size_bytes == 1000
    assert refusal("juste.txt", data + b"b", max_bytes=1000).reason == "too_large"


def test_a_zip_bomb_within_the_limit_is_not_inflated() -> None:
    # 256 MiB of zeros in a docx compress to a few hundred kB; only the small parts (the
    # content types) are ever decompressed, so this stays quick and small in memory.
    out = io.BytesIO(samples.ooxml("docx"))
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/zeros.bin", "w", force_zip64=True) as part,
    ):
        for _ in range(64):
            part.write(bytes(4 * MB))
    assert len(out.getvalue()) < 1 * MB
    assert accepted("lourd.docx", out.getvalue()).kind == "docx"


# ------------------------------------------------------------------- programs, code


def _pe_executable() -> bytes:
    dos = bytearray(b"MZ" + b"\x90\x00\x03\x00" + b"\x00" * 58)
    struct.pack_into("<I", dos, 0x3C, 64)
    return bytes(dos) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("facture.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56),
        ("setup.pdf", _pe_executable()),
        ("setup.exe", _pe_executable()),
        ("app.docx", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 24),
        ("Main.pdf", b"\xca\xfe\xba\xbe\x00\x00\x00\x41" + b"\x00" * 24),
        ("lisez-moi.txt", b"#!/bin/sh\nrm -rf ~\n"),
        ("script.txt", b"#!/usr/bin/env python3\nprint('hi')\n"),
    ],
)
def test_programs_and_scripts_are_refused_even_renamed(name: str, data: bytes) -> None:
    error = refusal(name, data)
    assert error.reason == "executable"
    assert "programmes" in str(error)


def test_a_text_that_happens_to_start_with_mz_is_text() -> None:
    assert accepted("notes.txt", b"MZ Conseil, facture de mars " * 5).kind == "txt"


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"  \n<html>\n<body>Bonjour</body></html>",
        b"<script>document.location='https://evil.example'</script>",
        b'<?xml version="1.0"?><note>Bonjour</note>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        b"<!-- commentaire -->\n<p>texte</p>",
        b"\xef\xbb\xbf<HTML><HEAD></HEAD></HTML>",
        b"Bonjour,\nvoici le lien :\n<iframe src='https://evil.example'></iframe>\n",
        b"Nom;Note\nDurand;<script>alert(1)</script>\n",
    ],
)
def test_markup_is_refused_even_named_txt(data: bytes) -> None:
    error = refusal("page.txt", data)
    assert error.reason == "markup"
    assert "HTML" in str(error)


def test_markup_split_between_two_chunks_is_found() -> None:
    data = b"a" * (64 * 1024 - 4) + b"<script>alert(1)</script>\n"
    assert refusal("long.txt", data).reason == "markup"


def test_text_mentioning_angle_brackets_is_still_text() -> None:
    data = "Montant < 100 € et délai > 3 jours ; voir <Annexe 2>.\n".encode()
    assert accepted("notes.txt", data).kind == "txt"


# ---------------------------------------------------------------- ZIP containers


@pytest.mark.parametrize("kind", ["docm", "xlsm", "pptm"])
def test_macro_enabled_office_documents_are_refused(kind: str) -> None:
    data = samples.ooxml(kind, extra_parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    error = refusal(f"document.{kind}", data)
    assert error.reason == "macros"
    assert "macro" in str(error)


def test_a_docm_renamed_docx_is_refused_as_macros() -> None:
    assert refusal("propre.docx", samples.ooxml("docm")).reason == "macros"


def test_a_docx_hiding_a_vba_project_is_refused() -> None:
    data = samples.ooxml(
        "docx",
        extra_parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
        extra_types='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
    )
    assert refusal("propre.docx", data).reason == "macros"


def test_an_xlsx_with_an_excel_4_macro_sheet_is_refused() -> None:
    data = samples.ooxml(
        "xlsx",
        extra_parts={"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"},
        extra_types='<Override PartName="/xl/macrosheets/sheet1.xml" '
        'ContentType="application/vnd.ms-excel.macrosheet+xml"/>',
    )
    assert refusal("budget.xlsx", data).reason == "macros"


def test_a_zip_that_is_not_an_office_document_is_refused() -> None:
    data = samples.plain_zip({"photos/1.jpg": samples.image("JPEG"), "lisez-moi.txt": b"x"})
    assert refusal("archive.zip", data).reason == "not_accepted"
    assert refusal("archive.docx", data).reason == "not_accepted"


def test_a_zip_with_word_folders_but_no_content_types_is_refused() -> None:
    # What a magic-number library takes for a .docx: "word/" near the start of a ZIP.
    data = samples.plain_zip({"word/document.xml": b"<w:document/>"})
    assert refusal("faux.docx", data).reason == "not_accepted"


def test_an_ooxml_without_its_main_part_is_damaged() -> None:
    assert refusal("vide.docx", samples.ooxml("docx", write_main=False)).reason == "damaged"


def test_an_ooxml_template_or_other_package_is_not_accepted() -> None:
    template = samples.ooxml(
        "docx",
        main_type="application/vnd.openxmlformats-officedocument.wordprocessingml."
        "template.main+xml",
    )
    assert refusal("modele.dotx", template).reason == "not_accepted"


def test_content_types_with_a_dtd_are_refused() -> None:
    data = samples.plain_zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]>'
            b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": b"<Relationships/>",
        }
    )
    assert refusal("entites.docx", data).reason == "damaged"


def test_a_password_zip_is_refused_as_encrypted() -> None:
    data = bytearray(samples.ooxml("docx"))
    # Set the "encrypted" flag bit of every entry in the central directory.
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        data[at + 8] |= 0x01
        at += 4
    assert refusal("secret.docx", bytes(data)).reason == "encrypted"


def test_an_odt_needs_its_mimetype_first_and_stored() -> None:
    assert refusal("a.odt", samples.odf(mimetype_first=False)).reason == "not_accepted"
    assert refusal("a.odt", samples.odf(stored=False)).reason == "damaged"


def test_an_opendocument_drawing_is_not_accepted() -> None:
    data = samples.odf("application/vnd.oasis.opendocument.graphics")
    assert refusal("dessin.odg", data).reason == "not_accepted"


def test_an_encrypted_opendocument_is_refused() -> None:
    data = samples.odf(
        manifest_extra='<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'
    )
    assert refusal("secret.odt", data).reason == "encrypted"


def test_an_opendocument_with_basic_macros_is_refused() -> None:
    data = samples.odf(
        extra_parts={
            "Basic/script-lc.xml": b"<library:libraries/>",
            "Basic/Standard/Module1.xml": b"<script:module>Sub Main</script:module>",
        }
    )
    assert refusal("macro.odt", data).reason == "macros"


def test_an_opendocument_with_only_empty_library_indexes_is_accepted() -> None:
    data = samples.odf(extra_parts={"Basic/script-lc.xml": b"<library:libraries/>"})
    assert accepted("courrier.odt", data).kind == "odt"


def test_a_truncated_zip_is_damaged() -> None:
    data = samples.ooxml("docx")
    assert refusal("coupe.docx", data[: len(data) // 2]).reason == "damaged"


def test_a_zip_declaring_too_many_entries_is_refused_before_reading_them() -> None:
    data = bytearray(samples.ooxml("docx"))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)
    assert refusal("enorme.docx", bytes(data)).reason == "damaged"


# ------------------------------------------------------------------- OLE containers


def test_a_password_protected_docx_is_refused_as_encrypted() -> None:
    # Office saves a .docx with a password as an OLE container around the encrypted ZIP.
    data = samples.compound_file(
        {"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": os.urandom(100)}
    )
    error = refusal("secret.docx", data)
    assert error.reason == "encrypted"
    assert "mot de passe" in str(error)


@pytest.mark.parametrize("kind", ["doc", "xls", "ppt"])
def test_legacy_office_with_a_password_is_refused(kind: str) -> None:
    assert refusal(f"secret.{kind}", samples.legacy(kind, encrypted=True)).reason == "encrypted"


def test_a_legacy_word_document_with_macros_is_refused() -> None:
    data = samples.compound_file(
        {
            "WordDocument": samples.word_document(),
            "Macros": {"VBA": {"dir": b"\x01", "ThisDocument": b"Attribute VB_Name"}},
        }
    )
    assert refusal("ancien.doc", data).reason == "macros"


def test_a_legacy_excel_workbook_with_macros_is_refused() -> None:
    data = samples.compound_file(
        {"Workbook": samples.workbook(), "_VBA_PROJECT_CUR": {"VBA": {"dir": b"\x01"}}}
    )
    assert refusal("ancien.xls", data).reason == "macros"


def test_another_ole_file_is_not_accepted() -> None:
    # An Outlook message or an installer has none of Office's main streams.
    data = samples.compound_file({"__substg1.0_0037001F": "Objet".encode("utf-16-le")})
    assert refusal("message.doc", data).reason == "not_accepted"


def test_a_word_stream_without_its_signature_is_damaged() -> None:
    data = samples.compound_file({"WordDocument": b"\x00" * 12})
    assert refusal("faux.doc", data).reason == "damaged"


def test_a_truncated_ole_file_is_damaged() -> None:
    data = samples.legacy("doc")
    assert refusal("coupe.doc", data[:1000]).reason == "damaged"


# --------------------------------------------------------------- images, PDF, other


def test_a_truncated_pdf_is_damaged() -> None:
    assert accepted("entier.pdf", samples.pdf() + b"\r\n\x00\x00").kind == "pdf"
    assert refusal("coupe.pdf", samples.pdf()[:-40]).reason == "damaged"


def test_a_truncated_png_is_damaged() -> None:
    assert refusal("coupe.png", samples.image("PNG")[:-20]).reason == "damaged"


def test_a_webp_whose_size_lies_is_damaged() -> None:
    assert refusal("coupe.webp", samples.image("WEBP")[:-10]).reason == "damaged"


def test_a_heic_photo_is_refused_with_advice() -> None:
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    error = refusal("IMG_0001.HEIC", data)
    assert error.reason == "not_accepted"
    assert "JPEG" in str(error)


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(4096),
        b"\x00\x01\x02\x03binary",
        b"texte\x00avec un NUL",
        b"texte avec un \x1b[31m code de terminal",
        "UTF-16".encode("utf-16"),
        b"\x1f\x8b\x08\x00" + os.urandom(100),  # gzip
        b"Rar!\x1a\x07\x00" + os.urandom(100),
        b"\x00\x00\x00\x18ftypmp42" + os.urandom(100),  # a video
    ],
)
def test_binary_and_unknown_content_is_not_accepted(data: bytes) -> None:
    assert refusal("fichier.txt", data).reason == "not_accepted"


# ---------------------------------------------------------------- extension agreement


@pytest.mark.parametrize(
    ("name", "data", "suggested"),
    [
        ("rapport.docx", samples.pdf(), "rapport.pdf"),
        ("photo.pdf", samples.image("PNG"), "photo.png"),
        ("budget.xls", samples.ooxml("xlsx"), "budget.xlsx"),
        ("courrier.doc", samples.odf(), "courrier.odt"),
        ("tableau.xlsx", samples.legacy("xls"), "tableau.xls"),
        ("notes.pdf", b"du texte\n", "notes.txt"),
        ("facture.pdf.exe", samples.pdf(), "facture.pdf.pdf"),
    ],
)
def test_an_extension_that_names_another_type_is_refused(
    name: str, data: bytes, suggested: str
) -> None:
    error = refusal(name, data)
    assert error.reason == "extension_mismatch"
    assert f"« {name} »" in str(error) and f"« {suggested} »" in str(error)


def test_the_mismatch_message_names_what_the_file_is() -> None:
    error = refusal("rapport.docx", samples.pdf())
    assert str(error) == (
        "« rapport.docx » est en réalité un document PDF : renommez le fichier "
        "« rapport.pdf » et envoyez-le à nouveau."
    )


def test_a_text_named_csv_is_csv_and_named_txt_is_plain_text() -> None:
    assert accepted("a.csv", b"x;y\n").content_type == "text/csv; charset=utf-8"
    assert accepted("a.txt", b"x;y\n").content_type == "text/plain; charset=utf-8"


def test_max_bytes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        inspect("a.txt", io.BytesIO(b"x"), 0)


def test_an_inspected_upload_goes_to_storage_without_another_read(tmp_path: Path) -> None:
    from marketplace.storage import LocalStorage

    storage = LocalStorage(tmp_path)
    data = samples.ooxml("docx")
    with inspect("contrat.docx", io.BytesIO(data), MB) as upload:
        storage.put(f"attachments/{upload.sha256[:2]}/{upload.sha256}", upload.file)
    with storage.open(f"attachments/{upload.sha256[:2]}/{upload.sha256}") as stored:
        assert stored.read() == data
