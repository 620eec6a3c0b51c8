from django.urls import URLPattern, URLResolver, path

from zugong.masswork import views

app_name = "masswork"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/rate/", views.order_rate_by_phone, name="order-rate"),
    path("visits/new/", views.visit_new, name="visit-new"),
    path("pairings/<int:pk>/cards/", views.pairing_cards, name="pairing-cards"),
    path("petitions/", views.petitions, name="petitions"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition"),
]
