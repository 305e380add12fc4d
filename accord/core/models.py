from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One recorded change: who did what to which object, through which channel.

    The object is named by its model label, id and a text representation so the history of an
    object outlives the object itself.
    """

    class Action(models.TextChoices):
        CREATE = "create", "created"
        UPDATE = "update", "updated"
        DELETE = "delete", "deleted"
        MERGE = "merge", "merged"
        ASK = "ask", "asked about"

    class Channel(models.TextChoices):
        WEB = "web", "web"
        API = "api", "API"
        CLI = "cli", "command line"
        IMPORT = "import", "import"
        SYSTEM = "system", "system"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    # The names of the objects `changes` refers to by id, as they were: {field: [before, after]}
    names = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_action_display()} {self.model} {self.object_repr}"


class WorkerHeartbeat(models.Model):
    """The background worker's latest sign of life, one row per supervised worker."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    restarts = models.PositiveIntegerField(default=0)
    last_exit = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} (pid {self.pid}) at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ScheduledRun(models.Model):
    """One run of a periodic job for one slot of its schedule. The slot is unique per job, so
    of several workers only one queues it; a failed run is retried and stays visible."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    job = models.CharField(max_length=100)
    slot = models.DateTimeField(help_text="The start of the period this run covers.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")]

    def __str__(self) -> str:
        return f"{self.job} for {self.slot:%Y-%m-%d %H:%M} ({self.status})"


class SavedView(models.Model):
    """A user's named filters of one list page: the page by its URL name, the filters as the
    query string that opens it. Private to its owner (core/saved_views.py)."""

    NAME_LENGTH = 80
    QUERY_LENGTH = 2000

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField("list", max_length=100, help_text="The list page's URL name.")
    name = models.CharField(max_length=NAME_LENGTH)
    query = models.CharField(max_length=QUERY_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["list_name", "name", "id"]
        verbose_name = "saved view"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_name", "name"],
                name="one_saved_view_per_name_and_list",
                violation_error_message="You already have a view of this name on this list.",
            )
        ]

    def __str__(self) -> str:
        return self.name
