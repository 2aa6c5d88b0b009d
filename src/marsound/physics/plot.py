"""Plots of absorption and sound speed against frequency (matplotlib, imported lazily)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from marsound._atomic import atomic_path
from marsound.errors import UnknownNameError
from marsound.physics.atmosphere import Atmosphere
from marsound.physics.models import DEFAULT_MODEL, PropagationModel
from marsound.physics.propagation import propagation


def plot_propagation(
    atmospheres: Sequence[Atmosphere],
    path: str | Path,
    *,
    model: str | PropagationModel = DEFAULT_MODEL,
    frequency_hz: np.ndarray | None = None,
    marks_hz: Sequence[float] = (),
) -> Path:
    """Draw absorption [dB/m] and phase speed [m/s] against frequency, one column per atmosphere.

    Log frequency axis; absorption on a log axis. Written atomically as PNG (or any format
    matplotlib infers from the suffix).

    Returns
    -------
    Path
        The written file.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backend_bases import FigureCanvasBase

    out = Path(path)
    fmt = out.suffix.lstrip(".").lower() or "png"
    known = FigureCanvasBase.get_supported_filetypes()
    if fmt not in known:
        raise UnknownNameError(f"plot {out}: unknown image format {fmt!r}; known: {', '.join(sorted(known))}")
    f = np.logspace(0, np.log10(20_000.0), 400) if frequency_hz is None else np.asarray(frequency_hz, float)
    n = len(atmospheres)
    fig, axes = plt.subplots(2, n, figsize=(5.2 * n, 6.4), squeeze=False, sharex=True)
    for j, atm in enumerate(atmospheres):
        pr = propagation(f, atm, model)
        ax_a, ax_c = axes[0, j], axes[1, j]
        ax_a.loglog(f, pr.absorption_db_per_m, color="C3")
        ax_a.set_title(f"{atm.name}: {atm.temperature_k:.1f} K, {atm.pressure_pa:.4g} Pa")
        ax_a.set_ylabel("absorption [dB/m]")
        ax_a.grid(True, which="both", alpha=0.3)
        ax_c.semilogx(f, pr.sound_speed_m_s, color="C0")
        ax_c.set_ylabel("phase speed [m/s]")
        ax_c.ticklabel_format(axis="y", useOffset=False, style="plain")
        ax_c.set_xlabel("frequency [Hz]")
        ax_c.grid(True, which="both", alpha=0.3)
        for fm in marks_hz:
            for ax in (ax_a, ax_c):
                ax.axvline(fm, color="grey", lw=0.8, ls="--")
    name = model if isinstance(model, str) else model.name
    fig.suptitle(f"Sound propagation ({name} model)")
    fig.tight_layout()
    try:
        with atomic_path(out) as tmp:
            fig.savefig(tmp, dpi=110, format=fmt)
    finally:
        plt.close(fig)
    plt.close(fig)
    return out
