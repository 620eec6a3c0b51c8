from django.urls import path

from zugong.fieldwork import views, views_training

app_name = "fieldwork"
urlpatterns = [
    path("income/", views.income, name="income"),
    path("income/report/", views.income_report_new, name="income-report"),
    path("income/export/", views.income_export, name="income-export"),
    path("training/", views_training.training, name="training"),
    path("training/import/", views_training.training_upload, name="training-import"),
]
