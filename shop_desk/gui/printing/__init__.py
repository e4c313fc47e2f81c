"""Printing and PDF output, rendered with Qt."""
