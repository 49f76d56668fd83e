"""Contact details in messages written before hiring are masked.

Until a business hires a secretary, the platform is what protects them both: the quote,
the escrow, the review. Large marketplaces mask e-mail addresses and phone numbers in
pre-hire messages so that the deal is not taken elsewhere before either side is protected;
we do the same, and say so next to the message. After hiring, nothing is masked.

What counts as contact details (French habits first):
- e-mail addresses, also written `prenom [at] domaine [point] fr`;
- phone numbers: `06 12 34 56 78`, `06.12.34.56.78`, `+33 6 12 34 56 78`,
  `0033612345678`, `+33 (0)6 ...`, other international numbers, and any bare run of 9
  digits or more;
- WhatsApp/Telegram links (`wa.me/...`, `t.me/...`).
Amounts, dates, times, postcodes and references stay readable; a bare 9+ digit run is
masked even when it is not a phone (a SIREN): better masked than leaked, and the
explanation next to the message tells the writer why.
"""

from __future__ import annotations

import re

MASK = "[coordonnées masquées]"

_EMAIL = re.compile(
    r"[\w.+-]+\s*(?:@|\[\s*at\s*\]|\(\s*at\s*\)|\s+at\s+|\s+arobase\s+)\s*"
    r"[\w-]+(?:\s*(?:\.|\[\s*(?:dot|point)\s*\]|\(\s*(?:dot|point)\s*\)|\s+(?:dot|point)\s+)"
    r"\s*[\w-]+)+",
    re.IGNORECASE,
)
# A phone: a French number (0 then 9 digits, in pairs or not), an international one
# (+ or 00, the country code, an optional "(0)", 6 to 12 more digits), or any bare run
# of 9 digits or more; never glued to other letters or digits. Dates and times
# ("12/03/2026 10h") do not match: they do not start with 0X and pairs.
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"0[1-9](?:[\s.\-]?\d\d){4}"
    r"|(?:\+|00)\s?\d{1,3}(?:\s?\(0\))?(?:[\s.\-]?\d){6,12}"
    r"|\d{9,}"
    r")(?!\w)"
)
_MESSENGER = re.compile(r"\b(?:https?://)?(?:wa\.me|t\.me|api\.whatsapp\.com)/\S+", re.I)


def mask_contacts(text: str) -> tuple[str, bool]:
    """The text with contact details replaced by MASK, and whether anything was masked."""
    masked = text
    for pattern in (_MESSENGER, _EMAIL, _PHONE):
        masked = pattern.sub(MASK, masked)
    return masked, masked != text
