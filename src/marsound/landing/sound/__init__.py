"""What a microphone on the lander, or on the ground, would hear during a Mars descent (a model).

One module per source model, each citing its law: :mod:`.aero` (turbulent boundary layer),
:mod:`.parachute` (canopy wake, breathing, flutter), :mod:`.pyro` (pyros, parachute jolts,
touchdown), :mod:`.rocket` (NASA SP-8072), :mod:`.boom` (Carlson's sonic boom); :mod:`.timeline`
puts the trajectory on the published timeline, :mod:`.propagation` carries the sound to the
listener, :mod:`.prepare` and :mod:`.synth` stream it, :mod:`.render` writes it, :mod:`.plot` draws it.

Quick start
-----------
>>> from marsound.landing.sound import render_descent_sound
>>> result = render_descent_sound("descent.wav", mission="perseverance")   # doctest: +SKIP
>>> [(e.name, e.audio_time_s) for e in result.events][:2]                   # doctest: +SKIP
"""

from __future__ import annotations

from marsound.landing.sound.render import (
    DEFAULT_GROUND_DISTANCE_M,
    DEFAULT_LISTENER,
    DEFAULT_SAMPLE_RATE_HZ,
    MODEL_NOTICE,
    PARAMETERS,
    DescentSound,
    SoundEvent,
    iter_descent_sound,
    plan_descent_sound,
    render_descent_sound,
    write_descent_sound,
)
from marsound.landing.sound.synth import LISTENERS, SOURCE_NAMES
from marsound.landing.sound.timeline import VEHICLES, VehicleAcoustics

__all__ = [
    "DEFAULT_GROUND_DISTANCE_M",
    "DEFAULT_LISTENER",
    "DEFAULT_SAMPLE_RATE_HZ",
    "LISTENERS",
    "MODEL_NOTICE",
    "PARAMETERS",
    "SOURCE_NAMES",
    "VEHICLES",
    "DescentSound",
    "SoundEvent",
    "VehicleAcoustics",
    "iter_descent_sound",
    "plan_descent_sound",
    "render_descent_sound",
    "write_descent_sound",
]
