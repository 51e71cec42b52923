from django.urls import path

from . import overview_views

app_name = "overview"

urlpatterns = [
    path("", overview_views.overview, name="index"),
    path("export.xlsx", overview_views.overview_export, name="export"),
]
