"""llmos_robot: a household cleaning robot whose operating system is a language model."""

__version__ = "0.1.0"
