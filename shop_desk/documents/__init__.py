"""What printed documents say (shelf labels, receipts), gathered without Qt.

The pages are drawn by shop_desk.gui.printing; the data and the geometry live here, so they
are tested headless and shared by the window and the CLI.
"""
