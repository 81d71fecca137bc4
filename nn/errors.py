"""The error a model raises when a state dict or a model file does not fit it."""


class StateDictError(ValueError):
    """A state dict (or a file holding one) does not fit the model; the model was not changed."""
