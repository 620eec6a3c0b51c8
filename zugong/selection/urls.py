from django.urls import path

from zugong.selection import views, views_documents, views_inspections, views_reports, views_review

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
    path("<int:pk>/trace.docx", views_documents.selection_trace_docx, name="trace_docx"),
    path("<int:pk>/trace.pdf", views_documents.selection_trace_pdf, name="trace_pdf"),
    path("<int:pk>/archive.zip", views_documents.selection_archive, name="archive"),
    path("<int:pk>/files/<slug:stage>/", views_documents.stage_files_upload, name="stage_files"),
    path("<int:pk>/plan-review/", views_review.plan_submit, name="plan_submit"),
    path("reviews/<int:pk>/", views_review.plan_review, name="plan_review"),
    path("stats/", views_review.stats_page, name="stats"),
    path("inspections/", views_inspections.inspection_list, name="inspections"),
    path("inspections/new/", views_inspections.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views_inspections.inspection_detail, name="inspection"),
    path("inspections/situations/", views_inspections.situations, name="situations"),
    path("<int:pk>/report-checks/", views_reports.candidate_checks, name="candidate_checks"),
    path("reports/", views_reports.report_list, name="reports"),
    path("reports/new/", views_reports.report_new, name="report_new"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report"),
    path("reports/draw/", views_reports.draw_new, name="draw_new"),
    path("draws/<int:pk>/", views_reports.draw_detail, name="draw"),
    path("checks/<int:pk>/", views_reports.check_record, name="check"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/transition/", views.problem_transition, name="problem_transition"),
]
