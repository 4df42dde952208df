import json
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = []
md = lambda s: cells.append(new_markdown_cell(s.strip("\n")))


def code(s, tags=None):
    c = new_code_cell(s.strip("\n"))
    if tags:
        c.metadata["tags"] = tags
    cells.append(c)


md(r'''
# Other objectives on images: WGAN-GP and BEGAN

The Losses chapter raced six objectives on 2-D toys, where every mode can be counted.
This chapter takes two of the most influential alternatives to the cross-entropy GAN
to images, with the DCGAN chapter's generator and MNIST digits:

- **WGAN-GP** {cite:p}`gulrajani2017`: a critic that estimates the Wasserstein
  distance, kept 1-Lipschitz by a gradient penalty. Its selling point was that the
  critic's loss *means something*: it falls as the samples improve. We check that
  claim with a rank correlation against FID over training.
- **BEGAN** {cite:p}`berthelot2017`: a discriminator that is an **autoencoder**, a
  generator that wants its images reconstructed well, and a controller $k_t$ that keeps
  the two in equilibrium. It too offers a number that tracks convergence,
  $\mathcal M_\text{global}$, and a knob $\gamma$ that trades variety for quality.

WGAN-GP trains with its paper's settings; BEGAN needs two changes to train in minutes,
each said and measured. Neither reaches the quality of the DCGAN chapter in this budget,
and the chapter says how far they are. It then builds the 64×64 DCGAN of the original
paper, and ends with where GANs are used and where they stand today.

**Learning goals**

- train WGAN-GP on images with its paper's recipe (a critic without batch
  normalisation, five critic steps on fresh real batches, $\lambda = 10$, Adam with
  $\beta_1 = 0$, $\beta_2 = 0.9$), and test whether its loss tracks sample quality;
- write BEGAN's losses, its $k_t$ update and its convergence measure, and explain what
  $\gamma$ controls;
- say why a recipe made for 100,000 steps may need changing for 1,500, and measure
  the change;
- build the five-layer 64×64 DCGAN and check its shapes;
- name the main applications of GANs and their open problems.
''')
code('''
# Colab only: install the book's helper package (locally, `make` has done it).
import sys

if "google.colab" in sys.modules:
    %pip install -q "ganbook @ git+https://github.com/gan-book/gan-book@main"
''', ["remove-cell"])
code('''
SEED = 0
LATENT_DIM = 16        # the DCGAN chapter's generator
G_WIDTH = 16
D_WIDTH = 32           # the critic's and the autoencoder's width
BATCH_SIZE = 64        # real images per critic step
N_CRITIC = 5           # WGAN-GP: critic steps per generator step
GP_WEIGHT = 10.0       # WGAN-GP: lambda of the gradient penalty
WGAN_LR = 1e-4         # WGAN-GP: Adam, beta_1 = 0, beta_2 = 0.9
BEGAN_LR = 1e-3        # BEGAN: Adam, beta_1 = 0.5, decayed to 0
HIDDEN = 32            # BEGAN: numbers in the autoencoder's bottleneck
GAMMAS = (@@GAMMAS@@)   # BEGAN: two diversity ratios to compare
LAMBDA_K = 0.01        # BEGAN: the rate of k's update (the paper: 0.001)
N_EVAL = 2000          # generated images per measurement
''', ["parameters"])
code('''
import ganbook  # import first: it quietens TensorFlow's C++ start-up log
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers
from scipy.stats import spearmanr
from ganbook import (budget, callbacks, data, losses, metrics, models, plot,
                     training)

keras.utils.set_random_seed(SEED)
PROFILE = ganbook.active_profile()
N_TRAIN = budget(full=8000, smoke=640)
WGAN_EPOCHS = budget(full=@@WGAN_EPOCHS@@, smoke=2)  # 25 generator steps each
BEGAN_EPOCHS = budget(full=@@BEGAN_EPOCHS@@, smoke=1)  # 125 steps each
EVALUATIONS = budget(full=8, smoke=2)   # FID measurements per run
print(f"profile: {PROFILE}; WGAN-GP {WGAN_EPOCHS} epochs, BEGAN "
      f"{BEGAN_EPOCHS} epochs, over at most {N_TRAIN} images")
''')
code('''
mnist = data.load_dataset("mnist")
digits = data.to_signed_range(mnist.x_train[:N_TRAIN])
floor = metrics.real_floor("mnist", N_EVAL)
print(mnist.describe())
print(f"real floor on {N_EVAL} images: FID {floor['fid']:.1f}, classifier "
      f"score {floor['classifier_score']:.2f}")
''')
md(r'''
(wb-wgan)=
## WGAN-GP on digits

The Losses chapter derived the critic's objective: the Kantorovich-Rubinstein duality
writes the Wasserstein-1 distance as
$W(p_\text{data}, p_g) = \sup_{\lVert f \rVert_L \le 1}
\mathbb{E}_{x \sim p_\text{data}} f(x) - \mathbb{E}_{z} f(G(z))$, and WGAN-GP keeps the
critic $f$ near 1-Lipschitz with the penalty
$\lambda\, \mathbb{E}_{\hat x}\big[(\lVert \nabla f(\hat x) \rVert - 1)^2\big]$ at random
points $\hat x$ between real and generated images. The critic minimises
$\mathbb{E} f(G(z)) - \mathbb{E} f(x)$ plus the penalty; the generator minimises
$-\mathbb{E} f(G(z))$. On images, three details of the paper's Algorithm 1 matter:

- **no batch normalisation in the critic.** The penalty is a sum of per-image
  gradient norms; batch norm makes each image's score depend on the rest of the batch,
  and the per-image gradient is then not the one the penalty should constrain. The
  DCGAN chapter's discriminator has no batch norm, so it serves as the critic as it is
  (without the spread feature, which is a batch statistic too);
- **five critic steps per generator step, each on a fresh real batch.** The critic
  should be close to its optimum before the generator moves. `training.GAN` with
  `n_critic=5` splits every training batch into five real batches, one per critic step,
  so each batch holds `5 * BATCH_SIZE` images;
- **Adam with $\beta_1 = 0$, $\beta_2 = 0.9$ and a rate of $10^{-4}$**, $\lambda = 10$.

We train it exactly so, measuring FID as it goes, and record the critic's loss.
''')
code('''
def make_wgan_gp(seed=SEED):
    # The DCGAN generator against a batch-norm-free critic, the paper's recipe.
    keras.utils.set_random_seed(seed)
    gan = training.GAN(models.make_dcgan_generator(LATENT_DIM, G_WIDTH),
                       models.make_dcgan_discriminator(D_WIDTH), seed=seed)
    gan.compile(keras.optimizers.Adam(WGAN_LR, beta_1=0.0, beta_2=0.9),
                keras.optimizers.Adam(WGAN_LR, beta_1=0.0, beta_2=0.9),
                d_loss_fn=losses.wasserstein_d_loss,
                g_loss_fn=losses.wasserstein_g_loss, n_critic=N_CRITIC,
                gradient_penalty_weight=GP_WEIGHT)
    return gan


def train(gan, batch_size, epochs):
    # Train for `epochs` passes, measuring FID about EVALUATIONS times, always
    # at the end of an epoch; keep the losses' means per epoch as well.
    batches = callbacks.SeededEpochs(digits, batch_size, seed=SEED)
    per_epoch = batches.batches_per_epoch
    every = per_epoch * max(epochs // EVALUATIONS, 1)
    evaluate = callbacks.Evaluate(every=every, dataset="mnist", n=N_EVAL)
    start = time.perf_counter()
    history = gan.fit(batches.dataset, epochs=epochs, verbose=0,
                      callbacks=[batches, evaluate,
                                 callbacks.StopOnNonFinite()])
    seconds = time.perf_counter() - start
    final = {k: v[-1] for k, v in evaluate.history.items()}
    print(f"{int(gan.step.numpy())} steps in {seconds:.0f} s: FID "
          f"{final['fid']:.1f}, classifier score "
          f"{final['classifier_score']:.2f}")
    return {"seconds": seconds, "history": evaluate.history, "final": final,
            "losses": history.history, "per_epoch": per_epoch}
''')
code('''
wgan_batch = N_CRITIC * BATCH_SIZE  # five real batches: one per critic step
wgan = make_wgan_gp()
wgan_run = train(wgan, wgan_batch, WGAN_EPOCHS)
plot.image_grid(wgan.generate(48, seed=3), ncols=12,
                title=f"WGAN-GP after {int(wgan.step.numpy())} generator steps")
''')
md(r'''
@@WGAN_PROSE@@
''')
md(r'''
(wb-wgan-tracks)=
## Does the critic's loss track quality?

The critic's loss without the penalty, $\mathbb{E} f(x) - \mathbb{E} f(G(z))$, is an
estimate of the Wasserstein distance (up to the critic's Lipschitz constant and how
close it is to its supremum). If it tracks sample quality, it should fall when FID
falls. At every FID measurement we take the mean of the critic's logged loss over the
preceding stretch of training, negate it (the critic *minimises* the negative
distance), and compute **Spearman's rank correlation** between the two sequences: 1
if they always move together, 0 if unrelated.
''')
code('''
def loss_before_each_measurement(run, name, sign=1.0):
    # Mean of a logged loss over the epochs since the previous FID measurement.
    values = sign * np.asarray(run["losses"][name])
    epoch_ends = run["per_epoch"] * np.arange(1, len(values) + 1)
    steps = run["history"]["step"]
    return np.asarray([values[(epoch_ends > a) & (epoch_ends <= b)].mean()
                       for a, b in zip([0] + steps[:-1], steps)])


def tracks(run, name, sign, label, ax):
    # Plot a loss against FID over training; return their rank correlation.
    loss = loss_before_each_measurement(run, name, sign)
    fid = np.asarray(run["history"]["fid"])
    rho = spearmanr(loss, fid).statistic
    ax.plot(loss, fid, "o-")
    for step, x, y in zip(run["history"]["step"], loss, fid):
        ax.annotate(str(step), (x, y), fontsize=7)
    ax.set(xlabel=label, ylabel="FID", yscale="log",
           title=f"Spearman rank correlation {rho:.2f}")
    return rho


fig, ax = plt.subplots(figsize=(5, 3.5))
wgan_rho = tracks(wgan_run, "d_loss", -1.0,
                  "critic's estimate of W (with the penalty)", ax)
fig.tight_layout()
''')
code('''
# Hidden in the book: the prose below rests on these measurements.
if PROFILE == "full":
    assert wgan_rho > 0.6, wgan_rho
''', ["remove-cell"])
md(r'''
@@WGAN_TRACKS_PROSE@@

(wb-began)=
## BEGAN: a discriminator that reconstructs

BEGAN's discriminator is an **autoencoder** $D$: an image in, an image out. Its
reconstruction error

$$
\mathcal L(v) = \lvert v - D(v) \rvert \quad \text{(the mean absolute error over pixels)}
$$

is what the game is about. The discriminator wants to reconstruct real images well and
generated ones badly; the generator wants its images reconstructed well:

$$
\mathcal L_D = \mathcal L(x) - k_t\, \mathcal L(G(z_D)), \qquad
\mathcal L_G = \mathcal L(G(z_G)), \qquad
k_{t+1} = \operatorname{clip}_{[0, 1]}\big(k_t + \lambda_k (\gamma\, \mathcal L(x)
  - \mathcal L(G(z_G)))\big).
$$

Instead of matching distributions of images, BEGAN matches distributions of
reconstruction *errors*; {cite:t}`berthelot2017` derive the losses from a lower bound
on the Wasserstein distance between the two error distributions. $k_t$ is a feedback
controller (the paper calls it proportional control; since $k_t$ adds up the errors
over time, a control engineer would call it integral control). The target is the
**equilibrium**
$\mathbb{E}\,\mathcal L(G(z)) = \gamma\, \mathbb{E}\,\mathcal L(x)$: when the
generated images are reconstructed too well (the generator is winning), $k_t$ grows and
the discriminator pushes harder against them; when they are reconstructed badly, $k_t$
shrinks and the discriminator returns to its autoencoding. $\gamma \in (0, 1]$, the
**diversity ratio**, sets the target: a low $\gamma$ lets the discriminator focus on
reconstructing real images, which the paper found gives sharper, less varied samples.
Finally,

$$
\mathcal M_\text{global} = \mathcal L(x) + \lvert \gamma\, \mathcal L(x) - \mathcal L(G(z_G)) \rvert
$$

is small when the real images are reconstructed well *and* the game is at its
equilibrium: the paper's measure of convergence. In code:
''')
code('''
def autoencoder_loss(images, reconstructions):
    # L(v) = |v - D(v)|, each image's mean absolute error.
    return tf.reduce_mean(tf.abs(images - reconstructions), axis=[1, 2, 3])


def k_update(k, real_loss, fake_loss, gamma, lambda_k):
    # One step of the proportional controller, clipped to [0, 1].
    return tf.clip_by_value(k + lambda_k * (gamma * real_loss - fake_loss),
                            0.0, 1.0)


def convergence(real_loss, fake_loss, gamma):
    # M_global: good reconstructions, and the game at its equilibrium.
    return real_loss + tf.abs(gamma * real_loss - fake_loss)


def make_autoencoder(width, hidden):
    # 28x28 -> 14x14xwidth -> `hidden` numbers -> 14x14xwidth -> 28x28.
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(width, 3, strides=2, padding="same"), layers.ReLU(),
        layers.Flatten(),
        layers.Dense(hidden, name="embedding"),
        layers.BatchNormalization(), layers.ReLU(),
        layers.Dense(14 * 14 * width),
        layers.BatchNormalization(), layers.ReLU(),
        layers.Reshape((14, 14, width)),
        layers.UpSampling2D(),
        layers.Conv2D(1, 3, padding="same"),  # linear: a reconstruction
    ], name="autoencoder_discriminator")
    assert model.output_shape == (None, 28, 28, 1)
    return model
''')
code('''
# Hidden in the book: the same functions and network as ganbook's.
rng = np.random.default_rng(0)
a, b = rng.uniform(-1, 1, (2, 3, 28, 28, 1)).astype("float32")
np.testing.assert_allclose(autoencoder_loss(a, b),
                           losses.autoencoder_loss(a, b), rtol=1e-6)
for args in [(0.5, 0.2, 0.05), (0.0, 0.1, 0.9), (0.9995, 1.0, 0.0)]:
    np.testing.assert_allclose(k_update(*args, 0.5, 0.01),
                               losses.began_k_update(*args, 0.5, 0.01))
np.testing.assert_allclose(convergence(0.2, 0.3, 0.5),
                           losses.began_convergence(0.2, 0.3, 0.5))
inline, package = (make_autoencoder(D_WIDTH, HIDDEN),
                   models.make_autoencoder_discriminator(D_WIDTH, HIDDEN))
assert ([type(l).__name__ for l in inline.layers]
        == [type(l).__name__ for l in package.layers])
package.set_weights(inline.get_weights())
np.testing.assert_allclose(inline(a), package(a), atol=1e-5)
''', ["remove-cell"])
md(r'''
The functions are `losses.autoencoder_loss`, `losses.began_k_update` and
`losses.began_convergence`, the network `models.make_autoencoder_discriminator`, and
`training.BEGAN` trains them: one discriminator step, one generator step, then $k$'s
update, with $k$ a variable of the model so that a checkpoint keeps it. As in the
paper, $z$ is uniform on $[-1, 1]$ and $k$ starts at 0. The generator is again the
DCGAN chapter's (the paper's generator has the decoder's architecture), so that only
the objective changes.

Two departures from the paper, both forced by a run of minutes instead of days, and
both measured by the README's benchmark (`benchmarks/family.py`):

- **A small autoencoder.** The paper's discriminator is a deep autoencoder of ELU
  convolutions without normalisation. Trained briefly, such a network reconstructs
  *any* smooth image well, generated ones included; the generator then settles on
  images that are easy to reconstruct, and BEGAN does not get started. The
  autoencoder above has one convolution and a 32-number bottleneck with batch
  normalisation, so that reconstructing well is something it has to learn *about
  digits*.
- **A faster controller and learning rate.** With the paper's
  $\lambda_k = 10^{-3}$, $k_t$ grows by about $10^{-3} \times 0.05$ per step: after
  1,500 steps it is still near 0, and the discriminator hardly pushes against the
  generated images at all. `LAMBDA_K` = 0.01 lets it react within the run, and Adam
  starts at `BEGAN_LR` and decays to 0, as in the DCGAN chapter.
''')
code('''
def make_began(gamma, seed=SEED):
    # BEGAN with the DCGAN generator and the autoencoder above.
    keras.utils.set_random_seed(seed)
    gan = training.BEGAN(models.make_dcgan_generator(LATENT_DIM, G_WIDTH),
                         make_autoencoder(D_WIDTH, HIDDEN), seed=seed)
    steps = BEGAN_EPOCHS * (len(digits) // BATCH_SIZE)

    def adam():
        schedule = keras.optimizers.schedules.CosineDecay(BEGAN_LR, steps)
        return keras.optimizers.Adam(schedule, beta_1=0.5)

    gan.compile(adam(), adam(), gamma=gamma, lambda_k=LAMBDA_K)
    return gan


began_runs = {}
for gamma in GAMMAS:
    began = make_began(gamma)
    began_runs[gamma] = {**train(began, BATCH_SIZE, BEGAN_EPOCHS),
                         "gan": began}
fig, axes = plt.subplots(1, 2, figsize=(11, 3.3))
for gamma, run in began_runs.items():
    epoch_ends = run["per_epoch"] * np.arange(1, BEGAN_EPOCHS + 1)
    axes[0].plot(epoch_ends, run["losses"]["k"], "o-",
                 label=f"gamma = {gamma}")
    axes[1].plot(epoch_ends, run["losses"]["m_global"], "o-",
                 label=f"gamma = {gamma}")
axes[0].set(xlabel="step", ylabel="k, mean per epoch",
            title="the controller k")
axes[1].set(xlabel="step", ylabel="M_global, mean per epoch", yscale="log",
            title="the convergence measure")
for ax in axes:
    ax.legend()
fig.tight_layout()
''')
md(r'''
@@BEGAN_FAST_PROSE@@
''')
code('''
fig, ax = plt.subplots(figsize=(5, 3.5))
began_rho = tracks(began_runs[GAMMAS[0]], "m_global", 1.0,
                   f"M_global (gamma = {GAMMAS[0]})", ax)
fig.tight_layout()
''')
code('''
def variety(samples):
    # Total variance of the evaluator's features, relative to real digits'.
    evaluator = metrics.load_evaluator("mnist")
    features, _ = evaluator.features_and_probabilities(samples)
    real, _ = evaluator.features_and_probabilities(mnist.x_test)
    return np.trace(np.cov(features.T)) / np.trace(np.cov(real.T))


rows = []
for name, run, gan in [("WGAN-GP", wgan_run, wgan)] + [
        (f"BEGAN, gamma = {g}", r, r["gan"]) for g, r in began_runs.items()]:
    final = run["final"]
    rows.append([name, final["step"], final["fid"], final["classifier_score"],
                 final["class_kl"], variety(gan.generate(N_EVAL, seed=1)),
                 run["seconds"]])
plot.table(rows + [["real digits (floor)", "", floor["fid"],
                    floor["classifier_score"], floor["class_kl"], 1.0, ""]],
           ["model", "steps", "FID", "classifier score", "class KL",
            "variety (real = 1)", "seconds"], digits=3)
''')
code('''
fig, axes = plt.subplots(1, len(GAMMAS), figsize=(11, 3.2))
for ax, (gamma, run) in zip(axes, began_runs.items()):
    ax.imshow(plot.tile_images(run["gan"].generate(40, seed=3), ncols=10),
              cmap="gray")
    ax.set(title=f"BEGAN, gamma = {gamma}")
    ax.axis("off")
fig.tight_layout()
''')
code('''
# Hidden in the book: the prose below rests on these measurements.
if PROFILE == "full":
    low, high = (began_runs[min(GAMMAS)], began_runs[max(GAMMAS)])
    assert variety(low["gan"].generate(N_EVAL, seed=1)) < variety(
        high["gan"].generate(N_EVAL, seed=1)), "gamma's trade-off"
@@GOAL_ASSERTS@@
''', ["remove-cell"])
md(r'''
@@RESULTS_PROSE@@

(wb-dcgan64)=
## The 64×64 DCGAN

{cite:t}`radford2015` trained on 64×64 images with five layers in each network: the
generator projects $z$ to a 4×4×1024 stack, then four transposed convolutions with
stride 2 halve the channels and double the size, 4→8→16→32→64; the discriminator
mirrors it with four strided convolutions and a last linear layer. Batch normalisation
everywhere except the generator's output and the discriminator's input. One of the
book's source articles lists such a network (in PyTorch) but calls its layer counts six,
twelve and fifteen and puts a "down-sampling layer" in the generator; the networks are
simply five layers deep each, and the generator only upsamples.

`models.make_dcgan64_generator` and `models.make_dcgan64_discriminator` build them
with a `width` parameter (128 gives the paper's 1024-512-256-128 channels). There is
no 64×64 dataset offline here, so a short smoke run trains a narrow version on
Fashion-MNIST enlarged to 64×64; with internet, `keras.datasets.cifar10` (32×32,
resized) or a folder of CelebA faces drops into the same code.
''')
code('''
WIDTH_64 = 16           # the paper's is 128: this fits a CPU
STEPS_64 = budget(full=@@STEPS_64@@, smoke=4)
clothes = data.load_dataset("fashion_mnist").x_train[:budget(full=4000,
                                                             smoke=256)]
clothes_64 = tf.image.resize(data.to_signed_range(clothes), (64, 64)).numpy()
keras.utils.set_random_seed(SEED)
gan_64 = training.GAN(models.make_dcgan64_generator(100, WIDTH_64, channels=1),
                      models.make_dcgan64_discriminator(WIDTH_64, channels=1),
                      seed=SEED, prior="uniform")
gan_64.compile(keras.optimizers.Adam(2e-4, beta_1=0.5),
               keras.optimizers.Adam(2e-4, beta_1=0.5))
assert gan_64.generator.output_shape == (None, 64, 64, 1)
assert gan_64.discriminator.output_shape == (None, 1)
batches_64 = callbacks.SeededEpochs(clothes_64, BATCH_SIZE, seed=SEED)
start = time.perf_counter()
gan_64.fit(batches_64.dataset,
           epochs=-(-STEPS_64 // batches_64.batches_per_epoch), verbose=0,
           callbacks=[batches_64, callbacks.StopAtStep(STEPS_64)])
print(f"{int(gan_64.step.numpy())} steps of 64x64 images in "
      f"{time.perf_counter() - start:.0f} s")
plot.image_grid(gan_64.generate(24, seed=1), ncols=12,
                title=f"64x64 DCGAN (width {WIDTH_64}) after {STEPS_64} steps")
''')
md(r'''
The generator's parameters grow with the square of the width: at the paper's width the
two networks hold about 16 million weights, and a step costs over a hundred times this
narrow one's, which is why the paper's run took a GPU. The shapes, the layer pattern
and the training code are the same at any width.

(wb-applications)=
## Applications and open problems

GANs were, for most of the 2010s, the way to generate sharp images, and their
conditional form became a tool for translating one image into another.

- **Image-to-image translation.** pix2pix {cite:p}`isola2017` trains a conditional GAN
  whose condition is an image (a sketch, a segmentation map, a daytime photo) and adds
  an $L_1$ loss to the target; its discriminator judges patches. CycleGAN
  {cite:p}`zhu2017` needs no pairs: two generators translate between two domains
  (horses and zebras) and a **cycle-consistency** loss asks that translating there and
  back returns the input.
- **Super-resolution.** SRGAN {cite:p}`ledig2017` upscales by four with a generator
  trained on a perceptual loss (distances between features of a pretrained network)
  plus an adversarial loss, which restores texture that a pixel-wise loss averages away.
- **Text to image.** StackGAN {cite:p}`zhang2017stackgan` conditions on a sentence
  embedding and generates in two stages, 64×64 then 256×256.
- **Sequences.** Text is discrete: a generator that samples words has no gradient
  through the sampling step, so the discriminator's signal cannot reach it by
  backpropagation. SeqGAN {cite:p}`yu2017seqgan` treats the generator as a
  reinforcement-learning policy, rewarded by the discriminator, with Monte Carlo
  rollouts to score unfinished sequences. The estimates are noisy, and GANs never
  became the tool of choice for text.
- **Style and faces.** StyleGAN {cite:p}`karras2019` feeds the latent vector into
  every layer through a learned mapping, separating coarse and fine attributes, and
  set the standard for faces.

**Open problems, and where GANs stand.** Training remains a two-player game with no
guarantee of convergence (the Training tricks chapter); mode collapse and the lack of a
likelihood make it hard to know what a generator has missed; evaluation rests on
feature-based scores such as FID, whose values depend on the feature network and the
sample size (as this book's floors show). Since **diffusion models** {cite:p}`ho2020`
were shown to beat GANs on ImageNet in FID and in coverage {cite:p}`dhariwal2021`,
they have become the default for image generation, at the price of many network
evaluations per sample. GANs keep their advantage there: one forward pass per sample.
Large GANs for text-to-image synthesis are competitive again {cite:p}`kang2023`, and an
adversarial loss is one of the tools used to distil a diffusion model into a generator
that needs one to four steps {cite:p}`sauer2024`.

(wb-seeds)=
## What the sources get wrong

- WGAN-GP is a Wasserstein GAN with a **gradient penalty**; its "core technique" is not
  a "path length loss" (path length regularisation belongs to StyleGAN2, and acts on
  the generator).
- BEGAN is the **Boundary Equilibrium** GAN; it is not a GAN "driven by adversarial
  examples". Its "reconstruction loss" is not an addition that stabilises the
  discriminator: the reconstruction error *is* the discriminator's loss.
- The generators of WGAN and BEGAN do not "output noise with mean 0 and standard
  deviation 1": noise is their input, images their output.
- 合页损失 is the **hinge** loss, not a "clipped Lipschitz loss"; clipping is the
  original WGAN's weight clipping.

## Summary

- WGAN-GP on images needs a critic without batch normalisation, several critic steps on
  fresh real batches, and the penalty weight and Adam settings of its paper; its
  critic's loss estimates the Wasserstein distance and, measured by rank correlation,
  tracked FID over training.
- BEGAN's discriminator is an autoencoder, its losses are reconstruction errors, and a
  proportional controller $k_t$ holds the game at
  $\mathbb{E}\,\mathcal L(G(z)) = \gamma\, \mathbb{E}\,\mathcal L(x)$; $\gamma$ trades
  variety for sharpness.
- Both papers' settings are made for runs of 100,000 steps and more; in a budget of
  minutes both trained poorly, and a larger, decaying learning rate (and for BEGAN a
  faster controller) made the difference, measured.
- The 64×64 DCGAN is five layers each way; width sets the cost.
- GANs generate in one forward pass; diffusion models now lead in quality and coverage,
  and adversarial losses live on inside them.

## Exercises

1. Train WGAN-GP with `N_CRITIC = 1`. Does the critic's loss still track FID? Why
   might it not, if the critic is far from its optimum?
2. Put batch normalisation into the critic (`models.make_dcgan_discriminator(D_WIDTH,
   batch_norm=True)`) and train with the penalty. What happens, and why?
3. Train BEGAN with $\gamma = 0.9$. Does variety keep growing? Look at the samples.
4. $k_t$ is $\lambda_k$ times the running sum of the errors
   $\gamma\,\mathcal L(x) - \mathcal L(G(z))$ (until it hits 0 or 1). Add a
   proportional term, $k_t = \text{clip}(\lambda_k \sum_s e_s + \kappa\, e_t)$, to
   `training.BEGAN` and see whether $k$ settles faster.
5. With internet, replace the 64×64 clothes by `keras.datasets.cifar10` resized to
   64×64 (three channels) and train the 64×64 DCGAN for a few thousand steps.
''')

nb = new_notebook(cells=cells, metadata={
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"}})
fill = json.loads(open(sys.argv[2]).read()) if len(sys.argv) > 2 else {}
for c in nb.cells:
    for key, text in fill.items():
        c.source = c.source.replace(f"@@{key}@@", str(text).strip())
nbformat.write(nb, sys.argv[1])
