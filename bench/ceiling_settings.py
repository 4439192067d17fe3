"""Settings for bench/submit_surge.py only: the production settings with a URLconf that adds
the bare "ceiling" view (bench/ceiling_urls.py). Never used by a deployment."""

from diaodu.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling_urls"
