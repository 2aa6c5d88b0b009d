"""A landing video on the mission clock: events seen in it, the video↔mission time map, captions
and the modelled descent sound under the picture (issue #15).

* :mod:`.frames` — one downscaled, threaded decode and per-frame measures;
* :mod:`.scan` — the same measures coarse to fine: keyframes first, then every frame only around
  what may have happened (what :func:`align_video` reads);
* :mod:`.detect` — cuts, parachute appearance, heat shield/backshell falling away, touchdown;
* :mod:`.timemap` — the robust, piecewise map ``mission = offset + rate × video``;
* :mod:`.align` — mission events and :func:`align_video`;
* :mod:`.outputs` — WebVTT captions and the timeline plot;
* :mod:`.soundtrack` — the descent sound warped to video time and muxed (PyAV);
* :mod:`.synthetic` — rendered test videos with known truth.
"""

from marsound.landing.video.align import Alignment, VideoEvent, align_video, mission_events, parse_anchor
from marsound.landing.video.detect import Cut, Detection, detect_cuts, detect_events
from marsound.landing.video.frames import FrameMeasures, VideoInfo, measure_frames, probe_video
from marsound.landing.video.scan import scan_frames
from marsound.landing.video.timemap import AlignmentError, Anchor, Segment, TimeMap, fit_time_map

__all__ = [
    "Alignment",
    "AlignmentError",
    "Anchor",
    "Cut",
    "Detection",
    "FrameMeasures",
    "Segment",
    "TimeMap",
    "VideoEvent",
    "VideoInfo",
    "align_video",
    "detect_cuts",
    "detect_events",
    "fit_time_map",
    "measure_frames",
    "mission_events",
    "parse_anchor",
    "probe_video",
    "scan_frames",
]
