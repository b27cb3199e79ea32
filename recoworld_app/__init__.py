import simulator  # noqa: F401  first: it settles NumPy's BLAS threads before anything loads NumPy

from .celery import app as celery_app

__all__ = ["celery_app"]
