"""Server-rendered pages, one package per context (views, forms, tables, charts)."""
