"""Jobs for the worker's tests (tasks must live at module level)."""

from django_tasks import task


@task(takes_context=True)
def flaky(context, succeed_on: int) -> int:
    if context.attempt < succeed_on:
        raise ConnectionError(f"attempt {context.attempt}: the mail server did not answer")
    return context.attempt


@task()
def broken() -> None:
    raise ValueError("this job can never succeed")
