"""The generic list, detail and edit views; each is bound to a Resource in the URL patterns.

List pages paginate (50 rows) and search (``q``); an HTMX request gets only the table partial
(``_table.html``), so the search box refreshes the table in place. Create and edit pages hand
the cleaned form to the resource's service and show its CodedError on the named field.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from tanji.errors import CodedError
from tanji.tenancy import queries as tenancy_queries
from tanji.tenancy.permissions import Action
from tanji.web.access import actor_of, check, may
from tanji.web.forms import add_service_error
from tanji.web.pages.generic.resources import Resource, initial_of, service_kwargs

PAGE_SIZE = 50


class ResourceView(View):
    """A view bound to a resource and a URL namespace (set by ``resource_urls``)."""

    resource: Resource = cast("Resource", None)  # bound by resource_urls
    namespace: str = ""

    @property
    def action(self) -> Action:
        """The resource's view permission."""
        return self.resource.view_action

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Refuse before the handler runs unless the actor may perform ``action``."""
        refused = check(request, self.action)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)

    def url(self, kind: str, *args: Any) -> str:
        """URL of another page of the same resource."""
        return reverse(f"{self.namespace}:{self.resource.slug}_{kind}", args=args)

    def base_context(self, request: HttpRequest) -> dict[str, Any]:
        """What every generic template needs."""
        resource = self.resource
        can_edit = may(actor_of(request), resource.edit_action)
        return {
            "resource": resource,
            "namespace": self.namespace,
            "list_url": self.url("list"),
            "create_url": self.url("create") if resource.create and can_edit else None,
            "can_edit": can_edit and resource.update is not None,
        }


class ObjectListView(ResourceView):
    """Searchable, paginated table of what the actor sees."""

    def get(self, request: HttpRequest) -> HttpResponse:
        """Render the page, or only the table for HTMX."""
        actor = actor_of(request)
        query = request.GET.get("q", "").strip()
        enterprise = request.GET.get("enterprise", "")
        enterprise_id = int(enterprise) if enterprise.isdigit() else None
        rows = self.resource.filtered(actor, query, enterprise_id)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        columns = [(name, self.resource.verbose(name)) for name in self.resource.columns]
        table = [
            (
                self.url("detail", obj.pk),
                [self.resource.cell(obj, n) for n in self.resource.columns],
            )
            for obj in page.object_list
        ]
        context = self.base_context(request) | {
            "columns": columns,
            "table": table,
            "page": page,
            "q": query,
            "enterprise_id": enterprise_id,
            "enterprises": self._enterprise_choices(actor),
        }
        template = (
            "web/generic/_table.html"
            if request.headers.get("HX-Request")
            else ("web/generic/object_list.html")
        )
        return render(request, template, context)

    def _enterprise_choices(self, actor: Any) -> list[tuple[int, str]]:
        """Enterprises to filter by, when the rows belong to several (regulators, operators)."""
        if not self.resource.by_enterprise:
            return []
        choices = [(e.pk, str(e)) for e in tenancy_queries.enterprises(actor)]
        return choices if len(choices) > 1 else []


class ObjectDetailView(ResourceView):
    """One object's fields and its audit trail."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Render the detail page (404 for objects outside the actor's scope)."""
        actor = actor_of(request)
        obj = self.resource.row(actor, pk)
        fields = [
            (self.resource.verbose(n), self.resource.cell(obj, n))
            for n in self.resource.detail_fields
        ]
        history = tenancy_queries.audit_entries(actor).filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )[:20]
        context = self.base_context(request) | {
            "object": obj,
            "fields": fields,
            "history": history,
            "edit_url": self.url("edit", obj.pk) if self.resource.update else None,
            "detail_include": self.resource.detail_include,
        }
        if self.resource.detail_context is not None:
            context |= self.resource.detail_context(actor, obj)
        return render(request, "web/generic/object_detail.html", context)


class ObjectEditView(ResourceView):
    """Create (no ``pk``) or edit an object through the resource's service."""

    @property
    def action(self) -> Action:
        """The resource's edit permission."""
        return self.resource.edit_action

    def _form(self, request: HttpRequest, obj: models.Model | None, data: Any = None) -> Any:
        actor = actor_of(request)
        if obj is None:
            return self.resource.form(actor, self.resource.create_fields, data)
        fields = self.resource.edit_fields
        return self.resource.form(actor, fields, data, initial_of(obj, fields))

    def _object(self, request: HttpRequest, pk: int | None) -> models.Model | None:
        return self.resource.row(actor_of(request), pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        """Show the empty or filled form."""
        obj = self._object(request, pk)
        return self._render(request, obj, self._form(request, obj))

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        """Validate, call the service, and go to the detail page or show the errors."""
        obj = self._object(request, pk)
        form = self._form(request, obj, request.POST)
        if form.is_valid():
            try:
                saved = self._save(request, obj, service_kwargs(form))
            except CodedError as error:
                add_service_error(form, error)
            else:
                return redirect(self.url("detail", saved.pk))
        return self._render(request, obj, form, status=400)

    def _save(
        self, request: HttpRequest, obj: models.Model | None, data: dict[str, Any]
    ) -> models.Model:
        actor = actor_of(request)
        if obj is None:
            assert self.resource.create is not None
            return self.resource.create(actor, **data)
        if self.resource.update is None:
            raise CodedError("web.read_only", "this object cannot be edited")
        return self.resource.update(actor, obj.pk, **data)

    def _render(
        self, request: HttpRequest, obj: models.Model | None, form: Any, status: int = 200
    ) -> HttpResponse:
        context = self.base_context(request) | {"object": obj, "form": form}
        return render(request, "web/generic/object_edit.html", context, status=status)
