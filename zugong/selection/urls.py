from django.urls import path

from zugong.selection import views

app_name = "selection"
urlpatterns = [
    path("", views.selection_list, name="list"),
    path("new/", views.selection_new, name="new"),
    path("<int:pk>/", views.selection_detail, name="detail"),
    path("<int:pk>/candidates/", views.candidate_add, name="candidates"),
    path("<int:pk>/step/<slug:step>/", views.selection_step, name="step"),
    path("<int:pk>/sign/<slug:stage>/", views.stage_sign, name="sign"),
    path("<int:pk>/stop/", views.selection_stop, name="stop"),
    path("<int:pk>/sign-off/", views.audit_sign_off, name="sign_off"),
    path("<int:pk>/trace/", views.selection_trace_page, name="trace"),
    path("<int:pk>/trace.docx", views.selection_trace_docx, name="trace_docx"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/transition/", views.problem_transition, name="problem_transition"),
]
