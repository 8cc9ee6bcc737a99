"""portal_load.py's settings: ChiefTech's own, read from the same environment, with one URL added (see
_portal_urls.py) so a trivial Django view runs through the same middleware as every page."""

from chieftech.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks._portal_urls"
