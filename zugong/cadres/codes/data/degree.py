"""GB/T 6864 学位代码: honorary doctor, then doctor, master, bachelor by discipline (01 哲学 … 12 管理学)."""

_DISCIPLINES = ("哲学", "经济学", "法学", "教育学", "文学", "历史学", "理学", "工学", "农学", "医学", "军事学", "管理学")
_LEVELS = (("2", "博士"), ("3", "硕士"), ("4", "学士"))

DEGREE: tuple[tuple[str, str], ...] = (("1", "名誉博士"),) + tuple(
    row
    for level, level_name in _LEVELS
    for row in ((level, f"{level_name}学位"),) + tuple(
        (f"{level}{i:02d}", f"{discipline}{level_name}学位") for i, discipline in enumerate(_DISCIPLINES, start=1)
    )
)
# Forms write "法学硕士" or "硕士"; both map to the coded entry.
DEGREE_ALIASES: dict[str, str] = {
    **{f"{discipline}{level_name}": f"{level}{i:02d}"
       for level, level_name in _LEVELS for i, discipline in enumerate(_DISCIPLINES, start=1)},
    **{level_name: level for level, level_name in _LEVELS},
}
