"""Gateways: network servers that receive device data for the platform (layer 5).

Each gateway decodes its wire protocol with the pure codecs of :mod:`tanji.protocols` and hands
decoded data to a sink the ingest pipeline implements; a gateway never acknowledges data the
sink has not made durable.
"""
