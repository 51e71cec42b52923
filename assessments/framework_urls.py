"""The framework editor, under /frameworks/ (site staff only)."""

from django.urls import path

from . import framework_views as views

app_name = "frameworks"

urlpatterns = [
    path("", views.version_list, name="list"),
    path("copy/", views.version_copy, name="copy"),
    path("<int:pk>/", views.version_edit, name="edit"),
    path("<int:pk>/details/", views.version_update, name="version-update"),
    path("<int:pk>/band-scheme/", views.scheme_update, name="scheme-update"),
    path("<int:pk>/validate/", views.version_validate, name="validate"),
    path("<int:pk>/publish/", views.version_publish, name="publish"),
    path("<int:pk>/download.json", views.version_download, name="download"),
    path("<int:pk>/delete/", views.version_delete, name="delete"),
    path("<int:pk>/item/<int:item_pk>/", views.item_detail, name="item"),
    path("<int:pk>/item/<int:item_pk>/elements/add/", views.element_add, name="element-add"),
    path("<int:pk>/<slug:section>/add/", views.part_add, name="part-add"),
    path("<int:pk>/<slug:section>/<int:part_pk>/", views.part_update, name="part-update"),
    path("<int:pk>/<slug:section>/<int:part_pk>/delete/", views.part_delete, name="part-delete"),
    path("<int:pk>/<slug:section>/<int:part_pk>/<slug:direction>/", views.part_move, name="part-move"),
]
