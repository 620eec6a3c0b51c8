from django.urls import path

from zugong.core import views

app_name = "core"
urlpatterns = [
    path("orgs/", views.org_tree, name="org-tree"),
    path("orgs/<int:unit_id>/children/", views.org_children, name="org-children"),
    path("jurisdiction/", views.switch_jurisdiction, name="switch-jurisdiction"),
]
