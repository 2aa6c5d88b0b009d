"""Benchmark: alpha(f) and c(f) over 10^6 frequencies for each model.

Baseline: the ISO 9613-1 implementation of the ``sound-propagation`` package (PyPI,
``sound_propagation.AtmosphericPropagation.absorption_coefficient``), evaluated in the same
run on the same frequency array, for Earth air at 20 °C / 70 % RH.

Targets (issue 2): molecular model < 0.2 s for 10^6 frequencies; the ISO path at least as fast
as the baseline. Timing: best of 5 after one warm-up call (time.perf_counter).

Run: ``python benchmarks/bench_physics.py``
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from marsound.errors import ModelValidityWarning
from marsound.physics import absorption_db_per_m, preset, propagation

N = 1_000_000
REPEATS = 5


def best_of(fn, repeats: int = REPEATS) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    warnings.simplefilter("ignore", ModelValidityWarning)  # the array spans beyond ISO's 50 Hz-10 kHz
    f = np.logspace(np.log10(20.0), np.log10(20_000.0), N)
    mars, earth = preset("jezero"), preset("earth")
    print(f"alpha(f) and c(f) over {N:,} frequencies (20 Hz - 20 kHz), best of {REPEATS}")
    results = {}
    for model, atm in (("molecular", mars), ("bass-chambers", mars), ("iso9613", earth), ("molecular", earth)):

        def run(model: str = model, atm=atm) -> None:
            pr = propagation(f, atm, model)
            _ = pr.absorption_db_per_m, pr.sound_speed_m_s

        t = best_of(run)
        results[(model, atm.name)] = t
        print(f"  {model:14s} {atm.name:7s} {t * 1e3:8.1f} ms")

    try:
        from sound_propagation import AtmosphericPropagation
    except ImportError:  # pragma: no cover
        print("baseline sound-propagation not installed: pip install -e '.[test]'")
        return
    base = AtmosphericPropagation(temperature_c=20.0, relative_humidity_pct=70.0, pressure_kpa=101.325)
    ours_iso = absorption_db_per_m(f, earth, "iso9613")
    theirs = np.asarray(base.absorption_coefficient(f))
    # the baseline returns dB/m; the two implementations of the same standard must agree
    rel = float(np.max(np.abs(ours_iso - theirs) / theirs))
    t_base = best_of(lambda: base.absorption_coefficient(f))
    t_ours = best_of(lambda: absorption_db_per_m(f, earth, "iso9613"))
    print(
        f"ISO 9613-1 alpha only: marsound {t_ours * 1e3:.1f} ms, sound-propagation {t_base * 1e3:.1f} ms, "
        f"ratio baseline/marsound = {t_base / t_ours:.2f}x (max relative difference {rel:.1e})"
    )
    t_mol = results[("molecular", "jezero")]
    print(f"target molecular < 200 ms: {'met' if t_mol < 0.2 else 'MISSED'} ({t_mol * 1e3:.1f} ms)")
    print(f"target ISO >= baseline speed: {'met' if t_ours <= t_base else 'MISSED'}")


if __name__ == "__main__":
    main()
