"""Propagation models, selectable by name: ``molecular`` (default), ``bass-chambers``, ``iso9613``."""

from __future__ import annotations

from marsound._validate import choose
from marsound.physics.models.base import PropagationModel
from marsound.physics.models.bass_chambers import BassChambersModel
from marsound.physics.models.iso9613 import Iso9613Model
from marsound.physics.models.molecular import MolecularModel

MODEL_NAMES = ("molecular", "bass-chambers", "iso9613")
DEFAULT_MODEL = "molecular"


def get_model(model: str | PropagationModel = DEFAULT_MODEL) -> PropagationModel:
    """Return a model instance from its name, or pass an instance through.

    Raises
    ------
    UnknownNameError
        If the name is not one of :data:`MODEL_NAMES`.
    """
    if not isinstance(model, str):
        if isinstance(model, PropagationModel):
            return model
        raise TypeError(f"model must be a name or a PropagationModel, got {model!r}")
    name = choose("model", model, MODEL_NAMES)
    return {"molecular": MolecularModel, "bass-chambers": BassChambersModel, "iso9613": Iso9613Model}[name]()


__all__ = [
    "DEFAULT_MODEL",
    "MODEL_NAMES",
    "BassChambersModel",
    "Iso9613Model",
    "MolecularModel",
    "PropagationModel",
    "get_model",
]
