"""Where the DCGAN's classifier score is lost, and whether a discrete latent code wins it back.

The chapter's DCGAN draws z from one Gaussian, a connected space, and its generator is
continuous, so some of its samples must lie between two digits; the evaluator cannot
name those, and they cost most of the classifier score.  Giving the prior separate
pieces (a one-hot code of ``CODES`` categories, times ``CODE_SCALE``, appended to z:
after the generator's first, linear layer, a mixture of Gaussians with learned means,
as in DeLiGAN and InfoGAN's categorical code, without any labels) removes the need to
pass between them.  A third version adds a minibatch-standard-deviation feature to the
discriminator, against categories that collapse onto one digit, and trains 2,500 steps.
Each trains on the same images for several seeds; writes results/dcgan_latent_code.json
(variants not run keep their earlier results there).
Usage: python benchmarks/dcgan_latent_code.py [--variants plain code code+mbstd] [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import json
import time
from functools import partial

import ganbook  # noqa: F401  (imports TensorFlow quietly)
import keras
import numpy as np
import tensorflow as tf
from common import BOOK_DCGAN, RESULTS_DIR, compile_book_dcgan, make_book_dcgan, write_results
from ganbook import data, metrics, models, training

CODES, CODE_SCALE = 10, 3.0
N_TRAIN, N_EVAL = 8000, 2000


class CodedGAN(training.GAN):
    """A GAN whose noise ends in a one-hot code: one of ``codes`` equally likely
    categories, multiplied by ``scale``.  The generator's input holds both parts."""

    def __init__(self, generator, discriminator, codes: int, scale: float, seed: int = 0):
        super().__init__(generator, discriminator, seed=seed)
        if not 0 < codes < self.latent_dim:
            raise ValueError(f"codes must be between 1 and {self.latent_dim - 1} (the generator "
                             f"reads {self.latent_dim} numbers), got {codes}")
        self.codes, self.scale = codes, float(scale)

    def sample_noise(self, n, seed) -> tf.Tensor:
        """``n`` vectors: Gaussian noise, then ``scale`` times a one-hot code."""
        n = tf.cast(n, tf.int32)
        gaussian = tf.random.stateless_normal(tf.stack([n, self.latent_dim - self.codes]), seed=seed)
        code_seed = tf.cast(seed, tf.int64) + tf.constant([0, 1 << 40], tf.int64)
        category = tf.random.stateless_categorical(tf.zeros([1, self.codes]), n, seed=code_seed)[0]
        return tf.concat([gaussian, self.scale * tf.one_hot(category, self.codes)], axis=1)


def make_coded_dcgan(schedule_steps: int, seed: int = 0, minibatch_stddev: bool = False) -> CodedGAN:
    """The chapter's DCGAN and training settings, with a one-hot code appended to z."""
    generator = models.make_dcgan_generator(BOOK_DCGAN["LATENT_DIM"] + CODES, BOOK_DCGAN["G_WIDTH"])
    discriminator = models.make_dcgan_discriminator(BOOK_DCGAN["D_WIDTH"], minibatch_stddev=minibatch_stddev)
    return compile_book_dcgan(CodedGAN(generator, discriminator, CODES, CODE_SCALE, seed), schedule_steps)


# key: (label, builder, training steps)
VARIANTS = {
    "plain": ("book DCGAN (z ~ N(0, I))", make_book_dcgan, 2000),
    "code": (f"+ one-hot code ({CODES} categories x {CODE_SCALE:g})", make_coded_dcgan, 2000),
    "code+mbstd": ("+ one-hot code + minibatch stddev in D",
                   partial(make_coded_dcgan, minibatch_stddev=True), 2500),
}


def ambiguity(images: np.ndarray) -> dict:
    """Share of samples the evaluator is unsure of (top probability < 0.9), the share of
    the total predictive entropy they carry, and their mean top-two probability."""
    _, probabilities = metrics.load_evaluator("mnist").features_and_probabilities(images)
    top_two = np.sort(probabilities, axis=1)[:, -2:]
    entropy = -(probabilities * np.log(np.clip(probabilities, 1e-12, 1))).sum(1)
    unsure = top_two[:, 1] < metrics.CONFIDENT
    return {"unsure_share": float(unsure.mean()),
            "unsure_entropy_share": float(entropy[unsure].sum() / entropy.sum()),
            "unsure_top_two": float(top_two[unsure].sum(1).mean())}


def run(make, images: np.ndarray, steps: int, seed: int) -> dict:
    """Train one GAN for ``steps`` steps; return its final metrics and training time."""
    keras.utils.set_random_seed(seed)
    gan = make(steps, seed=seed)
    batches = training.SeededEpochs(images, BOOK_DCGAN["BATCH_SIZE"], seed=seed)
    epochs = -(-steps // batches.batches_per_epoch)
    start = time.perf_counter()
    gan.fit(batches.dataset, epochs=epochs, verbose=0, callbacks=[batches])
    seconds = time.perf_counter() - start
    samples = gan.generate(N_EVAL, seed=1)
    return {"seed": seed, "steps": int(gan.step.numpy()), "train_seconds": round(seconds, 1),
            **metrics.evaluate(samples, "mnist"), **ambiguity(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    dataset = data.load_dataset("mnist")
    images = data.to_signed_range(dataset.x_train[:N_TRAIN])
    previous = RESULTS_DIR / "dcgan_latent_code.json"
    results = json.loads(previous.read_text())["variants"] if previous.is_file() else {}
    for key in args.variants:
        name, make, steps = VARIANTS[key]
        results[name] = []
        for seed in args.seeds:
            results[name].append(run(make, images, steps, seed))
            r = results[name][-1]
            print(f"{name}, seed {seed}: score {r['classifier_score']:.2f}, class KL "
                  f"{r['class_kl']:.3f}, FID {r['fid']:.1f}, unsure {r['unsure_share']:.3f}", flush=True)
    order = [name for name, _, _ in VARIANTS.values() if name in results]
    write_results("dcgan_latent_code", {
        "variants": {name: results[name] for name in order}, "n_eval": N_EVAL,
        "data": dataset.describe().splitlines()[0], "floor": metrics.real_floor("mnist", N_EVAL),
    })


if __name__ == "__main__":
    main()
