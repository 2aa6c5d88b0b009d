"""Plot a simulated EDL trajectory: altitude, speed, Mach and q against time, events marked.

Simulated events are solid lines, published ones dashed, so the two timelines sit side by side.
"""

from __future__ import annotations

from pathlib import Path

from marsound._atomic import atomic_path
from marsound.errors import InvalidParameterError
from marsound.landing.model import EVENT_NAMES, Event, Trajectory

#: File types :func:`plot_trajectory` writes (matplotlib formats).
PLOT_SUFFIXES: tuple[str, ...] = (".png", ".svg", ".pdf")

_PANELS = (
    ("altitude_m", "altitude above site [km]", 1e-3, "log"),
    ("speed_m_s", "speed [m/s]", 1.0, "log"),
    ("mach", "Mach", 1.0, "log"),
    ("dynamic_pressure_pa", "dynamic pressure q [Pa]", 1.0, "log"),
)


def plot_trajectory(
    traj: Trajectory, path: str | Path, *, published: tuple[Event, ...] = (), inputs: tuple[str | Path, ...] = ()
) -> Path:
    """Draw the four panels to ``path`` (PNG, SVG or PDF), written atomically.

    Parameters
    ----------
    traj
        A simulated trajectory.
    path
        Output file; its suffix picks the format.
    published
        Published events to mark beside the simulated ones (e.g. ``published_timeline(name)``).
    inputs
        Files the output must not overwrite.
    """
    target = Path(path)
    if target.suffix.lower() not in PLOT_SUFFIXES:
        raise InvalidParameterError(f"plot file {target} must end in {', '.join(PLOT_SUFFIXES)}")
    if target.is_dir():
        raise InvalidParameterError(f"plot output {target} is a directory")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(4, 1, figsize=(10, 11), sharex=True)
    t = traj.time_s
    names = [n for n in EVENT_NAMES if any(e.name == n for e in (*traj.events, *published))]
    colours = {n: plt.get_cmap("tab10")(i % 10) for i, n in enumerate(names)}
    for ax, (attr, label, scale, yscale) in zip(axes, _PANELS):
        y = getattr(traj, attr) * scale
        ax.plot(t, y, color="black", lw=1.2)
        ax.set_ylabel(label)
        if yscale == "log" and (y > 0).any():
            ax.set_yscale("log")
            pos = y[y > 0]
            ax.set_ylim(max(pos.min(), pos.max() * 1e-5) * 0.8, pos.max() * 1.5)
        ax.grid(True, which="major", alpha=0.3)
        for ev in traj.events:
            if ev.name in colours:
                ax.axvline(ev.time_s, color=colours[ev.name], lw=1.0, ls="-")
        for ev in published:
            if ev.name in colours:
                ax.axvline(ev.time_s, color=colours[ev.name], lw=1.0, ls="--")
    axes[-1].set_xlabel("time after entry interface [s]")
    handles = [plt.Line2D([], [], color=colours[n], lw=2, label=n.replace("_", " ")) for n in names]
    handles += [
        plt.Line2D([], [], color="grey", ls="-", label="simulated"),
        plt.Line2D([], [], color="grey", ls="--", label="published"),
    ]
    axes[0].legend(handles=handles, fontsize=7, ncol=3, loc="upper right")
    axes[0].set_title(f"{traj.mission}: simulated entry, descent and landing (3-DOF)")
    fig.tight_layout()
    try:
        with atomic_path(target, inputs=inputs) as tmp:
            fig.savefig(tmp, format=target.suffix.lower().lstrip("."), dpi=110)
    except OSError as exc:
        raise InvalidParameterError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
    return target


__all__ = ["PLOT_SUFFIXES", "plot_trajectory"]
