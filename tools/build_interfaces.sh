#!/usr/bin/env bash
# Build the llmos_interfaces ament_cmake package (msg/srv/action) and install it
# into a Python venv whose ROS 2 comes from PyPI wheels (no ROS install needed).
#
# Usage: tools/build_interfaces.sh VENV_DIR
#
# The venv must already hold the runtime wheels (ros-jazzy-rclpy, ...) and
# requirements/interfaces.txt. Afterwards, with AMENT_PREFIX_PATH=VENV_DIR,
#   VENV_DIR/bin/python -c "from llmos_interfaces.msg import Bumper"
# works. Generated libraries land in VENV_DIR/lib, which the
# ros-wheels-bootstrapper .pth already puts on LD_LIBRARY_PATH.
#
# Idempotent: a second run is a no-op while the installed result (a stamp in
# VENV_DIR/share/llmos_interfaces/) is newer than every file of the package.
# Set LLMOS_INTERFACES_FORCE=1 to rebuild anyway.
set -euo pipefail

die() {
  echo "build_interfaces.sh: ERROR: $*" >&2
  exit 1
}
log() {
  echo "build_interfaces.sh: $*"
}

[[ $# -eq 1 ]] || die "usage: $0 VENV_DIR"
[[ -d "$1" ]] || die "venv dir '$1' does not exist (create it with: python3 -m venv $1)"
VENV="$(cd "$1" && pwd -P)"
PY="$VENV/bin/python"
[[ -x "$PY" ]] || die "'$PY' not found: '$VENV' is not a Python venv"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$SCRIPT_DIR/.." && pwd -P)"
PKG_NAME=llmos_interfaces
PKG_DIR="$REPO/interfaces/$PKG_NAME"
[[ -f "$PKG_DIR/CMakeLists.txt" && -f "$PKG_DIR/package.xml" ]] \
  || die "package sources not found in $PKG_DIR"
# Scratch build dir inside the repo (gitignored), one per repo checkout.
BUILD_DIR="${LLMOS_INTERFACES_BUILD_DIR:-$REPO/build/$PKG_NAME}"
# The stamp lives in the venv so that a fresh venv always gets a build.
STAMP="$VENV/share/$PKG_NAME/.build_interfaces.stamp"
# Copy of cmake's install manifest, to remove files of a previous build
# (e.g. a deleted .msg) before installing the new one.
MANIFEST="$VENV/share/$PKG_NAME/.install_manifest.txt"

# Never pick up a sourced ROS install or foreign Python packages: the build must
# see only this venv. The bootstrapper's guard is dropped so every python we
# start re-execs with LD_LIBRARY_PATH for *this* venv's wheel libs.
unset PYTHONPATH PYTHONHOME _ROS_WHEELS_BOOTSTRAP_COMPLETE
export AMENT_PREFIX_PATH="$VENV"
export CMAKE_PREFIX_PATH="$VENV"
export PATH="$VENV/bin:$PATH"

mkdir -p "$BUILD_DIR"
# Serialize concurrent runs: they would share the build dir or the venv.
exec 8>"$VENV/.build_interfaces.lock" 9>"$BUILD_DIR/.lock"
flock 8 && flock 9 || die "could not lock $VENV/.build_interfaces.lock or $BUILD_DIR/.lock"

# ---------------------------------------------------------------------------
# Skip when up to date: stamp newer than every package file and this script.
if [[ -f "$STAMP" && "${LLMOS_INTERFACES_FORCE:-0}" != 1 ]]; then
  newer="$(find "$PKG_DIR" "$SCRIPT_DIR/$(basename "${BASH_SOURCE[0]}")" \
             -newer "$STAMP" -print -quit)"
  if [[ -z "$newer" ]]; then
    log "$PKG_NAME is up to date in $VENV (stamp $STAMP); nothing to do"
    exit 0
  fi
  log "rebuilding: $newer changed since the last build"
fi

# ---------------------------------------------------------------------------
# Preflight: fail with a clear message instead of cmake naming one missing
# piece per run.
for tool in cmake c++ cc make; do
  command -v "$tool" >/dev/null \
    || die "'$tool' not found; install it with: apt-get install -y cmake g++ make"
done

"$PY" - <<'EOF' || die "the venv is not usable (see above); run: $PY -m pip install -r $REPO/requirements/interfaces.txt"
import sys
if sys.prefix == sys.base_prefix:
    sys.exit(f"{sys.executable} is not running inside a venv")
missing = []
for mod in ("catkin_pkg", "ament_package", "numpy", "em", "lark", "setuptools",
            "rosidl_generator_py", "rosidl_adapter"):
    try:
        __import__(mod)
    except ImportError:
        missing.append(mod)
if missing:
    sys.exit("missing Python modules in the venv: " + ", ".join(missing))
EOF

missing=()
for pkg in ament_cmake ament_cmake_ros ament_cmake_gmock ament_cmake_gtest \
           ament_cmake_pytest ament_cmake_include_directories \
           python_cmake_module rosidl_default_generators rosidl_core_generators \
           rosidl_default_runtime builtin_interfaces std_msgs geometry_msgs; do
  [[ -d "$VENV/share/$pkg/cmake" ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) || die "ROS cmake packages missing in $VENV: ${missing[*]}
  install them with: $PY -m pip install -r $REPO/requirements/interfaces.txt"

# This interpreter's paths, replacing the wheel build machine's.
PY_INCLUDE="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
NUMPY_INCLUDE="$("$PY" -c 'import numpy; print(numpy.get_include())')"
PY_PURELIB="$("$PY" -c 'import os, sys, sysconfig; print(os.path.relpath(sysconfig.get_path("purelib"), sys.prefix))')"
[[ -f "$PY_INCLUDE/Python.h" ]] \
  || die "Python headers not found ($PY_INCLUDE/Python.h); on Debian: apt-get install -y python3-dev"
[[ -d "$NUMPY_INCLUDE/numpy" ]] || die "numpy headers not found in $NUMPY_INCLUDE"

# ---------------------------------------------------------------------------
# The wheels' exported *.cmake files name the wheel build machine's Python and
# numpy include dirs (manylinux /opt/python/cpXY-cpXY/...); cmake refuses
# imported targets with non-existent include dirs. Rewrite them to this
# interpreter's. Idempotent: a rewritten file no longer matches.
OPT_PY='/opt/python/cp3[0-9]+-cp3[0-9]+t?'
RE_NUMPY="$OPT_PY/lib/python3\.[0-9]+t?/site-packages/numpy/(_core|core)/include"
RE_PYINC="$OPT_PY/include/python3\.[0-9]+t?"
sed_escape() { printf '%s' "$1" | sed -e 's/[\\#&]/\\&/g'; }
mapfile -t stale < <(grep -rlE --include='*.cmake' "$OPT_PY/" "$VENV/share" "$VENV/lib/cmake" 2>/dev/null || true)
if ((${#stale[@]} > 0)); then
  log "rewriting wheel-build-machine paths in ${#stale[@]} cmake file(s)"
  sed -i -E \
    -e "s#$RE_NUMPY#$(sed_escape "$NUMPY_INCLUDE")#g" \
    -e "s#$RE_PYINC#$(sed_escape "$PY_INCLUDE")#g" \
    "${stale[@]}"
  left="$(grep -rlE --include='*.cmake' "$OPT_PY/" "${stale[@]}" || true)"
  [[ -z "$left" ]] || die "unrecognised /opt/python paths remain in: $left"
fi

# ---------------------------------------------------------------------------
# Always build from a clean dir: rosidl leaves generated files of removed
# interfaces behind (an incremental build then fails), and the cache pins the
# paths of whichever venv configured it. rosidl regenerates every file of the
# package on any change anyway, so a clean build costs only the configure.
find "$BUILD_DIR" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +

start=$SECONDS
# Timestamp taken before reading the sources: an edit made during the build
# leaves a source newer than the stamp, so the next run rebuilds.
NEW_STAMP="$BUILD_DIR/.stamp.new"
touch "$NEW_STAMP"
log "configuring $PKG_DIR in $BUILD_DIR"
cmake -S "$PKG_DIR" -B "$BUILD_DIR" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$VENV" \
  -DPython3_EXECUTABLE="$PY" \
  -DPYTHON_INSTALL_DIR="$PY_PURELIB" \
  -DBUILD_TESTING=OFF \
  || die "cmake configure failed (see above)"

log "building"
cmake --build "$BUILD_DIR" -j "$(nproc)" || die "build failed (see above)"

# Remove what the previous install put there, so removed interfaces vanish:
# the files cmake listed, and the dirs only this package owns (they also hold
# .pyc caches and empty dirs that no manifest lists).
if [[ -f "$MANIFEST" ]]; then
  while IFS= read -r f; do
    if [[ "$f" == "$VENV"/* ]]; then rm -f -- "$f"; fi
  done <"$MANIFEST"
fi
rm -rf -- "$VENV/include/$PKG_NAME" "$VENV/share/$PKG_NAME" "$VENV/$PY_PURELIB/$PKG_NAME"
log "installing into $VENV"
cmake --install "$BUILD_DIR" || die "install failed (see above)"
cp "$BUILD_DIR/install_manifest.txt" "$MANIFEST"

# Prove the result loads the way callers will use it: a fresh interpreter
# (bootstrapper re-exec) that imports the message, loads its C type support
# and serializes one.
log "checking the installed package"
"$PY" - <<'EOF' || die "built, but the installed $PKG_NAME does not load (see above)"
from llmos_interfaces.msg import Bumper
from rclpy.serialization import deserialize_message, serialize_message
msg = Bumper(pressed=True, contact_angle=0.5)
assert deserialize_message(serialize_message(msg), Bumper) == msg
EOF

mv -f "$NEW_STAMP" "$STAMP"
log "done in $((SECONDS - start)) s: $PKG_NAME installed into $VENV"
