"""The ``demo_data`` management command."""
