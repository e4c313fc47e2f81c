"""The catalog's windows: the Catalog page, sources in Settings, links, syncs."""
