"""Shop Desk: inventory, counter sales and first-hand reordering for a small shop."""

__version__ = "0.1.0"
APP_NAME = "ShopDesk"
