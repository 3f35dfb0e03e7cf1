"""Tenants and people: province, enterprise, users, memberships, roles, audit trail.

Every read of tenant data goes through an :class:`~tanji.tenancy.actor.Actor`, so scoping is a
property of the code path rather than a convention each view must remember.
"""
