"""Import and export: products and sales history from CSV/XLSX, products to CSV/XLSX.

The reading layer (tabular, encoding, cells, columns) is generic and reused by the catalog's
price-list import. See each module's docstring for the behaviour the owner sees.
"""

from shop_desk.importing.export import export_headers, export_products
from shop_desk.importing.problems import RowError
from shop_desk.importing.products_import import (
    ImportResult,
    ProductImportPreview,
    ProductRow,
    apply_products,
    iter_apply_products,
    iter_preview_products,
    preview_products,
)
from shop_desk.importing.sales_import import (
    SalesDay,
    SalesImportPreview,
    apply_sales,
    iter_apply_sales,
    iter_preview_sales,
    preview_sales,
)

__all__ = [
    "ImportResult",
    "ProductImportPreview",
    "ProductRow",
    "RowError",
    "SalesDay",
    "SalesImportPreview",
    "apply_products",
    "apply_sales",
    "export_headers",
    "export_products",
    "iter_apply_products",
    "iter_apply_sales",
    "iter_preview_products",
    "iter_preview_sales",
    "preview_products",
    "preview_sales",
]
