from django.urls import URLPattern, URLResolver, path

from zugong.masswork import pickers, township_views, views

app_name = "masswork"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("orders/new/", views.order_new, name="order-new"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("pick/walls/", pickers.wall_pick, name="pick-walls"),
    path("walls/", views.walls, name="walls"),
    path("walls/new/", views.wall_new, name="wall-new"),
    path("walls/<int:pk>/", views.wall_detail, name="wall"),
    path("walls/<int:pk>/members/new/", views.member_new, name="member-new"),
    path("orders/<int:pk>/rate/", views.order_rate_by_phone, name="order-rate"),
    path("visits/new/", views.visit_new, name="visit-new"),
    path("pairings/", township_views.pairing_list, name="pairings"),
    path("pairings/new/", township_views.pairing_new, name="pairing-new"),
    path("pairings/<int:pk>/cards/", views.pairing_cards, name="pairing-cards"),
    path("pairings/<int:pk>/resolve/", township_views.pairing_resolve, name="pairing-resolve"),
    path("petitions/", views.petitions, name="petitions"),
    path("petitions/new/", views.petition_new, name="petition-new"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition"),
    path("petitions/<int:pk>/receipt/", views.petition_receipt, name="petition-receipt"),
    path("reception-days/", views.reception_days, name="reception-days"),
    path("reception-days/new/", views.reception_day_new, name="reception-day-new"),
    path("reception-days/<int:pk>/", views.reception_day_detail, name="reception-day"),
    path("ledger/", township_views.ledger_list, name="ledger"),
    path("ledger/new/", township_views.ledger_new, name="ledger-new"),
    path("ledger/discuss/", township_views.ledger_discuss, name="ledger-discuss"),
    path("ledger/<int:pk>/resolve/", township_views.ledger_resolve, name="ledger-resolve"),
    path("duty/", township_views.duty_list, name="duty"),
    path("duty/new/", township_views.duty_new, name="duty-new"),
    path("duty/<int:pk>/check-in/", township_views.duty_check_in, name="duty-check-in"),
    path("in-village-days/", township_views.in_village_days, name="in-village-days"),
    path("in-village-days/new/", township_views.in_village_day_new, name="in-village-day-new"),
]
