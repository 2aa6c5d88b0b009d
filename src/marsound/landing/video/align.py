"""Line a landing video up with its mission's timeline.

Mission times come from the mission's published timeline (:func:`marsound.landing.missions.
published_timeline`); the events it lacks come from the simulation
(:func:`marsound.landing.trajectory.simulate`). Anchors are the detections of
:mod:`.detect` and those the user gives; :func:`~.timemap.fit_time_map` fits the map.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from marsound.errors import InvalidParameterError, UnknownNameError
from marsound.landing.model import Event
from marsound.landing.video.detect import LINE_STRETCH_LAG_S, Cut, Detection, detect_cuts, detect_events
from marsound.landing.video.frames import FrameMeasures, VideoInfo
from marsound.landing.video.scan import scan_frames
from marsound.landing.video.timemap import Anchor, TimeMap, fit_time_map, with_event_video_time

#: The events the video detectors can see.
DETECTABLE_EVENTS: tuple[str, ...] = (
    "parachute_deploy",
    "heat_shield_separation",
    "backshell_separation",
    "touchdown",
)


@dataclass(frozen=True)
class VideoEvent:
    """A mission event shown in the video."""

    name: str
    time_s: float
    video_time_s: float

    def to_json(self) -> dict[str, float | str]:
        return {"name": self.name, "time_s": self.time_s, "video_time_s": self.video_time_s}


@dataclass(frozen=True)
class Alignment:
    """A video lined up with a mission: the map, its anchors and the events in the video."""

    info: VideoInfo
    mission: str
    time_map: TimeMap
    anchors: tuple[Anchor, ...]
    rejected: tuple[Anchor, ...]
    cuts: tuple[Cut, ...]
    detections: tuple[Detection, ...]
    events: tuple[VideoEvent, ...]

    @property
    def offset_s(self) -> float:
        return self.time_map.main.offset_s

    @property
    def rate(self) -> float:
        return self.time_map.main.rate

    def to_json(self) -> dict:
        """The ``marsound landing align --json`` object (issue #15 contract plus extra fields)."""

        def anchor(a: Anchor) -> dict:
            at = with_event_video_time(a, self.time_map)
            d = {"name": a.name, "video_time_s": at.video_time_s, "mission_time_s": a.mission_time_s,
                 "source": a.source}
            if a.source == "detected":
                d.update(observed=a.observed, observed_video_time_s=a.video_time_s, lag_s=a.lag_s,
                         confidence=a.confidence)
            return d

        return {
            "video": str(self.info.path),
            "mission": self.mission,
            "duration_s": self.info.duration_s,
            "fps": self.info.fps,
            "offset_s": self.offset_s,
            "rate": self.rate,
            "segments": [s.to_json() for s in self.time_map.segments],
            "anchors": [anchor(a) for a in self.anchors],
            "rejected": [anchor(a) for a in self.rejected],
            "cuts": [{"video_time_s": c.video_time_s, "confidence": c.confidence} for c in self.cuts],
            "events": [e.to_json() for e in self.events],
        }


def mission_events(mission: str) -> tuple[Event, ...]:
    """The mission's events: the published timeline, completed by the simulation.

    Raises
    ------
    UnknownNameError
        Unknown mission (naming the known ones).
    """
    from marsound.landing.missions import get_mission, published_timeline

    events = list(published_timeline(mission))
    names = {e.name for e in events}
    if not events or any(n not in names for n in DETECTABLE_EVENTS):
        from marsound.landing.trajectory import simulate

        events += [e for e in simulate(get_mission(mission)).events if e.name not in names]
    return tuple(sorted(events, key=lambda e: e.time_s))


def parse_anchor(text: str) -> tuple[str, float]:
    """``NAME=VIDEO_SECONDS`` → (name, seconds).

    Raises
    ------
    InvalidParameterError
        Not of that form, or the seconds are not a finite number.
    """
    name, sep, value = str(text).partition("=")
    name = name.strip()
    if not sep or not name:
        raise InvalidParameterError(f"--anchor {text!r}: expected NAME=VIDEO_SECONDS, e.g. parachute_deploy=12.5")
    try:
        seconds = float(value)
    except ValueError:
        raise InvalidParameterError(f"--anchor {text!r}: {value!r} is not a number of seconds") from None
    if not math.isfinite(seconds):
        raise InvalidParameterError(f"--anchor {text!r}: the video time must be finite")
    return name, seconds


def _given_anchors(
    given: Sequence[tuple[str, float]], events: Sequence[Event], duration_s: float
) -> list[Anchor]:
    by_name = {e.name: e for e in events}
    out = []
    for name, seconds in given:
        if name not in by_name:
            raise UnknownNameError(
                f"--anchor {name}={seconds:g}: no event {name!r} in this mission; known: {', '.join(by_name)}"
            )
        if not (math.isfinite(seconds) and 0.0 <= seconds <= duration_s):
            raise InvalidParameterError(
                f"--anchor {name}={seconds:g}: outside the video (0 to {duration_s:.3f} s)"
            )
        out.append(Anchor(name, float(seconds), by_name[name].time_s, "given"))
    names = [a.name for a in out]
    if len(set(names)) != len(names):
        raise InvalidParameterError(f"--anchor: an event is given twice ({', '.join(names)})")
    return out


def _detected_anchors(detections: Sequence[Detection], events: Sequence[Event]) -> list[Anchor]:
    by_name = {e.name: e for e in events}
    lag = LINE_STRETCH_LAG_S
    if "line_stretch" in by_name and "parachute_deploy" in by_name:  # the mission's own lag
        lag = by_name["line_stretch"].time_s - by_name["parachute_deploy"].time_s
    out = []
    for d in detections:
        if d.event not in by_name:
            continue
        d_lag = lag if d.observed == "canopy_appears" else d.lag_s
        out.append(Anchor(d.event, d.video_time_s, by_name[d.event].time_s, "detected", d_lag, d.confidence,
                          d.observed))
    return out


def align_video(
    path: str | Path,
    *,
    mission: str,
    anchors: Sequence[tuple[str, float]] | Mapping[str, float] = (),
    events: Sequence[Event] | None = None,
    detect: bool = True,
    measures: FrameMeasures | None = None,
    progress: Callable[[float, float], None] | None = None,
) -> Alignment:
    """Fit the map from video time to mission time of ``path``.

    Parameters
    ----------
    path
        The video.
    mission
        Mission name (its events come from :func:`mission_events` unless ``events`` is given).
    anchors
        User anchors ``(event name, video seconds)``; they are trusted.
    events
        The mission's events (default: :func:`mission_events` of ``mission``).
    detect
        Also use the detectors' anchors.
    measures
        Per-frame measures already taken (default: :func:`~.scan.scan_frames`, coarse to fine;
        :func:`~.frames.measure_frames` measures every frame).
    progress
        ``progress(video_time_s, duration_s)`` during the decode.

    Raises
    ------
    FileFormatError
        Not a video, a still image, no video stream.
    UnknownNameError
        An anchor names an event the mission does not have; unknown mission.
    InvalidParameterError
        An anchor outside the video.
    AlignmentError
        Fewer than two anchors (given and detected), or none consistent.
    """
    given_pairs = list(anchors.items()) if isinstance(anchors, Mapping) else list(anchors)
    ev = tuple(events) if events is not None else mission_events(mission)
    _given_anchors(given_pairs, ev, math.inf)  # names checked before the decode
    meas = measures if measures is not None else scan_frames(path, progress=progress)
    given = _given_anchors(given_pairs, ev, meas.info.duration_s)
    cuts = detect_cuts(meas)
    detections = detect_events(meas, cuts) if detect else ()
    detected = [a for a in _detected_anchors(detections, ev) if a.name not in {g.name for g in given}]
    time_map, used, rejected = fit_time_map(
        [*given, *detected], duration_s=meas.info.duration_s, frame_s=meas.frame_s,
        cuts_s=[c.video_time_s for c in cuts],
    )
    shown = []
    for e in ev:
        for v in time_map.video_times(e.time_s):
            if 0.0 <= v <= meas.info.duration_s:
                shown.append(VideoEvent(e.name, e.time_s, v))
    shown.sort(key=lambda x: x.video_time_s)
    return Alignment(meas.info, mission, time_map, used, rejected, cuts, tuple(detections), tuple(shown))
