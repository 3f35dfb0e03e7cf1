"""Every user-facing string has a Chinese translation: no empty or fuzzy zh_Hans entry."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "src/tanji/locale/zh_Hans/LC_MESSAGES/django.po"
ENTRY = re.compile(
    r'((?:#[^\n]*\n)*)msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ((?:"(?:[^"\\]|\\.)*"\n?)+)'
)


def _joined(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def test_no_empty_or_fuzzy_chinese_entries() -> None:
    entries = ENTRY.findall(PO.read_text(encoding="utf-8"))
    assert len(entries) > 10
    problems = []
    for comments, msgid, msgstr in entries[1:]:  # the first entry is the header
        if "fuzzy" in comments:
            problems.append(f"fuzzy: {_joined(msgid)}")
        if not _joined(msgstr):
            problems.append(f"untranslated: {_joined(msgid)}")
    assert problems == []
