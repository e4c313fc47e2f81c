"""Products, barcodes, search, the stock ledger, counter sales, counts and receiving."""
