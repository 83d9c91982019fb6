"""Monte Carlo localisation on the house map: where the robot is, from odometry and the lidar.

Off the simulator nothing tells the robot its true pose: wheel odometry drifts (slip, uneven
wheels), a few centimetres per metre, and after a room's worth of lanes the coverage plan no
longer lines up with the floor. A particle filter in the manner of AMCL keeps the pose on the
map: each particle is a guess of the pose; odometry moves them all (with noise in proportion to
the motion); each scan weighs them by how well its end points fall on the map's walls and
furniture (a likelihood field, as in Thrun, Burgard and Fox, "Probabilistic Robotics", ch. 6);
then the likely ones are copied and the unlikely dropped.

The map is the occupancy grid the world file gives, so the walls and furniture are known; what
the map does not show (a person, a box) only adds a little weight through `z_random`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from llmos_robot.errors import LocalisationError
from llmos_robot.world import FREE, OCCUPIED, OccupancyGrid, Pose2D, RasterConfig, World, rasterise
from llmos_robot.world.geometry import wrap_angle


@dataclass(frozen=True)
class LocaliserConfig:
    particles: int = 300
    beams: int = 120  # of the scan's beams, evenly spaced, weigh each update
    hit_sigma: float = 0.03  # m: spread of a scan end point around the nearest mapped obstacle
    z_hit: float = 0.9  # share of readings the map explains ...
    z_random: float = 0.1  # ... and of readings it does not (people, boxes, noise)
    # Beams are not independent (neighbours see the same wall): a scan counts as this many readings.
    independent_beams: float = 20.0
    # Odometry noise, as AMCL's alpha1-4: rotation from rotation, rotation from travel,
    # travel from travel, travel from rotation.
    alpha: tuple[float, float, float, float] = (0.05, 0.02, 0.02, 0.02)
    update_min_distance: float = 0.05  # m travelled before the scan weighs the particles again
    update_min_angle: float = 0.10  # rad turned, likewise
    initial_sigma_xy: float = 0.10  # m, around the pose the robot starts from
    initial_sigma_yaw: float = 0.10  # rad
    seed: int = 0
    # m per cell of the localiser's own map of the world: at the house map's 5 cm the distances
    # are quantised to +-2.5 cm and the pose error doubles (bench localisation).
    map_resolution: float = 0.02
    lost_sigma_xy: float = 0.30  # m: the spread re-drawn around the last estimate when every guess is in a wall

    def __post_init__(self) -> None:
        positive = {
            "particles": self.particles,
            "beams": self.beams,
            "hit_sigma": self.hit_sigma,
            "independent_beams": self.independent_beams,
            "map_resolution": self.map_resolution,
        }
        bad = [f"{name} = {value}" for name, value in positive.items() if not value > 0]
        if bad or min(self.alpha) < 0:
            bad += [f"alpha = {self.alpha}"] if min(self.alpha) < 0 else []
            raise LocalisationError(f"the localiser's settings must be positive: {', '.join(bad)}")


DEFAULT_CONFIG = LocaliserConfig()
ON_CENTRE = Pose2D(0.0, 0.0, 0.0)  # a lidar on the robot's centre, facing forward; also "no motion"


@dataclass(frozen=True)
class Estimate:
    pose: Pose2D
    covariance: NDArray[np.float64]  # 3x3 over (x, y, yaw)

    @property
    def spread(self) -> float:
        """Metres: the standard deviation of the particles' positions (the larger axis)."""
        return math.sqrt(float(np.linalg.eigvalsh(self.covariance[:2, :2]).max()))


def localiser_for(world: World, config: LocaliserConfig = DEFAULT_CONFIG) -> MonteCarloLocaliser:
    """A localiser on `world`'s map at the configured resolution, with the robot model's lidar."""
    lidar = world.robot().lidar
    offset = Pose2D(float(lidar.pose.translation[0]), float(lidar.pose.translation[1]), lidar.pose.yaw)
    grid = rasterise(world, RasterConfig(resolution=config.map_resolution))
    return MonteCarloLocaliser(grid, offset, lidar.range_max, config)


def distance_field(grid: OccupancyGrid) -> NDArray[np.float32]:
    """Metres from each cell to the nearest occupied cell (the likelihood field's distances)."""
    not_occupied = (grid.cells != OCCUPIED).astype(np.uint8)
    field: NDArray[np.float32] = cv2.distanceTransform(not_occupied, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return field * np.float32(grid.resolution)


class MonteCarloLocaliser:
    """A particle filter over (x, y, yaw) in the map frame."""

    def __init__(
        self,
        grid: OccupancyGrid,
        lidar_offset: Pose2D = ON_CENTRE,
        range_max: float = 3.5,
        config: LocaliserConfig = DEFAULT_CONFIG,
    ) -> None:
        self.grid = grid
        self.config = config
        self.lidar_offset = lidar_offset
        self.range_max = range_max
        self._field = distance_field(grid)
        self._free = grid.cells == FREE
        self._rng = np.random.default_rng(config.seed)
        self.particles = np.zeros((config.particles, 3))
        self.weights = np.full(config.particles, 1.0 / config.particles)
        self._pending = ON_CENTRE  # odometry since the last scan update
        self.updates = 0
        self.recoveries = 0  # times every guess ended in a wall and they were spread again

    def initialise(self, pose: Pose2D, sigma_xy: float | None = None, sigma_yaw: float | None = None) -> None:
        """Start from a pose known roughly (the dock, the spawn pose, a person's click in RViz)."""
        if not self._free_at(np.array([pose.x]), np.array([pose.y]))[0]:
            raise LocalisationError(f"({pose.x:.2f}, {pose.y:.2f}) is not free floor on the map")
        n = self.config.particles
        sxy = self.config.initial_sigma_xy if sigma_xy is None else sigma_xy
        syaw = self.config.initial_sigma_yaw if sigma_yaw is None else sigma_yaw
        self.particles = np.column_stack(
            [
                self._rng.normal(pose.x, sxy, n),
                self._rng.normal(pose.y, sxy, n),
                self._rng.normal(pose.yaw, syaw, n),
            ]
        )
        self.weights = np.full(n, 1.0 / n)
        self._pending = ON_CENTRE

    def moved(self, delta: Pose2D) -> None:
        """Odometry says the robot moved by `delta`, given in its own frame before the move.

        Motion gathers until the next scan update and moves the particles then, in one step:
        noise drawn for every small odometry message would average itself away.
        """
        self._pending = self._pending.compose(delta)

    def _sample_motion(self, delta: Pose2D) -> None:
        x, y, yaw = delta.x, delta.y, delta.yaw
        travel = math.hypot(x, y)
        # Split the motion as AMCL's odometry model does: a turn, a straight travel, a turn.
        # Backwards travel keeps its sign rather than turning by pi.
        backwards = x < 0
        heading = math.atan2(-y, -x) if backwards else math.atan2(y, x)
        rot1 = 0.0 if travel < 0.01 else heading
        rot2 = wrap_angle(yaw - rot1)
        a1, a2, a3, a4 = self.config.alpha
        n = len(self.particles)
        noisy = self._rng.normal
        r1 = rot1 - noisy(0.0, math.sqrt(a1 * rot1**2 + a2 * travel**2) + 1e-9, n)
        tr = travel - noisy(0.0, math.sqrt(a3 * travel**2 + a4 * (rot1**2 + rot2**2)) + 1e-9, n)
        r2 = rot2 - noisy(0.0, math.sqrt(a1 * rot2**2 + a2 * travel**2) + 1e-9, n)
        sign = -1.0 if backwards else 1.0
        heading_world = self.particles[:, 2] + r1
        self.particles[:, 0] += sign * tr * np.cos(heading_world)
        self.particles[:, 1] += sign * tr * np.sin(heading_world)
        self.particles[:, 2] = _wrap(self.particles[:, 2] + r1 + r2)

    def due(self) -> bool:
        """Has the robot moved enough since the last scan update for another to be worth it?"""
        p = self._pending
        return math.hypot(p.x, p.y) >= self.config.update_min_distance or abs(p.yaw) >= self.config.update_min_angle

    def observe(self, ranges: NDArray[np.floating], angles: NDArray[np.floating], force: bool = False) -> bool:
        """Weigh the particles by a scan (metres, radians in the lidar's frame). False if skipped.

        Readings that hit nothing within range (inf) or are too close (-inf) say nothing of the
        map and are left out. Skipped until the robot has moved (`due`) unless `force`.
        """
        if not (force or self.due()):
            return False
        ranges = np.asarray(ranges, dtype=np.float64)
        angles = np.asarray(angles, dtype=np.float64)
        if ranges.shape != angles.shape:
            raise LocalisationError(f"a scan of {len(ranges)} ranges came with {len(angles)} angles")
        valid = np.isfinite(ranges) & (ranges > 0.0) & (ranges < self.range_max)
        index = np.nonzero(valid)[0]
        if len(index) < 5:
            return False  # a blind scan (covered lidar): keep what odometry says
        self._sample_motion(self._pending)
        self._pending = ON_CENTRE
        pick = index[np.linspace(0, len(index) - 1, min(self.config.beams, len(index))).astype(int)]
        r, a = ranges[pick], angles[pick]
        # End points in the robot frame, then in the map frame for every particle.
        off = self.lidar_offset
        ex = off.x + r * np.cos(a + off.yaw)
        ey = off.y + r * np.sin(a + off.yaw)
        px, py, pyaw = self.particles[:, 0:1], self.particles[:, 1:2], self.particles[:, 2:3]
        c, s = np.cos(pyaw), np.sin(pyaw)
        mx = px + c * ex - s * ey
        my = py + s * ex + c * ey
        d = self._distance_at(mx, my)
        cfg = self.config
        likelihood = cfg.z_hit * np.exp(-0.5 * (d / cfg.hit_sigma) ** 2) + cfg.z_random / self.range_max
        log_w = np.log(likelihood).sum(axis=1) * (cfg.independent_beams / len(pick))
        log_w[~self._free_at(self.particles[:, 0], self.particles[:, 1])] = -np.inf  # not inside walls
        if not np.isfinite(log_w).any():
            # Every guess is inside a wall (a bump shoved the robot, the wheels slipped): spread them
            # wide around the last estimate and let the next scans pick again.
            self.recoveries += 1
            self.initialise(self._nearest_free(self.estimate().pose), self.config.lost_sigma_xy, 0.3)
            return False
        log_w += np.log(self.weights)
        log_w -= log_w[np.isfinite(log_w)].max()
        weights = np.exp(log_w)
        self.weights = weights / weights.sum()
        if 1.0 / float(np.sum(self.weights**2)) < len(self.weights) / 2:
            self._resample()
        self.updates += 1
        return True

    def estimate(self) -> Estimate:
        """The weighted mean pose, moved on by the odometry since the last scan update."""
        w = self.weights
        x = float(np.sum(w * self.particles[:, 0]))
        y = float(np.sum(w * self.particles[:, 1]))
        yaws = self.particles[:, 2]
        yaw = math.atan2(float(np.sum(w * np.sin(yaws))), float(np.sum(w * np.cos(yaws))))
        centred = self.particles - np.array([x, y, yaw])
        centred[:, 2] = _wrap(centred[:, 2])
        covariance = (centred * w[:, None]).T @ centred
        return Estimate(Pose2D(x, y, yaw).compose(self._pending), covariance)

    def _nearest_free(self, pose: Pose2D) -> Pose2D:
        rows, cols = np.nonzero(self._free)
        res, (ox, oy) = self.grid.resolution, self.grid.origin
        xs, ys = ox + (cols + 0.5) * res, oy + (rows + 0.5) * res
        i = int(np.argmin((xs - pose.x) ** 2 + (ys - pose.y) ** 2))
        return Pose2D(float(xs[i]), float(ys[i]), pose.yaw)

    def _resample(self) -> None:
        """Low-variance resampling: one random offset, evenly spaced picks along the weights."""
        n = len(self.weights)
        positions = (self._rng.random() + np.arange(n)) / n
        cumulative = np.cumsum(self.weights)
        cumulative[-1] = 1.0
        self.particles = self.particles[np.searchsorted(cumulative, positions)].copy()
        self.weights = np.full(n, 1.0 / n)

    def _distance_at(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        distance: NDArray[np.float64] = self._on_map(self._field, x, y, 1.0).astype(
            np.float64
        )  # off the map: far from anything
        return distance

    def _free_at(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.bool_]:
        free: NDArray[np.bool_] = self._on_map(self._free, x, y, 0.0)
        return free

    def _on_map(self, cells: NDArray[Any], x: NDArray[np.float64], y: NDArray[np.float64], off: float) -> NDArray[Any]:
        """`cells` (a per-cell array of the grid) at map points `x`, `y`; `off` where they fall off the grid."""
        res, (ox, oy) = self.grid.resolution, self.grid.origin
        rows, cols = np.floor((y - oy) / res).astype(int), np.floor((x - ox) / res).astype(int)
        h, w = cells.shape
        inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
        values = np.full(x.shape, off, dtype=cells.dtype)
        values[inside] = cells[rows[inside], cols[inside]]
        return values


def odometry_delta(before: Pose2D, after: Pose2D) -> Pose2D:
    """The motion from `before` to `after` (odometry-frame poses) in the robot's frame at `before`."""
    dx, dy = after.x - before.x, after.y - before.y
    c, s = math.cos(before.yaw), math.sin(before.yaw)
    return Pose2D(c * dx + s * dy, -s * dx + c * dy, wrap_angle(after.yaw - before.yaw))


def _wrap(angles: NDArray[np.float64]) -> NDArray[np.float64]:
    wrapped: NDArray[np.float64] = (angles + np.pi) % (2 * np.pi) - np.pi
    return wrapped
