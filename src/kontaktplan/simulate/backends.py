"""Running office-replications: in local processes (default) or as Ray tasks.

One task is one (office, replication): it loads or generates its office, simulates it and
returns plain data (:class:`TaskResult`). Seeds go into the task explicitly, so the rows
are the same whichever backend ran it. A task that fails is tried again (``retries``)
and then reported as failed, never dropped.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from kontaktplan.simulate.offices import OfficeSpec
from kontaktplan.simulate.settings import SimulationSettings

__all__ = ["Task", "TaskResult", "run_local", "run_ray", "run_task"]


@dataclass(frozen=True)
class Task:
    """One office-replication."""

    office: OfficeSpec
    replication: int
    seed: int
    weeks: int
    settings: SimulationSettings


@dataclass
class TaskResult:
    """What a task returns: its rows, or the error after the last try."""

    office: str
    replication: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    plan_seconds: float = 0.0
    peak_mib: float = 0.0
    tries: int = 1
    error: str | None = None
    cpu_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    def run_record(self) -> dict[str, Any]:
        return {
            "office": self.office, "replication": self.replication,
            "status": "ok" if self.ok else "failed", "tries": self.tries,
            "seconds": round(self.seconds, 3), "plan_seconds": round(self.plan_seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "peak_mib": round(self.peak_mib, 1), "error": self.error or "",
        }  # fmt: skip


def run_task(task: Task) -> TaskResult:
    """Simulate one office-replication (in whatever process runs it)."""
    from kontaktplan.simulate.office import simulate_office

    cpu = time.process_time()
    scenario, policy = task.office.load()
    rows, timing, _ = simulate_office(
        scenario, policy, task.settings, weeks=task.weeks, seed=task.seed,
        office=task.office.name, replication=task.replication,
    )  # fmt: skip
    return TaskResult(
        task.office.name, task.replication, rows, timing.seconds, timing.plan_seconds,
        _peak_mib(), cpu_seconds=time.process_time() - cpu,
    )  # fmt: skip


def _peak_mib() -> float:
    """Peak resident memory of this process (the task's worker), 0 where unknown."""
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _failed(task: Task, error: BaseException, tries: int) -> TaskResult:
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    return TaskResult(task.office.name, task.replication, tries=tries, error=text)


OnResult = Callable[[TaskResult], None]


def run_local(
    tasks: Iterable[Task], on_result: OnResult, *, workers: int = 1, retries: int = 1
) -> None:
    """Run the tasks in ``workers`` processes (in this process for 1), calling
    ``on_result`` as each finishes."""
    tasks = list(tasks)
    if workers <= 1:
        for t in tasks:
            for attempt in range(1, retries + 2):
                try:
                    result = run_task(t)
                    result.tries = attempt
                    break
                except Exception as e:  # reported, not raised: the other tasks go on
                    result = _failed(t, e, attempt)
            on_result(result)
        return
    with ProcessPoolExecutor(workers) as pool:
        pending: dict[Future, tuple[Task, int]] = {pool.submit(run_task, t): (t, 1) for t in tasks}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                t, attempt = pending.pop(f)
                try:
                    result = f.result()
                    result.tries = attempt
                except Exception as e:
                    if attempt <= retries:
                        pending[pool.submit(run_task, t)] = (t, attempt + 1)
                        continue
                    result = _failed(t, e, attempt)
                on_result(result)


def run_ray(
    tasks: Iterable[Task],
    on_result: OnResult,
    *,
    address: str | None = None,
    workers: int | None = None,
    retries: int = 1,
) -> None:
    """Run each task as a Ray task; results are taken as they arrive (``ray.wait``).

    Without ``address`` a local Ray is started with ``workers`` CPUs (unless Ray is already
    running in this process); with it, the cluster at ``address`` is joined."""
    import ray

    started = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": "ERROR"}
        if address:
            kwargs["address"] = address
        else:
            kwargs["num_cpus"] = workers
        ray.init(**kwargs)
        started = True
    try:
        remote = ray.remote(num_cpus=1, max_retries=retries, retry_exceptions=True)(run_task)
        pending = {remote.remote(t): t for t in tasks}
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                t = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except Exception as e:  # RayTaskError after the retries: reported
                    cause = getattr(e, "cause", None) or e
                    result = _failed(t, cause, retries + 1)
                on_result(result)
    finally:
        if started:
            ray.shutdown()
