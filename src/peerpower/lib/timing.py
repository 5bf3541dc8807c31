"""The CPU a request cost its worker, as a Server-Timing header, for the benchmarks only.

Switched on by PEERPOWER_BENCH_TIMING (never in production): bench/run.py reads the header
and reports CPU per page beside latency, since latency on a shared machine mostly measures
the queue. Thread CPU time, so a sleep or a wait on the database does not count.
"""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class CpuTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.thread_time()
        response = self.get_response(request)
        cpu_ms = (time.thread_time() - started) * 1000
        response["Server-Timing"] = f"cpu;dur={cpu_ms:.3f}"
        return response
