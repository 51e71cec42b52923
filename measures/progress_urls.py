"""Progress pages under /measures/work/ (the measure pages themselves are in measures.urls)."""

from django.urls import path

from . import progress_views as views

app_name = "progress"

urlpatterns = [
    path("", views.my_work, name="mine"),
    path("round/<int:round_pk>/", views.round_detail, name="round"),
    path("round/<int:round_pk>/due/", views.round_due_date_edit, name="round-due"),
    path("round/<int:round_pk>/evidence/file/", views.evidence_file_add, name="evidence-file"),
    path("round/<int:round_pk>/evidence/url/", views.evidence_url_add, name="evidence-url"),
    path("evidence/<int:evidence_pk>/delete/", views.evidence_remove, name="evidence-delete"),
    path("draft/<int:assessment_pk>/", views.draft, name="draft"),
]
