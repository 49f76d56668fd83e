"""The name an upload is kept and shown under: the sender's, made harmless.

Kept: letters with their accents (normalised to NFC: macOS sends "é" as "e" + accent),
digits, spaces, punctuation. Removed: any folder part (both / and \\, browsers of old sent
"C:\\Users\\...\\facture.pdf"), control and invisible format characters (among them the
right-to-left override, U+202E, that makes "facture<U+202E>fdp.exe" show as
"factureexe.pdf"). Replaced by
"_": the characters Windows refuses in a name (<>:"|?*), so the file saves anywhere.
Windows' reserved device names (CON, NUL, COM1, ...) get a "_" in front. Capped at
MAX_CHARS characters and MAX_BYTES bytes of UTF-8, the extension kept.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 150
MAX_BYTES = 240  # most filesystems allow 255 bytes per name; a little room for "(2)"
DEFAULT_STEM = "fichier"
_WINDOWS_FORBIDDEN = str.maketrans({c: "_" for c in '<>:"|?*'})
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(10)}
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")


def split_extension(name: str) -> tuple[str, str]:
    """("rapport annuel", "pdf") for "rapport annuel.pdf"; ("notes", "") for "notes"."""
    stem, dot, extension = name.rpartition(".")
    if dot and stem and _EXTENSION.fullmatch(extension):
        return stem, extension
    return name, ""


def clean_filename(name: str) -> str:
    """The sender's file name made safe to store, show and download (never empty)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if category[0] == "C":  # Cc control, Cf format (bidi, zero-width), Cs, Co, Cn
            continue
        kept.append(" " if category[0] == "Z" else char)  # every kind of space: a space
    name = re.sub(" {2,}", " ", "".join(kept).translate(_WINDOWS_FORBIDDEN))
    stem, extension = split_extension(name.strip(" ."))
    stem = stem.strip(" .") or DEFAULT_STEM
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return _capped(stem, extension)


def with_extension(stem: str, extension: str) -> str:
    return _capped(stem, extension)


def _capped(stem: str, extension: str) -> str:
    suffix = f".{extension}" if extension else ""
    stem = stem[: MAX_CHARS - len(suffix)]
    while len((stem + suffix).encode("utf-8")) > MAX_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or DEFAULT_STEM) + suffix
