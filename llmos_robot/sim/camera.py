"""The robot's camera, rendered on a thread of its own so physics runs while a frame is drawn.

An EGL context is current in one thread only, so the worker thread creates the renderer, draws
every frame and releases it. The simulation thread only fills the scene from MjData (CPU work,
no GL), which must happen there: MjData changes with every step.
"""

from __future__ import annotations

import queue
import threading

import numpy as np
from numpy.typing import NDArray

from llmos_robot.sim._mujoco import mujoco

Frame = tuple[float, NDArray[np.uint8]]  # (simulated capture time, RGB image)


class CameraWorker:
    def __init__(self, model: mujoco.MjModel, width: int, height: int, camera: str = "camera") -> None:
        self._camera = camera
        self._requests: queue.Queue[float | None] = queue.Queue()
        self._frames: queue.Queue[Frame | BaseException] = queue.Queue()
        self._idle = threading.Event()
        self._created = threading.Event()
        self._renderer: mujoco.Renderer | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(model, width, height), name="sim-camera", daemon=True)
        self._thread.start()
        self._created.wait()
        if self._error is not None:
            raise RuntimeError(f"cannot create the offscreen renderer: {self._error}") from self._error
        self._idle.set()

    def _run(self, model: mujoco.MjModel, width: int, height: int) -> None:
        try:
            self._renderer = mujoco.Renderer(model, height, width)
        except Exception as err:  # no EGL, no display: reported to the constructor
            self._error = err
            self._created.set()
            return
        self._created.set()
        try:
            while (stamp := self._requests.get()) is not None:
                try:
                    self._frames.put((stamp, self._renderer.render()))
                except Exception as err:
                    self._frames.put(err)
                self._idle.set()
        finally:
            self._renderer.close()

    def capture(self, data: mujoco.MjData, stamp: float) -> None:
        """Snapshot the scene now (caller's thread) and render it in the background."""
        assert self._renderer is not None
        self._idle.wait()  # the renderer holds one scene: let the previous frame finish
        self._idle.clear()
        self._renderer.update_scene(data, camera=self._camera)
        self._requests.put(stamp)

    def frames(self, wait: bool = False) -> list[Frame]:
        """Frames finished since the last call, oldest first; `wait` blocks for pending ones."""
        if wait:
            self._idle.wait()
        done: list[Frame] = []
        while True:
            try:
                item = self._frames.get_nowait()
            except queue.Empty:
                return done
            if isinstance(item, BaseException):
                raise RuntimeError(f"camera rendering failed: {item}") from item
            done.append(item)

    def close(self) -> None:
        if self._thread.is_alive():
            self._requests.put(None)
            self._thread.join(timeout=5.0)
