"""The main window comes back at the size and place it was closed at."""

from PySide6.QtCore import QRect

from shop_desk.gui import window_state
from shop_desk.gui.main_window import MainWindow


def test_size_is_remembered_per_data_folder(qtbot, tmp_path):
    first = MainWindow()
    qtbot.addWidget(first)
    first.geometry_folder = tmp_path
    first.setGeometry(QRect(10, 20, 960, 620))
    first.show()
    first.close()
    assert (tmp_path / "window.ini").is_file()

    second = MainWindow()
    qtbot.addWidget(second)
    assert window_state.restore(second, tmp_path)
    assert (second.width(), second.height()) == (960, 620)
    assert not window_state.restore(MainWindow(), tmp_path / "elsewhere")


def test_a_damaged_file_falls_back_to_the_default_size(qtbot, tmp_path):
    (tmp_path / "window.ini").write_text("[main_window]\ngeometry=garbage\n")
    window = MainWindow()
    qtbot.addWidget(window)
    assert not window_state.restore(window, tmp_path)
    assert (window.width(), window.height()) == (1280, 800)
