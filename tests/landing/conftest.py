"""Rendered landing videos (session-scoped: each is rendered once) and the events they show.

Seeds 11-19 are used here; the detectors were tuned on seeds 0-8 and the benchmark uses 21+.
"""

from __future__ import annotations

import numpy as np
import pytest

from marsound.landing.model import Event
from marsound.landing.video.synthetic import CONTINUOUS_SHOTS, PERSEVERANCE_EVENTS_S, Shot, render_descent_video


def local_timeline() -> tuple[Event, ...]:
    """Perseverance's published times (kwan3217/edl) the synthetic videos are rendered with."""
    extra = {"line_stretch": 241.67, "powered_descent_start": 358.34, "sky_crane_start": 399.73,
             "rappel_start": 402.38, "bridle_cut": 419.57}
    times = {**PERSEVERANCE_EVENTS_S, **extra}
    return tuple(sorted((Event(n, t, "published") for n, t in times.items()), key=lambda e: e.time_s))


@pytest.fixture(scope="session")
def timeline() -> tuple[Event, ...]:
    return local_timeline()


@pytest.fixture
def cli_timeline(monkeypatch):
    """The CLI's mission events: the real published timeline when it is there, else the local table."""
    from marsound.landing.video import align

    try:
        align.mission_events("perseverance")
    except ImportError:
        def local(mission: str) -> tuple[Event, ...]:
            if mission.strip().lower() != "perseverance":
                from marsound.errors import UnknownNameError

                raise UnknownNameError(f"unknown mission {mission!r}; known missions (local table): perseverance")
            return local_timeline()

        monkeypatch.setattr(align, "mission_events", local)
    return align.mission_events("perseverance")


@pytest.fixture(scope="session")
def continuous_video(tmp_path_factory):
    """Mortar to touchdown in four shots (up/down/up/down), time-lapse ×4, 10 fps, with audio."""
    path = tmp_path_factory.mktemp("lv") / "continuous.mp4"
    return render_descent_video(path, shots=CONTINUOUS_SHOTS, rate=4.0, fps=10, seed=11, audio=True)


@pytest.fixture(scope="session")
def distractor_video(tmp_path_factory):
    """Mortar to touchdown ×2 at 15 fps, with a red/white panel in a down-look shot (a wrong canopy)."""
    path = tmp_path_factory.mktemp("lv") / "distractor.mp4"
    return render_descent_video(path, shots=CONTINUOUS_SHOTS, rate=2.0, fps=15, seed=12, distractor_mission_s=280.0)


@pytest.fixture(scope="session")
def edit_video(tmp_path_factory):
    """A NASA-like edit: real time, a cut jumping from the parachute to the last 25 s."""
    path = tmp_path_factory.mktemp("lv") / "edit.mp4"
    shots = (Shot("up", 236.0, 256.0), Shot("down", 400.0, 424.0))
    return render_descent_video(path, shots=shots, rate=1.0, fps=10, width=256, height=144, seed=13)


@pytest.fixture(scope="session")
def mortar_video(tmp_path_factory):
    """Twelve seconds around the mortar, real time, 15 fps, with an 'original' audio track."""
    path = tmp_path_factory.mktemp("lv") / "mortar.mp4"
    return render_descent_video(path, shots=(Shot("up", 236.0, 248.0),), rate=1.0, fps=15, seed=14, audio=True)


@pytest.fixture
def soundtrack_model(monkeypatch, timeline):
    """The part-2 model when it is in the build, else a click (5 ms at 0.9) at every event.

    Returns ``"model"`` or ``"clicks"``.
    """
    from marsound.landing.video import soundtrack

    try:
        import marsound.landing.sound  # noqa: F401
    except ImportError:

        def clicks(work_dir, *, mission, listener, listener_distance_m, start_s, end_s, sample_rate_hz):
            n = int((end_s - start_s) * sample_rate_hz)
            x = np.zeros(n, np.float32)
            for e in timeline:
                k = round((e.time_s - start_s) * sample_rate_hz)
                if 0 <= k < n:
                    x[k : k + sample_rate_hz // 200] = 0.9
            return x, start_s

        monkeypatch.setattr(soundtrack, "_soundtrack_for", clicks)
        return "clicks"
    return "model"
