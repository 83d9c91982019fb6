"""Where the package's share files (worlds, config, launch) live.

On a ROS install they are in share/llmos_robot (found through the ament index); in a source
checkout or an editable venv install they are beside the package, in the repository.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = "llmos_robot"


def share_dir() -> Path:
    source_tree = Path(__file__).resolve().parents[2]
    if (source_tree / "worlds").is_dir() and (source_tree / "package.xml").is_file():
        return source_tree
    try:
        from ament_index_python.packages import get_package_share_directory

        return Path(get_package_share_directory(PACKAGE))
    except (ImportError, LookupError, ValueError) as err:
        raise FileNotFoundError(
            f"cannot find the {PACKAGE} share directory (no source checkout, and the ament index "
            "does not list the package): source your ROS workspace or pass --world"
        ) from err


def default_world_path() -> Path:
    return share_dir() / "worlds" / "house.sdf"
