from django.urls import path

from zugong.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/rate/", views.rating_set, name="rate"),
    path("<int:pk>/transition/", views.campaign_transition, name="transition"),
]
