"""The chapters' models as the benchmarks train them, configured by the chapters themselves.

A chapter's configuration has one source, its `parameters` cell: ``chapter_parameters``
reads it from the notebook, and each ``make_book_*`` builds and compiles the chapter's
model from those values (with named changes for a benchmark's variants).  Edit a value in
the chapter and its benchmark trains the edited model.
"""

from __future__ import annotations

import ast
import json
from functools import partial
from pathlib import Path

import ganbook  # noqa: F401  (before the libraries: it imports TensorFlow quietly)

# isort: split

import keras
from IPython.core.inputtransformer2 import TransformerManager
from keras import layers

from ganbook import losses, models, training

BOOK = Path(__file__).resolve().parents[1] / "book"


def _code_cells(chapter: str, book: Path) -> tuple[str, list[dict]]:
    # The file name of a chapter and its code cells.
    path = book / f"{chapter}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"no chapter {chapter!r}: {path} does not exist")
    return path.name, [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"]


def chapter_parameters(chapter: str, book: Path = BOOK) -> dict:
    """The names that chapter ``chapter``'s `parameters` cell sets, with their values.

    The cell may hold only assignments of literals to names (``A = 1``, ``A, B = 1, 2``),
    as papermill's parameters cells do; anything else is refused with the line it is on.
    """
    name, cells = _code_cells(chapter, book)
    cells = [cell for cell in cells if "parameters" in cell["metadata"].get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{name} must have one cell tagged 'parameters', it has {len(cells)}")
    values: dict = {}
    for statement in ast.parse("".join(cells[0]["source"])).body:
        values.update(_assigned(statement, name))
    return values


def chapter_budgets(chapter: str, book: Path = BOOK) -> dict:
    """The ``full`` value of every ``NAME = budget(full=..., smoke=...)`` in chapter ``chapter``:
    how long the chapter trains, as the rendered book runs it."""
    name, cells = _code_cells(chapter, book)
    as_python = TransformerManager().transform_cell  # IPython's own: `%pip` and `!` lines to Python
    values = {}
    for cell in cells:
        for statement in ast.parse(as_python("".join(cell["source"]))).body:
            call = statement.value if isinstance(statement, ast.Assign) else None
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "budget"
                    and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)):
                values[statement.targets[0].id] = _full_value(call, f"{name}: {ast.unparse(statement)!r}")
    return values


def _full_value(call: ast.Call, where: str):
    # The literal a budget(...) call gives as full=, or a clear error.
    full = {keyword.arg: keyword.value for keyword in call.keywords}.get("full")
    try:
        return ast.literal_eval(full)
    except ValueError:
        raise ValueError(f"{where}: the benchmarks read budget(full=<a literal>, smoke=...)") from None


def _assigned(statement: ast.stmt, where: str) -> dict:
    # The names one statement of a parameters cell sets, or a clear error.
    refusal = (f"{where}, line {statement.lineno}: a parameters cell may only assign literals to "
               f"names (NAME = value), got {ast.unparse(statement)!r}")
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        raise ValueError(refusal)
    target = statement.targets[0]
    try:
        value = ast.literal_eval(statement.value)
    except ValueError:
        raise ValueError(refusal) from None
    if isinstance(target, ast.Name):
        return {target.id: value}
    names = target.elts if isinstance(target, ast.Tuple) else []
    if not (names and all(isinstance(name, ast.Name) for name in names)
            and isinstance(value, tuple) and len(value) == len(names)):
        raise ValueError(refusal)
    return {name.id: item for name, item in zip(names, value)}


def configured(book: dict, changes: dict) -> dict:
    """``book``'s settings with ``changes`` applied; a clear error for a setting it lacks."""
    unknown = set(changes) - set(book)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}; expected some of {list(book)}")
    return {**book, **changes}



# The Keras DCGAN chapter's configuration: its `parameters` cell.
BOOK_DCGAN = chapter_parameters("keras_dcgan")


def make_book_dcgan(schedule_steps: int, jit_compile: bool = False, seed: int = 0, **changes):
    """The chapter's compiled DCGAN, its learning rates decaying to 0 over ``schedule_steps``.

    ``changes`` override entries of ``BOOK_DCGAN``, e.g. ``CODES=0`` for a plain Gaussian prior.
    """
    config = configured(BOOK_DCGAN, changes)
    generator = models.make_dcgan_generator(config["LATENT_DIM"] + config["CODES"], config["G_WIDTH"])
    discriminator = models.make_dcgan_discriminator(config["D_WIDTH"],
                                                    minibatch_stddev=config["MINIBATCH_STDDEV"])
    gan = training.GAN(generator, discriminator, seed=seed, codes=config["CODES"],
                       code_scale=config["CODE_SCALE"])

    def adam():
        return training.decayed_adam(config["LEARNING_RATE"], schedule_steps)

    objective = training.Objective(d_loss=partial(losses.bce_d_loss, real_label=config["REAL_LABEL"]))
    gan.compile(adam(), adam(), objective, jit_compile=jit_compile)
    return gan


# The Semi-supervised GAN chapter's configuration: its `parameters` cell.
BOOK_SSGAN = chapter_parameters("semi_supervised_gan")


def make_book_ssgan(schedule_steps: int, seed: int = 0, feature_matching: bool = True, **changes):
    """The chapter's compiled semi-supervised GAN (Salimans et al.'s MLPs, images in [0, 1]).

    Learning rates decay to 0 over ``schedule_steps``; ``changes`` override entries of
    ``BOOK_SSGAN``; ``feature_matching=False`` trains the generator to fool D instead.
    """
    config = configured(BOOK_SSGAN, changes)
    keras.utils.set_random_seed(seed)
    classifier = models.make_ssgan_mlp_classifier(input_noise=config["INPUT_NOISE"],
                                                  hidden_noise=config["HIDDEN_NOISE"])
    generator = models.make_ssgan_mlp_generator(config["LATENT_DIM"],
                                                output_weight_norm=config["OUTPUT_WEIGHT_NORM"])
    gan = training.SSGAN(generator, classifier, seed=seed, prior=config["PRIOR"])

    def adam():
        return training.decayed_adam(config["LEARNING_RATE"], schedule_steps)

    matching = partial(losses.feature_matching_loss, squared=config["SQUARED_FEATURE_MATCHING"])
    gan.compile(adam(), adam(), training.Objective(feature_matching=matching if feature_matching else None),
                unsupervised_weight=config["UNSUPERVISED_WEIGHT"])
    return gan


# The Conditional GANs chapter's configuration: its `parameters` cell.
BOOK_FAMILY = chapter_parameters("conditional_gans")
FAMILY_KINDS = ("cgan", "label_channel_cgan", "acgan", "infogan")


def make_book_family(kind: str, schedule_steps: int, seed: int = 0, num_classes: int = 10, **changes):
    """The chapter's compiled ``kind`` of GAN: ``"cgan"`` (projection D),
    ``"label_channel_cgan"`` (the label as D's input channels), ``"acgan"`` or ``"infogan"``
    (``INFO_WEIGHT=0`` for the codes without their information term).

    Learning rates decay to 0 over ``schedule_steps``; ``changes`` override ``BOOK_FAMILY``.
    """
    if kind not in FAMILY_KINDS:
        raise ValueError(f"kind must be one of {', '.join(FAMILY_KINDS)}, got {kind!r}")
    c = configured(BOOK_FAMILY, changes)
    keras.utils.set_random_seed(seed)
    heads = c["CODES"] + c["CONTINUOUS_CODES"] if kind == "infogan" else num_classes
    if kind in ("cgan", "label_channel_cgan"):
        make = (models.make_projection_discriminator if kind == "cgan"
                else models.make_label_channel_discriminator)
        discriminator = make(num_classes, c["D_WIDTH"], minibatch_stddev=c["MINIBATCH_STDDEV"])
    else:
        discriminator = models.make_two_head_discriminator(heads, c["D_WIDTH"],
                                                           minibatch_stddev=c["MINIBATCH_STDDEV"])
    if kind == "infogan":
        latent = c["LATENT_DIM"] + c["CONTINUOUS_CODES"] + c["CODES"]
        gan = training.InfoGAN(models.make_dcgan_generator(latent, c["G_WIDTH"]), discriminator, codes=c["CODES"],
                               code_scale=c["CODE_SCALE"], continuous_codes=c["CONTINUOUS_CODES"], seed=seed)
    else:
        generator = models.make_conditional_generator(c["LATENT_DIM"], num_classes, c["EMBEDDING_DIM"],
                                                      c["G_WIDTH"])
        trainer = training.ACGAN if kind == "acgan" else training.GAN
        gan = trainer(generator, discriminator, seed=seed, num_classes=num_classes)

    def adam():
        return training.decayed_adam(c["LEARNING_RATE"], schedule_steps)

    extra = {"head_weight": c["INFO_WEIGHT"]} if kind == "infogan" else {}
    gan.compile(adam(), adam(), training.Objective(d_loss=partial(losses.bce_d_loss, real_label=c["REAL_LABEL"])),
                **extra)
    return gan


# The Other objectives chapter's configuration: its `parameters` cell.
BOOK_OBJECTIVES = chapter_parameters("wgan_began")
OBJECTIVE_KINDS = ("wgan_gp", "began", "dcgan")


def paper_style_autoencoder(width: int = 32, hidden: int = 32) -> "keras.Model":
    """A BEGAN discriminator in the style of Berthelot et al. (2017), for 28x28 images.

    ELU convolutions, no batch normalisation, nearest-neighbour upsampling:
    ``conv 3x3 -> conv 3x3/2 -> conv 3x3/2 (2·width, 7x7) -> dense to hidden -> dense to
    7x7xwidth -> [upsample, conv 3x3] twice -> conv 3x3 to one channel``, linear.  The
    chapter's departure from it is measured against it by ``family.py``.
    """
    def conv(filters, strides=1):
        return [layers.Conv2D(filters, 3, strides=strides, padding="same"), layers.ELU()]

    return keras.Sequential([
        keras.Input((28, 28, 1)), *conv(width), *conv(width, 2), *conv(2 * width, 2), layers.Flatten(),
        layers.Dense(hidden, name="embedding"), layers.Dense(7 * 7 * width), layers.ELU(),
        layers.Reshape((7, 7, width)), layers.UpSampling2D(), *conv(width), layers.UpSampling2D(), *conv(width),
        layers.Conv2D(1, 3, padding="same"),
    ], name="paper_style_autoencoder")


def make_book_objective(kind: str, schedule_steps: int, seed: int = 0, gamma: float = 0.5,
                        autoencoder: str = "small", normalization: str = "batch", **changes):
    """The Other objectives chapter's compiled ``kind``: ``"wgan_gp"`` (the paper's recipe at
    the chapter's rate, constant), ``"began"`` with diversity ratio ``gamma`` (rates decaying
    to 0 over ``schedule_steps``) and the chapter's ``"small"`` autoencoder (with
    ``normalization``, see ``models.make_autoencoder_discriminator``) or a ``"paper"``-style
    one (``paper_style_autoencoder``), or
    ``"dcgan"``: the DCGAN chapter's plain cross-entropy DCGAN with the same two networks,
    the control for "does the loss track quality?".  ``changes`` override ``BOOK_OBJECTIVES``.
    """
    if kind not in OBJECTIVE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(OBJECTIVE_KINDS)}, got {kind!r}")
    if autoencoder not in ("small", "paper"):
        raise ValueError(f"autoencoder must be 'small' or 'paper', got {autoencoder!r}")
    c = configured(BOOK_OBJECTIVES, changes)
    keras.utils.set_random_seed(seed)
    if kind == "dcgan":
        return make_book_dcgan(schedule_steps, seed=seed, CODES=0, MINIBATCH_STDDEV=False,
                               LATENT_DIM=c["LATENT_DIM"], G_WIDTH=c["G_WIDTH"], D_WIDTH=c["D_WIDTH"])
    generator = models.make_dcgan_generator(c["LATENT_DIM"], c["G_WIDTH"])
    if kind == "wgan_gp":
        gan = training.GAN(generator, models.make_dcgan_discriminator(c["D_WIDTH"]), seed=seed)
        gan.compile(*(training.decayed_adam(c["WGAN_LR"], None, beta_1=0.0, beta_2=0.9) for _ in range(2)),
                    training.Objective(losses.wasserstein_d_loss, losses.wasserstein_g_loss,
                                       gradient_penalty=c["GP_WEIGHT"]), n_critic=c["N_CRITIC"])
        return gan
    discriminator = (models.make_autoencoder_discriminator(c["D_WIDTH"], c["HIDDEN"],
                                                           normalization=normalization)
                     if autoencoder == "small" else paper_style_autoencoder(c["D_WIDTH"], c["HIDDEN"]))
    gan = training.BEGAN(generator, discriminator, seed=seed)
    gan.compile(*(training.decayed_adam(c["BEGAN_LR"], schedule_steps) for _ in range(2)),
                gamma=gamma, lambda_k=c["LAMBDA_K"])
    return gan
