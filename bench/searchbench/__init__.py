"""The search benchmark (``bench/search_bench.py``): corpus, engines, measurement and report, one module each."""
