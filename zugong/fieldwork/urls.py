from django.urls import path

from zugong.fieldwork import views, views_care, views_recruits, views_research, views_stays, views_training

app_name = "fieldwork"
urlpatterns = [
    path("income/", views.income, name="income"),
    path("income/report/", views.income_report_new, name="income-report"),
    path("income/correct/", views.income_report_correction, name="income-correct"),
    path("income/export/", views.income_export, name="income-export"),
    path("income/scales/", views.income_scales, name="income-scales"),
    path("income/villages/<int:village_id>/", views.income_village, name="income-village"),
    path("training/", views_training.training, name="training"),
    path("training/import/", views_training.training_upload, name="training-import"),
    path("training/new/", views_training.training_record_new, name="training-new"),
    path("training/programmes/", views_training.training_programmes, name="training-programmes"),
    path("stays/", views_stays.stay_batches, name="stays"),
    path("stays/batches/<int:batch_id>/", views_stays.stay_batch, name="stay-batch"),
    path("stays/<int:stay_id>/", views_stays.stay_detail, name="stay"),
    path("suggestions/", views_stays.suggestions, name="suggestions"),
    path("spendings/", views_stays.link_spendings, name="spendings"),
    path("suggestions/<int:suggestion_id>/answer/", views_stays.suggestion_answer_page, name="suggestion-answer"),
    path("research/", views_research.research_year, name="research"),
    path("research/topics/<int:topic_id>/", views_research.research_topic, name="research-topic"),
    path("research/trip/", views_research.research_trip, name="research-trip"),
    path("recruits/", views_recruits.township_recruits, name="recruits"),
    path("retirees/", views_care.retirees, name="retirees"),
    path("retirees/rules/", views_care.subsidy_rules, name="subsidy-rules"),
    path("retirees/<int:retiree_id>/", views_care.retiree_detail, name="retiree"),
    path("retirees/<int:retiree_id>/subsidy/", views_care.retiree_subsidy, name="retiree-subsidy"),
    path("retirees/<int:retiree_id>/leave/", views_care.retiree_leave, name="retiree-leave"),
]
