"""Field checks shared by the staff forms, the public page and Open311."""

from __future__ import annotations

import re

from zugong.core.errors import ValidationFailed

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def clean_phone(value: str) -> str:
    phone = value.strip().replace(" ", "")
    if not _PHONE.match(phone):
        raise ValidationFailed("请填写正确的手机号码或固定电话", field="phone")
    return phone


def clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(text) > max_length:
        raise ValidationFailed(f"{label}不能超过 {max_length} 个字", field=field)
    return text


def mask_name(name: str) -> str:
    """张三丰 → 张**: the public board never shows a resident's full name."""
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


def mask_phone(phone: str) -> str:
    """13812348000 → 138****8000; no phone (an Open311 request may have none) stays empty."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_id_number(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) >= 8 else "****"
