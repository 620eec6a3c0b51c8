from django.urls import path

from zugong.assessment import points_views, rater_views, score_views, setup_views, survey_views, views

app_name = "assessment"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", setup_views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/setup/", setup_views.campaign_setup, name="setup"),
    path("<int:pk>/subjects/", setup_views.subject_add, name="subject-add"),
    path("<int:pk>/indicators/", setup_views.indicator_tree_set, name="indicators"),
    path("<int:pk>/voter-classes/", setup_views.voter_class_set, name="voter-class"),
    path("<int:pk>/codes/", setup_views.codes_issue, name="codes"),
    path("<int:pk>/scores/", score_views.score_sheet, name="scores"),
    path("<int:pk>/raters/", rater_views.rater_scores, name="raters"),
    path("<int:pk>/results/", views.published_results, name="results"),
    path("<int:pk>/rate/", views.rating_set, name="rate"),
    path("<int:pk>/uses/", views.result_use, name="use"),
    path("<int:pk>/side-evidence/", views.side_evidence_request, name="side-evidence"),
    path("<int:pk>/side-evidence/<int:request_id>/reply/", views.side_evidence_reply, name="side-evidence-reply"),
    path("<int:pk>/transition/", views.campaign_transition, name="transition"),
    path("points/", points_views.points_card, name="points"),
    path("points/items/", points_views.point_item_add, name="point-item"),
    path("points/entries/", points_views.point_entry_add, name="point-record"),
    path("points/entries/<int:entry_id>/decide/", points_views.point_entry_decide, name="point-decide"),
    path("points/fill/", points_views.points_fill, name="points-fill"),
    path("surveys/", survey_views.survey_list, name="surveys"),
    path("surveys/<int:pk>/", survey_views.survey_detail, name="survey"),
    path("surveys/<int:pk>/transition/", survey_views.survey_transition, name="survey-transition"),
    path("surveys/<int:pk>/questionnaire/", survey_views.survey_questionnaire, name="survey-questionnaire"),
    path("surveys/<int:pk>/codes/", survey_views.survey_codes, name="survey-codes"),
    path("surveys/<int:pk>/link/", survey_views.survey_link, name="survey-link"),
    path("surveys/<int:pk>/quotas/", survey_views.survey_quota, name="survey-quota"),
    path("surveys/<int:pk>/follow-ups/", survey_views.survey_follow_ups, name="survey-follow-ups"),
    path("surveys/<int:pk>/follow-ups/<int:follow_up_id>/done/", survey_views.follow_up_done, name="follow-up-done"),
]
