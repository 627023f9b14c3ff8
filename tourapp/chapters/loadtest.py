"""Put a served app under concurrent load and draw what came out: requests per second and latency.

:func:`measure` sends the same requests from several client threads, each on a keep-alive
session, and returns a :class:`Measurement`; :func:`chart` draws several of them side by side as
an SVG. Measure servers one after another in one run: figures from different runs or machines
do not compare.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from html import escape

import requests

__all__ = ["Measurement", "chart", "measure"]


@dataclass
class Measurement:
    """What one server did under load: how many requests, how many failed, how long each took."""

    name: str
    seconds: float
    latencies: list[float] = field(repr=False)
    errors: int

    @property
    def requests(self):
        return len(self.latencies)

    @property
    def per_second(self):
        return self.requests / self.seconds

    @property
    def p50_ms(self):
        return statistics.median(self.latencies) * 1000

    @property
    def p99_ms(self):
        return sorted(self.latencies)[int(len(self.latencies) * 0.99) - 1] * 1000

    def __str__(self):
        return (
            f"{self.name:12} {self.per_second:6.0f} requests/s   p50 {self.p50_ms:6.1f} ms   "
            f"p99 {self.p99_ms:6.1f} ms   errors {self.errors}"
        )


def measure(name, url, *, threads=8, per_thread=50):
    """Send ``threads`` × ``per_thread`` GETs to ``url`` at once; every answer but a 200 counts as an error."""
    latencies, errors = [], []
    start = threading.Barrier(threads + 1)

    def client():
        mine, failed = [], 0
        with requests.Session() as session:
            session.get(url, timeout=30)  # open the connection before the clock starts
            start.wait()
            for _ in range(per_thread):
                began = time.perf_counter()
                try:
                    failed += session.get(url, timeout=30).status_code != 200
                except requests.RequestException:
                    failed += 1
                mine.append(time.perf_counter() - began)
        latencies.extend(mine)
        errors.append(failed)

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for thread in pool:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in pool:
        thread.join()
    return Measurement(name, time.perf_counter() - began, latencies, sum(errors))


def chart(measurements, width=560):
    """Draw requests per second and median latency of each measurement as two groups of bars (SVG)."""
    rows = [
        ("requests per second", lambda m: m.per_second, "{:.0f}/s"),
        ("median latency", lambda m: m.p50_ms, "{:.1f} ms"),
    ]
    bar, gap, label = 18, 6, 110
    height = 30 + len(rows) * (len(measurements) * (bar + gap) + 34)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        f'font-size="12">'
    ]
    colours = ["#9e9e9e", "#1f77b4", "#2ca02c", "#d62728"]
    y = 20
    for title, value, fmt in rows:
        parts.append(f'<text x="0" y="{y}" font-weight="bold">{escape(title)}</text>')
        y += 10
        largest = max(value(m) for m in measurements) or 1
        for i, m in enumerate(measurements):
            length = (width - label - 70) * value(m) / largest
            parts.append(f'<text x="0" y="{y + 13}">{escape(m.name)}</text>')
            parts.append(
                f'<rect x="{label}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colours[i % len(colours)]}"/>'
            )
            parts.append(f'<text x="{label + length + 4:.1f}" y="{y + 13}">{fmt.format(value(m))}</text>')
            y += bar + gap
        y += 24
    parts.append("</svg>")
    return "\n".join(parts)
