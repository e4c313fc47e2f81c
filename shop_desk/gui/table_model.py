"""A table model over lightweight rows fetched in pages; sorting is the fetcher's job (SQL).

The model knows nothing about products: a page gives it columns (title, how to read a value
from a row, what kind of value it is, which sort key the fetcher understands) and a fetch
callable `fetch(PageRequest) -> PageResult`. Reloads may run in a worker (pass `runner`),
so a slow search never freezes the window; later pages are fetched as the view scrolls
(canFetchMore/fetchMore), each one a LIMIT/OFFSET query.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from shop_desk.errors import ShopDeskError
from shop_desk.money import format_fen

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object itself
_ROOT = QModelIndex()
AnyIndex = QModelIndex | QPersistentModelIndex
NEGATIVE = QColor("#b00020")


@dataclass(frozen=True)
class Column:
    title: str  # already translated by the page
    value: Callable[[Any], Any]  # the raw value of this column for a row
    kind: str = "text"  # "text", "int", "money" (fen), "date"
    sort_key: str | None = None  # handed to the fetcher; None = not sortable
    tooltip: Callable[[Any], str | None] | None = None
    # A style for this cell alone, over the row's (e.g. an expiry date in amber on a red row).
    cell_style: Callable[[Any], RowStyle | None] | None = None


@dataclass(frozen=True)
class RowStyle:
    background: QColor | None = None
    foreground: QColor | None = None
    bold: bool = False
    tooltip: str | None = None


@dataclass(frozen=True)
class PageRequest:
    offset: int
    limit: int
    sort_key: str | None
    descending: bool
    with_total: bool  # the first page also counts every matching row


@dataclass(frozen=True)
class PageResult:
    rows: list[Any]
    total: int | None = None


Fetch = Callable[[PageRequest], PageResult]
# runner(job, on_done, on_error): run job() somewhere, then call back on the GUI thread.
Runner = Callable[
    [Callable[[], PageResult], Callable[[PageResult], None], Callable[[BaseException], None]],
    None,
]


def display_text(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "money":
        return format_fen(value)
    if kind == "int":
        return f"{value:,}"
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    return str(value)


class PagedTableModel(QAbstractTableModel):
    loaded = Signal()  # a reload finished (rows and total are current)
    failed = Signal(str)  # a fetch failed; the message is meant for the owner

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: Fetch,
        *,
        page_size: int = 200,
        runner: Runner | None = None,
        row_style: Callable[[Any], RowStyle | None] | None = None,
        row_key: Callable[[Any], Hashable] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._fetch = fetch
        self._page_size = page_size
        self._runner = runner
        self._row_style = row_style or (lambda _row: None)
        self.row_key = row_key or (lambda row: getattr(row, "id", id(row)))
        self._rows: list[Any] = []
        self._total = 0
        self._sort_key: str | None = None
        self._descending = False
        self._generation = 0
        self._loading = False

    # --- what the page asks -------------------------------------------------------------
    @property
    def total(self) -> int:
        return self._total

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    def row(self, index: int) -> Any:
        return self._rows[index]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def find(self, key: Hashable) -> int:
        """Row number of the row with this key among the loaded rows, or -1."""
        for i, row in enumerate(self._rows):
            if self.row_key(row) == key:
                return i
        return -1

    def set_sort(self, sort_key: str | None, descending: bool = False) -> None:
        """Choose the order without reloading (the caller reloads)."""
        self._sort_key, self._descending = sort_key, descending

    def reload(self, *, keep_loaded: bool = True) -> None:
        """Fetch the first page(s) again (and the total); older pending reloads are dropped.

        keep_loaded: refetch as many rows as are loaded now (up to five pages), so a refresh
        after an edit does not throw the owner back to the top of a long list.
        """
        self._generation += 1
        generation = self._generation
        limit = self._page_size
        if keep_loaded:
            limit = min(max(limit, len(self._rows)), 5 * self._page_size)
        request = PageRequest(0, limit, self._sort_key, self._descending, True)
        self._loading = True

        def done(result: PageResult) -> None:
            if generation == self._generation:
                self._replace(result)

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._loading = False
            if not isinstance(error, ShopDeskError):
                raise error
            self.failed.emit(str(error))

        if self._runner is None:
            try:
                result = self._fetch(request)
            except ShopDeskError as exc:
                failed(exc)
                return
            done(result)
        else:
            self._runner(lambda: self._fetch(request), done, failed)

    def _replace(self, result: PageResult) -> None:
        self.beginResetModel()
        self._rows = list(result.rows)
        self._total = result.total if result.total is not None else len(self._rows)
        self._loading = False
        self.endResetModel()
        self.loaded.emit()

    # --- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: AnyIndex = _ROOT) -> bool:
        return not parent.isValid() and not self._loading and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = _ROOT) -> None:
        if not self.canFetchMore(parent):
            return
        request = PageRequest(
            len(self._rows), self._page_size, self._sort_key, self._descending, False
        )
        try:
            rows = self._fetch(request).rows
        except ShopDeskError as exc:
            self.failed.emit(str(exc))
            return
        if not rows:  # the table shrank since it was counted
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns) or self._columns[column].sort_key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_sort(self._columns[column].sort_key, descending)
        self.reload(keep_loaded=False)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(self._columns[section].kind)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(column.kind, column.value(row))
        if role == Qt.ItemDataRole.EditRole:
            return column.value(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column.kind)
        return self._styled(row, column, role)

    def _styled(self, row: Any, column: Column, role: int) -> Any:
        style = (column.cell_style(row) if column.cell_style else None) or self._row_style(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            return style.background if style else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if style and style.foreground is not None:
                return style.foreground
            value = column.value(row) if column.kind in ("int", "money") else None
            return NEGATIVE if value is not None and value < 0 else None
        if role == Qt.ItemDataRole.FontRole and style and style.bold:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = column.tooltip(row) if column.tooltip else None
            return tip or (style.tooltip if style else None)
        return None

    @staticmethod
    def _alignment(kind: str) -> int:
        horizontal = (
            Qt.AlignmentFlag.AlignRight if kind in ("int", "money") else Qt.AlignmentFlag.AlignLeft
        )
        return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


def list_fetch(
    load: Callable[[], list[Any]], sort_keys: dict[str, Callable[[Any], Any]] | None = None
) -> Fetch:
    """A fetcher over a short list held in memory (a count's lines, one product's lots):
    sorted here because there is no SQL behind it. Big tables must sort in SQL instead."""
    keys = sort_keys or {}

    def fetch(request: PageRequest) -> PageResult:
        rows = load()
        if request.sort_key in keys:
            rows = sorted(rows, key=keys[request.sort_key], reverse=request.descending)
        return PageResult(rows[request.offset : request.offset + request.limit], len(rows))

    return fetch
