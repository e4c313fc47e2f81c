"""Translation of messages produced outside the GUI (services, CLI).

Source strings are English, marked with ``tr("...")`` so a test can collect them. The
Simplified Chinese catalog is every JSON file in resources/translations/zh_CN/ ({source:
translation}, one file per area so parallel work does not collide). The GUI uses Qt's tr() and
a .qm compiled from the same files by tools/update_translations.py.
"""

from __future__ import annotations

import json
import locale
import os
import string
from functools import lru_cache

from shop_desk import paths

_language = "zh_CN"
SUPPORTED = ("zh_CN", "en")


def system_language() -> str:
    """zh_CN unless the system clearly asks for another language (Chinese is the default)."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "C.UTF-8", "POSIX"):
            return "zh_CN" if value.lower().startswith("zh") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    if code and not code.lower().startswith(("zh", "chinese")) and code not in ("C", "POSIX"):
        return "en"
    return "zh_CN"


def resolve_language(setting: str | None) -> str:
    if setting in SUPPORTED:
        return setting
    return system_language()


def set_language(language: str) -> None:
    global _language
    _language = language if language in SUPPORTED else "zh_CN"


def current_language() -> str:
    return _language


@lru_cache(maxsize=4)
def _catalog(language: str) -> dict[str, str]:
    if language == "en":
        return {}
    return load_catalog(language)


def load_catalog(language: str) -> dict[str, str]:
    catalog: dict[str, str] = {}
    for path in sorted((paths.resources_dir() / "translations" / language).glob("*.json")):
        catalog.update(json.loads(path.read_text(encoding="utf-8")))
    return catalog


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def tr(source: str, **params: object) -> str:
    """Translate ``source`` into the current language and fill its {placeholders}."""
    text = _catalog(_language).get(source, source)
    if placeholders(text) != placeholders(source):
        text = source  # a broken translation must never crash or drop a value
    return text.format(**params) if params else text
