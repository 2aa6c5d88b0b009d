"""Render a recording as heard at a distance in another atmosphere: arrays and files.

``render`` works on an in-memory array; ``render_file`` checks its input once
(:class:`marsound.audio.AudioReader`), streams it block by block to one or several outputs (one per
distance) with bounded memory, then commits every output and its JSON sidecar (the true applied
level) together: stream, then commit.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound import __version__
from marsound._atomic import atomic_paths
from marsound._validate import audio_samples, positive_finite
from marsound.audio import DEFAULT_BLOCK_FRAMES, AudioInfo, AudioReader, AudioWriter, WriteReport, output_format
from marsound.errors import InvalidParameterError
from marsound.physics import DEFAULT_MODEL, Atmosphere, preset
from marsound.rendering.engine import BlockProcessor, StreamingFilter
from marsound.rendering.filters import (
    DEFAULT_SOURCE_DISTANCE_M,
    DEFAULT_SOURCE_PRESET,
    PropagationFilter,
    check_sample_rate,
    design_propagation_filter,
)
from marsound.rendering.pipeline import BUFFERS, DEPTH, BackgroundWriter, Workers, done, prefetched
from marsound.rendering.source_models import DEFAULT_SOURCE_MODEL, SOURCE_MODELS, source_gain_db

if TYPE_CHECKING:  # the moving-source path is imported when it is used
    from concurrent.futures import Future

    from marsound.rendering.moving import Trajectory

NORMALIZE_PEAK = 10.0 ** (-1.0 / 20.0)  # -1 dBFS


def render(
    x: ArrayLike,
    sample_rate_hz: float,
    distance_m: float,
    atmosphere: Atmosphere,
    *,
    source_distance_m: float = DEFAULT_SOURCE_DISTANCE_M,
    source_atmosphere: Atmosphere | None = None,
    source_model: str = DEFAULT_SOURCE_MODEL,
    model: str = DEFAULT_MODEL,
) -> NDArray[np.float32]:
    """Render a signal recorded at ``source_distance_m`` to a listener at ``distance_m``.

    Applies ``H(f) = G (r0/d) exp(-i k(f) (d - r0))`` (see :mod:`marsound.rendering.filters`):
    source-model gain, spherical spreading, absorption, dispersion and the travel time.

    Parameters
    ----------
    x : array_like
        Samples, ``(frames,)`` or ``(frames, channels)``; must be finite.
    sample_rate_hz : float
        8-192 kHz.
    distance_m : float
        Listener distance d [m], > 0.
    atmosphere : Atmosphere
        Atmosphere to render in.
    source_distance_m : float
        Distance r0 [m] of the recording (default 1).
    source_atmosphere : Atmosphere, optional
        Atmosphere of the recording (default Earth).
    source_model : {"equal-power", "equal-velocity", "none"}
        Level change between atmospheres (default ``equal-power``).
    model : str
        Propagation model (default ``molecular``).

    Returns
    -------
    ndarray of float32
        Same number of channels; ``frames + taps - 1 + integer_delay`` frames (the full arrival,
        starting at the recording's time zero).

    Examples
    --------
    >>> import numpy as np
    >>> from marsound.physics import preset
    >>> y = render(np.r_[1.0, np.zeros(4799)], 48_000, 10.0, preset("jezero"))
    >>> float(round(np.argmax(np.abs(y)) / 48_000, 3))  # about (10 - 1) m / 248 m/s
    0.036
    """
    a = audio_samples(x, "x")
    _check_not_closer(
        positive_finite(distance_m, "distance_m"), positive_finite(source_distance_m, "source_distance_m")
    )
    flt = design_propagation_filter(
        check_sample_rate(sample_rate_hz),
        distance_m,
        atmosphere,
        source_distance_m=source_distance_m,
        source_atmosphere=source_atmosphere,
        source_model=source_model,
        model=model,
    )
    a2 = a[:, None] if a.ndim == 1 else a
    eng = StreamingFilter(flt.fir, a2.shape[1], integer_delay=flt.integer_delay)
    y = np.concatenate([eng.process(a2), eng.flush()], axis=0)
    return y[:, 0] if a.ndim == 1 else y


@dataclass(frozen=True)
class RenderReport:
    """What ``render_file`` did for one output (also written as the JSON sidecar)."""

    output_path: str
    sidecar_path: str
    distance_m: float | None
    source_distance_m: float
    source_model: str
    source_gain_db: float
    spreading_gain_db: float | None
    normalization_gain_db: float
    applied_gain_db: float
    delay_s: float | None
    fir_taps: int | None
    output_frames: int
    output_peak: float
    clipped_samples: int

    def to_dict(self) -> dict:
        return asdict(self)


def output_paths_for(output: str | Path, distances_m: Sequence[float]) -> list[Path]:
    """Output names: ``output`` itself for one distance; ``<stem>_<D>m<suffix>`` for several.

    ``D`` is the distance in ``%g`` format: ``out.wav`` with 2, 10 and 50 m gives
    ``out_2m.wav``, ``out_10m.wav``, ``out_50m.wav`` (2.5 m gives ``out_2.5m.wav``).
    """
    out = Path(output)
    if len(distances_m) == 1:
        return [out]
    names = [out.with_name(f"{out.stem}_{float(d):g}m{out.suffix}") for d in distances_m]
    if len(set(names)) != len(names):
        raise InvalidParameterError(f"distance_m values repeat: {list(distances_m)}")
    return names


def sidecar_path_for(output: str | Path) -> Path:
    """The JSON sidecar of an output: ``<output>.json`` (e.g. ``out_50m.wav.json``)."""
    p = Path(output)
    return p.with_name(p.name + ".json")


def render_file(
    input_path: str | Path,
    output_path: str | Path,
    distance_m: float | Sequence[float] | None,
    atmosphere: Atmosphere,
    *,
    trajectory: Trajectory | None = None,
    source_distance_m: float = DEFAULT_SOURCE_DISTANCE_M,
    source_atmosphere: Atmosphere | None = None,
    source_model: str = DEFAULT_SOURCE_MODEL,
    model: str = DEFAULT_MODEL,
    normalize: bool = False,
    progress: Callable[[int], None] | None = None,
    block_frames: int = DEFAULT_BLOCK_FRAMES,
) -> list[RenderReport]:
    """Render a sound file to one output per distance, streaming, atomically.

    Parameters
    ----------
    input_path : path
        Any file :mod:`marsound.audio` reads (WAV, FLAC, AIFF, Ogg, MP3..., or a video's
        soundtrack), 8-192 kHz, any channels. It is checked once, before any output is created.
    output_path : path
        Output; its suffix picks the format (WAV/AIFF: 32-bit float, FLAC: 24-bit PCM, clipped at
        full scale). With several distances, see :func:`output_paths_for`.
    distance_m : float or sequence of float or None
        Listener distance(s) d [m], > 0. The input is read once for all of them.
    trajectory : Trajectory, optional
        A moving source instead of fixed distances (``distance_m`` must then be None); see
        :mod:`marsound.rendering.moving`.
    atmosphere, source_distance_m, source_atmosphere, source_model, model
        As in :func:`render`.
    normalize : bool
        Scale each output so its peak is -1 dBFS (two passes). Off by default; the applied
        normalisation gain and the true level are in the sidecar.
    progress : callable, optional
        Called with the number of input frames consumed (twice the file with ``normalize``).
    block_frames : int
        Frames read per block (any size gives the same output).

    Returns
    -------
    list of RenderReport
        One per output; each is also written to :func:`sidecar_path_for` (JSON).

    Raises
    ------
    FileFormatError
        Unreadable, empty, truncated or unsupported input; unsupported output suffix; NaN/inf samples.
    InvalidParameterError
        Bad distances, output equal to the input, sample rate outside 8-192 kHz.
    """
    r0 = positive_finite(source_distance_m, "source_distance_m")
    if int(block_frames) < 1:
        raise InvalidParameterError(f"block_frames={block_frames!r} must be >= 1")
    src_atm = preset(DEFAULT_SOURCE_PRESET) if source_atmosphere is None else source_atmosphere
    distances, outs = _distances_and_outputs(output_path, distance_m, trajectory)
    for d in distances:
        if d is not None:
            _check_not_closer(d, r0)
    reader = AudioReader(input_path)
    info = reader.info
    _check_render_rate(info)
    for p in outs:  # fail early, before any work
        output_format(p, frames=info.frames, channels=info.channels)
        if Path(p).resolve() == info.path.resolve():
            raise InvalidParameterError(f"output path {p} is the same as the input")
    common: dict[str, Any] = dict(
        source_distance_m=r0, source_atmosphere=src_atm, source_model=source_model, model=model
    )
    rate = info.sample_rate_hz
    filters = [None if d is None else design_propagation_filter(rate, d, atmosphere, **common) for d in distances]

    def processors(gains: list[float]) -> list[BlockProcessor]:
        procs: list[BlockProcessor] = []
        for f, g in zip(filters, gains):
            if f is None:
                assert trajectory is not None
                from marsound.rendering.moving import MovingSourceFilter

                procs.append(MovingSourceFilter(trajectory, rate, info.channels, atmosphere, extra_gain=g, **common))
            else:
                fir = f.fir if g == 1.0 else f.fir * g
                procs.append(StreamingFilter(fir, info.channels, integer_delay=f.integer_delay, buffers=BUFFERS))
        return procs

    gains = [1.0] * len(filters)
    if normalize:
        peaks = _peaks(reader, processors(gains), block_frames=block_frames, progress=progress)
        gains = [NORMALIZE_PEAK / p if p > 0 else 1.0 for p in peaks]
    g_src_db = source_gain_db(source_model, src_atm, atmosphere)
    procs = processors(gains)
    sidecars = [sidecar_path_for(p) for p in outs]
    # every output and its sidecar are written to temporaries, then committed together (all or none)
    with atomic_paths([*outs, *sidecars], inputs=(info.path,)) as tmps:
        tmp_audio, tmp_sidecars = tmps[: len(outs)], tmps[len(outs) :]
        with contextlib.ExitStack() as stack:
            writers = [
                stack.enter_context(AudioWriter(t, rate, info.channels, inputs=(info.path,), frames_hint=info.frames))
                for t in tmp_audio
            ]
            # reading, filtering and writing overlap (pipeline.py); the blocks stay in order
            with Workers() as workers, BackgroundWriter(writers) as background:
                for block in prefetched(lambda: reader.blocks(block_frames=block_frames, buffers=BUFFERS)):
                    background.write([_submit(workers, proc, block) for proc in procs])
                    if progress is not None:
                        progress(block.shape[0])
                background.write([_submit(workers, proc, None) for proc in procs])
            for w in writers:
                w.close()
        written = [replace(w.report(), path=target) for w, target in zip(writers, outs)]
        reports = [
            _report(wr, f, g, r0=r0, source_model=source_model, source_gain_db_=g_src_db)
            for wr, f, g in zip(written, filters, gains)
        ]
        for rep, flt, tmp in zip(reports, filters, tmp_sidecars):
            doc = _sidecar(rep, flt, info, atmosphere, src_atm, model, trajectory)
            tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return reports


def _check_not_closer(distance_m: float, source_distance_m: float) -> None:
    """Refuse a listener nearer than the recording distance (undoing propagation is not rendering)."""
    if distance_m < source_distance_m:
        raise InvalidParameterError(
            f"distance_m={distance_m:g} is closer than the recording distance source_distance_m="
            f"{source_distance_m:g}: a recording cannot be rendered nearer than where it was made"
        )


def _distances_and_outputs(
    output_path: str | Path, distance_m: float | Sequence[float] | None, trajectory: Trajectory | None
) -> tuple[list[float | None], list[Path]]:
    if trajectory is not None:
        if distance_m is not None:
            raise InvalidParameterError("give either distance_m or trajectory, not both")
        return [None], [Path(output_path)]
    if distance_m is None:
        raise InvalidParameterError("distance_m: give at least one distance (or a trajectory)")
    raw: list[float] = [distance_m] if isinstance(distance_m, (int, float, np.number)) else list(distance_m)
    if not raw:
        raise InvalidParameterError("distance_m: give at least one distance")
    distances = [positive_finite(d, "distance_m") for d in raw]
    return list(distances), output_paths_for(output_path, distances)


def _check_render_rate(info: AudioInfo) -> None:
    try:
        check_sample_rate(info.sample_rate_hz)
    except InvalidParameterError:
        raise InvalidParameterError(
            f"input {info.path} has sample rate {info.sample_rate_hz:g} Hz; supported: 8000-192000 Hz"
        ) from None


def _peaks(
    reader: AudioReader,
    procs: Sequence[BlockProcessor],
    *,
    block_frames: int,
    progress: Callable[[int], None] | None,
) -> list[float]:
    """Peak |output| of each processor over the whole input (the first pass of ``normalize``)."""
    peaks = [0.0] * len(procs)

    def seen(i: int, y: NDArray[np.float32]) -> None:
        if y.size:
            peaks[i] = max(peaks[i], float(y.max()), -float(y.min()))

    with Workers() as workers:
        waiting: list[list[Future[Any]]] = []  # a few blocks in flight, bounded
        for block in prefetched(lambda: reader.blocks(block_frames=block_frames, buffers=BUFFERS)):
            waiting.append([_submit(workers, proc, block) for proc in procs])
            if len(waiting) > DEPTH:
                for i, p in enumerate(waiting.pop(0)):
                    seen(i, p.result())
            if progress is not None:
                progress(block.shape[0])
        waiting.append([_submit(workers, proc, None) for proc in procs])
        for results in waiting:
            for i, p in enumerate(results):
                seen(i, p.result())
    return peaks


def _submit(workers: Workers, proc: BlockProcessor, block: NDArray[np.float32] | None) -> Future[Any]:
    """The output of ``proc`` for ``block`` (None: its flush), computed by ``workers`` when it can be.

    A :class:`StreamingFilter` hands its FFT work to the workers (blocks are filtered
    concurrently, taken in order); other processors (moving source) run here, in order.
    """
    if isinstance(proc, StreamingFilter):
        return workers.submit(proc.prepare_flush() if block is None else proc.prepare(block))
    return done(proc.flush() if block is None else proc.process(block))


def _report(
    written: WriteReport,
    f: PropagationFilter | None,
    gain: float,
    *,
    r0: float,
    source_model: str,
    source_gain_db_: float,
) -> RenderReport:
    norm_db = 20.0 * math.log10(gain)
    return RenderReport(
        output_path=str(written.path),
        sidecar_path=str(sidecar_path_for(written.path)),
        distance_m=None if f is None else f.distance_m,
        source_distance_m=r0,
        source_model=source_model,
        source_gain_db=source_gain_db_,
        spreading_gain_db=None if f is None else f.spreading_gain_db,
        normalization_gain_db=norm_db,
        applied_gain_db=(source_gain_db_ if f is None else f.gain_db) + norm_db,
        delay_s=None if f is None else f.delay_s,
        fir_taps=None if f is None else f.num_taps,
        output_frames=written.frames,
        output_peak=written.peak,
        clipped_samples=written.clipped_samples,
    )


def _sidecar(
    rep: RenderReport,
    flt: PropagationFilter | None,
    info: AudioInfo,
    atmosphere: Atmosphere,
    source_atmosphere: Atmosphere,
    model: str,
    trajectory: Trajectory | None,
) -> dict[str, object]:
    doc: dict[str, object] = {
        "marsound_version": __version__,
        "input_path": str(info.path),
        "sample_rate_hz": round(info.sample_rate_hz),
        "channels": info.channels,
        "input_frames": info.frames,
        **rep.to_dict(),
        "applied_gain_note": "applied_gain_db = source_gain_db + spreading_gain_db + normalization_gain_db "
        "(broadband; for a moving source the spreading r0/d(t) is time-varying and not included); "
        "absorption and dispersion come on top, per frequency",
        "propagation_model": model,
        "atmosphere": atmosphere.describe(),
        "source_atmosphere": source_atmosphere.describe(),
    }
    if flt is not None:
        doc["reference_speed_m_s"] = flt.reference_speed_m_s
        doc["integer_delay_samples"] = flt.integer_delay
    if trajectory is not None:
        doc["trajectory"] = {
            "time_s": [float(trajectory.time_s[0]), float(trajectory.time_s[-1])],
            "distance_min_m": float(trajectory.distance_m.min()),
            "distance_max_m": float(trajectory.distance_m.max()),
            "max_radial_speed_m_s": trajectory.max_radial_speed_m_s(),
        }
    return doc


__all__ = ["SOURCE_MODELS", "PropagationFilter", "RenderReport", "output_paths_for", "render", "render_file"]
