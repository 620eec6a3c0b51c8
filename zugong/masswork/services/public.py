"""Resident intake without an account: throttling, photo checks, and placing the order.

Throttling counts submissions per phone number and per client address in the current hour in the
shared cache (zugong/core/cache.py: every gunicorn worker counts in the same place); the limits are settings (`ZUGONG_MASSWORK_PER_PHONE_HOUR`, `..._PER_ADDRESS_HOUR`).
A photo must be a real image (Pillow `verify()`), at most `ZUGONG_MASSWORK_PHOTO_MAX_BYTES`, and is
re-encoded as JPEG, which drops EXIF (location) and anything smuggled after the image data.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from zugong.core.errors import Conflict, ValidationFailed
from zugong.core.permissions import SYSTEM
from zugong.masswork.models import Channel, ServiceOrder, Wall
from zugong.masswork.services.orders import order_place
from zugong.masswork.services.validation import clean_phone

PHOTO_DIR = "masswork/photos"
_ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
_MAX_PIXELS = 40_000_000
_MAX_SIDE = 1600


class Throttled(Conflict):
    status = 429
    code = "throttled"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def photo_max_bytes() -> int:
    return _limit("ZUGONG_MASSWORK_PHOTO_MAX_BYTES", 3 * 1024 * 1024)


def _throttle_key(kind: str, value: str) -> str:
    hour = timezone.now().strftime("%Y%m%d%H")
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
    return f"masswork:throttle:{kind}:{digest}:{hour}"


def _quotas(phone: str, client_address: str) -> tuple[tuple[str, int, str], ...]:
    """The contact's hourly quota (a phone, or an e-mail given as `mail:…`; none when no contact) and the
    address's (a client address, or an Open311 key as `key:…`)."""
    contact = ((_throttle_key("phone", phone), _limit("ZUGONG_MASSWORK_PER_PHONE_HOUR", 3),
                "该邮箱" if phone.startswith("mail:") else "该手机号"),) if phone else ()
    return (*contact,
            (_throttle_key("addr", client_address), _limit("ZUGONG_MASSWORK_PER_ADDRESS_HOUR", 10), "您所在的网络"))


def throttle_take(*, phone: str, client_address: str) -> list[str]:
    """Count this submission against the hourly quotas of its phone and its address before it is placed.

    Counting first, in the shared cache (one atomic increment), is what lets gunicorn workers submitting
    at the same moment never both take the last place; a refused submission gives back what it took.
    """
    taken: list[str] = []
    for key, limit, who in _quotas(phone, client_address):
        cache.add(key, 0, timeout=3700)
        taken.append(key)
        if cache.incr(key) > limit:
            throttle_release(taken)
            raise Throttled(f"{who}一小时内提交次数已达上限（{limit} 次），请稍后再试或拨打社区电话")
    return taken


def throttle_release(keys: list[str]) -> None:
    """Give back the places of a submission that was refused or failed."""
    for key in keys:
        try:
            cache.decr(key)
        except ValueError:
            # The hour's counter expired meanwhile: there is nothing left to give back.
            continue


def photo_store(upload: UploadedFile[bytes]) -> str:
    """Check and re-encode an uploaded photo; return the stored file name."""
    if upload.size is None or upload.size > photo_max_bytes():
        raise ValidationFailed(f"照片不能超过 {photo_max_bytes() // (1024 * 1024)} MB", field="photo")
    data = upload.read(photo_max_bytes() + 1)
    if len(data) > photo_max_bytes():
        raise ValidationFailed(f"照片不能超过 {photo_max_bytes() // (1024 * 1024)} MB", field="photo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in _ALLOWED_FORMATS:
                raise ValidationFailed("照片只能是 JPEG、PNG、GIF 或 WebP 格式", field="photo")
            if probe.width * probe.height > _MAX_PIXELS:
                raise ValidationFailed("照片像素过大", field="photo")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((_MAX_SIDE, _MAX_SIDE))
            clean = image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationFailed("上传的文件不是有效的图片", field="photo") from exc
    name = f"{secrets.token_hex(16)}.jpg"
    target = Path(settings.MEDIA_ROOT) / PHOTO_DIR
    target.mkdir(parents=True, exist_ok=True)
    clean.save(target / name, format="JPEG", quality=85)
    return name


def public_order_place(
    *, wall: Wall, resident_name: str, resident_phone: str, description: str, category: str, client_address: str,
    address: str = "", photo: UploadedFile[bytes] | None = None, channel: str = Channel.PUBLIC,
    lat: float | None = None, long: float | None = None, resident_email: str = "",
) -> ServiceOrder:
    contact_optional = channel == Channel.OPEN311 and not resident_phone.strip()
    phone = "" if contact_optional else clean_phone(resident_phone)
    contact = phone or (f"mail:{resident_email.strip().lower()}" if resident_email.strip() else "")
    taken = throttle_take(phone=contact, client_address=client_address)
    placed = False
    try:
        photo_name = photo_store(photo) if photo is not None else ""
        # The resident has no account: the system places the order for them (the throttle is the guard).
        order = order_place(actor=None, jurisdiction=SYSTEM, wall=wall, channel=channel, resident_name=resident_name,
                            resident_phone=phone, description=description, category=category, address=address,
                            photo=photo_name, lat=lat, long=long, resident_email=resident_email)
        placed = True
    finally:
        if not placed:
            throttle_release(taken)
    return order
