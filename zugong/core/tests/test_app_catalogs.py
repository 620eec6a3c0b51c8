"""The English catalogs of the business apps (cadres, rules, talks, masswork).

Each app keeps its own catalog in ``zugong/<app>/locale/en/LC_MESSAGES/`` (see docs/ui.md, "Languages").
These tests check that every entry of each ``.po`` is translated (no empty and no fuzzy ``msgstr``),
that the committed ``.mo`` is the compilation of that ``.po`` (CI never compiles), and that switching
to English shows the apps' navigation, page titles and model labels in English.

They deliberately do NOT check that a catalog covers every translatable string in the app's source:
the apps keep changing, and a new string only becomes an entry after ``makemessages`` is run again.
Until then it shows in Chinese, which is the source language and never an error.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from zugong.conftest import Tree, logged_in

PACKAGE = Path(__file__).resolve().parents[2]  # .../zugong
APPS = ["cadres", "rules", "talks", "masswork", "meetings", "selection", "rectification", "jobs", "assessment", "fieldwork"]
# catalogs the app catalogs must agree with (Django merges all catalogs of a language into one)
OTHER_CATALOGS = {"shell": PACKAGE / "locale", "core": PACKAGE / "core" / "locale"}
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def unescape(text: str) -> str:
    replacements = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: replacements.get(m.group(1), "\\" + m.group(1)), text)


def parse_po(text: str) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") included, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: tuple[str, int] | None = None
    seen_msgstr = False

    def start() -> Entry:
        nonlocal seen_msgstr
        entry = Entry()
        entries.append(entry)
        seen_msgstr = False
        return entry

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is None or seen_msgstr:
                current = start()
            if line.startswith("#,"):
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            key = None
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? "(.*)"$', line)
        if match:
            word, index, value = match.group(1), int(match.group(2) or 0), unescape(match.group(3))
            if word in ("msgctxt", "msgid") and (current is None or seen_msgstr):
                current = start()
            assert current is not None
            if word == "msgstr":
                seen_msgstr = True
                current.msgstr[index] = value
            elif word == "msgctxt":
                current.msgctxt = value
            elif word == "msgid":
                current.msgid = value
            else:
                current.msgid_plural = value
            key = (word, index)
        elif line.startswith('"') and current is not None and key is not None:
            value = unescape(line[1:-1])
            word, index = key
            if word == "msgstr":
                current.msgstr[index] += value
            elif word == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif word == "msgid":
                current.msgid += value
            else:
                current.msgid_plural = (current.msgid_plural or "") + value
        else:
            raise AssertionError(f"unreadable .po line: {line!r}")
    return entries


def catalog_paths(locale_dir: Path) -> tuple[Path, Path]:
    base = locale_dir / "en" / "LC_MESSAGES" / "django"
    return base.with_suffix(".po"), base.with_suffix(".mo")


def lookup_key(entry: Entry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid


def translations(locale_dir: Path) -> dict[str, str]:
    po, _ = catalog_paths(locale_dir)
    return {lookup_key(e): e.msgstr.get(0, "") for e in parse_po(po.read_text(encoding="utf-8"))
            if e.msgid and e.msgid_plural is None}


def test_parse_po_reads_context_plurals_flags_and_continuations() -> None:
    text = '''msgid ""
msgstr ""
"Language: en\\n"

#: a.py:1
#, python-format
msgid ""
"共 %(n)s "
"人"
msgstr "%(n)s "
"people"

#, fuzzy
msgctxt "菜单"
msgid "提醒"
msgstr "Reminders"

msgid "一条"
msgid_plural "多条"
msgstr[0] "one \\"item\\""
msgstr[1] "items"

#~ msgid "旧"
#~ msgstr "old"
'''
    header, people, reminder, plural = parse_po(text)
    assert header.msgid == "" and header.msgstr == {0: "Language: en\n"}
    assert people.msgid == "共 %(n)s 人" and people.msgstr == {0: "%(n)s people"} and people.flags == {"python-format"}
    assert reminder.msgctxt == "菜单" and "fuzzy" in reminder.flags and lookup_key(reminder) == "菜单\x04提醒"
    assert plural.msgid_plural == "多条" and plural.msgstr == {0: 'one "item"', 1: "items"}


@pytest.mark.parametrize("app", APPS)
def test_app_catalog_is_translated_and_compiled(app: str) -> None:
    po, mo = catalog_paths(PACKAGE / app / "locale")
    assert po.is_file(), f"{po} is missing: run makemessages (docs/ui.md)"
    assert mo.is_file(), f"{mo} is missing: run msgfmt (docs/ui.md)"
    entries = parse_po(po.read_text(encoding="utf-8"))
    header = entries[0]
    assert header.msgid == "" and "fuzzy" not in header.flags, "the header must not be fuzzy"
    assert "Language: en\n" in header.msgstr[0] and "charset=UTF-8" in header.msgstr[0]
    messages = entries[1:]
    assert len(messages) > 10 and all(e.msgid for e in messages), app

    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries in {app}: {fuzzy}"
    for e in messages:
        forms = 2 if e.msgid_plural is not None else 1
        assert sorted(e.msgstr) == list(range(forms)), (app, e.msgid, e.msgstr)
    untranslated = [e.msgid for e in messages if not all(e.msgstr.values())]
    assert not untranslated, f"untranslated entries in {app}: {untranslated}"
    still_chinese = [e.msgid for e in messages if any(CJK.search(s) for s in e.msgstr.values())]
    assert not still_chinese, f"entries of {app} translated into Chinese: {still_chinese}"
    for e in messages:
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        for text in e.msgstr.values():
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (app, e.msgid, text)

    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    # the committed .mo must be this .po compiled: same entries, same translations
    stale = []
    for e in messages:
        if e.msgid_plural is not None:
            got = {0: compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1) if e.msgctxt is not None
                   else compiled.ngettext(e.msgid, e.msgid_plural, 1),
                   1: compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 2) if e.msgctxt is not None
                   else compiled.ngettext(e.msgid, e.msgid_plural, 2)}
        else:
            got = {0: compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt is not None else compiled.gettext(e.msgid)}
        if got != e.msgstr:
            stale.append(e.msgid)
    assert not stale, f"{mo} is stale (run msgfmt, see docs/ui.md): {stale}"
    # and holds nothing the .po no longer has (GNUTranslations keeps the entries in _catalog)
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in compiled._catalog} - {""}  # type: ignore[attr-defined]
    assert compiled_ids == {lookup_key(e) for e in messages}, f"{mo} is stale (run msgfmt, see docs/ui.md)"


def test_catalogs_agree_on_shared_msgids() -> None:
    # Django merges every catalog of a language into one, so a msgid shows the same English
    # everywhere: a different translation of it in an app catalog would never be seen.
    catalogs = {name: translations(path) for name, path in OTHER_CATALOGS.items()}
    catalogs.update({app: translations(PACKAGE / app / "locale") for app in APPS})
    seen: dict[str, dict[str, str]] = {}
    for name, entries in catalogs.items():
        for msgid, msgstr in entries.items():
            seen.setdefault(msgid, {})[name] = msgstr
    disagree = {msgid: found for msgid, found in seen.items() if len(set(found.values())) > 1}
    assert not disagree, f"translated differently in different catalogs: {disagree}"


def test_app_labels_are_english_when_english_is_active(db: None) -> None:
    expected_models = {
        ("cadres", "Cadre"): "Cadre",
        ("rules", "Rule"): "Rule",
        ("talks", "Talk"): "Talks",
        ("talks", "Interview"): "Admonition interviews",
        ("masswork", "Wall"): "Wish wall",
        ("masswork", "Petition"): "Petition",
        ("masswork", "LedgerEntry"): "Sentiment ledger",
    }
    with translation.override("en"):
        assert [str(apps.get_app_config(app).verbose_name) for app in APPS] == [
            "Cadres", "Rule compliance", "Talks", "Mass work", "Meeting", "Selection", "Rectification",
            "Background jobs", "Assessment", "Field work, training and villages"]
        for (app, model), label in expected_models.items():
            assert str(apps.get_model(app, model)._meta.verbose_name) == label
        assert str(apps.get_model("cadres", "Cadre")._meta.get_field("id_number").verbose_name) == "Citizen ID number"
    with translation.override("zh-hans"):
        assert str(apps.get_model("masswork", "Wall")._meta.verbose_name) == "民心墙"


def english_client(user: User) -> Client:
    client = logged_in(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def nav_labels(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-nav="([^"]+)"[^>]*>([^<]*)<', html))


def test_app_navigation_is_english_after_switching(tree: Tree, alice: User) -> None:
    response = english_client(alice).get("/")
    assert response.status_code == 200
    nav = nav_labels(response.content.decode())
    assert nav["cadres"] == "Cadres" and nav["cadres-audit"] == "Archive audit"
    assert nav["talks"] == "Talks" and nav["talks-interviews"] == "Admonition interviews"
    assert nav["talks-plan"] == "Talk plan" and nav["talks-stats"] == "Talk statistics"
    assert nav["masswork"] == "Wish wall"
    assert nav["rules"] == "Rule compliance" and nav["rules-inbox"] == "Reminders"
    assert not [label for label in nav.values() if CJK.search(label)], nav


@pytest.mark.parametrize(("url", "title", "texts"), [
    ("/cadres/", "Cadres", ["Export to Excel", "Name / pinyin / initials"]),
    ("/cadres/audit/", "Archive audit", ["No problems found."]),
    ("/rules/", "Rule compliance", ["Rule compliance overview", "Compliance rate"]),
    ("/rules/inbox/", "Reminders", ["Rule compliance reminders", "No reminders"]),
])
def test_app_pages_are_english_after_switching(tree: Tree, alice: User, url: str, title: str,
                                               texts: list[str]) -> None:
    response = english_client(alice).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert re.search(rf"<title>\s*{re.escape(title)} ·", html), re.search(r"<title>.*?</title>", html, re.S)
    for text in texts:
        assert text in html, (url, text)


_GETTEXT_CALL = re.compile(r"\b(gettext|pgettext|ngettext|npgettext)\((.*?)\) ")


def template_msgids(path: Path) -> set[tuple[str | None, str]]:
    """(context, msgid) of every string a template marks for translation, read the way makemessages
    reads it (Django's `templatize`)."""
    import ast

    from django.utils.translation.template import templatize

    found: set[tuple[str | None, str]] = set()
    for function, raw in _GETTEXT_CALL.findall(templatize(path.read_text(encoding="utf-8"))):
        try:
            args = ast.literal_eval(f"({raw},)")
        except (ValueError, SyntaxError):
            args = tuple(ast.literal_eval(part) for part in re.findall(r"u?'(?:[^'\\]|\\.)*'", raw))
        strings = [a for a in args if isinstance(a, str)]
        if function.startswith("p") or function.startswith("np"):
            found.add((strings[0], strings[1]))
        elif strings:
            found.add((None, strings[0]))
    return found


def all_english() -> dict[str, str]:
    merged: dict[str, str] = {}
    for locale_dir in [*OTHER_CATALOGS.values(), *(PACKAGE / app / "locale" for app in APPS)]:
        po, _ = catalog_paths(locale_dir)
        for entry in parse_po(po.read_text(encoding="utf-8")):
            if entry.msgid and entry.msgstr.get(0):
                merged[lookup_key(entry)] = entry.msgstr[0]
    return merged


def test_every_template_string_has_an_english_entry() -> None:
    # given: every template of the shell, core and the apps
    english = all_english()
    templates = sorted([*(PACKAGE / "templates").rglob("*.html"),
                        *(p for app in ["core", *APPS] for p in (PACKAGE / app / "templates").rglob("*.html"))])
    assert len(templates) > 40
    # then: each string they mark for translation is in an English catalogue, translated
    missing = {str(path.relative_to(PACKAGE)): sorted(msgid for ctx, msgid in template_msgids(path)
                                                      if (f"{ctx}\x04{msgid}" if ctx else msgid) not in english)
               for path in templates}
    missing = {path: ids for path, ids in missing.items() if ids}
    assert not missing, f"template strings with no English entry (run makemessages, translate, msgfmt): {missing}"


def test_template_msgids_reads_translate_and_blocktranslate(tmp_path: Path) -> None:
    page = tmp_path / "t.html"
    page.write_text('{% load i18n %}{% translate "甲" %}{% translate "乙" context "菜单" %}'
                    '{% blocktranslate with n=x %}第 {{ n }} 页{% endblocktranslate %}', encoding="utf-8")
    assert template_msgids(page) == {(None, "甲"), ("菜单", "乙"), (None, "第 %(n)s 页")}
