"""Every user-visible string has its Chinese, with the same {placeholders}, in the shipped files.

Core messages use shop_desk.i18n.tr() with the JSON catalogs; the window uses Qt's tr() with
the .ts/.qm that tools/update_translations.py builds from the same JSON catalogs.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from shop_desk.i18n import placeholders

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import update_translations as ut  # noqa: E402

CATALOG_DIR = REPO / "resources" / "translations" / "zh_CN"


def catalog() -> dict[str, str]:
    return ut.load_catalog()


def core_tr_calls() -> list[tuple[str, int, ast.Call]]:
    """Every call tr(...) to a plain name in shop_desk outside gui/."""
    calls = []
    for path in sorted((REPO / "shop_desk").rglob("*.py")):
        if "gui" in path.relative_to(REPO / "shop_desk").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "tr"
                and node.args
            ):
                calls.append((str(path.relative_to(REPO)), node.lineno, node))
    return calls


def test_json_catalogs_are_valid_and_keep_placeholders():
    for path in sorted(CATALOG_DIR.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(entries, dict), path.name
        bad = [k for k, v in entries.items() if placeholders(k) != placeholders(v) or not v]
        assert not bad, f"{path.name}: placeholders differ or empty: {bad[:5]}"


def test_json_catalogs_agree_on_shared_strings():
    """The catalogs are merged into one: a source in two files must read the same in both."""
    seen: dict[str, tuple[str, str]] = {}
    conflicts = []
    for path in sorted(CATALOG_DIR.glob("*.json")):
        for source, text in json.loads(path.read_text(encoding="utf-8")).items():
            if source in seen and seen[source][1] != text:
                conflicts.append(
                    f"{source!r}: {seen[source][0]} {seen[source][1]!r}, {path.name} {text!r}"
                )
            seen.setdefault(source, (path.name, text))
    assert not conflicts, "one translation per source, please:\n" + "\n".join(conflicts)


def test_every_qt_message_has_a_finished_translation():
    messages = ut.ts_messages(ut.TS)
    assert len(messages) > 100
    unfinished = [(c, s) for (c, s), (text, done) in messages.items() if not done or not text]
    assert not unfinished, f"run tools/update_translations.py; missing: {unfinished[:10]}"
    differ = [
        (c, s) for (c, s), (text, _) in messages.items() if placeholders(text) != placeholders(s)
    ]
    assert not differ, differ[:10]


def test_core_tr_calls_are_literal_and_translated():
    entries = catalog()
    not_literal, missing, differ = [], [], []
    for where, line, call in core_tr_calls():
        first = call.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            not_literal.append(f"{where}:{line}")
            continue
        source = first.value
        if source not in entries:
            missing.append(f"{where}:{line}: {source!r}")
        elif placeholders(entries[source]) != placeholders(source):
            differ.append(f"{where}:{line}: {source!r}")
        keywords = {k.arg for k in call.keywords if k.arg}
        if not any(k.arg is None for k in call.keywords) and keywords != placeholders(source):
            differ.append(f"{where}:{line}: arguments {sorted(keywords)} for {source!r}")
    assert not not_literal, f"tr() needs a literal string: {not_literal}"
    assert not missing, "add to resources/translations/zh_CN/*.json:\n" + "\n".join(missing)
    assert not differ, "\n".join(differ)


def test_qm_loads_and_translates(qapp):
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(ut.QM))
    assert translator.translate("MainWindow", "Counter") == "收银"
    assert translator.translate("CounterPage", "Pay (F12)") == "收款 (F12)"


def test_qt_translators_install_with_qtbase(qapp):
    from PySide6.QtCore import QCoreApplication

    from shop_desk.gui.i18n_qt import install_translators

    try:
        installed = install_translators("zh_CN")
        assert installed.loaded == {"qtbase": True, "shop_desk": True}
        assert QCoreApplication.translate("MainWindow", "Settings") == "设置"
    finally:
        install_translators("en")
    assert QCoreApplication.translate("MainWindow", "Settings") == "Settings"


@pytest.mark.slow
def test_ts_and_qm_are_up_to_date_with_code_and_catalogs(tmp_path):
    """Rebuild in a temp folder: the same messages, translations and compiled .qm."""
    ts, _qm, missing = ut.build(tmp_path)
    assert not missing, f"strings without a translation: {missing[:10]}"
    fresh, committed = ut.ts_messages(ts), ut.ts_messages(ut.TS)
    new = sorted(set(fresh) - set(committed))
    gone = sorted(set(committed) - set(fresh))
    changed = sorted(k for k in set(fresh) & set(committed) if fresh[k] != committed[k])
    assert not (new or gone or changed), (
        f"run tools/update_translations.py (new {new[:5]}, gone {gone[:5]}, changed {changed[:5]})"
    )
    wrong = ut.qm_differences(ut.QM, fresh)
    assert not wrong, f"run tools/update_translations.py; the .qm differs: {wrong[:5]}"
