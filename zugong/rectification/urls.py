from django.urls import path

from zugong.rectification import views, views_duty, views_projects

app_name = "rectification"
urlpatterns = [
    path("", views.list_index, name="lists"),
    path("lists/new/", views.list_new, name="list-new"),
    path("lists/import/", views.list_import, name="list-import"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/export/", views.list_export, name="list-export"),
    path("lists/<int:pk>/problems/", views.problem_new, name="problem-new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/plan/", views.plan_submit, name="plan-submit"),
    path("problems/<int:pk>/plan/review/", views.plan_review, name="plan-review"),
    path("problems/<int:pk>/progress/", views.progress_report, name="progress"),
    path("problems/<int:pk>/close/", views.closure_request, name="close"),
    path("problems/<int:pk>/close/review/", views.closure_review, name="close-review"),
    path("problems/<int:pk>/reopen/", views.problem_reopen, name="reopen"),
    path("problems/<int:pk>/checks/", views.check_record, name="check"),
    path("duty/", views_duty.duty_index, name="duty-list"),
    path("duty/new/", views_duty.duty_new, name="duty-new"),
    path("duty/<int:pk>/", views_duty.duty_detail, name="duty"),
    path("duty/<int:pk>/evaluate/", views_duty.duty_evaluate, name="duty-evaluate"),
    path("duty/<int:pk>/feedback/", views_duty.duty_feedback, name="duty-feedback"),
    path("projects/", views_projects.project_index, name="projects"),
    path("projects/board/", views_projects.project_board, name="project-board"),
    path("projects/new/", views_projects.project_new, name="project-new"),
    path("projects/<int:pk>/", views_projects.project_detail, name="project"),
    path("projects/<int:pk>/publish/", views_projects.project_publish, name="project-publish"),
    path("projects/<int:pk>/complete/", views_projects.project_complete, name="project-complete"),
    path("projects/<int:pk>/claims/", views_projects.claim_create, name="project-claim"),
    path("projects/<int:pk>/reports/", views_projects.report_create, name="project-report"),
    path("project-claims/<int:pk>/review/", views_projects.claim_decide, name="claim-review"),
    path("project-milestones/<int:pk>/done/", views_projects.milestone_done, name="milestone-done"),
    path("leaders/", views_projects.leader_report_index, name="leader-reports"),
    path("leaders/new/", views_projects.leader_report_new, name="leader-report-new"),
]
