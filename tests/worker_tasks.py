"""Tasks for the background worker's tests, importable by path as the worker needs."""

from django_tasks import task


@task()
def always_fails() -> None:
    raise RuntimeError("the partner's service is down")
