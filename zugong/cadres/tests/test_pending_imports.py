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
