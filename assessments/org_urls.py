"""The organization pages, under /organization/ (namespace ``organizations``)."""

from django.urls import path

from . import org_views as views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_index, name="index"),
    path("<int:org_pk>/", views.organization_detail, name="detail"),
    path("<int:org_pk>/edit/", views.organization_edit, name="edit"),
    path("<int:org_pk>/units/", views.unit_list, name="units"),
    path("<int:org_pk>/units/add/", views.unit_add, name="unit-add"),
    path("<int:org_pk>/units/<int:pk>/", views.unit_edit, name="unit-edit"),
    path("<int:org_pk>/units/<int:pk>/delete/", views.unit_delete, name="unit-delete"),
    path("<int:org_pk>/members/", views.member_list, name="members"),
    path("<int:org_pk>/members/add/", views.member_add, name="member-add"),
    path("<int:org_pk>/members/<int:pk>/", views.member_edit, name="member-edit"),
    path("<int:org_pk>/members/<int:pk>/password/", views.member_password, name="member-password"),
    path("<int:org_pk>/members/<int:pk>/remove/", views.member_remove, name="member-remove"),
]
