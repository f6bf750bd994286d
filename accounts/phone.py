"""Mainland mobile numbers: what people type, and the one form we store (11 ASCII digits)."""

import re
import unicodedata

MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")

# People paste numbers from contacts ("+86 138-0000-0001", "(0086) 138 0000 0001") and type
# them with a Chinese IME, which may produce full-width digits and spaces; NFKC folds those.
_SEPARATORS = re.compile(r"[\s\-().·]")
_COUNTRY_PREFIXES = ("+86", "0086")


def normalise_phone(raw: str | None) -> str | None:
    """Return the 11-digit number, or None when ``raw`` is not a mainland mobile number."""
    if not raw:
        return None
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw)))
    for prefix in _COUNTRY_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    else:
        if len(text) == 13 and text.startswith("86"):
            text = text[2:]
    return text if MAINLAND_MOBILE.match(text) else None


def mask_phone(phone: str | None) -> str:
    """138****0001: enough for a desk to recognise someone, not enough to call them."""
    if not phone:
        return ""
    return f"{phone[:3]}****{phone[-4:]}"
