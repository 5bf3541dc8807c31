"""The formation run on the task queue: the page that started it polls the Run row, so the run
goes on whether or not anyone watches."""

from huey.contrib.djhuey import db_task


@db_task()
def solve_run(run_id: int) -> None:
    # formation.actions queues this task, so it is imported here, not at the top.
    from peerpower.formation.actions import run_execute  # noqa: PLC0415 - actions import tasks

    run_execute(run_id=run_id)
