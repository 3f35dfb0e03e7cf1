"""The Django project: settings, URL map, pages and the REST API (interfaces layer)."""
