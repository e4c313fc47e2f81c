"""Qt side of translation and resources: the .qm translators and the application icon.

Our .qm is compiled from the same JSON catalogs the core's tr() reads
(tools/update_translations.py), so one place holds every Chinese string. Qt's own qtbase
translation is installed beside it, so standard buttons (OK, Cancel, Yes) speak Chinese too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon

from shop_desk import paths

QM_STEM = "shop_desk"
ICON_STEM = "shop-desk"


def translations_dir() -> Path:
    return paths.resources_dir() / "translations"


def our_qm(language: str) -> Path:
    return translations_dir() / f"{QM_STEM}_{language}.qm"


def qt_qm_dirs() -> list[Path]:
    """Where qtbase_<lang>.qm may live: Qt's own folder, then a copy bundled in resources/."""
    return [
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        translations_dir() / "qt",
    ]


def icon_path(ext: str = "png") -> Path:
    return paths.resources_dir() / "icons" / f"{ICON_STEM}.{ext}"


def app_icon() -> QIcon:
    icon = QIcon()
    for ext in ("ico", "png"):
        path = icon_path(ext)
        if path.is_file():
            icon.addFile(str(path))
    return icon


@dataclass
class Installed:
    """What install_translators() put in place (kept alive here: Qt does not own them)."""

    language: str
    translators: list[QTranslator] = field(default_factory=list)
    loaded: dict[str, bool] = field(default_factory=dict)  # "shop_desk" / "qtbase" -> loaded

    @property
    def ok(self) -> bool:
        return all(self.loaded.values())


_current: Installed | None = None


def install_translators(language: str, app: QCoreApplication | None = None) -> Installed:
    """Replace any installed translators by those for ``language`` ("en" installs none)."""
    global _current
    app = app or QCoreApplication.instance()
    if _current is not None:
        for translator in _current.translators:
            app.removeTranslator(translator)
    installed = Installed(language)
    if language != "en":
        QLocale.setDefault(QLocale(language))
        installed.loaded["qtbase"] = _install(app, installed, _load_qtbase(language, app))
        ours = QTranslator(app)
        loaded = ours.load(str(our_qm(language)))
        installed.loaded[QM_STEM] = _install(app, installed, (ours, loaded))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    _current = installed
    return installed


def _load_qtbase(language: str, app: QCoreApplication) -> tuple[QTranslator, bool]:
    translator = QTranslator(app)
    for folder in qt_qm_dirs():
        if translator.load(f"qtbase_{language}", str(folder)):
            return translator, True
    return translator, False


def _install(app, installed: Installed, loaded: tuple[QTranslator, bool]) -> bool:
    translator, ok = loaded
    if ok:
        app.installTranslator(translator)
        installed.translators.append(translator)
    return ok
