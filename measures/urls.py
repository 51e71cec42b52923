from django.urls import path

from . import carry_views, comment_views, import_views, planner_views, views

app_name = "measures"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:assessment_pk>/", views.measure_list, name="list"),
    path("<int:assessment_pk>/timeline/", views.measure_timeline, name="timeline"),
    path("<int:assessment_pk>/export.xlsx", views.measure_export, name="export"),
    path("<int:assessment_pk>/new/", views.measure_create, name="create"),
    path("<int:assessment_pk>/from-planner/", planner_views.measures_from_planner, name="from-planner"),
    path("<int:assessment_pk>/carry/", carry_views.carry, name="carry"),
    path("<int:assessment_pk>/import/", import_views.import_upload, name="import"),
    path("<int:assessment_pk>/import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("<int:assessment_pk>/import/problems.xlsx", import_views.import_problems, name="import_problems"),
    path("measure/<int:pk>/", views.measure_detail, name="detail"),
    path("measure/<int:pk>/edit/", views.measure_edit, name="edit"),
    path("measure/<int:pk>/delete/", views.measure_delete, name="delete"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("measure/<int:pk>/comments/", comment_views.measure_comment_add, name="comment-add"),
    path("round/<int:round_pk>/comments/", comment_views.round_comment_add, name="round-comment-add"),
    path("comment/<int:pk>/done/", comment_views.comment_resolve, name="comment-resolve"),
    path("comment/<int:pk>/delete/", comment_views.comment_delete, name="comment-delete"),
]
