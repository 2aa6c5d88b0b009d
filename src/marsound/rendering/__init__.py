"""Rendering: what a recording would sound like at a distance in another atmosphere.

Quick start
-----------
>>> import numpy as np
>>> from marsound.physics import preset
>>> from marsound.rendering import render
>>> x = np.random.default_rng(0).standard_normal(4800).astype(np.float32)
>>> y = render(x, 48_000, 50.0, preset("jezero"))   # Earth recording at 1 m -> Mars at 50 m

Modules: :mod:`~marsound.rendering.filters` (filter design), :mod:`~marsound.rendering.engine`
(streaming overlap-save), :mod:`~marsound.rendering.renderer` (arrays and files),
:mod:`~marsound.rendering.source_models`, :mod:`~marsound.rendering.moving` (moving sources),
:mod:`~marsound.rendering.sounds` (built-in test sounds).
"""

from __future__ import annotations

from marsound.rendering.engine import StreamingFilter, apply_filter
from marsound.rendering.filters import PropagationFilter, design_propagation_filter, transfer_function
from marsound.rendering.renderer import RenderReport, output_paths_for, render, render_file, sidecar_path_for
from marsound.rendering.source_models import DEFAULT_SOURCE_MODEL, SOURCE_MODELS, source_gain_db

__all__ = [
    "DEFAULT_SOURCE_MODEL",
    "SOURCE_MODELS",
    "PropagationFilter",
    "RenderReport",
    "StreamingFilter",
    "apply_filter",
    "design_propagation_filter",
    "output_paths_for",
    "render",
    "render_file",
    "sidecar_path_for",
    "source_gain_db",
    "transfer_function",
]
