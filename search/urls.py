from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("search/", views.SearchPageView.as_view(), name="search"),
    path("search/export.csv", views.SearchCsvView.as_view(), name="export_csv"),
    path("search/attention/", views.AttentionView.as_view(), name="attention"),
    path("search/attention.csv", views.AttentionCsvView.as_view(), name="attention_csv"),
    path("api/search/", views.SearchApiView.as_view(), name="api"),
    path("feeds/search/", views.SearchFeed(), name="feed"),
]
