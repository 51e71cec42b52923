from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from assessments import views as assessment_views

urlpatterns = [
    path("", assessment_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("assessments/", include("assessments.urls")),
    path("measures/", include("measures.urls")),
    path("frameworks/", include("assessments.framework_urls")),
    path("organization/", include("assessments.org_urls")),
    path("audit/", include("assessments.audit_urls")),
    path("overview/", include("assessments.overview_urls")),
    path("measures/work/", include("measures.progress_urls")),
    path("reports/", include("reports.urls")),
    path("memos/", include("memos.urls")),
    path("admin/", admin.site.urls),
]
