"""The committee's pages; each area keeps its routes in its own module, all under the `evaluation` namespace."""

from chieftech.evaluation.urls_committee import urlpatterns as committee_urls
from chieftech.evaluation.urls_results import urlpatterns as results_urls
from chieftech.evaluation.urls_scoring import urlpatterns as scoring_urls

app_name = "evaluation"
urlpatterns = [*committee_urls, *scoring_urls, *results_urls]
