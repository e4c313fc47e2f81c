"""Headless commands, one module per area, registered in shop_desk.cli."""
