from django.urls import path

from zugong.fieldwork import views

app_name = "fieldwork"
urlpatterns = [
    path("income/", views.income, name="income"),
    path("income/export/", views.income_export, name="income-export"),
]
