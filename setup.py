"""ament_python packaging for llmos_robot.

On a ROS install, `colcon build` uses the data_files below to lay out
share/llmos_robot and the ament index, and setup.cfg puts the node executables in
lib/llmos_robot so that `ros2 run llmos_robot <node>` finds them. In the project's
venv the package is installed editable and finds its share files in the source tree.
"""

from pathlib import Path

from setuptools import find_packages, setup

PACKAGE = "llmos_robot"
HERE = Path(__file__).parent


def tree(folder: str) -> list[tuple[str, list[str]]]:
    """data_files entries installing every file under `folder` into share/<pkg>/<folder>."""
    entries: dict[str, list[str]] = {}
    for path in sorted((HERE / folder).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(HERE)
            target = str(Path("share") / PACKAGE / relative.parent)
            entries.setdefault(target, []).append(str(relative))
    return sorted(entries.items())


# One executable per node; `ros2 run llmos_robot sim` and `llmos-robot sim` start the same code.
NODES = [
    "sim = llmos_robot.ros.sim_node:main",
    "tour = llmos_robot.ros.tour_node:main",
    "memory = llmos_robot.ros.memory_node:main",
    "speech_in = llmos_robot.ros.speech_in_node:main",
    "speech_out = llmos_robot.ros.speech_out_node:main",
    "map = llmos_robot.ros.map_node:main",
    "coverage = llmos_robot.ros.coverage_node:main",
    "kernel = llmos_robot.ros.kernel_node:main",
    "vision = llmos_robot.ros.vision_node:main",
    "localiser = llmos_robot.ros.localiser_node:main",
    "gz_bumper = llmos_robot.ros.gz_bumper_node:main",
]

setup(
    name=PACKAGE,
    version="0.1.0",
    packages=find_packages(include=[PACKAGE, f"{PACKAGE}.*"]),
    data_files=[
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
        *tree("launch"),
        *tree("config"),
        *tree("worlds"),
    ],
    install_requires=["setuptools"],
    zip_safe=False,
    maintainer="llmos_robot maintainers",
    maintainer_email="maintainers@llmos-robot.invalid",
    description="A household cleaning robot whose operating system is a language model.",
    license="Apache-2.0",
    python_requires=">=3.10",
    entry_points={
        "console_scripts": [
            "llmos-robot = llmos_robot.cli:main",
            *NODES,
        ],
    },
)
