"""Tests of the web project's management commands."""
