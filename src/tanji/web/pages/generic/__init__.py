"""Generic pages (NetBox style): a ledger page is a Resource — rows, columns, search, a form.

:class:`~tanji.web.pages.generic.resources.Resource` declares one kind of object;
:mod:`~tanji.web.pages.generic.views` renders its list, detail, create and edit pages with one set
of templates (``web/generic/``), and :func:`~tanji.web.pages.generic.urls.resource_urls` gives
its URL patterns. Data comes only through the resource's query and service functions.
"""
