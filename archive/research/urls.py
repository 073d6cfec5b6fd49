from django.urls import path

from archive.research import api, feeds
from archive.research import views_accounts as accounts
from archive.research import views_collections as collections
from archive.research import views_searches as searches

app_name = "research"

FORMAT = "<str:fmt>"

urlpatterns = [
    # accounts
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.SignupView.as_view(), name="signup"),
    path("accounts/signup/<str:token>/", accounts.SignupView.as_view(), name="signup_invited"),
    path("accounts/invite/", accounts.InviteView.as_view(), name="invite"),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # collections
    path("collect/", collections.collect, name="collect"),
    path("collections/", collections.CollectionListView.as_view(), name="collections"),
    path("collections/<int:pk>/", collections.CollectionView.as_view(), name="collection"),
    path("collections/<int:pk>/delete/", collections.collection_delete, name="collection_delete"),
    path("collections/<int:pk>/share/", collections.collection_share, name="collection_share"),
    path(
        "collections/<int:pk>/export.atom",
        feeds.CollectionFeed(),
        name="collection_feed",
    ),
    path(
        f"collections/<int:pk>/export.{FORMAT}",
        collections.collection_export,
        name="collection_export",
    ),
    path(
        "collections/<int:pk>/items/<int:article_id>/note/",
        collections.item_note,
        name="item_note",
    ),
    path(
        "collections/<int:pk>/items/<int:article_id>/move/",
        collections.item_move,
        name="item_move",
    ),
    path(
        "shared/collections/<str:token>/",
        collections.shared_collection_view,
        name="shared_collection",
    ),
    path(
        "shared/collections/<str:token>/export.atom",
        feeds.SharedCollectionFeed(),
        name="shared_collection_feed",
    ),
    path(
        f"shared/collections/<str:token>/export.{FORMAT}",
        collections.shared_collection_export,
        name="shared_collection_export",
    ),
    # saved searches
    path("searches/", searches.saved_search_list, name="saved_searches"),
    path("searches/<int:pk>/", searches.saved_search_open, name="saved_search"),
    path("searches/<int:pk>/edit/", searches.saved_search_edit, name="saved_search_edit"),
    path("feeds/search/saved/<str:token>/", searches.SavedSearchFeed(), name="saved_feed"),
    # snapshots
    path("snapshots/", searches.snapshot_list, name="snapshots"),
    path("snapshots/<int:pk>/", searches.snapshot_view, name="snapshot"),
    path(f"snapshots/<int:pk>/export.{FORMAT}", searches.snapshot_export, name="snapshot_export"),
    path("shared/snapshots/<str:token>/", searches.shared_snapshot_view, name="shared_snapshot"),
    path(
        f"shared/snapshots/<str:token>/export.{FORMAT}",
        searches.shared_snapshot_export,
        name="shared_snapshot_export",
    ),
    # JSON
    path("api/collections/", api.collection_list, name="api_collections"),
    path("api/collections/<int:pk>/", api.collection_detail, name="api_collection"),
]
