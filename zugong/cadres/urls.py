from django.urls import URLPattern, URLResolver, path

from zugong.cadres import views

app_name = "cadres"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.cadre_list, name="list"),
    path("export.xlsx", views.cadre_export, name="export"),
    path("template.xlsx", views.import_template, name="template"),
    path("import/", views.import_page, name="import"),
    path("audit/", views.audit_page, name="audit"),
    path("<int:cadre_id>/", views.cadre_detail, name="detail"),
    path("<int:cadre_id>/form", views.cadre_lrmx, name="form"),
]
