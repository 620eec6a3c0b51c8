from django.urls import URLPattern, URLResolver, path

from zugong.cadres import audit_views, views

app_name = "cadres"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.cadre_list, name="list"),
    path("export.xlsx", views.cadre_export, name="export"),
    path("export.<str:fmt>", views.cadre_export_forms, name="export_forms"),
    path("template.xlsx", views.import_template, name="template"),
    path("import/", views.import_page, name="import"),
    path("audit/", audit_views.audit_page, name="audit"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit_export"),
    path("audit/run/", audit_views.audit_run, name="audit_run"),
    path("<int:cadre_id>/", views.cadre_detail, name="detail"),
    path("<int:cadre_id>/form", views.cadre_lrmx, name="form"),
    path("<int:cadre_id>/posts", views.cadre_post_change, name="post_change"),
]
