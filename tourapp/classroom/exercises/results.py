"""The result of a check, as the learner reads it and as the grader reads it back.

A :class:`Result` prints as one line (``✓ 01.1 · Shout: …``) and renders as a badge in a
notebook; beside its text, the check cell's output carries a copy of it as JSON under
:data:`MIMETYPE`, which :func:`results_in` finds again in an executed notebook's outputs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from markupsafe import Markup, escape

__all__ = ["MIMETYPE", "Result", "results_in"]

# The machine-readable copy of a result, displayed next to its text: the grader reads it back
# from the executed notebook, and front ends that do not know the type show the text instead.
MIMETYPE = "application/vnd.flask-tour.check+json"
_CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Result:
    """The outcome of one check: ``status`` is ``"passed"``, ``"failed"`` or ``"not done"``."""

    exercise: str
    title: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """Tell whether the check passed."""
        return self.status == "passed"

    def __str__(self) -> str:
        mark = "✓" if self.passed else "✗"
        return f"{mark} {self.exercise} · {self.title}: {self.message}"

    def _repr_html_(self) -> str:
        """Render the result as a badge, the sentence, and the hint on a line of its own."""
        text, _, hint = self.message.partition(" Hint: ")
        colour = {"passed": "#1a7f37", "failed": "#cf222e"}.get(self.status, "#6e7781")
        badge = {"passed": "✓ passed", "failed": "✗ not yet"}.get(self.status, "· not done yet")
        html = (
            '<div style="font-family: var(--jp-ui-font-family, sans-serif); line-height: 1.5; '
            'white-space: normal; overflow-wrap: break-word; max-width: 60em">'
            f'<span style="background: {colour}; color: white; border-radius: 0.8em; padding: 0.1em 0.6em; '
            f'font-weight: bold">{badge}</span> <b>{escape(self.exercise)} · {escape(self.title)}</b>'
            f"<div>{_with_code(text)}</div>"
        )
        if hint:
            html += f'<div style="margin-top: 0.2em"><b>Hint:</b> {_with_code(hint.removesuffix("."))}.</div>'
        return html + "</div>"

    def to_json(self) -> dict[str, str]:
        """Return the result as a dict of strings, the form the grader collects."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Result:
        """Rebuild a result from :meth:`to_json`'s dict."""
        return cls(**{key: str(data[key]) for key in ("exercise", "title", "status", "message")})


def results_in(outputs: Iterable[Mapping[str, Any]]) -> list[Result]:
    """Return the check results found in a code cell's outputs (nbformat dicts)."""
    found: list[Result] = []
    for output in outputs:
        data = output.get("data", {})
        if MIMETYPE in data:
            payload = data[MIMETYPE]
            found.append(Result.from_json(json.loads(payload) if isinstance(payload, str) else payload))
    return found


def _with_code(text: str) -> Markup:
    """Escape a sentence for HTML, showing `code` in backticks as code."""
    return Markup(_CODE.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(text))))
