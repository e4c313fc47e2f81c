"""Charts drawn with QPainter: a time series (bars and lines, this period against last year)
and ranked horizontal bars.

Why not a chart library: QtCharts ships only in PySide6-Addons (a 175 MB wheel); pyqtgraph
is 9.6 MB installed and imports QtOpenGL, QtOpenGLWidgets, QtSvg and QtTest, four Qt modules
the bundle excludes (about 11 MB more with their Qt libraries), and it took about 1.4 s to
import here. The Reports page needs two chart kinds with a few hundred points at most:
these two widgets are a few hundred lines, cost nothing in the bundle or at start-up, and
paint the same way on screen, in a PDF or on a printer.
"""

from shop_desk.gui.charts.bars import BarChart, BarItem
from shop_desk.gui.charts.series import Series, SeriesChart

__all__ = ["BarChart", "BarItem", "Series", "SeriesChart"]
