"""tanji 碳计 — carbon metering for the cement industry.

The package is layered (see ``docs/adr/0002-layers-and-tree.md``): the pure accounting core at the
bottom, codecs and crypto above it, Django storage and services above those, and the interfaces
(web, gateways, terminal, CLI) on top. Lower layers never import higher ones.
"""

__version__ = "0.1.0"
