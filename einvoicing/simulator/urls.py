from django.contrib.auth.decorators import login_not_required
from django.urls import path

from einvoicing.simulator import views

app_name = "pa_simulator"
# A machine API: OAuth2 bearer tokens instead of the product's login (and no CSRF, see views.py).
urlpatterns = [
    path("oauth/token", login_not_required(views.token), name="token"),
    path("flow-service/v1/healthcheck", login_not_required(views.health), name="flow-health"),
    path("flow-service/v1/flows", login_not_required(views.flows), name="flows"),
    path("flow-service/v1/flows/search", login_not_required(views.flows_search), name="flows-search"),
    # Simulator only, not an AFNOR route: a supplier invoice arrives for the calling client (tests, demos).
    path("simulateur/factures-entrantes", login_not_required(views.drop_incoming), name="drop-incoming"),
    path("flow-service/v1/flows/<str:flow_id>", login_not_required(views.flow_detail), name="flow-detail"),
    path("lifecycle/advance", login_not_required(views.lifecycle_advance), name="lifecycle-advance"),
    path("directory-service/v1/healthcheck", login_not_required(views.health), name="directory-health"),
    path(
        "directory-service/v1/directory-line/search",
        login_not_required(views.directory_search),
        name="directory-search",
    ),
    path(
        "directory-service/v1/directory-line/code:<str:addressing_identifier>",
        login_not_required(views.directory_line),
        name="directory-line",
    ),
]
