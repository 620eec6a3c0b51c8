from django.urls import path

from zugong.fieldwork import views, views_stays, views_training

app_name = "fieldwork"
urlpatterns = [
    path("income/", views.income, name="income"),
    path("income/report/", views.income_report_new, name="income-report"),
    path("income/export/", views.income_export, name="income-export"),
    path("training/", views_training.training, name="training"),
    path("training/import/", views_training.training_upload, name="training-import"),
    path("stays/", views_stays.stay_batches, name="stays"),
    path("stays/batches/<int:batch_id>/", views_stays.stay_batch, name="stay-batch"),
    path("stays/<int:stay_id>/", views_stays.stay_detail, name="stay"),
    path("suggestions/", views_stays.suggestions, name="suggestions"),
    path("suggestions/<int:suggestion_id>/answer/", views_stays.suggestion_answer_page, name="suggestion-answer"),
]
