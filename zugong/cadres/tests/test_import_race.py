"""#16 item 10: two imports creating the same new cadre at once. Both find the ID number new when they
validate; the second insert meets the first one's row. The loser gets a clear Chinese refusal naming the
(masked) number — on the page, from the command line (one line, no traceback) — saves nothing, and its
pending upload is removed."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from zugong.cadres import importers, pending_imports
from zugong.cadres.importers import cadre_import
from zugong.cadres.lrmx import write_lrmx
from zugong.cadres.models import Cadre, ResumeLine
from zugong.cadres.tests.factories import make_cadre, record
from zugong.conftest import logged_in
from zugong.core.permissions import SYSTEM

NUMBER = record().id_number  # 张三, 110105198005170017
MASKED = f"{NUMBER[:6]}********{NUMBER[-4:]}"


def _files() -> list[tuple[str, bytes]]:
    # the new cadre, and a second new one that must not be left behind either
    return [("张三.lrmx", write_lrmx(record("张三"))), ("李四.lrmx", write_lrmx(record("李四", order=2)))]


@pytest.fixture
def winner_first(monkeypatch, tree):
    """The other import creates 张三 after this one validated and before it saves."""
    original = importers._save

    def save(**kwargs):
        make_cadre(tree.township_a2, name="张三")
        original(**kwargs)

    monkeypatch.setattr(importers, "_save", save)


@pytest.mark.django_db
def test_the_loser_is_refused_and_saves_nothing(tree, winner_first):
    result = cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=tree.township_a, files=_files())
    assert [(e.file, e.field) for e in result.errors] == [("张三.lrmx", "id_number")]
    assert MASKED in result.errors[0].message and "同时进行的另一次导入" in result.errors[0].message
    assert (result.imported, result.updated) == (0, 0)
    # only the winner's row is there; the loser's 李四 and histories were rolled back
    assert list(Cadre.objects.values_list("name", "org_unit")) == [("张三", tree.township_a2.pk)]
    assert ResumeLine.objects.filter(cadre__name="李四").count() == 0


@pytest.mark.django_db
def test_the_page_says_so_and_the_pending_upload_is_gone(tree, alice, winner_first, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    web = logged_in(alice)
    # given: a preview of the files, waiting for confirmation
    preview = web.post("/cadres/import/", {"org": tree.township_a.pk, "uploads": [
        _upload(name, data) for name, data in _files()]})
    token = preview.context["token"]
    assert pending_imports.folder(token) is not None
    # when: confirmed while the other import has created 张三
    done = web.post("/cadres/import/", {"token": token}, follow=True)
    # then
    assert done.status_code == 200
    shown = [str(m) for m in done.context["messages"]]
    assert len(shown) == 1 and "导入失败，未保存任何数据" in shown[0] and MASKED in shown[0]
    assert pending_imports.folder(token) is None and not any(pending_imports.root().iterdir())
    assert not Cadre.objects.filter(name="李四").exists()


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.django_db
def test_the_command_prints_one_line_and_no_traceback(tree, winner_first, tmp_path, capsys):
    paths = []
    for name, data in _files():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    with pytest.raises(SystemExit) as exited:
        call_command("import_cadres", *paths, "--org", "990121001")
    out, err = capsys.readouterr()
    assert exited.value.code == 1
    errors = [line for line in out.splitlines() if "同时进行的另一次导入" in line]
    assert len(errors) == 1 and MASKED in errors[0] and "Traceback" not in out + err


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite's shared in-memory test database fails the second writing thread at once "
                           "('database table is locked') instead of waiting; the race is covered above")
@pytest.mark.parametrize("copy", [False, True], ids=["insert", "copy"])
def test_two_threads_importing_the_same_new_cadre_one_wins(tree, monkeypatch, copy):
    # given: two imports of the same new cadre, each on its own connection, both validated before either
    # saves (the barrier), one of them through COPY when asked
    if copy:
        monkeypatch.setattr("zugong.core.bulk.COPY_THRESHOLD", 0)
    original = importers._save
    barrier = threading.Barrier(2)

    def save(**kwargs):
        barrier.wait(timeout=20)
        original(**kwargs)

    monkeypatch.setattr(importers, "_save", save)
    results, failures = [], []

    def run(unit) -> None:
        try:
            results.append(cadre_import(actor=None, jurisdiction=SYSTEM, org_unit=unit,
                                        files=[("张三.lrmx", write_lrmx(record("张三")))]))
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=run, args=(u,)) for u in (tree.township_a, tree.township_a2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # then: exactly one imported, the other refused in Chinese; one cadre with one set of histories
    assert failures == []
    assert sorted((r.imported, len(r.errors)) for r in results) == [(0, 1), (1, 0)]
    loser = next(r for r in results if r.errors)
    assert "同时进行的另一次导入" in loser.errors[0].message and MASKED in loser.errors[0].message
    assert Cadre.objects.filter(id_number=NUMBER).count() == 1
    cadre = Cadre.objects.get(id_number=NUMBER)
    assert ResumeLine.objects.filter(cadre=cadre).count() == len(record().resume)
