"""Uploads waiting for confirmation: kept with their names, found by token only, gone after a day."""

import os
import time

from zugong.cadres import pending_imports


def test_keep_read_and_expire(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    token = pending_imports.keep([("张三_110105198005170017.lrm", b"a"), ("张三_110105198005170017.pic", b"b")])
    folder = pending_imports.folder(token)
    assert folder is not None and oct(folder.stat().st_mode & 0o777) == "0o700"
    assert pending_imports.read(folder) == [("张三_110105198005170017.lrm", b"a"), ("张三_110105198005170017.pic", b"b")]
    assert pending_imports.folder("../" + token) is None and pending_imports.folder("f" * 32) is None
    # a day later, the next upload sweeps the unconfirmed one away
    old = time.time() - pending_imports.MAX_AGE_SECONDS - 60
    os.utime(folder, (old, old))
    pending_imports.keep([("x.lrmx", b"c")])
    assert pending_imports.folder(token) is None and not folder.exists()


DAY = 86_400  # the register of the issue: unconfirmed previews are kept for one day (a literal on purpose)


def _aged(settings, tmp_path, seconds: int) -> str:
    settings.VAR_DIR = tmp_path
    token = pending_imports.keep([("a.lrmx", b"a")])
    folder = pending_imports.folder(token)
    assert folder is not None
    then = time.time() - seconds
    os.utime(folder, (then, then))
    return token


def test_a_preview_can_be_confirmed_a_minute_before_the_day_is_over(settings, tmp_path):
    token = _aged(settings, tmp_path, DAY - 60)
    folder = pending_imports.folder(token)
    assert folder is not None and pending_imports.read(folder) == [("a.lrmx", b"a")]


def test_a_preview_expires_when_the_day_is_over_even_before_the_next_upload(settings, tmp_path):
    # a minute past the day, and nobody uploaded since: the token no longer finds the files
    token = _aged(settings, tmp_path, DAY + 60)
    assert pending_imports.folder(token) is None
    assert not (tmp_path / "pending-imports" / token).exists()


def test_the_next_upload_keeps_a_younger_preview_and_sweeps_an_older_one(settings, tmp_path):
    young = _aged(settings, tmp_path, DAY - 60)
    old = _aged(settings, tmp_path, DAY + 60)
    pending_imports.keep([("b.lrmx", b"b")])
    assert (tmp_path / "pending-imports" / young).exists() and not (tmp_path / "pending-imports" / old).exists()
