from django.conf import settings
from django.db import models


class WorkerPing(models.Model):
    """A round trip through the broker to a worker process: proves the queue is served."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    worker_pid = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
