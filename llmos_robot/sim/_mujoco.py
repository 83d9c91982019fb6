"""Import MuJoCo headless.

MuJoCo picks its OpenGL backend when first imported and aborts the process if none works,
so the backend must be chosen before that import: EGL (Mesa's software renderer is enough)
unless the user already chose one, e.g. MUJOCO_GL=glfw on a desktop.
"""

import os

os.environ.setdefault("MUJOCO_GL", "egl")

import mujoco

__all__ = ["mujoco"]
