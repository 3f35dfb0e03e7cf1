"""The permission table: every role, and what each may and may not do."""

from __future__ import annotations

import pytest

from tanji.tenancy.choices import ROLE_SCOPE, RoleChoices
from tanji.tenancy.permissions import PERMISSIONS, Action, role_allows

A = Action
R = RoleChoices
WRITES = {
    A.MANAGE_PLATFORM,
    A.EDIT_ENTERPRISE,
    A.MANAGE_MEMBERS,
    A.EDIT_PLANT,
    A.EDIT_TAGS,
    A.EDIT_LAB,
    A.EDIT_INSTRUMENTS,
}

# role → exactly the actions it may perform (independent restatement of the specification).
EXPECTED = {
    R.PLATFORM_OPERATOR: set(A),
    R.REGULATOR: {A.VIEW, A.VIEW_AUDIT, A.EXPORT_EVIDENCE},
    R.METROLOGY_REVIEWER: {A.VIEW, A.VIEW_AUDIT, A.REVIEW_METROLOGY},
    R.VERIFIER: {A.VIEW, A.EXPORT_EVIDENCE},
    R.ENTERPRISE_ADMIN: {
        A.VIEW,
        A.VIEW_AUDIT,
        A.EXPORT_EVIDENCE,
        A.EDIT_ENTERPRISE,
        A.MANAGE_MEMBERS,
        A.EDIT_PLANT,
        A.EDIT_TAGS,
        A.EDIT_LAB,
        A.EDIT_INSTRUMENTS,
    },
    R.METERING_STAFF: {A.VIEW, A.EDIT_TAGS, A.EDIT_INSTRUMENTS},
    R.LAB_STAFF: {A.VIEW, A.EDIT_LAB},
    R.VIEWER: {A.VIEW},
}


def test_every_role_has_a_scope_and_a_permission_row() -> None:
    assert set(PERMISSIONS) == set(R.values) == set(ROLE_SCOPE)


@pytest.mark.parametrize("role", list(R))
@pytest.mark.parametrize("action", list(A))
def test_role_allows_exactly_the_expected_actions(role: str, action: Action) -> None:
    assert role_allows(role, action) == (action in EXPECTED[role])


@pytest.mark.parametrize("role", [R.REGULATOR, R.METROLOGY_REVIEWER, R.VERIFIER, R.VIEWER])
def test_supervising_and_viewing_roles_are_read_only(role: str) -> None:
    assert not PERMISSIONS[role] & WRITES


def test_unknown_role_may_do_nothing() -> None:
    assert not role_allows("janitor", A.VIEW)


def test_role_labels_are_translatable() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert str(R.LAB_STAFF.label) == "Laboratory staff"


def test_role_labels_are_chinese_by_default() -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(R.VERIFIER.label) == "核查人员"
