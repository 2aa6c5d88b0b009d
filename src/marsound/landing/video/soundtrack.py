"""Give a landing video its modelled sound: render, warp to video time, mux (PyAV).

The descent sound of part 2 (:func:`marsound.landing.sound.render_descent_sound`) is rendered
over the mission times the video shows, then read at the mission time of every output
sample (``mission = offset + rate × video`` per segment of the map), so its events sound at
the video times of the events: a real-time shot gets the sound as rendered, a time-lapse a
sped-up one, an edit the pieces of each shot.

The new file keeps the original picture: its packets are copied unchanged when the output
container takes the codec, re-encoded with libx264 otherwise. The soundtrack is the first
audio track (AAC); the original audio, if any, is kept as the second.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound._atomic import atomic_path
from marsound.errors import InvalidParameterError, MarsoundError
from marsound.landing.video.timemap import TimeMap

#: Sample rate of the soundtrack, Hz.
SOUNDTRACK_RATE_HZ = 48_000
#: Output containers by suffix (FFmpeg muxer names).
OUTPUT_FORMATS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska"}
#: Video codecs copied into MP4/MOV as they are (others are re-encoded with libx264).
_MP4_VIDEO = ("h264", "hevc", "mpeg4", "av1", "vp9", "mjpeg", "mpeg2video", "mpeg1video")
_MP4_AUDIO = ("aac", "mp3", "alac", "ac3", "eac3", "opus", "flac")
_AUDIO_FRAME = 1024


def _soundtrack_for(
    work_dir: Path,
    *,
    mission: str,
    listener: str,
    listener_distance_m: float | None,
    start_s: float,
    end_s: float,
    sample_rate_hz: int,
) -> tuple[NDArray[np.float32], float]:
    """The part-2 descent sound from mission time ``start_s`` to ``end_s``.

    Returns mono samples and the mission time of the first sample at the listener (``start_s``:
    a ground listener hears each event after its travel time, as it would).
    """
    from marsound.audio import read_audio_array
    from marsound.landing.sound import render_descent_sound

    wav = work_dir / "descent.wav"
    kwargs: dict = {"listener": listener, "sample_rate_hz": sample_rate_hz}
    if listener_distance_m is not None:
        kwargs["listener_distance_m"] = listener_distance_m
    try:
        sound = render_descent_sound(wav, mission=mission, start_s=start_s, end_s=end_s, **kwargs)
    except InvalidParameterError as exc:
        if "outside the descent" not in str(exc):
            raise
        try:  # the video runs past the modelled descent: render to its end, silence after
            sound = render_descent_sound(wav, mission=mission, start_s=start_s, end_s=None, **kwargs)
        except InvalidParameterError as exc2:
            if "outside the descent" not in str(exc2) and "must be after" not in str(exc2):
                raise
            return np.zeros(1, np.float32), start_s  # all of the video is after the descent: silence
    data, fs = read_audio_array(wav, mono=True)
    if fs != sample_rate_hz:
        raise MarsoundError(f"the descent sound came at {fs} Hz, not {sample_rate_hz} Hz")
    # the file starts at mission time start_s at the listener (a ground listener hears late)
    return np.asarray(data, dtype=np.float32).reshape(-1), float(getattr(sound, "start_s", start_s))


def warp_to_video(
    samples: NDArray[np.float32],
    sample_rate_hz: int,
    origin_s: float,
    time_map: TimeMap,
    duration_s: float,
) -> NDArray[np.float32]:
    """The sound as heard along the video: sample n plays mission time ``map(n / fs)``.

    ``samples[k]`` is the sound at mission time ``origin_s + k / fs``; outside it is silence.
    """
    n_out = round(duration_s * sample_rate_hz)
    out = np.zeros(n_out, np.float32)
    grid = np.arange(len(samples), dtype=np.float64)
    block = sample_rate_hz
    for n0 in range(0, n_out, block):
        v = (n0 + np.arange(min(block, n_out - n0))) / sample_rate_hz
        idx = (time_map.mission_times(v) - origin_s) * sample_rate_hz
        out[n0 : n0 + len(v)] = np.interp(idx, grid, samples, left=0.0, right=0.0)
    return out


def mission_span(time_map: TimeMap, duration_s: float) -> tuple[float, float]:
    """Smallest and largest mission time the video shows."""
    ends = [time_map.mission_times(np.array([max(s.video_start_s, 0.0), min(s.video_end_s, duration_s)]))
            for s in time_map.segments]
    vals = np.concatenate(ends)
    return float(vals.min()), float(vals.max())


def mux_soundtrack(
    video_path: str | Path,
    out_path: str | Path,
    soundtrack: NDArray[np.float32],
    *,
    sample_rate_hz: int = SOUNDTRACK_RATE_HZ,
    progress: Callable[[float, float], None] | None = None,
) -> Path:
    """Write ``out_path``: the video of ``video_path`` with ``soundtrack`` as its first audio track.

    Video packets are copied when the container takes the codec (re-encoded with libx264
    otherwise); the input's first audio track is kept as the second. Written atomically.

    Raises
    ------
    InvalidParameterError
        Unsupported output suffix, or the output is the input.
    """
    import av

    video_path, out_path = Path(video_path), Path(out_path)
    fmt = OUTPUT_FORMATS.get(out_path.suffix.lower())
    if fmt is None:
        raise InvalidParameterError(f"-o {out_path}: the output must be one of {', '.join(OUTPUT_FORMATS)}")
    sound = np.clip(np.nan_to_num(np.asarray(soundtrack, np.float32)), -1.0, 1.0)
    with av.open(str(video_path)) as src, atomic_path(out_path, inputs=(video_path,)) as tmp:
        with av.open(str(tmp), "w", format=fmt) as dst:
            vin = src.streams.video[0]
            copy_video = vin.codec_context.name in _MP4_VIDEO or fmt == "matroska"
            if copy_video:
                vout = dst.add_stream_from_template(vin)
            else:
                vout = dst.add_stream("libx264", rate=vin.average_rate or Fraction(25))
                vout.width, vout.height, vout.pix_fmt = vin.codec_context.width, vin.codec_context.height, "yuv420p"
                vout.time_base = vin.time_base
                vout.options = {"crf": "18", "preset": "veryfast"}
            aout = dst.add_stream("aac", rate=sample_rate_hz, layout="mono")
            aout.metadata["title"] = "modelled descent sound (marsound)"
            ain = src.streams.audio[0] if src.streams.audio else None
            a_copy = None
            resampler = None
            if ain is not None:
                if ain.codec_context.name in _MP4_AUDIO:
                    a_copy = dst.add_stream_from_template(ain)
                else:  # transcoded to AAC
                    a_rate = ain.codec_context.sample_rate or SOUNDTRACK_RATE_HZ
                    a_copy = dst.add_stream("aac", rate=a_rate, layout="stereo")
                    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=a_rate)
                a_copy.metadata["title"] = "original audio"
            cursor = 0
            duration_s = len(sound) / sample_rate_hz

            def sound_until(t_s: float) -> None:
                nonlocal cursor
                end = len(sound) if t_s == np.inf else min(len(sound), int(t_s * sample_rate_hz))
                while cursor < end:
                    chunk = sound[cursor : cursor + _AUDIO_FRAME]
                    frame = av.AudioFrame.from_ndarray(chunk[None, :], format="fltp", layout="mono")
                    frame.sample_rate = sample_rate_hz
                    frame.pts = cursor
                    frame.time_base = Fraction(1, sample_rate_hz)
                    for p in aout.encode(frame):
                        dst.mux(p)
                    cursor += len(chunk)

            streams = [vin] + ([ain] if ain is not None else [])
            for packet in src.demux(*streams):
                if packet.dts is None and packet.pts is None:
                    continue
                if packet.stream is vin:
                    t = float(packet.pts * packet.time_base) if packet.pts is not None else 0.0
                    if copy_video:
                        packet.stream = vout
                        dst.mux(packet)
                    else:
                        for frame in packet.decode():
                            frame.pict_type = av.video.frame.PictureType.NONE
                            for p in vout.encode(frame):
                                dst.mux(p)
                    sound_until(t + 0.5)
                    if progress is not None:
                        progress(min(t, duration_s), duration_s)
                elif a_copy is not None:
                    if resampler is None:
                        packet.stream = a_copy
                        dst.mux(packet)
                    else:
                        for frame in packet.decode():
                            for rf in resampler.resample(frame):
                                for p in a_copy.encode(rf):
                                    dst.mux(p)
            if not copy_video:
                for p in vout.encode():
                    dst.mux(p)
            if resampler is not None and a_copy is not None:
                for p in a_copy.encode():
                    dst.mux(p)
            sound_until(np.inf)
            for p in aout.encode():
                dst.mux(p)
    return out_path


#: Where the descent sound can be heard.
LISTENERS = ("onboard", "ground")


def check_listener(listener: str, listener_distance_m: float | None) -> None:
    """Refuse an unknown listener or a distance that is not a positive finite number."""
    from marsound.errors import UnknownNameError

    if listener not in LISTENERS:
        raise UnknownNameError(f"--listener {listener!r}: must be one of {', '.join(LISTENERS)}")
    if listener_distance_m is not None and not (np.isfinite(listener_distance_m) and listener_distance_m > 0):
        raise InvalidParameterError(f"--listener-distance-m {listener_distance_m!r}: must be a positive finite number")


def soundtrack_video(
    video_path: str | Path,
    out_path: str | Path,
    *,
    alignment,
    listener: str = "onboard",
    listener_distance_m: float | None = None,
    sample_rate_hz: int = SOUNDTRACK_RATE_HZ,
    progress: Callable[[float, float], None] | None = None,
) -> Path:
    """Render the mission's descent sound for an aligned video and mux it under the picture."""
    check_listener(listener, listener_distance_m)
    duration = alignment.info.duration_s
    lo, hi = mission_span(alignment.time_map, duration)
    start, end = max(0.0, lo - 0.5), max(hi + 0.5, 1.0)
    with tempfile.TemporaryDirectory(prefix="marsound-soundtrack-") as work:
        samples, origin = _soundtrack_for(
            Path(work), mission=alignment.mission, listener=listener, listener_distance_m=listener_distance_m,
            start_s=start, end_s=end, sample_rate_hz=sample_rate_hz,
        )
    track = warp_to_video(samples, sample_rate_hz, origin, alignment.time_map, duration)
    return mux_soundtrack(video_path, out_path, track, sample_rate_hz=sample_rate_hz, progress=progress)
