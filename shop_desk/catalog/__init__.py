"""Wholesale catalogs: the feed format (docs/CATALOG_FEED.md), the client that keeps a local
copy in step, the publisher, and price lists from Excel or CSV."""
