"""Resident ID numbers (公民身份号码, GB 11643) checked with python-stdnum's `stdnum.cn.ric`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric


@dataclass(frozen=True)
class IdProblem:
    check: str  # "id_format", "id_check_digit", "id_area", "id_birth"
    message: str


def normalise(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def problems(number: str) -> list[IdProblem]:
    """Everything wrong with `number`; empty when it is a well-formed 18-digit number."""
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return [IdProblem("id_format", f"公民身份号码“{number}”格式不正确：应为 17 位数字加 1 位数字或 X")]
    found: list[IdProblem] = []
    expected = check_digit(number[:17])
    if expected != number[17]:
        found.append(IdProblem("id_check_digit", f"公民身份号码“{number}”校验位应为 {expected}，实为 {number[17]}"))
    if birth_date(number) is None:
        found.append(IdProblem("id_birth", f"公民身份号码“{number}”中的出生日期 {number[6:14]} 不是有效日期"))
    elif not area_known(number):
        found.append(IdProblem("id_area", f"公民身份号码“{number}”的地址码 {number[:6]} 不在行政区划代码表中"))
    return found


def check_digit(body17: str) -> str:
    """The 18th character for the first 17 (stdnum's helper expects a placeholder check digit)."""
    return str(ric.calc_check_digit(body17 + "0"))


def birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def exact_birth(month: date | None, number: str) -> date | None:
    """Forms give the birth year and month; when the ID number agrees on them, it knows the day too."""
    from_id = birth_date(number) if len(number) == 18 else None
    if month is not None and from_id is not None and (month.year, month.month) == (from_id.year, from_id.month):
        return from_id
    return month


def sex_code(number: str) -> str:
    """GB/T 2261.1 code from the order digit: odd 1 男, even 2 女."""
    return "1" if int(number[16]) % 2 else "2"


def area_known(number: str) -> bool:
    """The first six digits are a county code of GB/T 2260 (at any time: IDs keep codes assigned later)."""
    from stdnum import numdb

    parts = numdb.get("cn/loc").info(number[:6])
    return any("county" in props for _part, props in parts)


def mask(number: str | None) -> str:
    """`110105********002X`: area code and the last four kept, birth date hidden."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
