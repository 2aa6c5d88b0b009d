"""Many products at once: :func:`analyze_many` (worker processes) and the summary table.

A failure is recorded in its row and never stops the others. The entry point takes paths and an
output folder; how the work is spread (a local process pool today) stays behind it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marsound._atomic import atomic_path, atomic_paths, output_dir
from marsound.errors import FileFormatError, InvalidParameterError, MarsoundError
from marsound.recordings.analysis import analyze_file

if TYPE_CHECKING:
    from distributed import Client

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


@dataclass(frozen=True)
class ProductJob:
    """One product of a batch, as sent to a worker (a local process or a Dask worker).

    ``out_dir``: where the worker writes the product's outputs, or, with ``collect_outputs``, a
    temporary folder is used and the files come back as bytes (the worker cannot write the
    client's folder). ``uploads`` maps a role (``"product"``, ``"label"``, ``"wind_reference"``)
    to ``(original path, bytes)`` for workers that cannot read the client's files.
    """

    path: str
    out_dir: str | None
    kwargs: dict[str, Any] = field(default_factory=dict)
    collect_outputs: bool = False
    uploads: dict[str, tuple[str, bytes]] | None = None


ProductResult = tuple[dict[str, Any] | None, str | None, dict[str, bytes] | None]
"""What :func:`analyze_product` returns: ``(summary, error message, output files)``."""


def analyze_product(job: ProductJob) -> ProductResult:
    """The work of one batch task, wherever it runs: :func:`analyze_file` with the failure as a message.

    Never raises for a bad product: returns ``(None, message, None)``. With ``job.uploads`` the
    files are first written to a temporary folder (same names, so a sibling label is found), and
    paths in the summary and messages are the original ones.
    """
    renames: dict[str, str] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="marsound-") as tmp:
            return _analyze_in(job, Path(tmp), renames)
    except MarsoundError as exc:
        return None, _renamed(str(exc), renames), None
    except Exception as exc:  # a bug or an unexpected library error must not stop the batch
        return None, _renamed(f"{type(exc).__name__}: {exc}", renames), None


def _analyze_in(job: ProductJob, tmp: Path, renames: dict[str, str]) -> ProductResult:
    path, kwargs, out = job.path, dict(job.kwargs), job.out_dir
    for role, (orig, data) in (job.uploads or {}).items():
        dest = tmp / ("wind" if role == "wind_reference" else "product") / Path(orig).name
        dest.parent.mkdir(exist_ok=True)
        dest.write_bytes(data)
        renames[str(dest)] = orig
        if role == "product":
            path = str(dest)
            renames[str(dest.parent)] = str(Path(orig).parent)
        elif role == "wind_reference":
            kwargs["wind_reference"] = str(dest)
    if job.collect_outputs:
        out = str(tmp / "out")
    summary = analyze_file(path, out_dir=out, **kwargs)
    files = None
    if job.collect_outputs:
        files = {f.name: f.read_bytes() for f in sorted((tmp / "out").iterdir()) if f.is_file()}
    if renames:
        summary = _relocated(summary, renames)
        files = {k: _relocated_file(k, v, renames) for k, v in files.items()} if files is not None else None
    return summary, None, files


def _renamed(message: str, renames: dict[str, str]) -> str:
    """``message`` with the temporary copies' paths replaced by the originals."""
    for tmp in sorted(renames, key=len, reverse=True):  # the file before its folder
        message = message.replace(tmp, renames[tmp])
    return message


def _relocated(obj: Any, renames: dict[str, str]) -> Any:
    """A JSON-like object with every string relocated by :func:`_renamed`."""
    if isinstance(obj, str):
        return _renamed(obj, renames)
    if isinstance(obj, dict):
        return {k: _relocated(v, renames) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_relocated(v, renames) for v in obj]
    return obj


def _relocated_file(name: str, data: bytes, renames: dict[str, str]) -> bytes:
    """An output file with the temporary copies' paths replaced, escaped as the file's format escapes them.

    The temporary paths hold only characters that no format escapes, so they are found as they are.
    """
    import html
    import json

    suffix = Path(name).suffix.lower()
    for tmp in sorted(renames, key=len, reverse=True):
        orig = renames[tmp]
        if suffix == ".json":
            orig = json.dumps(orig)[1:-1]
        elif suffix in (".html", ".htm"):
            orig = html.escape(orig)
        data = data.replace(tmp.encode(), orig.encode())
    return data


def upload_job(job: ProductJob) -> ProductJob:
    """``job`` with the bytes of its product, sibling label and wind reference (read here, for remote workers)."""
    from marsound.recordings.pds4 import find_label

    path = Path(job.path)
    files = {"product": path}
    label = find_label(path)
    if label is not None:
        files["label"] = label
    if job.kwargs.get("wind_reference") is not None:
        files["wind_reference"] = Path(job.kwargs["wind_reference"])
    uploads = {}
    for role, f in files.items():
        try:
            uploads[role] = (str(f), f.read_bytes())
        except OSError as exc:
            raise FileFormatError(f"cannot read {f} to send it to the workers: {exc.strerror or exc}") from None
    return replace(job, uploads=uploads)


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
    client: Client | None = None,
    upload: bool = False,
    progress: Callable[[Path, str | None], None] | None = None,
    **kwargs: Any,
) -> list[dict[str, Any]]:
    """Analyse products, one task each; returns one row per product (input order).

    The same work (:func:`analyze_product`) runs in local worker processes (``workers``, default
    the CPUs) or, with ``client`` (a :class:`distributed.Client`, see :mod:`marsound.cluster`), as
    Dask tasks on its cluster. There the workers read each product by its path (a shared
    filesystem), or with ``upload=True`` the client reads it (and its sibling label, and the wind
    reference) and sends the bytes; either way the outputs come back and are written into
    ``out_dir`` here. Rows and outputs are the same whichever runs the work.

    ``kwargs`` go to :func:`analyze_file` (``spark_distance_m``, ``wind_reference``...); spark
    analysis is skipped, not failed, for products without shot windows. ``progress(path, error)``
    is called as each product completes.
    """
    if upload and client is None:
        raise InvalidParameterError("upload=True sends products to Dask workers: it needs a client")
    if workers is not None and workers < 1:
        raise InvalidParameterError(f"workers={workers!r} must be >= 1")
    if out_dir is not None:
        output_dir(out_dir)  # an unwritable output folder fails the batch before any work
    kwargs = dict(kwargs, require_spark=False)
    if kwargs.get("wind_reference") is not None:
        kwargs["wind_reference"] = str(kwargs["wind_reference"])
    used: set[str] = set()
    outs = [output_dir_for(p, out_dir, used) if out_dir is not None else None for p in paths]
    remote = client is not None
    jobs = [
        ProductJob(str(p), None if remote or o is None else str(o), kwargs, collect_outputs=remote and o is not None)
        for p, o in zip(paths, outs)
    ]
    rows: list[dict[str, Any] | None] = [None] * len(paths)

    def done(i: int, result: ProductResult | None, exc: BaseException | None) -> None:
        summary, err, files = result or (None, f"worker failed: {type(exc).__name__}: {exc}", None)
        folder = outs[i]
        if files is not None and folder is not None:
            try:
                _write_outputs(folder, files)
            except OSError as e:
                summary, err = None, f"cannot write the outputs into {outs[i]}: {e.strerror or e}"
        rows[i] = summary_row(paths[i], summary, err, outs[i] if summary else None)
        if progress is not None:
            progress(paths[i], err)

    if client is None:
        _run_local(analyze_product, jobs, workers=workers, on_result=done)
    else:
        from marsound.cluster import run_on_dask

        run_on_dask(client, analyze_product, jobs, on_result=done, prepare=upload_job if upload else None,
                    name="marsound-analyze")  # fmt: skip
    return [r for r in rows if r is not None]


def _write_outputs(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        with atomic_path(folder / Path(name).name) as tmp:
            tmp.write_bytes(data)


def _run_local(
    fn: Callable[[ProductJob], ProductResult], jobs: Sequence[ProductJob], *, workers: int | None,
    on_result: Callable[[int, ProductResult | None, BaseException | None], None],
) -> None:  # fmt: skip
    """The local executor: worker processes here (``on_result`` as for :func:`~marsound.cluster.run_on_dask`)."""
    import os

    from marsound._pool import run_in_processes

    n_workers = max(1, min(len(jobs), workers or os.cpu_count() or 1))
    run_in_processes(fn, jobs, max_workers=n_workers, on_result=on_result)


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
