from django.urls import path

from search import citation_exports, views

app_name = "search"

urlpatterns = [
    path("search/", views.SearchPageView.as_view(), name="search"),
    path("search/export.csv", views.SearchCsvView.as_view(), name="export_csv"),
    *[
        path(
            f"search/export.{fmt}",
            citation_exports.SearchCitationExportView.as_view(fmt=fmt),
            name=f"export_{fmt}",
        )
        for fmt in ("ris", "bib", "json")
    ],
    path("search/attention/", views.AttentionView.as_view(), name="attention"),
    path("search/attention.csv", views.AttentionCsvView.as_view(), name="attention_csv"),
    path("api/search/", views.SearchApiView.as_view(), name="api"),
    path("feeds/search/", views.SearchFeed(), name="feed"),
]
