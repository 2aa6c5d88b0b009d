"""Many products at once: :func:`analyze_many` (worker processes) and the summary table.

A failure is recorded in its row and never stops the others. The entry point takes paths and an
output folder; how the work is spread (a local process pool today) stays behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from marsound._atomic import atomic_paths, output_dir
from marsound.errors import InvalidParameterError, MarsoundError
from marsound.recordings.analysis import analyze_file

SUMMARY_COLUMNS = (
    "path", "status", "error", "sample_rate_hz", "duration_s", "n_windows", "unit", "n_tones",
    "main_tone_hz", "main_tone_level_db", "n_events", "sound_speed_m_s", "sound_speed_uncertainty_m_s",
    "temperature_k", "temperature_uncertainty_k", "wind_exponent", "sol", "lmst", "start_utc",
    "sequence_id", "product_version", "out_dir",
)  # fmt: skip


def summary_row(path: Path, summary: dict[str, Any] | None, error: str | None, out_dir: Path | None) -> dict[str, Any]:
    """One row of the batch table (columns :data:`SUMMARY_COLUMNS`)."""
    row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS)
    row.update(path=str(path), status="ok" if error is None else "error", error=error)
    if summary is not None:
        meta = summary.get("metadata", {})
        tones = summary.get("tones", [])
        row.update(
            sample_rate_hz=summary["sample_rate_hz"],
            duration_s=summary["duration_s"],
            n_windows=summary.get("n_windows"),
            unit=summary.get("unit"),
            n_tones=len(tones),
            main_tone_hz=tones[0]["frequency_hz"] if tones else None,
            main_tone_level_db=tones[0]["level_db"] if tones else None,
            n_events=len(summary.get("events", [])),
            wind_exponent=summary.get("wind_power_law", {}).get("b"),
            out_dir=str(out_dir) if out_dir else None,
            **{
                k: summary.get(k)
                for k in (
                    "sound_speed_m_s",
                    "sound_speed_uncertainty_m_s",
                    "temperature_k",
                    "temperature_uncertainty_k",
                )
            },
            **{k: meta.get(k) for k in ("sol", "lmst", "start_utc", "sequence_id", "product_version")},
        )
    return row


def _worker(args: tuple[str, dict[str, Any], str | None]) -> tuple[dict[str, Any] | None, str | None]:
    path, kwargs, out = args
    try:
        return analyze_file(path, out_dir=out, **kwargs), None
    except MarsoundError as exc:
        return None, str(exc)
    except Exception as exc:  # a bug or an unexpected library error must not stop the batch
        return None, f"{type(exc).__name__}: {exc}"


def output_dir_for(path: Path, root: Path, used: set[str]) -> Path:
    """A unique sub-folder of ``root`` named after the product's stem."""
    stem = path.stem
    name, k = stem, 1
    while name in used:
        k += 1
        name = f"{stem}_{k}"
    used.add(name)
    return root / name


def analyze_many(
    paths: Sequence[Path],
    out_dir: Path | None,
    *,
    workers: int | None = None,
    progress: Callable[[Path, str | None], None] | None = None,
    **kwargs: Any,
) -> list[dict[str, Any]]:
    """Analyse products in worker processes; returns one row per product (input order).

    ``kwargs`` go to :func:`analyze_file` (``spark_distance_m``, ``wind_reference``...);
    spark analysis is skipped, not failed, for products without shot windows.
    """
    import os

    from marsound._pool import run_in_processes

    if workers is not None and workers < 1:
        raise InvalidParameterError(f"workers={workers!r} must be >= 1")
    kwargs = dict(kwargs, require_spark=False)
    if out_dir is not None:
        output_dir(out_dir)  # an unwritable output folder fails the batch before any work
    used: set[str] = set()
    outs = [output_dir_for(p, out_dir, used) if out_dir is not None else None for p in paths]
    rows: list[dict[str, Any] | None] = [None] * len(paths)
    n_workers = max(1, min(len(paths), workers or os.cpu_count() or 1))

    def done(i: int, result: Any, exc: BaseException | None) -> None:
        summary, err = result if exc is None else (None, f"worker failed: {type(exc).__name__}: {exc}")
        rows[i] = summary_row(paths[i], summary, err, outs[i] if summary else None)
        if progress is not None:
            progress(paths[i], err)

    jobs = [(str(p), kwargs, str(o) if o else None) for p, o in zip(paths, outs)]
    run_in_processes(_worker, jobs, max_workers=n_workers, on_result=done)
    return [r for r in rows if r is not None]


def write_table(rows: Sequence[dict[str, Any]], out_dir: Path) -> dict[str, Path]:
    """Write the batch table as ``summary.csv`` and ``summary.parquet`` (atomically)."""
    import csv
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    output_dir(out_dir)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(SUMMARY_COLUMNS))
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in SUMMARY_COLUMNS})
    csv_path, pq_path = out_dir / "summary.csv", out_dir / "summary.parquet"
    cols: dict[str, list[Any]] = {k: [r.get(k) for r in rows] for k in SUMMARY_COLUMNS}
    for k, vals in cols.items():  # pyarrow needs one type per column
        if any(isinstance(v, str) for v in vals):
            cols[k] = [None if v is None else str(v) for v in vals]
    table = pa.table(cols)
    with atomic_paths([csv_path, pq_path]) as (tmp_csv, tmp_pq):  # both tables or neither
        tmp_csv.write_text(buf.getvalue(), encoding="utf-8")
        pq.write_table(table, tmp_pq)
    return {"csv": csv_path, "parquet": pq_path}
