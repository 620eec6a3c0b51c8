"""zugong's settings for the server under load: one bare view beside the real URLs, and no per-address
quota on residents' orders (every simulated resident comes from 127.0.0.1)."""

from zugong.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
ZUGONG_MASSWORK_PER_ADDRESS_HOUR = 10**9
