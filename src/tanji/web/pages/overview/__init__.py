"""Overview (总览) and carbon metering (碳计量): the monitoring layer's plant-wide pages."""
