from django.conf import settings
from django.db import models

# Every table's key is a BigAutoField: 1 to 2**63 - 1 on SQLite and PostgreSQL alike. An id outside
# that range names no row (SQLite cannot even bind one in an IN list); the API's schema says so.
ID_MAX = 2**63 - 1


class WorkerPing(models.Model):
    """A round trip through the broker to a worker process: proves the queue is served."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    worker_pid = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class WorkerBeat(models.Model):
    """A worker that is up: its pool size, refreshed by its sweeper; what run estimates count on."""

    name = models.CharField(max_length=200, unique=True)
    slots = models.PositiveIntegerField()
    seen_at = models.DateTimeField()


class PerceptionState(models.TextChoices):
    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Looking at the draft"
    DONE = "done", "Done"
    FAILED = "failed", "Could not be measured"


class Draft(models.Model):
    """A post the creator has not published: a video, an image or text, with what probing found."""

    class Kind(models.TextChoices):
        VIDEO = "video", "Video"
        IMAGE = "image", "Image"
        TEXT = "text", "Text"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=120)
    caption = models.TextField(blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    topics = models.JSONField(default=list, blank=True)
    # Paths relative to MEDIA_ROOT; served only through the owner-checking view.
    media = models.CharField(max_length=300, blank=True)
    media_type = models.CharField(max_length=60, blank=True)
    media_bytes = models.BigIntegerField(default=0)
    thumbnail = models.CharField(max_length=300, blank=True)
    keyframes = models.JSONField(default=list, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    width = models.IntegerField(null=True, blank=True)
    height = models.IntegerField(null=True, blank=True)
    fps = models.FloatField(null=True, blank=True)
    probe = models.JSONField(default=dict, blank=True)
    # What the audience will see (simulator.perception.Perception as JSON), measured by a task after
    # the upload and again after a caption or hashtag change (the revision counts those requests).
    perception = models.JSONField(default=dict, blank=True)
    perception_state = models.CharField(
        max_length=10, choices=PerceptionState.choices, default=PerceptionState.PENDING
    )
    perception_note = models.CharField(max_length=500, blank=True)
    perception_revision = models.PositiveIntegerField(default=0)
    # What the content model read in it at that look (simulator.content.ContentAnalysis as JSON): the
    # topics inferred from its words and the factors that move its prediction, for the draft page.
    content = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return self.title


class Audience(models.Model):
    """Who a run is shown to: a `simulator.audiences.AudienceSpec` as JSON, and its make-up."""

    class Kind(models.TextChoices):
        FOLLOWERS = "followers", "Followers"
        GENERAL = "general", "General sample"
        SLICE = "slice", "Demographic slice"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audiences")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=120)
    spec = models.JSONField()
    makeup = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return self.name


class SimulationRun(models.Model):
    """One simulation of drafts posted on a schedule to an audience, split into (rerun, shard) tasks."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    class Brain(models.TextChoices):
        PERSONA = "persona", "Persona (statistical)"
        LLM = "llm", "LLM"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runs")
    name = models.CharField(max_length=160)
    audience = models.ForeignKey(Audience, on_delete=models.SET_NULL, null=True, related_name="runs")
    audience_name = models.CharField(max_length=120)
    population = models.PositiveIntegerField()
    horizon_hours = models.PositiveIntegerField()
    reruns = models.PositiveSmallIntegerField()
    brain = models.CharField(max_length=10, choices=Brain.choices, default=Brain.PERSONA)
    seed = models.BigIntegerField()
    # The simulator's WorldConfig as JSON, frozen at submit so edits to drafts change no past run.
    config = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    shards_total = models.PositiveIntegerField(default=0)
    shards_done = models.PositiveIntegerField(default=0)
    users_total = models.PositiveIntegerField(default=0)
    users_simulated = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # An LLM run's panel verdict (simulator.world.panel.WorldCalibration), set once before its shards run.
    panel = models.JSONField(null=True, blank=True)
    # "Calibrated to my account" was asked for: a default-queue task solves the account's offsets into
    # `account` (services.track_record.account_calibrate) before the shards are queued.
    calibrated = models.BooleanField(default=False)
    # The fit and the multipliers applied (services.track_record); null: not calibrated, or not yet.
    account = models.JSONField(null=True, blank=True)
    # A live update of a post already out: the counts so far and the forecast conditioned on them.
    live_update = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def exposure(self) -> str:
        """Who meets the posts (simulator.world.EXPOSURES); runs from before the choice were organic."""
        return self.config.get("exposure", "organic")

    @property
    def recommender(self) -> str:
        """The platform's recommender in the feed sessions; runs from before feed sessions had none."""
        return self.config.get("recommender", "")


class RunPost(models.Model):
    """A draft in a run's posting schedule: which draft, posted how many hours after the start."""

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="posts")
    draft = models.ForeignKey(Draft, on_delete=models.SET_NULL, null=True, related_name="run_posts")
    position = models.PositiveSmallIntegerField()
    at_hours = models.FloatField(default=0.0)
    title = models.CharField(max_length=120)
    item_id = models.CharField(max_length=40)
    # What the content model read in the draft when the run was made (simulator.content.ContentAnalysis):
    # its topics, effects and factors, kept so the run explains itself after the draft changes.
    content = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="runpost_unique_position")]


class RunShard(models.Model):
    """One (rerun, shard) unit of work; its result is written once, whatever the deliveries."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="shards")
    rerun = models.PositiveSmallIntegerField()
    shard = models.PositiveIntegerField()
    users = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress = models.FloatField(default=0.0)
    task_id = models.CharField(max_length=64, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written when claimed and with each progress report: a stale one means the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The attempt of its rerun's gang (RerunGang.epoch) that claimed it, and the shard whose task
    # hosts it in that attempt; blank and null until claimed.
    epoch = models.CharField(max_length=32, blank=True)
    host = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rerun", "shard"]
        constraints = [models.UniqueConstraint(fields=["run", "rerun", "shard"], name="runshard_unique_unit")]


class RerunGang(models.Model):
    """The processes that step one rerun's shards together, one attempt (epoch) at a time.

    The first shard task of a rerun to start forms the gang (idle -> forming), the rerun's other shard
    tasks that start within RUN_GANG_JOIN_S join it, and then it runs (the shards nobody joined for are
    hosted by the first); see recoworld_app.services.gangs.
    """

    class State(models.TextChoices):
        IDLE = "idle", "Idle"
        FORMING = "forming", "Forming"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="gangs")
    rerun = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.IDLE)
    epoch = models.CharField(max_length=32, blank=True)
    parties = models.JSONField(default=list)  # the hosting shard indexes, in party order
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # a stale one: every party died

    class Meta:
        ordering = ["rerun"]
        constraints = [models.UniqueConstraint(fields=["run", "rerun"], name="rerungang_unique_rerun")]


class RunMetric(models.Model):
    """An aggregate of a finished run: a metric at a horizon for a segment, mean and 90% interval."""

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="metrics")
    metric = models.CharField(max_length=40)
    horizon = models.CharField(max_length=8)
    segment = models.CharField(max_length=80)
    mean = models.FloatField()
    lo = models.FloatField()
    hi = models.FloatField()
    values = models.JSONField(default=list)  # one value per rerun, for paired comparisons

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "metric", "horizon", "segment"], name="runmetric_unique_cell"
            )
        ]


class RunReport(models.Model):
    """The rest of a finished run's results, read in one row: funnel, watch time, summary, brains."""

    run = models.OneToOneField(SimulationRun, on_delete=models.CASCADE, related_name="report")
    summary = models.JSONField(default=list)  # plain-language sentences
    funnel = models.JSONField(default=dict)
    watch_histogram = models.JSONField(default=dict)
    brain_usage = models.JSONField(default=dict)
    per_post = models.JSONField(default=list)
    extra = models.JSONField(default=dict)  # anything else the simulator's summary carries
    created_at = models.DateTimeField(auto_now_add=True)


class RunSample(models.Model):
    """A simulated user's reaction, kept as an example for the creator to read."""

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="samples")
    position = models.PositiveIntegerField()
    persona = models.TextField()
    item = models.CharField(max_length=120)
    action = models.CharField(max_length=60)
    watch_s = models.FloatField(default=0.0)
    reasoning = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    instruction = models.TextField(blank=True)
    brain = models.CharField(max_length=20, default="persona")  # who decided: persona, llm or fallback

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="runsample_unique_position")]


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored, so a leak of the table leaks nothing."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class PastPost(models.Model):
    """A post the creator has published, imported from a history CSV, with its counts by horizon."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="past_posts")
    post_id = models.CharField(max_length=120)
    posted_at = models.CharField(max_length=40, blank=True)  # ISO text, as the file gave it
    kind = models.CharField(max_length=10, default="video")
    duration_s = models.FloatField(default=0.0)
    caption = models.TextField(blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    followers = models.PositiveIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict)  # {horizon: {metric: count}} (simulator.track_record.history)
    source = models.CharField(max_length=20)  # the layout it was read from
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["posted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "post_id"], name="pastpost_unique_id")]


class TrackRecord(models.Model):
    """The account fit and backtest of a creator's history, kept until the history changes."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="track_record"
    )
    fit = models.JSONField()  # simulator.track_record.calibration.AccountFit
    backtest = models.JSONField()  # simulator.track_record.backtest.run_backtest, leave-one-out
    rolling = models.JSONField(null=True, blank=True)  # the same, rolling origin; null: not yet computed
    audience = models.ForeignKey(Audience, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    computed_at = models.DateTimeField(auto_now=True)


class AccountSolve(models.Model):
    """The account's offsets solved into one world's per-item multipliers, kept per (history, audience,
    reference post) so that a second calibrated run does not solve them again."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)  # services.track_record.solve_key
    account = models.JSONField()  # what SimulationRun.account holds
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="accountsolve_unique_key")]
