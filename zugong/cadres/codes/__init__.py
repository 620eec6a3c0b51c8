"""Code tables of the national standards, written by this project from the standards' published lists.

Each table is a tuple of (code, name) pairs plus aliases that 任免审批表 files use in practice.
`lookup(table, text)` maps a name or alias (or the code itself) to the code; `name_of(table, code)`
is the display name. Rank levels and grades are not here: admins edit them (models RankLevel, Grade).
"""

from __future__ import annotations

from zugong.cadres.codes.data import (
    DEGREE,
    DEGREE_ALIASES,
    EDUCATION,
    EDUCATION_ALIASES,
    ETHNICITY,
    ETHNICITY_ALIASES,
    POLITICAL_STATUS,
    POLITICAL_STATUS_ALIASES,
    RELATION,
    RELATION_ALIASES,
    SEX,
    SEX_ALIASES,
)

CodeTable = tuple[tuple[str, str], ...]

TABLES: dict[str, tuple[CodeTable, dict[str, str]]] = {
    "sex": (SEX, SEX_ALIASES),
    "ethnicity": (ETHNICITY, ETHNICITY_ALIASES),
    "political_status": (POLITICAL_STATUS, POLITICAL_STATUS_ALIASES),
    "relation": (RELATION, RELATION_ALIASES),
    "education": (EDUCATION, EDUCATION_ALIASES),
    "degree": (DEGREE, DEGREE_ALIASES),
}


def choices(table: str) -> list[tuple[str, str]]:
    return list(TABLES[table][0])


def name_of(table: str, code: str) -> str:
    return dict(TABLES[table][0]).get(code, "")


def lookup(table: str, text: str) -> str | None:
    """The code for `text` (a code, a standard name or a known alias), or None."""
    value = text.strip()
    if not value:
        return None
    rows, aliases = TABLES[table]
    by_code = dict(rows)
    if value in by_code:
        return value
    for code, name in rows:
        if name == value:
            return code
    return aliases.get(value)
