from django.urls import path

from . import itas_views, mapping_views, planner_views, readiness_views, views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("export.xlsx", views.assessment_list_export, name="list-export"),
    path("export-itas.xlsx", views.assessment_itas_export, name="itas-export"),
    path("import/", itas_views.itas_import_upload, name="itas-import"),
    path("import/confirm/", itas_views.itas_import_confirm, name="itas-import-confirm"),
    path("import/jobs/<int:pk>/", itas_views.itas_import_job, name="itas-import-job"),
    path("import/jobs/<int:pk>/status/", itas_views.itas_import_job_status, name="itas-import-job-status"),
    path("import/preview/", itas_views.itas_import_preview, name="itas-import-preview"),
    path("import/mapping/<int:index>/", itas_views.itas_import_mapping, name="itas-import-mapping"),
    path(
        "import/mapping/<int:index>/ignore/",
        itas_views.itas_import_mapping_ignore,
        name="itas-import-mapping-ignore",
    ),
    path("import/mappings/", mapping_views.import_mapping_list, name="itas-mappings"),
    path("import/mappings/<int:pk>/delete/", mapping_views.import_mapping_delete, name="itas-mapping-delete"),
    path("import/summary.xlsx", itas_views.itas_import_summary_export, name="itas-import-summary-export"),
    path("import/problems.xlsx", itas_views.itas_import_problems, name="itas-import-problems"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/result/", views.assessment_result, name="result"),
    path("<int:pk>/indicators/", views.indicator_scores_update, name="indicators-update"),
    path("<int:pk>/questions/", views.question_scores, name="questions"),
    path("<int:pk>/oit/<str:code>/", views.disclosure_update, name="disclosure-update"),
    path("<int:pk>/oit-mark-passed/", views.disclosures_mark_passed, name="disclosures-mark-passed"),
    path("<int:pk>/published/", views.published_update, name="published-update"),
    path("<int:pk>/export.xlsx", views.assessment_export, name="export"),
    path("<int:pk>/planner/", planner_views.planner_page, name="planner"),
    path("<int:pk>/planner/export.xlsx", planner_views.planner_export, name="planner-export"),
    path("<int:pk>/readiness/", readiness_views.readiness_board, name="readiness"),
    path("<int:pk>/readiness/check-all/", readiness_views.readiness_check_all, name="readiness-check-all"),
    path("<int:pk>/readiness/export.xlsx", readiness_views.readiness_export, name="readiness-export"),
    path("<int:pk>/readiness/<str:code>/", readiness_views.readiness_update, name="readiness-update"),
    path("<int:pk>/readiness/<str:code>/check/", readiness_views.readiness_check, name="readiness-check"),
]
