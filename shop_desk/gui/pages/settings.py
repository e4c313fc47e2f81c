"""Settings: one group box per section, each a QFormLayout, so later issues add sections.

Saved through the write lane with save_settings; pages hear settings_changed. The language is
applied at the next start (every window is built translated; switching live would need each
page to rebuild its text), and the page says so.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from shop_desk.errors import ShopDeskError
from shop_desk.gui.context import AppContext
from shop_desk.gui.pages.settings_sections import data_folder_of
from shop_desk.gui.widgets import MessageLine
from shop_desk.local_config import LocalConfig, load_local, normalize_url, save_local
from shop_desk.settings import ShopSettings, save_settings


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saving = False
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        body.setMaximumWidth(960)  # forms stay readable on a wide screen
        self.sections = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self._language_section()
        self._shop_section()
        self._stock_section()
        self._reorder_section()
        self._extra_sections()
        self._installation_sections()
        self.sections.addStretch(1)
        outer.addLayout(self._save_row())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        ctx.events.settings_changed.connect(self.load)
        self.load()

    # --- sections (add new ones with add_section) ------------------------------------------
    def add_section(self, title: str, content: QWidget | None = None) -> QFormLayout:
        box = QGroupBox(title)
        form = QFormLayout(box)
        if content is not None:
            form.addRow(content)
        self.sections.addWidget(box)
        return form

    def _language_section(self) -> None:
        form = self.add_section(self.tr("Language"))
        self.language = QComboBox()
        self.language.addItem(self.tr("Follow the system"), "")
        self.language.addItem("中文（简体）", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setMaximumWidth(320)
        self.language_note = QLabel(self.tr("A new language is used from the next start."))
        self.language_note.setStyleSheet("color: #6b7280;")
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", self.language_note)

    def _shop_section(self) -> None:
        form = self.add_section(self.tr("Shop"))
        self.shop_name = QLineEdit(maxLength=100)
        self.shop_name.setPlaceholderText(self.tr("e.g. Corner Shop"))
        self.shop_address = QLineEdit(maxLength=200)
        self.shop_phone = QLineEdit(maxLength=40)
        self.shop_phone.setMaximumWidth(320)
        form.addRow(self.tr("Shop name"), self.shop_name)
        form.addRow(self.tr("Address"), self.shop_address)
        form.addRow(self.tr("Phone"), self.shop_phone)

    def _stock_section(self) -> None:
        form = self.add_section(self.tr("Stock"))
        self.near_expiry_days = QSpinBox()
        self.near_expiry_days.setRange(1, 90)
        self.near_expiry_days.setSuffix(self.tr(" days"))
        self.near_expiry_days.setMaximumWidth(160)
        form.addRow(self.tr("Warn about expiry within"), self.near_expiry_days)

    def _reorder_section(self) -> None:
        from shop_desk.gui.pages.settings_sections import ReorderSection

        self.reorder = ReorderSection(self)
        self.add_section(self.tr("Reorder defaults"), self.reorder)

    def _installation_sections(self) -> None:
        """This PC: where its data is, which database it opens, where its backups go."""
        from shop_desk.gui.pages.settings_sections import (
            BackupSection,
            DatabaseSection,
            DataFolderSection,
        )

        self.data_folder = DataFolderSection(self.ctx, self)
        self.database = DatabaseSection(self.ctx, self)
        self.backups = BackupSection(self.ctx, self)
        self.add_section(self.tr("Data folder"), self.data_folder)
        self.add_section(self.tr("Database"), self.database)
        self.add_section(self.tr("Backups"), self.backups)

    def _extra_sections(self) -> None:
        try:  # catalog sources (wholesalers' feeds and price lists), when that part is installed
            from shop_desk.gui.catalog.sources_panel import SourcesPanel
        except ImportError:
            return
        self.sources_panel = SourcesPanel(self.ctx, parent=self)
        self.sources_panel.setMinimumHeight(240)
        self.add_section(self.tr("Wholesale catalog sources"), self.sources_panel)

    def _save_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.message = MessageLine()
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"))
        self.save_button.setMinimumHeight(40)
        self.save_button.clicked.connect(self.save)
        self.save_button.setMinimumWidth(160)
        # A new language or database takes effect in a fresh window: one click, no hunting for
        # the program's icon (a cart at the counter is asked about first, by the app).
        self.restart_button = QPushButton(self.tr("Restart now"))
        self.restart_button.setMinimumHeight(40)
        self.restart_button.setVisible(False)
        self.restart_button.clicked.connect(self.ctx.events.restart_requested.emit)
        row.addWidget(self.message, 1)
        row.addStretch(0)
        row.addWidget(self.restart_button, 0)
        row.addWidget(self.save_button, 0)
        return row

    # --- load and save ----------------------------------------------------------------------
    def load(self) -> None:
        settings = self.ctx.settings
        index = self.language.findData(settings.language)
        self.language.setCurrentIndex(max(index, 0))
        self.shop_name.setText(settings.shop_name)
        self.shop_address.setText(settings.shop_address)
        self.shop_phone.setText(settings.shop_phone)
        self.near_expiry_days.setValue(settings.near_expiry_days)
        self.reorder.load(settings)
        self.local = load_local(data_folder_of(self.ctx))
        self.database.load(self.local)
        self.backups.load(self.local)

    def collected(self) -> ShopSettings:
        settings = replace(
            self.ctx.settings,
            language=self.language.currentData(),
            shop_name=self.shop_name.text().strip(),
            shop_address=self.shop_address.text().strip(),
            shop_phone=self.shop_phone.text().strip(),
            near_expiry_days=self.near_expiry_days.value(),
        )
        return self.reorder.collect(settings)

    def collected_local(self) -> LocalConfig:
        """This PC's choices as they would be stored (InputError for a bad address)."""
        url = self.database.url.text().strip()
        return LocalConfig(
            database_url=normalize_url(url) if url else "",
            backup_folder=self.backups.folder.text().strip(),
        )

    def save(self) -> None:
        if self.saving:
            return
        new, db = self.collected(), self.ctx.db
        language_changed = new.language != self.ctx.settings.language
        self.saving = True
        self.save_button.setEnabled(False)

        folder, password = data_folder_of(self.ctx), self.database.password.text() or None
        try:
            local = self.collected_local()
            url_changed = local.database_url != self.local.database_url
            test_url = self.database.typed_url() if local.database_url and url_changed else None
        except ShopDeskError as exc:
            self._failed(exc)
            return

        def job() -> ShopSettings:
            if test_url is not None:  # never switch this PC to a database it cannot open
                from shop_desk.db.connection_check import check_connection
                from shop_desk.local_config import with_password

                check_connection(with_password(test_url))
            with db.session() as session:
                save_settings(session, new)
            save_local(folder, local, password)
            return new

        self.ctx.tasks.run(
            job, lambda s: self._saved(s, language_changed, url_changed), self._failed, write=True
        )

    def _saved(self, settings: ShopSettings, language_changed: bool, url_changed: bool) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.ctx.settings = settings
        text = self.tr("Settings saved.")
        if language_changed:
            text += " " + self.tr("Restart Shop Desk to see the new language.")
        if url_changed:
            text += " " + self.tr("Restart Shop Desk to open the other database.")
        self.restart_button.setVisible(language_changed or url_changed)
        self.message.show_ok(text)
        self.ctx.events.status_message.emit(text)
        self.ctx.events.settings_changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        text = str(error) if isinstance(error, ShopDeskError) else repr(error)
        self.message.show_error(self.tr("Nothing was saved: {error}").format(error=text))
