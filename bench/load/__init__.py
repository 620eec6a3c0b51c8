"""Load test of a running `zugong run` (locust, loopback only): `python -m bench.load --help`."""
