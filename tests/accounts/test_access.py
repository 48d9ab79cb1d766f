"""The access module itself: roles, the officer's enterprise, and the rules by lookup path.
(Every page as every role: tests/test_access_matrix.py and the apps' test_access.py.)"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts import access
from accounts.roles import OFFICER
from enterprises.models import Enterprise
from plans.models import Activity
from tests.factories import ActivityFactory, EnterpriseFactory, UnionOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestRoles:
    def test_each_role_answers_to_its_own_question_only(self, official, officer_a, viewer):
        questions = (access.is_official, access.is_officer, access.is_viewer, access.sees_whole_commune)
        assert [[asks(user) for asks in questions] for user in (official, officer_a, viewer)] == [
            [True, False, False, True],
            [False, True, False, False],
            [False, False, True, True],
        ]

    def test_superusers_count_as_officials(self):
        assert access.is_official(UserFactory(is_superuser=True))

    def test_a_deactivated_account_has_no_role(self, official, officer_a):
        for user in (official, officer_a):
            user.is_active = False
            assert access.role_of(user) is None

    def test_an_officer_without_enterprise_has_no_role(self):
        assert access.role_of(UserFactory(role=OFFICER)) is None

    def test_an_officer_of_a_deactivated_enterprise_loses_access(self):
        officer = UnionOfficerFactory(enterprise=EnterpriseFactory(is_active=False)).user
        assert access.role_of(officer) is None


class TestTheOfficersEnterprise:
    def test_it_is_the_id_of_the_enterprise_not_of_the_officer_or_the_user(self, officer_a, enterprise_a):
        # The cast's fixtures give enterprises ids no officer or user has (tests/conftest.py).
        assert enterprise_a.pk not in (officer_a.union_officer.pk, officer_a.pk)
        assert access.officer_enterprise_id(officer_a) == enterprise_a.pk

    def test_each_officer_has_their_own(self, officer_a, officer_b, enterprise_a, enterprise_b):
        assert (access.officer_enterprise_id(officer_a), access.officer_enterprise_id(officer_b)) == (
            enterprise_a.pk,
            enterprise_b.pk,
        )

    def test_it_is_read_once_per_user_object(self, officer_a, enterprise_a, django_assert_num_queries):
        with django_assert_num_queries(1):
            assert access.officer_enterprise_id(officer_a) == enterprise_a.pk
            assert access.officer_enterprise_id(officer_a) == enterprise_a.pk

    def test_an_anonymous_visitor_has_none_without_asking_the_database(self, db, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert access.officer_enterprise_id(AnonymousUser()) is None


class TestTheRoleIsReadOncePerUserObject:
    def test_for_an_official_an_officer_and_a_viewer(self, official, officer_a, viewer, django_assert_num_queries):
        # The groups, and for an officer their enterprise: read on the first call only.
        for user, queries in ((official, 1), (officer_a, 2), (viewer, 1)):
            with django_assert_num_queries(queries):
                access.role_of(user)
                access.role_of(user)


class TestScope:
    def test_an_officer_sees_only_their_enterprise(self, officer_a, enterprise_a, enterprise_b):
        assert list(Enterprise.objects.visible_to(officer_a)) == [enterprise_a]

    def test_a_viewer_sees_all_and_changes_nothing(self, viewer, enterprise_a, enterprise_b):
        assert set(Enterprise.objects.visible_to(viewer)) == {enterprise_a, enterprise_b}
        assert not Enterprise.objects.editable_by(viewer).exists()

    def test_other_enterprises_are_404_for_an_officer(self, officer_a, enterprise_b):
        with pytest.raises(Http404):
            access.get_or_404(Enterprise.objects, officer_a, pk=enterprise_b.pk)

    def test_the_filter_reads_the_enterprise_itself_and_the_whole_commune_by_default(
        self, officer_a, viewer, enterprise_a, enterprise_b
    ):
        assert list(Enterprise.objects.filter(access.enterprise_filter(officer_a))) == [enterprise_a]
        assert Enterprise.objects.filter(access.enterprise_filter(viewer)).count() == 2
        assert not Enterprise.objects.filter(access.enterprise_filter(viewer, change=True)).exists()

    def test_a_row_of_no_enterprise_is_shared_only_when_the_caller_says_so(self, officer_a, viewer):
        commune_work = ActivityFactory()  # no owner enterprise
        with pytest.raises(Http404):
            access.get_or_404(Activity.objects, officer_a, via="owner_enterprise", pk=commune_work.pk)
        assert not access.scoped(Activity.objects, officer_a, via="owner_enterprise").exists()
        assert not Activity.objects.filter(access.enterprise_filter(officer_a, "owner_enterprise")).exists()
        shared = access.get_or_404(
            Activity.objects, officer_a, via="owner_enterprise", shared_when_null=True, pk=commune_work.pk
        )
        assert shared == commune_work
        assert access.get_or_404(Activity.objects, viewer, via="owner_enterprise", pk=commune_work.pk) == commune_work
