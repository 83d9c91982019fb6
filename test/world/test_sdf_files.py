"""The SDF files under worlds/ are valid, follow the conventions the embedded simulator's parser
relies on, and agree with the house.yaml sidecar.

Needs `ign sdf` (apt: ignition-tools libsdformat-dev sdformat-sdf; `make setup` installs them),
pyyaml and the standard library only.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORLDS = REPO / "worlds"
HOUSE_SDF = WORLDS / "house.sdf"
HOUSE_YAML = WORLDS / "house.yaml"
SDF_FILES = sorted(WORLDS.rglob("*.sdf"))

# a place must be at least this far (m) from any obstacle footprint that the robot can hit
PLACE_CLEARANCE = 0.25
# obstacles whose z-range overlaps this band can touch the robot's body (bottom 0.01 m)
ROBOT_Z_BAND = (0.01, 0.2)

REQUIRED_ROOMS = {"bathroom", "kitchen", "hallway", "bedroom", "living_room"}
REQUIRED_PLACES = {
    "sofa",
    "coffee_table",
    "tv",
    "armchair",
    "fridge",
    "kitchen_counter",
    "kitchen_table",
    "cleaning_cupboard",
    "front_door",
    "bed",
    "wardrobe",
    "bathtub",
    "toilet",
    "bathroom_sink",
}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


# ------------------------------------------------------------------------------------ helpers


def load_sidecar() -> dict:
    with HOUSE_YAML.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def parse_pose(elem: ET.Element | None) -> tuple[float, ...]:
    """The <pose> child of elem as (x, y, z, roll, pitch, yaw); zeros if absent."""
    node = None if elem is None else elem.find("pose")
    if node is None or not (node.text or "").strip():
        return (0.0,) * 6
    values = tuple(float(v) for v in node.text.split())
    assert len(values) == 6, f"pose needs 6 numbers: {node.text!r}"
    return values


def compose(parent: tuple[float, float, float, float], child: tuple[float, ...]):
    """Compose planar transforms (x, y, z, yaw); the child pose has no roll/pitch."""
    px, py, pz, pyaw = parent
    cx, cy, cz, _, _, cyaw = child
    c, s = math.cos(pyaw), math.sin(pyaw)
    return (px + c * cx - s * cy, py + s * cx + c * cy, pz + cz, pyaw + cyaw)


@dataclass
class Footprint:
    """2D footprint of one collision plus its z-range, in the world frame."""

    name: str
    zmin: float
    zmax: float
    polygon: list[tuple[float, float]] | None = None  # box
    centre: tuple[float, float] | None = None  # cylinder / sphere
    radius: float = 0.0

    def distance(self, x: float, y: float) -> float:
        if self.polygon is None:
            return max(0.0, math.hypot(x - self.centre[0], y - self.centre[1]) - self.radius)
        if point_in_polygon(x, y, self.polygon):
            return 0.0
        return distance_to_polygon_edges(x, y, self.polygon)


def point_in_polygon(x: float, y: float, polygon) -> bool:
    """Even-odd rule; points on an edge count as inside."""
    if distance_to_polygon_edges(x, y, polygon) < 1e-9:
        return True
    inside = False
    n = len(polygon)
    for i in range(n):
        (x1, y1), (x2, y2) = polygon[i], polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def distance_to_segment(x, y, a, b) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
    return math.hypot(x - (ax + t * dx), y - (ay + t * dy))


def distance_to_polygon_edges(x, y, polygon) -> float:
    n = len(polygon)
    return min(distance_to_segment(x, y, polygon[i], polygon[(i + 1) % n]) for i in range(n))


def signed_area(polygon) -> float:
    n = len(polygon)
    return 0.5 * sum(
        polygon[i][0] * polygon[(i + 1) % n][1] - polygon[(i + 1) % n][0] * polygon[i][1] for i in range(n)
    )


def world_footprints(world: ET.Element) -> list[Footprint]:
    """Footprints of every box/cylinder/sphere collision of every model in the world."""
    footprints = []
    for model in world.findall("model"):
        mpose = parse_pose(model)
        mframe = (mpose[0], mpose[1], mpose[2], mpose[5])
        for link in model.findall("link"):
            lframe = compose(mframe, parse_pose(link))
            for col in link.findall("collision"):
                x, y, z, yaw = compose(lframe, parse_pose(col))
                geometry = col.find("geometry")
                name = f"{model.get('name')}/{link.get('name')}/{col.get('name')}"
                box = geometry.find("box")
                cylinder = geometry.find("cylinder")
                sphere = geometry.find("sphere")
                if box is not None:
                    sx, sy, sz = (float(v) for v in box.findtext("size").split())
                    c, s = math.cos(yaw), math.sin(yaw)
                    corners = [
                        (x + c * u - s * v, y + s * u + c * v)
                        for u, v in ((sx / 2, sy / 2), (-sx / 2, sy / 2), (-sx / 2, -sy / 2), (sx / 2, -sy / 2))
                    ]
                    footprints.append(Footprint(name, z - sz / 2, z + sz / 2, polygon=corners))
                elif cylinder is not None:
                    r = float(cylinder.findtext("radius"))
                    h = float(cylinder.findtext("length"))
                    footprints.append(Footprint(name, z - h / 2, z + h / 2, centre=(x, y), radius=r))
                elif sphere is not None:
                    r = float(sphere.findtext("radius"))
                    footprints.append(Footprint(name, z - r, z + r, centre=(x, y), radius=r))
                # plane (the ground) has no footprint
    return footprints


def geometry_signature(elem: ET.Element) -> str:
    geometry = elem.find("geometry")
    assert geometry is not None and len(geometry) == 1, "needs exactly one geometry shape"
    shape = geometry[0]
    fields = [shape.tag] + [f"{child.tag}={' '.join((child.text or '').split())}" for child in shape]
    return ";".join(fields)


# ------------------------------------------------------------------------------- validation


def test_sdf_files_exist():
    names = {p.relative_to(WORLDS).as_posix() for p in SDF_FILES}
    assert "house.sdf" in names
    assert "models/llmos_bot/model.sdf" in names


@pytest.mark.parametrize("path", SDF_FILES, ids=lambda p: p.relative_to(WORLDS).as_posix())
def test_sdf_file_passes_ign_sdf_check(path: Path):
    ign = shutil.which("ign")
    if ign is None:
        pytest.fail(
            "the `ign` binary is missing: `make setup` installs it "
            "(apt-get install ignition-tools libsdformat-dev sdformat-sdf)"
        )
    proc = subprocess.run([ign, "sdf", "-k", str(path)], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, (
        f"`ign sdf -k {path}` exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )


# ------------------------------------------------------------ conventions of the world file


def test_world_follows_embedded_parser_conventions():
    text = HOUSE_SDF.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag == "sdf" and root.get("version") == "1.9"
    world = root.find("world")
    assert world is not None and world.get("name") == "house"
    assert not list(root.iter("include")), "house.sdf must define every model inline (no <include>)"
    assert not list(root.iter("frame")), "no <frame> elements"
    for elem in root.iter():
        assert "relative_to" not in elem.attrib, f"<{elem.tag}> uses relative_to"

    problems = []
    for model in world.findall("model"):
        mname = model.get("name")
        if model.findtext("static", "").strip() != "true":
            problems.append(f"{mname}: not static")
        poses = [("model", model)]
        for link in model.findall("link"):
            poses.append((f"link {link.get('name')}", link))
            visuals = {v.get("name"): v for v in link.findall("visual")}
            for vis in visuals.values():
                poses.append((f"visual {vis.get('name')}", vis))
                diffuse = vis.find("material/diffuse")
                if diffuse is None or len((diffuse.text or "").split()) != 4:
                    problems.append(f"{mname}/{vis.get('name')}: no <material><diffuse>r g b a")
            for col in link.findall("collision"):
                cname = col.get("name")
                poses.append((f"collision {cname}", col))
                shape = col.find("geometry")[0].tag
                if shape == "plane":
                    if mname != "ground_plane":
                        problems.append(f"{mname}/{cname}: plane outside ground_plane")
                    continue
                if shape not in ("box", "cylinder", "sphere"):
                    problems.append(f"{mname}/{cname}: geometry {shape}")
                sibling = [
                    v
                    for v in visuals.values()
                    if geometry_signature(v) == geometry_signature(col) and parse_pose(v) == parse_pose(col)
                ]
                if not sibling:
                    problems.append(f"{mname}/{cname}: no sibling visual with the same geometry")
        for what, elem in poses:
            _, _, _, roll, pitch, _ = parse_pose(elem)
            if abs(roll) > 1e-9 or abs(pitch) > 1e-9:
                problems.append(f"{mname} {what}: roll/pitch not allowed in the world")
    assert not problems, "\n".join(problems)


def test_world_obstacles_stay_inside_the_outer_walls():
    world = ET.parse(HOUSE_SDF).getroot().find("world")
    for fp in world_footprints(world):
        if fp.name.startswith("walls/"):
            continue
        points = fp.polygon or [
            (fp.centre[0] + dx * fp.radius, fp.centre[1] + dy * fp.radius)
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
        ]
        for x, y in points:
            assert 0.05 - 1e-6 <= x <= 9.95 + 1e-6 and 0.05 - 1e-6 <= y <= 7.95 + 1e-6, (
                f"{fp.name} reaches ({x:.3f}, {y:.3f}), into or past the outer walls"
            )
        assert fp.zmin >= -1e-6, f"{fp.name} goes below the floor"


# ------------------------------------------------------------------------------- the sidecar


def test_sidecar_structure():
    data = load_sidecar()
    assert data["format"] == 1
    assert data["name"] == "house"
    assert (HOUSE_YAML.parent / data["geometry"]).resolve() == HOUSE_SDF.resolve()
    assert (HOUSE_YAML.parent / data["robot"]["model"]).is_file()
    assert isinstance(data["no_go_zones"], list)

    rooms = {room["name"]: room for room in data["rooms"]}
    assert len(rooms) == len(data["rooms"]), "duplicate room names"
    assert set(rooms) == REQUIRED_ROOMS
    total = 0.0
    for name, room in rooms.items():
        assert SNAKE_CASE.match(name), name
        polygon = [tuple(map(float, v)) for v in room["polygon"]]
        area = signed_area(polygon)
        assert area > 0, f"room {name}: polygon is not counter-clockwise"
        total += area
        for x, y in polygon:
            assert 0.0 <= x <= 10.0 and 0.0 <= y <= 8.0, f"room {name}: ({x}, {y}) outside the flat"
    assert total == pytest.approx(80.0), "rooms should tile the 10 m x 8 m flat"

    names = [place["name"] for place in data["places"]]
    assert len(names) == len(set(names)), "duplicate place names"
    assert set(names) >= REQUIRED_PLACES, f"missing places: {REQUIRED_PLACES - set(names)}"
    for place in data["places"]:
        assert SNAKE_CASE.match(place["name"]), place["name"]
        assert place["room"] in rooms, f"place {place['name']}: unknown room {place['room']}"
        assert len(place["pose"]) == 3
        assert isinstance(place.get("aliases", []), list)
        assert place.get("description"), f"place {place['name']}: no description"


def _poses_to_check():
    data = load_sidecar()
    rooms = {room["name"]: room["polygon"] for room in data["rooms"]}
    cases = [(f"place:{p['name']}", p["pose"], rooms[p["room"]]) for p in data["places"]]
    outer = [[0.0, 0.0], [10.0, 0.0], [10.0, 8.0], [0.0, 8.0]]
    cases.append(("dock", data["dock"]["pose"], outer))
    cases.append(("robot_spawn", data["robot"]["pose"], outer))
    return cases


@pytest.mark.parametrize("label,pose,polygon", _poses_to_check(), ids=lambda v: v if isinstance(v, str) else "")
def test_pose_is_free_floor_inside_its_room(label, pose, polygon):
    x, y, _ = (float(v) for v in pose)
    polygon = [tuple(map(float, v)) for v in polygon]
    assert point_in_polygon(x, y, polygon), f"{label} ({x}, {y}) is outside {polygon}"

    world = ET.parse(HOUSE_SDF).getroot().find("world")
    lo, hi = ROBOT_Z_BAND
    too_close = []
    for fp in world_footprints(world):
        if fp.zmax <= lo or fp.zmin >= hi:
            continue  # table tops, wall-mounted things: the robot passes under / they miss it
        d = fp.distance(x, y)
        if d < PLACE_CLEARANCE:
            too_close.append(f"{fp.name} at {d:.3f} m")
    assert not too_close, f"{label} ({x}, {y}) is closer than {PLACE_CLEARANCE} m to: {too_close}"


# ------------------------------------------------------------------------------- the robot


def test_robot_model_names():
    root = ET.parse(WORLDS / "models" / "llmos_bot" / "model.sdf").getroot()
    assert root.get("version") == "1.9"
    model = root.find("model")
    assert model.get("name") == "llmos_bot"
    assert model.get("canonical_link") == "base_footprint"
    links = {link.get("name"): link for link in model.findall("link")}
    assert {
        "base_footprint",
        "base_link",
        "left_wheel_link",
        "right_wheel_link",
        "base_scan",
        "camera_rgb_frame",
    } <= set(links)
    joints = {j.get("name"): j for j in model.findall("joint")}
    for name in ("left_wheel_joint", "right_wheel_joint"):
        assert joints[name].get("type") == "revolute"
        assert [float(v) for v in joints[name].findtext("axis/xyz").split()] == [0, 1, 0]
    bumper = links["base_link"].find("collision[@name='bumper_collision']")
    assert bumper is not None
    assert float(bumper.findtext("geometry/cylinder/radius")) == pytest.approx(0.17)
    sensors = {s.get("name"): s for s in model.iter("sensor")}
    assert sensors["lidar"].get("type") == "gpu_lidar"
    assert sensors["lidar"].findtext("topic") == "scan"
    assert sensors["camera"].findtext("topic") == "camera/image_raw"
    assert sensors["imu"].findtext("topic") == "imu"
    assert sensors["bumper"].findtext("contact/collision") == "bumper_collision"
    # the camera looks down: positive pitch in SDF tilts the +x axis toward -z; 0.2 rad (not 0.35)
    # keeps markers and legs in view (issue 7, `llmos-robot bench vision`)
    assert parse_pose(links["camera_rgb_frame"])[4] == pytest.approx(0.2)


# ------------------------------------------------------- vision objects (issue 7): objects: in the sidecar

# floor things the robot must drive around stay this far (m) from every named place, the dock and the spawn
OBJECT_CLEARANCE = 0.4


def _objects_by_kind(*kinds):
    return [o for o in load_sidecar().get("objects", []) if o["kind"] in kinds]


def test_stains_are_flat_visuals_the_robot_drives_over():
    world = ET.parse(HOUSE_SDF).getroot().find("world")
    dirt = next(m for m in world.findall("model") if m.get("name") == "dirt")
    assert not list(dirt.iter("collision")), "dirt and spills must not collide"
    visuals = {v.get("name"): v for v in dirt.iter("visual")}
    for stain in _objects_by_kind("dirt", "spill"):
        visual = visuals[f"{stain['name']}_visual"]
        x, y, z = parse_pose(visual)[:3]
        assert (x, y) == pytest.approx(stain["pose"][:2]), f"{stain['name']}: sidecar pose differs from the SDF"
        assert 0.001 <= z <= 0.003, f"{stain['name']}: should lie just on top of the floor coverings"


def test_floor_objects_keep_clear_of_places_and_have_their_markers():
    data = load_sidecar()
    poses = [(p["name"], p["pose"]) for p in data["places"]] + [
        ("dock", data["dock"]["pose"]),
        ("spawn", data["robot"]["pose"]),
    ]
    world = ET.parse(HOUSE_SDF).getroot().find("world")
    models = {m.get("name"): m for m in world.findall("model")}
    footprints = world_footprints(world)
    for thing in _objects_by_kind("product", "person"):
        model = {
            "bleach": "bleach_box",
            "floor_soap": "floor_soap_box",
            "furniture_polish": "furniture_polish_box",
        }.get(thing["name"], thing["name"])
        assert model in models, f"object {thing['name']}: no model {model} in house.sdf"
        mine = [fp for fp in footprints if fp.name.startswith(f"{model}/")]
        assert mine, f"{model} has no collision"
        for name, pose in poses:
            distance = min(fp.distance(pose[0], pose[1]) for fp in mine)
            assert distance >= OBJECT_CLEARANCE, f"{model} is {distance:.2f} m from {name}"
        if "marker_id" in thing:
            texture = models[model].find(".//albedo_map").text
            assert texture.endswith(f"aruco_4x4_50_id{thing['marker_id']}.png")
            assert (WORLDS / "models" / texture[len("model://") :]).is_file()
