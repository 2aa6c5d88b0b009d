"""Landing: entry-descent-landing models of real missions, their sound and their video.

The data model shared by the landing modules lives in :mod:`marsound.landing.model`
(events and trajectories); missions, the trajectory integrator, the descent soundtrack
and the video alignment are built on it.
"""

from marsound.landing.model import EVENT_NAMES, Event, Trajectory

__all__ = ["EVENT_NAMES", "Event", "Trajectory"]
