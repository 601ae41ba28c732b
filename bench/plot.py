"""The build-time plot: `dspygen build` time against the number of models + signatures."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def build_time(scaling: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(int(n) for n in scaling["inside"])
    inside = [scaling["inside"][n] for n in sizes]
    wall = [scaling["wall"][n] for n in sizes]
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    ax.plot(sizes, wall, "o-", label="whole process (`dspygen build`)")
    ax.plot(sizes, inside, "s-", label="inside the process (as dspygen reports it)")
    if 100 in sizes:
        linear = [scaling["inside"][100] * n / 100 for n in sizes]
        ax.plot(sizes, linear, "k--", linewidth=1, label="linear from 100 items")
    for n, seconds in zip(sizes, wall, strict=True):
        ax.annotate(f"{seconds:.2f} s", (n, seconds), textcoords="offset points", xytext=(-10, 8), fontsize=8)
    ax.set_ylim(min(inside) / 2, max(wall) * 2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.set_xlabel("models + signatures (N of each)")
    ax.set_ylabel("seconds (median)")
    ax.set_title("dspygen build: time against input size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
