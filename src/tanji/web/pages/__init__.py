"""Server-rendered pages, one package per context."""
