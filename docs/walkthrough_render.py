"""Render docs/walkthrough.py as docs/walkthrough.md: every step's prose, its code, what it
printed and the figures it saved.

    python docs/walkthrough_render.py

The steps run in one namespace, in a temporary folder, as ``python docs/walkthrough.py``
runs them; the PNG files a step writes are copied beside the page as
``walkthrough-NAME.png``. tests/docs/test_walkthrough.py runs the same steps and checks
that the page shows the script's current code and prose.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "walkthrough.py"
PAGE = HERE / "walkthrough.md"
TITLE = "# Walk-through: hashjoule from Python"
MARK = "# %%"


@dataclass
class Step:
    """One cell of the script: prose (``markdown``) or ``code``, and what running it gave."""

    kind: str
    text: str
    output: str = ""
    images: list[Path] = field(default_factory=list)


def steps(source: str) -> list[Step]:
    """The cells after the module docstring, split at ``# %%`` lines; prose loses its ``# ``."""
    found = []
    for chunk in source.split("\n" + MARK)[1:]:
        header, _, body = chunk.partition("\n")
        if header.strip() == "[markdown]":
            lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.strip().splitlines()]
            found.append(Step("markdown", "\n".join(lines)))
        else:
            found.append(Step("code", body.strip()))
    return found


def execute(found: list[Step], folder: Path) -> dict:
    """Run the code steps in order in ``folder``, recording what each prints and the PNG
    files it writes there; returns the namespace they ran in."""
    namespace = {"__name__": "__main__"}
    with contextlib.chdir(folder):
        for step in (s for s in found if s.kind == "code"):
            before = set(Path(".").rglob("*.png"))
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(step.text, str(SCRIPT), "exec"), namespace)
            step.output = printed.getvalue().rstrip()
            step.images = [folder / p for p in sorted(set(Path(".").rglob("*.png")) - before)]
    return namespace


def page(found: list[Step], docstring: str) -> str:
    """The Markdown page: the title, the script's introduction, then every step."""
    intro = docstring.strip().split("\n\n")[0].replace("\n", " ")
    parts = [TITLE, f"{intro} The code is [walkthrough.py](walkthrough.py): run it with "
             "`python docs/walkthrough.py` (it writes `walkthrough-output/` in the current folder); this "
             "page shows what it printed, and is remade by `python docs/walkthrough_render.py`."]
    for step in found:
        if step.kind == "markdown":
            parts.append(step.text)
            continue
        parts.append(f"```python\n{step.text}\n```")
        if step.output:
            parts.append(f"```text\n{step.output}\n```")
        parts += [f"![{image.stem}](walkthrough-{image.name})" for image in step.images]
    return "\n\n".join(parts) + "\n"


def docstring(source: str) -> str:
    return source.split('"""')[1]


def render(target: Path = PAGE) -> Path:
    """Run the script's steps in a temporary folder and write the page and its images."""
    source = SCRIPT.read_text(encoding="utf-8")
    found = steps(source)
    with tempfile.TemporaryDirectory() as tmp:
        execute(found, Path(tmp))
        for image in (i for s in found for i in s.images):
            shutil.copyfile(image, target.parent / f"walkthrough-{image.name}")
        partial = target.with_name(target.name + ".partial")
        partial.write_text(page(found, docstring(source)), encoding="utf-8")
        os.replace(partial, target)
    return target


if __name__ == "__main__":
    print(f"wrote {render(Path(sys.argv[1]) if len(sys.argv) > 1 else PAGE)}")
