"""Uploaded files: what they really are (sniff.py), under which name (names.py), and why
one is refused (errors.py). No storage and no model here: callers put the accepted copy
in marketplace/storage and record it themselves.
"""

from __future__ import annotations

from marketplace.files.errors import UnacceptableFile
from marketplace.files.names import clean_filename
from marketplace.files.sniff import ACCEPT_ATTRIBUTE, KINDS, Inspected, Kind, inspect

__all__ = [
    "ACCEPT_ATTRIBUTE",
    "KINDS",
    "Inspected",
    "Kind",
    "UnacceptableFile",
    "clean_filename",
    "inspect",
]
