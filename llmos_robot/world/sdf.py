"""Read the parts of SDF files the map and the embedded simulator need.

Supported, and documented in the README as the world format: `<model>` (nested too) and
`<include>` of `model://NAME` resolved beside the world, poses relative to the parent,
and box / cylinder / sphere collisions. Meshes cannot be rasterised: they are skipped with
a warning rather than silently dropped. Gazebo reads the same files with its own parser.
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from llmos_robot.errors import RobotModelError, WorldError
from llmos_robot.world.geometry import Transform, Vec2

RGBA = tuple[float, float, float, float]
DEFAULT_RGBA: RGBA = (0.7, 0.7, 0.7, 1.0)


class ShapeKind(Enum):
    BOX = "box"
    CYLINDER = "cylinder"
    SPHERE = "sphere"


@dataclass(frozen=True)
class Shape:
    """One collision primitive, posed in its parent frame (world or robot model)."""

    name: str
    kind: ShapeKind
    size: tuple[float, ...]  # box: full x, y, z; cylinder: radius, length; sphere: radius
    pose: Transform
    rgba: RGBA = DEFAULT_RGBA
    static: bool = True
    texture: Path | None = None  # an image on the shape (SDF <albedo_map>), for visual-only shapes

    @property
    def radius(self) -> float:
        return self.size[0]

    def z_range(self) -> tuple[float, float]:
        """Lowest and highest z of the shape (exact for upright shapes, a bound otherwise)."""
        z = float(self.pose.translation[2])
        if self.kind is ShapeKind.SPHERE:
            return (z - self.size[0], z + self.size[0])
        half = self._half_extents()
        reach = float(abs(self.pose.rotation[2, :]) @ half)
        return (z - reach, z + reach)

    def footprint(self, segments: int = 24) -> list[Vec2]:
        """Outline of the shape projected on the floor, counter-clockwise."""
        cx, cy = float(self.pose.translation[0]), float(self.pose.translation[1])
        if self.kind is ShapeKind.SPHERE or (self.kind is ShapeKind.CYLINDER and self.pose.is_upright):
            r = self.size[0]
            return [
                (cx + r * math.cos(2 * math.pi * i / segments), cy + r * math.sin(2 * math.pi * i / segments))
                for i in range(segments)
            ]
        # A box, or a tilted cylinder bounded by its box: project the 8 corners, take the hull.
        hx, hy, hz = self._half_extents()
        corners = [
            self.pose.rotation @ [sx * hx, sy * hy, sz * hz] + self.pose.translation
            for sx in (-1, 1)
            for sy in (-1, 1)
            for sz in (-1, 1)
        ]
        return _convex_hull([(float(c[0]), float(c[1])) for c in corners])

    def _half_extents(self) -> tuple[float, float, float]:
        if self.kind is ShapeKind.BOX:
            return (self.size[0] / 2, self.size[1] / 2, self.size[2] / 2)
        if self.kind is ShapeKind.CYLINDER:
            return (self.size[0], self.size[0], self.size[1] / 2)
        return (self.size[0],) * 3


def _convex_hull(points: list[Vec2]) -> list[Vec2]:
    """Andrew's monotone chain, counter-clockwise, no repeated end point."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o: Vec2, a: Vec2, b: Vec2) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Vec2] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Vec2] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


# ----------------------------------------------------------------------------- parsing helpers


def parse_file(path: Path) -> ET.Element:
    """The root <sdf> element, or a WorldError naming the file and the problem."""
    if not path.is_file():
        raise WorldError(f"{path}: no such file")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as err:
        raise WorldError(f"{path}: not valid XML ({err})") from err
    if root.tag != "sdf":
        raise WorldError(f"{path}: the root element is <{root.tag}>, expected <sdf>")
    return root


def _floats(text: str | None, count: int, where: str) -> list[float]:
    try:
        values = [float(v) for v in (text or "").split()]
    except ValueError as err:
        raise WorldError(f"{where}: expected {count} numbers, got {text!r}") from err
    if len(values) != count or not all(math.isfinite(v) for v in values):
        raise WorldError(f"{where}: expected {count} finite numbers, got {text!r}")
    return values


def _pose(element: ET.Element, where: str) -> Transform:
    pose = element.find("pose")
    if pose is None or not (pose.text or "").strip():
        return Transform.identity()
    if pose.get("relative_to"):
        raise WorldError(f"{where}: <pose relative_to=...> is not supported; give poses relative to the parent")
    values = _floats(pose.text, 6, f"{where} <pose>")
    if pose.get("degrees") == "true":
        values[3:] = [math.radians(v) for v in values[3:]]
    return Transform.from_pose(*values)


def _number(element: ET.Element, path: str, default: float | None, where: str) -> float:
    found = element.find(path)
    if found is None or not (found.text or "").strip():
        if default is None:
            raise RobotModelError(f"{where}: missing <{path}>")
        return default
    return _floats(found.text, 1, f"{where} <{path}>")[0]


def _text(element: ET.Element, path: str, where: str) -> str:
    found = element.find(path)
    if found is None or not (found.text or "").strip():
        raise RobotModelError(f"{where}: missing <{path}>")
    return (found.text or "").strip()


def _geometry(collision: ET.Element, where: str) -> tuple[ShapeKind, tuple[float, ...]] | None:
    """Kind and size of a collision's geometry; None for a plane (the floor)."""
    geometry = collision.find("geometry")
    if geometry is None or len(geometry) == 0:
        raise WorldError(f"{where}: a collision without <geometry>")
    shape = geometry[0]
    if shape.tag == "box":
        size = _floats(shape.findtext("size"), 3, f"{where} <box><size>")
        return ShapeKind.BOX, tuple(size)
    if shape.tag == "cylinder":
        radius = _floats(shape.findtext("radius"), 1, f"{where} <cylinder><radius>")[0]
        length = _floats(shape.findtext("length"), 1, f"{where} <cylinder><length>")[0]
        return ShapeKind.CYLINDER, (radius, length)
    if shape.tag == "sphere":
        return ShapeKind.SPHERE, (_floats(shape.findtext("radius"), 1, f"{where} <sphere><radius>")[0],)
    if shape.tag == "plane":
        return None
    raise WorldError(f"{where}: <{shape.tag}> geometry is not supported (use box, cylinder or sphere)")


def _colour(link: ET.Element, collision: ET.Element) -> RGBA:
    """The diffuse colour of the visual that shares the collision's geometry, else the link's first."""
    visuals = link.findall("visual")
    geometry = collision.find("geometry")
    wanted = ET.tostring(geometry[0]) if geometry is not None and len(geometry) else b""
    chosen = None
    for visual in visuals:
        vg = visual.find("geometry")
        if vg is not None and len(vg) and ET.tostring(vg[0]) == wanted and visual.find("material/diffuse") is not None:
            chosen = visual
            break
    if chosen is None:
        chosen = next((v for v in visuals if v.find("material/diffuse") is not None), None)
    return DEFAULT_RGBA if chosen is None else _colour_of(chosen)


def _link_shapes(link: ET.Element, frame: Transform, prefix: str, static: bool) -> list[Shape]:
    shapes = []
    for index, collision in enumerate(link.findall("collision")):
        name = collision.get("name") or f"collision_{index}"
        where = f"{prefix}/{name}"
        geometry = _geometry(collision, where)
        if geometry is None:
            continue
        kind, size = geometry
        if any(v <= 0 for v in size):
            raise WorldError(f"{where}: geometry sizes must be positive, got {size}")
        shapes.append(Shape(where, kind, size, frame @ _pose(collision, where), _colour(link, collision), static))
    return shapes


# ----------------------------------------------------------------------------- worlds


@dataclass
class WorldGeometry:
    """Everything collidable in a world file, in the world frame."""

    name: str
    shapes: list[Shape]
    warnings: list[str] = field(default_factory=list)


def read_world_geometry(path: Path) -> WorldGeometry:
    """Collision shapes of every model in the world SDF (planes, i.e. the floor, are left out)."""
    root = parse_file(path)
    world = root.find("world")
    if world is None:
        raise WorldError(f"{path}: no <world> element (is this a model file?)")
    geometry = WorldGeometry(world.get("name") or path.stem, [])
    for model in world.findall("model"):
        _collect_model(model, Transform.identity(), "", False, path, geometry)
    for include in world.findall("include"):
        _collect_include(include, Transform.identity(), "", path, geometry)
    return geometry


def _collect_model(
    model: ET.Element, parent: Transform, prefix: str, parent_static: bool, path: Path, out: WorldGeometry
) -> None:
    name = f"{prefix}{model.get('name', 'model')}"
    where = f"{path.name}: model {name}"
    frame = parent @ _pose(model, where)
    static = parent_static or (model.findtext("static") or "").strip().lower() in ("true", "1")
    for link in model.findall("link"):
        link_frame = frame @ _pose(link, f"{where}/{link.get('name')}")
        try:
            out.shapes.extend(_link_shapes(link, link_frame, f"{name}/{link.get('name')}", static))
        except WorldError as err:
            if "is not supported" not in str(err):
                raise
            out.warnings.append(f"{path.name}: {err}; skipped")
    for nested in model.findall("model"):
        _collect_model(nested, frame, f"{name}/", static, path, out)
    for include in model.findall("include"):
        _collect_include(include, frame, f"{name}/", path, out)


def _collect_include(include: ET.Element, parent: Transform, prefix: str, path: Path, out: WorldGeometry) -> None:
    uri = (include.findtext("uri") or "").strip()
    model_file = resolve_model_uri(uri, path.parent)
    model = parse_file(model_file).find("model")
    if model is None:
        raise WorldError(f"{model_file}: no <model> element")
    if include.findtext("name"):
        model.set("name", (include.findtext("name") or "").strip())
    if include.find("pose") is not None:
        existing = model.find("pose")
        if existing is not None:
            model.remove(existing)
        model.insert(0, include.find("pose"))  # type: ignore[arg-type]
    static = (include.findtext("static") or "").strip().lower() in ("true", "1")
    _collect_model(model, parent, prefix, static, model_file, out)


def read_world_visuals(path: Path) -> list[Shape]:
    """Visual-only shapes of the world (no collision with the same geometry and pose): floor
    coverings, dirt, markers. The simulator renders them; they never collide or block the lidar.
    Only inline models are read (house.sdf defines all of them inline); planes are left out."""
    root = parse_file(path)
    world = root.find("world")
    if world is None:
        raise WorldError(f"{path}: no <world> element (is this a model file?)")
    shapes: list[Shape] = []
    for model in world.findall("model"):
        _collect_visuals(model, Transform.identity(), "", path, shapes)
    return shapes


def _collect_visuals(model: ET.Element, parent: Transform, prefix: str, path: Path, out: list[Shape]) -> None:
    name = f"{prefix}{model.get('name', 'model')}"
    where = f"{path.name}: model {name}"
    frame = parent @ _pose(model, where)
    for link in model.findall("link"):
        link_frame = frame @ _pose(link, f"{where}/{link.get('name')}")
        collided = {_geometry_key(c) for c in link.findall("collision")}
        for index, visual in enumerate(link.findall("visual")):
            vwhere = f"{name}/{link.get('name')}/{visual.get('name') or f'visual_{index}'}"
            if _geometry_key(visual) in collided:
                continue  # already in the world as the collision shape, coloured by this visual
            try:
                geometry = _geometry(visual, vwhere)
            except WorldError as err:
                if "is not supported" not in str(err):
                    raise
                continue
            if geometry is None:
                continue
            kind, size = geometry
            rgba = _colour_of(visual)
            texture = _texture(visual, path.parent)
            out.append(Shape(vwhere, kind, size, link_frame @ _pose(visual, vwhere), rgba, True, texture))
    for nested in model.findall("model"):
        _collect_visuals(nested, frame, f"{name}/", path, out)


def _geometry_key(element: ET.Element) -> tuple[bytes, str]:
    geometry = element.find("geometry")
    shape = ET.tostring(geometry[0]) if geometry is not None and len(geometry) else b""
    return (b" ".join(shape.split()), " ".join((element.findtext("pose") or "0 0 0 0 0 0").split()))


def _colour_of(visual: ET.Element) -> RGBA:
    try:
        values = [float(v) for v in (visual.findtext("material/diffuse") or "").split()]
    except ValueError:
        return DEFAULT_RGBA
    if len(values) == 3:
        values.append(1.0)
    return (values[0], values[1], values[2], values[3]) if len(values) == 4 else DEFAULT_RGBA


def _texture(visual: ET.Element, base: Path) -> Path | None:
    """The image file of a visual's PBR albedo map, resolved like model:// URIs; None without one."""
    uri = (visual.findtext("material/pbr/metal/albedo_map") or "").strip()
    if not uri:
        return None
    if uri.startswith("model://"):
        model, _, rest = uri[len("model://") :].partition("/")
        folder = resolve_model_uri(f"model://{model}", base, need_sdf=False)
        candidate = folder / rest
    else:
        candidate = (base / uri).resolve()
    if not candidate.is_file():
        raise WorldError(f"{base}: texture {uri} not found (looked at {candidate})")
    return candidate


def resolve_model_uri(uri: str, base: Path, need_sdf: bool = True) -> Path:
    """The model.sdf for `model://NAME`: looked up in <world dir>/models, then SDF_PATH / GZ_SIM_RESOURCE_PATH.

    With need_sdf=False, the model's folder (a folder of textures needs no model.sdf)."""
    if not uri.startswith("model://"):
        candidate = (base / uri).resolve()
        return candidate / "model.sdf" if candidate.is_dir() else candidate
    name = uri[len("model://") :].strip("/")
    search = [base / "models", base]
    for variable in ("SDF_PATH", "GZ_SIM_RESOURCE_PATH"):
        search += [Path(p) for p in os.environ.get(variable, "").split(os.pathsep) if p]
    for folder in search:
        candidate = folder / name / "model.sdf"
        if candidate.is_file():
            return candidate
        if not need_sdf and (folder / name).is_dir():
            return folder / name
    raise WorldError(f"cannot find {uri}: looked for {name}/model.sdf in {', '.join(str(s) for s in search)}")


# ----------------------------------------------------------------------------- the robot


@dataclass(frozen=True)
class LinkSpec:
    name: str
    pose: Transform  # in the model frame (base_footprint, on the floor)
    mass: float
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class DriveSpec:
    left_joint: str
    right_joint: str
    wheel_separation: float
    wheel_radius: float
    max_linear: float
    max_angular: float
    odom_rate_hz: float


@dataclass(frozen=True)
class LidarSpec:
    pose: Transform
    frame_id: str
    rate_hz: float
    samples: int
    min_angle: float
    max_angle: float
    range_min: float
    range_max: float
    noise_std: float


@dataclass(frozen=True)
class CameraSpec:
    pose: Transform  # SDF camera convention: looking along +x, z up
    frame_id: str
    rate_hz: float
    width: int
    height: int
    horizontal_fov: float
    near: float
    far: float


@dataclass(frozen=True)
class ImuSpec:
    pose: Transform
    frame_id: str
    rate_hz: float


@dataclass(frozen=True)
class RobotSpec:
    """What the embedded simulator builds from the robot's model.sdf."""

    name: str
    links: dict[str, LinkSpec]
    joint_parents: dict[str, tuple[str, str]]  # joint -> (parent link, child link)
    drive: DriveSpec
    lidar: LidarSpec
    camera: CameraSpec
    imu: ImuSpec
    bumper_collision: str  # "link/collision" of the contact sensor

    @property
    def base_link(self) -> str:
        return self.joint_parents[self.drive.left_joint][0]


def read_robot_model(path: Path) -> RobotSpec:
    """Links, wheels, sensors and the drive plugin of a robot model.sdf."""
    root = parse_file(path)
    model = root.find("model")
    if model is None:
        raise RobotModelError(f"{path}: no <model> element")
    where = f"{path.name}: model {model.get('name')}"
    links: dict[str, LinkSpec] = {}
    sensors: dict[str, tuple[ET.Element, Transform, str]] = {}
    for link in model.findall("link"):
        name = link.get("name", "")
        frame = _pose(link, f"{where}/{name}")
        mass = _number(link, "inertial/mass", 0.0, f"{where}/{name}")
        links[name] = LinkSpec(name, frame, mass, tuple(_link_shapes(link, frame, name, False)))
        for sensor in link.findall("sensor"):
            sensors[sensor.get("type", "")] = (sensor, frame @ _pose(sensor, f"{where}/{name}"), name)
    joints = {
        j.get("name", ""): ((j.findtext("parent") or "").strip(), (j.findtext("child") or "").strip())
        for j in model.findall("joint")
    }
    drive = _drive(model, where)
    for joint in (drive.left_joint, drive.right_joint):
        if joint not in joints:
            raise RobotModelError(f"{where}: the DiffDrive plugin names joint {joint!r}, which the model lacks")

    lidar_entry = sensors.get("gpu_lidar") or sensors.get("lidar") or sensors.get("gpu_ray") or sensors.get("ray")
    if lidar_entry is None:
        raise RobotModelError(f"{where}: no lidar sensor (type gpu_lidar)")
    camera_entry = sensors.get("camera")
    if camera_entry is None:
        raise RobotModelError(f"{where}: no camera sensor")
    imu_entry = sensors.get("imu")
    if imu_entry is None:
        raise RobotModelError(f"{where}: no imu sensor")
    contact_entry = sensors.get("contact")
    if contact_entry is None:
        raise RobotModelError(f"{where}: no contact sensor (the bumper)")

    return RobotSpec(
        name=model.get("name", "robot"),
        links=links,
        joint_parents=joints,
        drive=drive,
        lidar=_lidar(*lidar_entry, where),
        camera=_camera(*camera_entry, where),
        imu=ImuSpec(
            imu_entry[1], _frame_id(imu_entry[0], imu_entry[2]), _number(imu_entry[0], "update_rate", 100.0, where)
        ),
        bumper_collision=f"{contact_entry[2]}/{_text(contact_entry[0], 'contact/collision', where)}",
    )


def _frame_id(sensor: ET.Element, link: str) -> str:
    return (sensor.findtext("gz_frame_id") or sensor.findtext("frame_id") or link).strip()


def _drive(model: ET.Element, where: str) -> DriveSpec:
    for plugin in model.findall("plugin"):
        if "diff-drive" in plugin.get("filename", "") or "DiffDrive" in plugin.get("name", ""):
            return DriveSpec(
                left_joint=_text(plugin, "left_joint", where),
                right_joint=_text(plugin, "right_joint", where),
                wheel_separation=_number(plugin, "wheel_separation", None, where),
                wheel_radius=_number(plugin, "wheel_radius", None, where),
                max_linear=_number(plugin, "max_linear_velocity", 0.26, where),
                max_angular=_number(plugin, "max_angular_velocity", 1.82, where),
                odom_rate_hz=_number(plugin, "odom_publish_frequency", 30.0, where),
            )
    raise RobotModelError(f"{where}: no gz-sim-diff-drive-system plugin (the simulator reads the wheels from it)")


def _lidar(sensor: ET.Element, pose: Transform, link: str, where: str) -> LidarSpec:
    ray = sensor.find("lidar")
    if ray is None:
        ray = sensor.find("ray")
    if ray is None:
        raise RobotModelError(f"{where}: the lidar sensor has no <lidar> block")
    return LidarSpec(
        pose=pose,
        frame_id=_frame_id(sensor, link),
        rate_hz=_number(sensor, "update_rate", 10.0, where),
        samples=int(_number(ray, "scan/horizontal/samples", None, where)),
        min_angle=_number(ray, "scan/horizontal/min_angle", None, where),
        max_angle=_number(ray, "scan/horizontal/max_angle", None, where),
        range_min=_number(ray, "range/min", None, where),
        range_max=_number(ray, "range/max", None, where),
        noise_std=_number(ray, "noise/stddev", 0.0, where),
    )


def _camera(sensor: ET.Element, pose: Transform, link: str, where: str) -> CameraSpec:
    camera = sensor.find("camera")
    if camera is None:
        raise RobotModelError(f"{where}: the camera sensor has no <camera> block")
    return CameraSpec(
        pose=pose,
        frame_id=_frame_id(sensor, link),
        rate_hz=_number(sensor, "update_rate", 15.0, where),
        width=int(_number(camera, "image/width", 320, where)),
        height=int(_number(camera, "image/height", 240, where)),
        horizontal_fov=_number(camera, "horizontal_fov", 1.085, where),
        near=_number(camera, "clip/near", 0.05, where),
        far=_number(camera, "clip/far", 8.0, where),
    )
