"""A time series chart: bars or lines over labelled buckets, e.g. sales by day against the
same days last year. Hovering shows each series' value for the bucket under the mouse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from shop_desk.gui.charts.axis import nice_ticks, short_money

GRID = QColor("#e5e7eb")
TEXT = QColor("#4b5563")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per label; None: no value (a gap in a line)
    color: str
    kind: str = "bar"  # "bar" or "line"
    dashed: bool = False


class SeriesChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.format_value: Callable[[float], str] = short_money
        self.empty_text = ""
        self.setMouseTracking(True)
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(640, 280)

    def set_data(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        self.labels = list(labels)
        self.series = list(series)
        self.update()

    # --- geometry ---------------------------------------------------------------------------
    def _plot_rect(self, metrics: QFontMetricsF) -> QRectF:
        ticks = self._ticks()
        widest = max((metrics.horizontalAdvance(self.format_value(t)) for t in ticks), default=0)
        top = metrics.height() * 1.8  # the legend
        return QRectF(
            widest + 10, top, self.width() - widest - 18, self.height() - top - metrics.height() * 2
        )

    def _ticks(self) -> list[float]:
        values = [v for s in self.series for v in s.values if v is not None]
        return nice_ticks(min(values, default=0.0), max(values, default=0.0))

    def bucket_at(self, x: float) -> int | None:
        if not self.labels:
            return None
        plot = self._plot_rect(QFontMetricsF(self.font()))
        if not plot.left() <= x <= plot.right():
            return None
        return min(int((x - plot.left()) / plot.width() * len(self.labels)), len(self.labels) - 1)

    # --- painting ---------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter)
        painter.end()

    def paint(self, painter: QPainter) -> None:
        metrics = QFontMetricsF(self.font())
        if not self.labels or not any(v for s in self.series for v in s.values):
            painter.setPen(TEXT)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        plot = self._plot_rect(metrics)
        ticks = self._ticks()
        low, high = ticks[0], ticks[-1]

        def y_of(value: float) -> float:
            return plot.bottom() - (value - low) / (high - low) * plot.height()

        self._grid(painter, plot, ticks, y_of, metrics)
        self._bars(painter, plot, y_of)
        self._lines(painter, plot, y_of)
        self._x_labels(painter, plot, metrics)
        self._legend(painter, metrics)

    def _grid(self, painter, plot: QRectF, ticks, y_of, metrics) -> None:
        for tick in ticks:
            y = y_of(tick)
            painter.setPen(QPen(QColor("#9ca3af") if tick == 0 else GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(TEXT)
            box = QRectF(0, y - metrics.height() / 2, plot.left() - 6, metrics.height())
            painter.drawText(
                box,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                self.format_value(tick),
            )

    def _slot(self, plot: QRectF) -> float:
        return plot.width() / len(self.labels)

    def _bars(self, painter, plot: QRectF, y_of) -> None:
        bars = [s for s in self.series if s.kind == "bar"]
        if not bars:
            return
        slot = self._slot(plot)
        width = slot * 0.75 / len(bars)
        zero = y_of(0.0)
        painter.setPen(Qt.PenStyle.NoPen)
        for n, series in enumerate(bars):
            painter.setBrush(QColor(series.color))
            for i, value in enumerate(series.values):
                if not value:
                    continue
                x = plot.left() + i * slot + slot * 0.125 + n * width
                top = y_of(value)
                painter.drawRect(QRectF(x, min(top, zero), max(width - 1, 1), abs(zero - top)))

    def _lines(self, painter, plot: QRectF, y_of) -> None:
        slot = self._slot(plot)
        for series in (s for s in self.series if s.kind == "line"):
            pen = QPen(QColor(series.color), 2)
            if series.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            path, drawing = QPainterPath(), False
            for i, value in enumerate(series.values):
                if value is None:
                    drawing = False
                    continue
                point = QPointF(plot.left() + (i + 0.5) * slot, y_of(value))
                if drawing:
                    path.lineTo(point)
                else:
                    path.moveTo(point)
                    drawing = True
            painter.drawPath(path)
            if len(self.labels) <= 40:  # dots while they are apart
                painter.setBrush(QColor(series.color))
                for i, value in enumerate(series.values):
                    if value is not None:
                        painter.drawEllipse(
                            QPointF(plot.left() + (i + 0.5) * slot, y_of(value)), 2.5, 2.5
                        )

    def _x_labels(self, painter, plot: QRectF, metrics) -> None:
        slot = self._slot(plot)
        widest = max(metrics.horizontalAdvance(label) for label in self.labels) + 8
        every = max(1, int(widest // slot) + 1)  # skip labels that would overlap
        painter.setPen(TEXT)
        for i, label in enumerate(self.labels):
            if i % every:
                continue
            box = QRectF(
                plot.left() + i * slot - widest / 2 + slot / 2,
                plot.bottom() + 4,
                widest,
                metrics.height(),
            )
            painter.drawText(
                box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), label
            )

    def _legend(self, painter, metrics) -> None:
        x = 8.0
        for series in self.series:
            color = QColor(series.color)
            y = metrics.height() * 0.5
            if series.kind == "bar":
                painter.fillRect(QRectF(x, y, 14, metrics.height() * 0.7), color)
            else:
                pen = QPen(color, 2)
                if series.dashed:
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                middle = y + metrics.height() * 0.35
                painter.drawLine(QPointF(x, middle), QPointF(x + 14, middle))
            painter.setPen(TEXT)
            painter.drawText(QPointF(x + 18, y + metrics.ascent() * 0.8), series.name)
            x += 18 + metrics.horizontalAdvance(series.name) + 20

    # --- hover --------------------------------------------------------------------------------
    def tooltip_text(self, index: int) -> str:
        lines = [self.labels[index]]
        for series in self.series:
            value = series.values[index]
            lines.append(f"{series.name}: {'—' if value is None else self.format_value(value)}")
        return "\n".join(lines)

    def mouseMoveEvent(self, event) -> None:
        index = self.bucket_at(event.position().x())
        if index is None:
            QToolTip.hideText()
            return
        QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_text(index), self)
