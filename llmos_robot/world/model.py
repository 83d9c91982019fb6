"""The house as every part of the robot sees it: rooms, places, obstacles, the dock.

A world is two files side by side: `NAME.sdf` (geometry, which Gazebo also loads) and
`NAME.yaml` (rooms, named places, dock, robot, no-go zones). `load_world` accepts either
path and checks the pair is consistent, so a bad world fails here with a clear sentence
instead of deep inside the planner.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from llmos_robot.errors import UnknownPlaceError, UnknownRoomError, WorldError
from llmos_robot.world.geometry import Pose2D, Vec2, point_in_polygon, polygon_area, polygon_centroid
from llmos_robot.world.sdf import RobotSpec, Shape, read_robot_model, read_world_geometry

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Room:
    name: str  # snake_case identifier, e.g. "living_room"
    polygon: tuple[Vec2, ...]  # interior, counter-clockwise, map frame

    @property
    def label(self) -> str:
        """How the robot says it: "living room"."""
        return self.name.replace("_", " ")

    @property
    def area(self) -> float:
        return abs(polygon_area(list(self.polygon)))

    @property
    def centroid(self) -> Vec2:
        return polygon_centroid(list(self.polygon))

    def contains(self, x: float, y: float) -> bool:
        return point_in_polygon(x, y, list(self.polygon))

    def bounds(self) -> tuple[float, float, float, float]:
        xs = [p[0] for p in self.polygon]
        ys = [p[1] for p in self.polygon]
        return (min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class Place:
    name: str
    room: str
    pose: Pose2D  # where the robot stands to reach the thing
    aliases: tuple[str, ...] = ()
    description: str = ""

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class Zone:
    name: str
    polygon: tuple[Vec2, ...]


OBJECT_KINDS = ("marker", "product", "person", "dirt", "spill")


@dataclass(frozen=True)
class WorldObject:
    """A thing the camera looks for, with its true pose (the sidecar's `objects:`; ground truth)."""

    name: str
    kind: str  # one of OBJECT_KINDS
    room: str
    position: tuple[float, float, float]  # map frame, m: the centre (of the marker, for markers)
    yaw: float  # the way it faces
    size: tuple[float, float, float]
    marker_id: int | None = None
    label: str = ""


@dataclass
class World:
    """A loaded world: semantic layout from the sidecar plus collision geometry from the SDF."""

    name: str
    sdf_path: Path
    layout_path: Path
    rooms: dict[str, Room]
    places: dict[str, Place]
    dock: Pose2D
    spawn: Pose2D
    robot_model_path: Path
    obstacles: list[Shape]
    no_go_zones: list[Zone] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    objects: list[WorldObject] = field(default_factory=list)

    def room(self, name: str) -> Room:
        """The room called `name` (spaces or underscores, any case); UnknownRoomError otherwise."""
        key = _name_key(name)
        if key not in self.rooms:
            raise UnknownRoomError(name, sorted(r.label for r in self.rooms.values()))
        return self.rooms[key]

    def place(self, name: str) -> Place:
        """The place called `name` or one of its aliases; UnknownPlaceError otherwise."""
        key = _name_key(name)
        for place in self.places.values():
            if key == place.name or key in (a.replace(" ", "_") for a in place.aliases):
                return place
        raise UnknownPlaceError(name, sorted(p.label for p in self.places.values()))

    def room_at(self, x: float, y: float) -> Room | None:
        return next((room for room in self.rooms.values() if room.contains(x, y)), None)

    def bounds(self) -> tuple[float, float, float, float]:
        """min x, min y, max x, max y over rooms and obstacles (the map's extent)."""
        xs: list[float] = []
        ys: list[float] = []
        for room in self.rooms.values():
            xs += [p[0] for p in room.polygon]
            ys += [p[1] for p in room.polygon]
        for shape in self.obstacles:
            for px, py in shape.footprint(8):
                xs.append(px)
                ys.append(py)
        return (min(xs), min(ys), max(xs), max(ys))

    def robot(self) -> RobotSpec:
        return read_robot_model(self.robot_model_path)


def _name_key(name: str) -> str:
    """How a spoken name is looked up: "the Living Room" -> "living_room"."""
    key = name.strip().lower().replace(" ", "_")
    return key[4:] if key.startswith("the_") else key


def resolve_world_paths(path: Path | str) -> tuple[Path, Path]:
    """(sdf, yaml) for a path to either file of the pair."""
    path = Path(path)
    if path.suffix in (".yaml", ".yml"):
        layout = path
    else:
        layout = path.with_suffix(".yaml")
        if not path.is_file():
            raise WorldError(f"{path}: no such file")
        if not layout.is_file():
            raise WorldError(f"{path}: no room description beside it (expected {layout.name})")
    if not layout.is_file():
        raise WorldError(f"{layout}: no such file")
    data = _read_yaml(layout)
    sdf = layout.parent / str(data.get("geometry", layout.with_suffix(".sdf").name))
    return sdf, layout


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise WorldError(f"{path}: not valid YAML ({err})") from err
    if not isinstance(data, dict):
        raise WorldError(f"{path}: expected a mapping at the top level")
    return data


def load_world(path: Path | str) -> World:
    """Load a world from its .sdf or .yaml; WorldError names the file and the problem."""
    sdf_path, layout_path = resolve_world_paths(path)
    data = _read_yaml(layout_path)
    where = str(layout_path)
    if data.get("format") != FORMAT_VERSION:
        raise WorldError(f"{where}: 'format: {FORMAT_VERSION}' expected, got {data.get('format')!r}")

    rooms = {}
    for index, entry in enumerate(_list(data, "rooms", where)):
        name = _name(entry, f"{where}: rooms[{index}]")
        if name in rooms:
            raise WorldError(f"{where}: room {name!r} is defined twice")
        polygon = _polygon(entry.get("polygon"), f"{where}: room {name}")
        if polygon_area(list(polygon)) < 0:
            polygon = tuple(reversed(polygon))
        rooms[name] = Room(name, polygon)
    if not rooms:
        raise WorldError(f"{where}: the world defines no rooms")

    places = {}
    for index, entry in enumerate(data.get("places") or []):
        name = _name(entry, f"{where}: places[{index}]")
        room = str(entry.get("room", ""))
        if room not in rooms:
            raise WorldError(f"{where}: place {name} is in room {room!r}, which is not defined")
        pose = _pose(entry.get("pose"), f"{where}: place {name}")
        if not rooms[room].contains(pose.x, pose.y):
            raise WorldError(f"{where}: place {name} at ({pose.x}, {pose.y}) is outside its room {room}")
        aliases = tuple(str(a).lower() for a in entry.get("aliases") or [])
        places[name] = Place(name, room, pose, aliases, str(entry.get("description", "")))

    dock = _pose((data.get("dock") or {}).get("pose"), f"{where}: dock")
    robot = data.get("robot") or {}
    if "model" not in robot:
        raise WorldError(f"{where}: robot.model (path to the robot's model.sdf) is missing")
    robot_model_path = layout_path.parent / str(robot["model"])
    if not robot_model_path.is_file():
        raise WorldError(f"{where}: robot model {robot_model_path} does not exist")
    spawn = _pose(robot.get("pose"), f"{where}: robot.pose") if "pose" in robot else dock

    zones = [
        Zone(_name(z, f"{where}: no_go_zones[{i}]"), _polygon(z.get("polygon"), f"{where}: no-go zone"))
        for i, z in enumerate(data.get("no_go_zones") or [])
    ]
    geometry = read_world_geometry(sdf_path)
    return World(
        name=str(data.get("name", geometry.name)),
        sdf_path=sdf_path,
        layout_path=layout_path,
        rooms=rooms,
        places=places,
        dock=dock,
        spawn=spawn,
        robot_model_path=robot_model_path,
        obstacles=geometry.shapes,
        no_go_zones=zones,
        warnings=geometry.warnings,
        objects=_objects(data.get("objects") or [], rooms, where),
    )


def _list(data: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        raise WorldError(f"{where}: the world defines no {key}")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise WorldError(f"{where}: {key} must be a list of mappings")
    return value


def _name(entry: Any, where: str) -> str:
    if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
        raise WorldError(f"{where}: every entry needs a name")
    name = str(entry["name"]).strip()
    if not name.replace("_", "").isalnum() or name != name.lower():
        raise WorldError(f"{where}: names are lower-case snake_case, got {name!r}")
    return name


def _polygon(value: Any, where: str) -> tuple[Vec2, ...]:
    try:
        points = tuple((float(p[0]), float(p[1])) for p in value)
    except (TypeError, ValueError, IndexError) as err:
        raise WorldError(f"{where}: polygon must be a list of [x, y] pairs") from err
    if len(points) < 3 or not all(math.isfinite(c) for p in points for c in p):
        raise WorldError(f"{where}: polygon needs at least 3 finite points")
    if abs(polygon_area(list(points))) < 1e-6:
        raise WorldError(f"{where}: polygon has no area")
    return points


def _pose(value: Any, where: str) -> Pose2D:
    try:
        x, y, yaw = (float(v) for v in value)
    except (TypeError, ValueError) as err:
        raise WorldError(f"{where}: pose must be [x, y, yaw], got {value!r}") from err
    if not all(math.isfinite(v) for v in (x, y, yaw)):
        raise WorldError(f"{where}: pose must be finite, got {value!r}")
    return Pose2D(x, y, yaw)


def _objects(entries: Any, rooms: dict[str, Room], where: str) -> list[WorldObject]:
    """The sidecar's `objects:` (optional): kind, room, pose [x, y, z], yaw, size, marker_id, label."""
    if not isinstance(entries, list):
        raise WorldError(f"{where}: objects must be a list of mappings")
    objects = []
    for index, entry in enumerate(entries):
        name = _name(entry, f"{where}: objects[{index}]")
        kind = str(entry.get("kind", ""))
        if kind not in OBJECT_KINDS:
            raise WorldError(f"{where}: object {name}: kind must be one of {', '.join(OBJECT_KINDS)}, got {kind!r}")
        room = str(entry.get("room", ""))
        if room not in rooms:
            raise WorldError(f"{where}: object {name} is in room {room!r}, which is not defined")
        try:
            position = tuple(float(v) for v in entry.get("pose"))
            size = tuple(float(v) for v in entry.get("size"))
            yaw = float(entry.get("yaw", 0.0))
            marker = entry.get("marker_id")
            marker_id = None if marker is None else int(marker)
        except (TypeError, ValueError) as err:
            raise WorldError(
                f"{where}: object {name}: pose and size are [x, y, z], yaw a number, marker_id an integer"
            ) from err
        if len(position) != 3 or len(size) != 3 or not all(math.isfinite(v) for v in (*position, *size, yaw)):
            raise WorldError(f"{where}: object {name}: pose and size need 3 finite numbers each")
        objects.append(
            WorldObject(name, kind, room, position, yaw, size, marker_id, str(entry.get("label", "")))  # type: ignore[arg-type]
        )
    return objects
