from django.urls import path

from . import views

app_name = "memos"
urlpatterns = [
    path("", views.index, name="index"),
    path("inbox/", views.inbox, name="inbox"),
    path("org/<int:org_pk>/", views.memo_list, name="list"),
    path("org/<int:org_pk>/memos.xlsx", views.memo_list_xlsx, name="list-xlsx"),
    path("org/<int:org_pk>/new/", views.memo_create, name="create"),
    path("org/<int:org_pk>/chains/", views.chains, name="chains"),
    path("org/<int:org_pk>/chains/<int:chain_pk>/", views.chains, name="chain-edit"),
    path("<int:pk>/", views.memo_detail, name="detail"),
    path("<int:pk>/save/", views.memo_save, name="save"),
    path("<int:pk>/attachments/", views.memo_attachments, name="attachments"),
    path("<int:pk>/submit/", views.memo_submit, name="submit"),
    path("<int:pk>/cancel/", views.memo_cancel, name="cancel"),
    path("<int:pk>/decide/", views.memo_decide, name="decide"),
    path("<int:pk>/pdf/", views.memo_pdf_view, name="pdf"),
]
