# llmos_robot: the two commands are `make demo` and `make test`; both set up what is missing first.

VENV      ?= .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.llmos-setup-done
OUT       ?= out
# What, when changed, makes `make setup` run again.
SETUP_INPUTS := tools/setup.sh tools/build_interfaces.sh tools/post_install.txt constraints.txt $(shell find requirements -type f) \
                setup.py setup.cfg package.xml $(shell find interfaces -type f 2>/dev/null)

export AMENT_PREFIX_PATH := $(abspath $(VENV))
export MUJOCO_GL ?= egl

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): $(SETUP_INPUTS)
	VENV=$(VENV) bash tools/setup.sh
	touch $@

demo: $(STAMP)
	$(VENV)/bin/llmos-robot demo --out $(OUT)/demo

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check llmos_robot test
	$(VENV)/bin/mypy llmos_robot

bench: $(STAMP)
	$(VENV)/bin/llmos-robot bench sim --out $(OUT)/bench-sim.json

clean:
	rm -rf build $(OUT) .pytest_cache
