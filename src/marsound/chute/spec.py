"""Constants of the Perseverance parachute ring code.

Source: NASA/JPL-Caltech (Mars 2020 canopy, decoded in Feb 2021;
cbuckowitz/mars2020-parachute-message transcription; Noleli/EncodeMightyThings and
sjwarner/perseverance-parachute-generator renderers for the geometry).

Conventions
-----------
* Gore index ``g = 0 … 79`` increases **clockwise as seen from below** (the up-look camera view).
* A ring is 8 slots of 10 gores: 3 white separators then 7 data bits, MSB first.
* Red (international orange) = 1, white = 0.
"""

from __future__ import annotations

N_GORES = 80
"""Gores per ring (4.5° each)."""
SLOT_GORES = 10
"""Gores per symbol slot."""
SEP_GORES = 3
"""White separator gores at the start of every slot."""
DATA_BITS = 7
"""Data bits per slot, MSB first."""
SLOTS_PER_RING = N_GORES // SLOT_GORES
MAX_VALUE = 2**DATA_BITS - 1
"""Largest value a slot holds (127); it is also the pattern of the first fill slot."""
GORE_DEG = 360.0 / N_GORES

LETTER_MIN, LETTER_MAX = 1, 26
"""Letters are alphabet indices A=1 … Z=26 (ASCII − 64)."""

HEMISPHERES_LAT = {"N": 14, "S": 19}
HEMISPHERES_LON = {"E": 5, "W": 23}

# Ring layout of the drawn canopy (fractions of the outer radius, view from below), after
# Noleli/EncodeMightyThings ``ringProportions``: vent, three disk rings, gap, band.
VENT_RADIUS = 0.09
DISK_RING_EDGES = (0.09, 0.37, 0.63, 0.80)
GAP_EDGES = (0.80, 0.90)
BAND_EDGES = (0.90, 1.00)
STITCH_DEPTH = 0.04
"""Half peak-to-peak depth of the saw-tooth seams between disk rings (fraction of R)."""
N_DISK_RINGS = 3
N_RING_POSITIONS = 4
"""Three disk rings and the band."""

# Colours (RGB) used by renderers and as priors.
RED_RGB = (0xD2, 0x4A, 0x4C)
WHITE_RGB = (0xFF, 0xFF, 0xFF)
SKY_RGB = (0x1E, 0x1A, 0x1C)
MARS_RED_RGB = (108, 31, 39)
"""Red gores in real up-look frames (maroon), reference §4.5."""
MARS_WHITE_RGB = (120, 128, 167)
"""White gores in real up-look frames (bluish grey), reference §4.5."""

PERSEVERANCE_RINGS = ("DARE", "MIGHTY", "THINGS")
PERSEVERANCE_COORDINATES = "34 11 58 N 118 10 31 W"
