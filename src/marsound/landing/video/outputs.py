"""What an alignment is written as: WebVTT captions and a timeline plot (atomically)."""

from __future__ import annotations

from pathlib import Path

from marsound._atomic import atomic_path
from marsound.landing.model import EVENT_NAMES
from marsound.landing.video.align import Alignment, VideoEvent

#: How long a caption stays on screen, s (cut short by the next one).
CAPTION_S = 3.0


def _vtt_time(t_s: float) -> str:
    ms = max(0, round(t_s * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def webvtt(events: tuple[VideoEvent, ...] | list[VideoEvent], *, duration_s: float, mission: str = "") -> str:
    """WebVTT captions (W3C WebVTT, 2019 CR): one cue per event, from its video time.

    Each cue reads ``"Parachute deploy — E+240.63 s"`` and lasts :data:`CAPTION_S` or until the
    next event.
    """
    lines = ["WEBVTT", f"NOTE events of {mission or 'the mission'}; times E+ are seconds after entry interface", ""]
    evs = sorted(events, key=lambda e: e.video_time_s)
    for k, e in enumerate(evs):
        end = min(e.video_time_s + CAPTION_S, duration_s)
        if k + 1 < len(evs):
            end = min(end, max(evs[k + 1].video_time_s, e.video_time_s + 0.001))
        end = max(end, e.video_time_s + 0.001)
        cue = f"{_vtt_time(e.video_time_s)} --> {_vtt_time(end)}"
        lines += [f"{k + 1}", cue, f"{_label(e.name)} — E+{e.time_s:.2f} s", ""]
    return "\n".join(lines)


def write_captions(path: str | Path, alignment: Alignment, *, inputs: tuple[str | Path, ...] = ()) -> Path:
    """Write the alignment's events as WebVTT captions to ``path`` (atomically)."""
    text = webvtt(alignment.events, duration_s=alignment.info.duration_s, mission=alignment.mission)
    with atomic_path(path, inputs=inputs) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def plot_timeline(path: str | Path, alignment: Alignment, *, inputs: tuple[str | Path, ...] = ()) -> Path:
    """Plot mission time against video time: the map, anchors, rejected detections, cuts, events."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    try:
        for k, s in enumerate(alignment.time_map.segments):
            ax.plot([s.video_start_s, s.video_end_s], [s.mission_time(s.video_start_s), s.mission_time(s.video_end_s)],
                    color="C0", lw=2, label="time map" if k == 0 else None)
        for c in alignment.cuts:
            ax.axvline(c.video_time_s, color="0.6", ls=":", lw=1)
        for a in alignment.anchors:
            ax.plot(a.video_time_s, a.seen_mission_time_s, "o" if a.source == "detected" else "s",
                    color="C2" if a.source == "detected" else "C3", ms=7)
        for a in alignment.rejected:
            ax.plot(a.video_time_s, a.seen_mission_time_s, "x", color="C1", ms=8)
        for e in alignment.events:  # the contract's events named, the others ticked
            if e.name in EVENT_NAMES:
                ax.annotate(_label(e.name), (e.video_time_s, e.time_s), fontsize=8,
                            xytext=(6, -12), textcoords="offset points")
            else:
                ax.plot(e.video_time_s, e.time_s, "_", color="0.3", ms=8)
        ax.plot([], [], "o", color="C2", label="detected anchor")
        ax.plot([], [], "s", color="C3", label="given anchor")
        ax.plot([], [], "x", color="C1", label="rejected detection")
        ax.plot([], [], ":", color="0.6", label="cut")
        ax.set_xlabel("video time [s]")
        ax.set_ylabel("mission time E+ [s]")
        ax.set_title(f"{alignment.info.path.name} — {alignment.mission}: mission = "
                     f"{alignment.offset_s:.2f} s + {alignment.rate:.4f} × video")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
        fmt = path.suffix.lower().lstrip(".") or "png"
        with atomic_path(path, inputs=inputs) as tmp:
            fig.savefig(tmp, format=fmt)
    finally:
        plt.close(fig)
    return path
