"""What a sync did: per source, what changed, and every rejected record with why."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout


class SyncReportDialog(QDialog):
    def __init__(self, results: list, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Catalog sync report"))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setPlainText(self.report_text(results))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    def report_text(self, results: list) -> str:
        if not results:
            return self.tr("There are no sources to sync.")
        lines: list[str] = []
        for name, outcome, error in results:
            if outcome is None:
                lines.append(self.tr("{name}: failed: {error}").format(name=name, error=error))
                continue
            if outcome.status == "unchanged":
                lines.append(self.tr("{name}: already up to date.").format(name=name))
            elif outcome.status == "cancelled":
                lines.append(
                    self.tr(
                        "{name}: cancelled; files already applied are kept (now at version {seq})."
                    ).format(name=name, seq=outcome.to_sequence)
                )
            else:
                lines.append(
                    self.tr(
                        "{name}: now at version {seq}: {upserts} offers new or changed, {deletes} "
                        "removed, {prices} price changes, {links} new links."
                    ).format(
                        name=name,
                        seq=outcome.to_sequence,
                        upserts=outcome.upserts,
                        deletes=outcome.deletes,
                        prices=outcome.price_changes,
                        links=outcome.links,
                    )
                )
            if outcome.rejected_count:
                lines.append(
                    self.tr("  {n} records were rejected and not applied:").format(
                        n=outcome.rejected_count
                    )
                )
                lines.extend(
                    self.tr("    {file}, line {line}: {why}").format(**reject)
                    for reject in outcome.rejected[:200]
                )
        return "\n".join(lines)
