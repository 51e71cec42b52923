from django.urls import path

from . import dashboard_views, views

app_name = "reports"

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_latest, name="dashboard-latest"),
    path("<int:assessment_pk>/dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("<int:assessment_pk>/dashboard.xlsx", dashboard_views.dashboard_xlsx, name="dashboard-xlsx"),
    path("<int:assessment_pk>/analysis/", views.analysis_page, name="analysis"),
    path("<int:assessment_pk>/analysis.pdf", views.analysis_pdf, name="analysis-pdf"),
    path("<int:assessment_pk>/analysis.xlsx", views.analysis_xlsx, name="analysis-xlsx"),
    path("<int:assessment_pk>/analysis/text/", views.narrative_edit, name="narrative"),
    path("<int:assessment_pk>/analysis/redraft/", views.narrative_redraft, name="redraft"),
    path("<int:assessment_pk>/measures/", views.measures_page, name="measures"),
    path("<int:assessment_pk>/measures.pdf", views.measures_pdf, name="measures-pdf"),
    path("<int:assessment_pk>/progress/<int:month>/", views.progress_page, name="progress"),
    path("<int:assessment_pk>/progress/<int:month>.pdf", views.progress_pdf, name="progress-pdf"),
]
