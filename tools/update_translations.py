"""Refresh the Qt translation of the window from the shared JSON catalogs.

    python tools/update_translations.py [--check]

1. pyside6-lupdate collects every tr() / translate() source string of shop_desk/gui/**/*.py
   into resources/translations/shop_desk_zh_CN.ts;
2. each message is filled from ALL resources/translations/zh_CN/*.json ({English: 中文}) and
   marked finished; a translation whose {placeholders} differ from the source is refused;
3. the strings still missing are listed;
4. pyside6-lrelease compiles shop_desk_zh_CN.qm, which the window loads at start-up.

--check writes nothing: it exits 1 if the .ts or .qm in the tree are not what this would write.
"""

from __future__ import annotations

import argparse
import json
import shutil
import string
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUI = ROOT / "shop_desk" / "gui"
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGE = "zh_CN"
TS = TRANSLATIONS / f"shop_desk_{LANGUAGE}.ts"
QM = TRANSLATIONS / f"shop_desk_{LANGUAGE}.qm"


def placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<malformed>"}


def load_catalog(language: str = LANGUAGE) -> dict[str, str]:
    catalog: dict[str, str] = {}
    for path in sorted((TRANSLATIONS / language).glob("*.json")):
        catalog.update(json.loads(path.read_text(encoding="utf-8")))
    return catalog


def qt_tool(name: str) -> list[str]:
    """PySide6's own lupdate/lrelease binary (shipped in the wheel), else the wrapper on PATH."""
    import PySide6

    folder = Path(PySide6.__file__).resolve().parent
    for candidate in (folder / name, folder / f"{name}.exe", folder / "Qt" / "libexec" / name):
        if candidate.is_file():
            return [str(candidate)]
    wrapper = shutil.which(f"pyside6-{name}")
    if wrapper:
        return [wrapper]
    raise SystemExit(f"{name} not found: install PySide6 (it ships pyside6-{name})")


def gui_sources() -> list[Path]:
    return sorted(p for p in GUI.rglob("*.py") if "__pycache__" not in p.parts)


def run_lupdate(ts: Path) -> None:
    files = [str(p.relative_to(ROOT)) for p in gui_sources()]
    command = qt_tool("lupdate") + files
    command += ["-no-obsolete", "-locations", "none", "-target-language", LANGUAGE, "-ts", str(ts)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)


def run_lrelease(ts: Path, qm: Path) -> None:
    command = [*qt_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)


def fill(ts: Path, catalog: dict[str, str]) -> list[tuple[str, str, str]]:
    """Fill every message from the catalog, in place. Returns (context, source, why) missing."""
    tree = ET.parse(ts)
    missing: list[tuple[str, str, str]] = []
    for context in tree.getroot().iter("context"):
        context_name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source", "")
            translation = message.find("translation")
            if translation is None:
                translation = ET.SubElement(message, "translation")
            text = catalog.get(source)
            why = ""
            if text is None:
                why = "no translation"
            elif placeholders(text) != placeholders(source):
                why = f"placeholders differ: {sorted(placeholders(text))}"
            if why:
                translation.text = None
                translation.set("type", "unfinished")
                missing.append((context_name, source, why))
            else:
                translation.text = text
                translation.attrib.pop("type", None)
    write_ts(tree, ts)
    return missing


def write_ts(tree: ET.ElementTree, ts: Path) -> None:
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8"
    )


def ts_messages(ts: Path) -> dict[tuple[str, str], tuple[str, bool]]:
    """{(context, source): (translation, finished)} of a .ts file."""
    result = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            text = "" if translation is None else (translation.text or "")
            finished = translation is not None and translation.get("type") is None
            result[(name, message.findtext("source", ""))] = (text, finished)
    return result


def qm_differences(qm: Path, messages: dict[tuple[str, str], tuple[str, bool]]) -> list:
    """Messages the compiled .qm translates otherwise than the .ts says (by meaning, not bytes:
    another Qt version's lrelease may lay the file out differently)."""
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    if not translator.load(str(qm)):
        return [("", "", "the .qm does not load")]
    wrong = []
    for (context, source), (text, finished) in messages.items():
        expected = text if finished else ""
        if translator.translate(context, source) != expected:
            wrong.append((context, source, expected))
    return wrong


def build(folder: Path) -> tuple[Path, Path, list[tuple[str, str, str]]]:
    """Build the .ts and .qm into folder (the committed .ts seeds it, as lupdate merges)."""
    ts, qm = folder / TS.name, folder / QM.name
    if TS.exists():
        shutil.copyfile(TS, ts)
    run_lupdate(ts)
    missing = fill(ts, load_catalog())
    run_lrelease(ts, qm)
    return ts, qm, missing


def report(missing: list[tuple[str, str, str]]) -> None:
    for context, source, why in missing:
        print(f"missing [{context}] {source!r}: {why}")
    print(f"{len(missing)} strings without a finished translation")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        ts, qm, missing = build(Path(tmp))
        report(missing)
        if args.check:
            same = TS.exists() and ts_messages(ts) == ts_messages(TS)
            same = same and QM.exists() and not qm_differences(QM, ts_messages(ts))
            print("up to date" if same else "out of date: run tools/update_translations.py")
            return 0 if same and not missing else 1
        shutil.copyfile(ts, TS)
        shutil.copyfile(qm, QM)
    print(f"wrote {TS.relative_to(ROOT)} and {QM.relative_to(ROOT)}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
