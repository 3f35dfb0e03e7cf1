"""The REST API at ``/api/v1/`` (Django Ninja): one router module per context.

A module ``tanji.web.api.<context>`` defines ``router`` and is listed in
:data:`tanji.web.api.routers.ROUTERS`; handlers call the context's services and queries only.
"""
