"""Sign-in security: lockout records, API tokens, TOTP devices (models, queries, services)."""
