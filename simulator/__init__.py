"""RecoWorld simulator (arXiv 2509.10397): a framework-free engine; it never imports Django."""

import os

# The engine is parallel by processes (shards, gangs, Celery's prefork pool): BLAS threads would only
# compete for the same cores, and on the world's many small products (a few users' rows against the
# catalogue) they cost several times the work under load (measured by make bench). Set before NumPy
# loads, so it takes effect; a caller who wants threads sets OPENBLAS_NUM_THREADS itself.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
