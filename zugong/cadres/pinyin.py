"""Normalised pinyin of a name for search: full pinyin and initials, lowercase ASCII without spaces."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def name_pinyin(name: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(name.strip(), style=Style.NORMAL, errors="ignore")]
    full = "".join(s for s in syllables if s.isascii() and s.isalpha())
    initials = "".join(s[0] for s in syllables if s and s.isascii() and s.isalpha())
    return full, initials
