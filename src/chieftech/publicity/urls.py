"""Staff pages of the notice and the approvals, under /publicity/manage/ (namespace `publicity`)."""

from chieftech.publicity.urls_approval import urlpatterns as approval_urls
from chieftech.publicity.urls_notice import urlpatterns as notice_urls

app_name = "publicity"
urlpatterns = [*notice_urls, *approval_urls]
