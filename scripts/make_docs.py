"""``make docs``: draw the README's pictures with backprop-lab itself, into docs/images/.

Every picture comes from the library, with fixed seeds, so running this again gives the same
pictures (for the same versions of Graphviz, matplotlib and Chromium):

- worked_example.svg     the lecture's worked example after backward(), with local derivatives
- neuron_view.svg        a 2-2-1 MLP and its loss, one box per neuron (draw_graph group="neuron")
- layer_view.svg         a 2-16-16-1 MLP and its loss, one box per layer (group="layer")
- stepping_page.png      a frame of the stepping page, three steps into backprop (Chromium)
- function_fits.png      notebook 2: Fourier features against a two-layer network
- optimizers.png         notebook 3: SGD, RMSProp and Adam from the same start
- decision_boundary.png  notebook 4: micrograd's two-moons MLP trained with nn.fit
- newton.png             notebook 5: Newton's method with grad(grad(f))
- max_pool_routing.png   notebook 6: max-pooling's gradient goes to each window's winner

Every picture is readable where the README shows it, at most 700 px wide: its smallest text is
at least 10 px there (tests/test_docs_images.py measures it). Plots use no font smaller than
``SMALLEST_FONT_PT`` and are at most ``PLOT_WIDTH_IN`` wide; graphs are drawn top to bottom; the
page is photographed in a window ``SCREENSHOT_WIDTH`` px wide.

Usage: ``python scripts/make_docs.py [output directory]`` (default docs/images). Each file is
written atomically (a temporary file in the same directory, then os.replace).
"""

from __future__ import annotations

import io
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt

import autograd
import nn
import optim
from autograd import Value, draw_graph, grad, no_grad, render
from autograd.cli.commands import EXAMPLE_TITLE
from autograd.examples import house_price
from autograd.viz.stepping_page import write_stepping_page

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STEPS_SHOWN = 3  # the stepping page's frame after this many presses of Next
SCREENSHOT_WIDTH = 760  # px: the page's 12 px graph text is 11 px when shown 700 px wide
PNG_DPI = 110
SMALLEST_FONT_PT = 9  # no text in a plot is smaller (ticks and legends included)
PLOT_WIDTH_IN = 8.5  # at PNG_DPI, 935 px: shown 700 px wide, 9 pt text is still 10.3 px
matplotlib.rcParams.update({
    "font.size": 10,
    "legend.fontsize": SMALLEST_FONT_PT,
    "xtick.labelsize": SMALLEST_FONT_PT,
    "ytick.labelsize": SMALLEST_FONT_PT,
})


# ---- writing files -----------------------------------------------------------------------------

def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same directory and os.replace."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def save_figure(figure: Any, path: Path) -> Path:
    """A matplotlib figure as a PNG, without the matplotlib version in its metadata."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    plt.close(figure)
    return write_atomically(path, buffer.getvalue())


# ---- notebook 1: the worked example, and its stepping page -------------------------------------

def worked_example(images: Path) -> Path:
    """The lecture's graph after backward(): values, gradients and red local derivatives."""
    house = house_price()
    house.loss.backward()
    return render(draw_graph(house.loss, local_derivatives=True), images / "worked_example.svg")


def neuron_view(images: Path) -> Path:
    """A 2-2-1 MLP and its squared error after backward(), each neuron one box, top to bottom."""
    model = nn.MLP(2, [2, 1], activation="tanh", seed=0)
    loss = (model([1.0, 2.0]) - 0.5) ** 2
    loss.label = "loss"
    loss.backward()
    graph = draw_graph(loss, group="neuron", local_derivatives=True, rankdir="TB")
    return render(graph, images / "neuron_view.svg")


def layer_view(images: Path) -> Path:
    """A 2-16-16-1 MLP and its squared error after backward(), each layer one box."""
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    loss = (model([Value(0.5, label="x1"), Value(-0.3, label="x2")]) - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    graph = draw_graph(loss, group="layer", local_derivatives=True)
    return render(graph, images / "layer_view.svg")


def stepping_page_frame(images: Path) -> Path:
    """The stepping page in headless Chromium after pressing Next ``STEPS_SHOWN`` times."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise FileNotFoundError(f"make_docs: {CHROMIUM} is missing; run `make browser-deps`")
    with tempfile.TemporaryDirectory() as scratch:
        page_path = write_stepping_page(
            house_price().loss, Path(scratch) / "backprop.html", title=EXAMPLE_TITLE
        )
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page(viewport={"width": SCREENSHOT_WIDTH, "height": 720})
                page.goto(page_path.resolve().as_uri())
                for _ in range(STEPS_SHOWN):
                    page.click("#next")
                page.wait_for_function(
                    f"document.getElementById('stepper').dataset.step === '{STEPS_SHOWN}'"
                )
                picture = page.screenshot(full_page=True)
            finally:
                browser.close()
    return write_atomically(images / "stepping_page.png", picture)


# ---- notebook 2: features against a network ----------------------------------------------------

GRID = [i / 200 for i in range(201)]
TRUTH = [math.sin(2 * math.pi * x) for x in GRID]


def curve(model: Callable[[float], Any]) -> list[float]:
    with no_grad():
        return [model(x).data for x in GRID]


def function_fits(images: Path) -> Path:
    """Notebook 2's picture: the data, sin(2πx), and both fits; the loss curves beside it."""
    xs, ys = nn.noisy_sine(n=30, noise=0.15, seed=0)
    linear = nn.FeatureModel(nn.fourier(6))
    linear_history = nn.fit(linear, xs, ys, loss="mse", epochs=200, progress=False,
                            optimizer=optim.SGD(linear.parameters(), lr=0.5))
    network = nn.MLP(1, [16, 1], activation="tanh", seed=0)
    network_history = nn.fit(network, xs, ys, loss="mse", epochs=300, progress=False,
                             optimizer=optim.Adam(network.parameters(), lr=0.03))

    figure, (left, right) = plt.subplots(1, 2, figsize=(PLOT_WIDTH_IN, 3.4))
    left.scatter(xs, ys, color="black", s=12, label="data", zorder=3)
    left.plot(GRID, TRUTH, color="grey", linestyle=":", label="sin(2πx)")
    left.plot(GRID, curve(linear), label="θᵀβ(x), β_i(x) = sin(iπx), i ≤ 6")
    left.plot(GRID, curve(network), label="MLP 1-16-1, tanh")
    left.set_xlabel("x")
    left.set_title("y ≈ f_θ(x)")
    left.legend()
    right.plot(linear_history.losses, label="features, SGD")
    right.plot(network_history.losses, label="MLP, Adam")
    right.set_yscale("log")
    right.set_xlabel("epoch")
    right.set_title("training loss (mean squared error)")
    right.legend()
    figure.tight_layout()
    return save_figure(figure, images / "function_fits.png")


# ---- notebook 3: three optimizers ---------------------------------------------------------------

def optimizers(images: Path) -> Path:
    """Notebook 3's picture: SGD, RMSProp and Adam training the same network from one start."""
    xs, ys = nn.noisy_sine(n=30, noise=0.15, seed=0)
    makers: dict[str, Callable[[list[Any]], optim.Optimizer]] = {
        "SGD, α = 0.3": lambda params: optim.SGD(params, lr=0.3),
        "RMSProp, α = 0.03": lambda params: optim.RMSProp(params, lr=0.03),
        "Adam, α = 0.03": lambda params: optim.Adam(params, lr=0.03),
    }
    figure, ax = plt.subplots(figsize=(7, 3.8))
    for name, make_optimizer in makers.items():
        model = nn.MLP(1, [16, 1], activation="tanh", seed=0)
        history = nn.fit(model, xs, ys, loss="mse", epochs=300, progress=False,
                         optimizer=make_optimizer(model.parameters()))
        ax.plot(range(1, len(history.losses) + 1), history.losses, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error")
    ax.set_title("Same network, same start, three optimizers")
    ax.legend()
    figure.tight_layout()
    return save_figure(figure, images / "optimizers.png")


# ---- notebook 4: the two-moons classifier -------------------------------------------------------

def score(model: nn.MLP, x: list[float]) -> Value:
    """The one output of a classifier MLP: its sign is the predicted class."""
    out = model(x)
    if not isinstance(out, Value):
        raise TypeError(f"make_docs: expected one output from {model!r}")
    return out


def decision_boundary(images: Path) -> Path:
    """Notebook 4's picture: micrograd's demo (MLP 2-16-16-1, hinge + 1e-4 L2, 100 SGD steps)."""
    xs, ys = nn.make_moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    nn.fit(model, xs, ys, loss="hinge", l2=1e-4, epochs=100, progress=False,
           optimizer=optim.SGD(model.parameters(), lr=1.0),
           lr_schedule=lambda k: 1.0 - 0.9 * k / 100)
    with no_grad():
        accuracy = nn.accuracy([score(model, x) for x in xs], ys)
        step = 0.05
        grid_x1 = [-1.5 + step * i for i in range(int(4.0 / step) + 1)]
        grid_x2 = [-1.0 + step * j for j in range(int(2.5 / step) + 1)]
        scores = [[score(model, [x1, x2]).data for x1 in grid_x1] for x2 in grid_x2]

    figure, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.contourf(grid_x1, grid_x2, [[s > 0 for s in row] for row in scores],
                levels=[-0.5, 0.5, 1.5], colors=["#f4a6a6", "#a6c8f4"], alpha=0.6)
    ax.contour(grid_x1, grid_x2, scores, levels=[0.0], colors="black", linewidths=1)
    for label, colour in ((-1.0, "#c0392b"), (1.0, "#1f4e79")):
        chosen = [x for x, y in zip(xs, ys, strict=True) if y == label]
        ax.scatter([x[0] for x in chosen], [x[1] for x in chosen], color=colour,
                   edgecolor="white", s=28, label=f"y = {label:+g}")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(f"MLP 2-16-16-1 on two moons: training accuracy {accuracy:.0%}")
    ax.legend(loc="upper right")
    figure.tight_layout()
    return save_figure(figure, images / "decision_boundary.png")


# ---- notebook 5: Newton's method ----------------------------------------------------------------

def newton(images: Path) -> Path:
    """Notebook 5's picture: Newton's iterates x ← x − f'(x)/f''(x) with grad(grad(f))."""

    def f(x: Any) -> Any:
        return x**4 - 3 * x**2 + x

    f_prime, f_second = grad(f), grad(grad(f))
    iterates = [2.0]
    for _ in range(6):
        x = iterates[-1]
        iterates.append(x - f_prime(x) / f_second(x))

    xs = [-2.0 + i / 100 for i in range(451)]
    figure, (left, right) = plt.subplots(1, 2, figsize=(PLOT_WIDTH_IN, 3.4))
    left.plot(xs, [f(x) for x in xs], color="grey", label="f(x) = x⁴ − 3x² + x")
    left.plot(iterates, [f(x) for x in iterates], marker="o", color="#c0392b",
              label="Newton iterates")
    for k, x in enumerate(iterates[:3]):
        left.annotate(f"x{k}", (x, f(x)), textcoords="offset points", xytext=(-18, 6))
    left.set_xlabel("x")
    left.set_title("Newton's method with grad(grad(f))")
    left.legend()
    right.semilogy(range(len(iterates)), [abs(f_prime(x)) for x in iterates], marker="o")
    right.set_xlabel("iteration k")
    right.set_title("|f'(x_k)|: quadratic convergence")
    figure.tight_layout()
    return save_figure(figure, images / "newton.png")


# ---- notebook 6: max-pooling's gradient routing ----------------------------------------------

def max_pool_routing(images: Path) -> Path:
    """Notebook 6's max-pool picture: each 2x2 window's gradient goes to its largest pixel."""
    pixels = [
        [1.0, 5.0, 2.0, 0.0],
        [3.0, 4.0, 8.0, 1.0],
        [0.0, 2.0, 6.0, 7.0],
        [9.0, 1.0, 3.0, 3.0],
    ]
    x = [[[Value(p) for p in row] for row in pixels]]
    pooled = nn.MaxPool2d(2)(x)
    autograd.sum([v for row in pooled[0] for v in row]).backward()
    gradient = [[float(v.grad) for v in row] for row in x[0]]
    figure, (left, right) = plt.subplots(1, 2, figsize=(6, 3.2))
    left.imshow(pixels, cmap="gray_r", vmin=0, vmax=10)
    left.set_title("input x")
    right.imshow(gradient, cmap="Reds", vmin=0, vmax=1.6)
    right.set_title("∂L/∂x: 1 at each window's max")
    for ax, numbers, dark_from in ((left, pixels, 5.0), (right, gradient, 0.8)):
        for r, row in enumerate(numbers):  # each cell's number, so no colour bar is needed
            for c, number in enumerate(row):
                colour = "white" if number >= dark_from else "black"
                ax.text(c, r, f"{number:g}", ha="center", va="center", color=colour, fontsize=12)
        for line in (1.5,):  # the 2x2 windows
            ax.axhline(line, color="#1f77b4", linewidth=2)
            ax.axvline(line, color="#1f77b4", linewidth=2)
        ax.set_xticks([])
        ax.set_yticks([])
    figure.tight_layout()
    return save_figure(figure, images / "max_pool_routing.png")


# ---- all of them ---------------------------------------------------------------------------------


# ---- notebook 9: the training playground ------------------------------------------------------

def playground(images: Path) -> Path:
    """The playground's picture after 60 epochs on the two moons (its static view)."""
    pg = nn.Playground(data="moons", hidden=[8, 8], activation="tanh", lr=0.03, seed=0)
    pg.step(60)
    return write_atomically(images / "playground.svg", pg.picture().encode("utf-8"))


PICTURES: tuple[Callable[[Path], Path], ...] = (
    worked_example,
    neuron_view,
    layer_view,
    stepping_page_frame,
    function_fits,
    optimizers,
    decision_boundary,
    newton,
    playground,
    max_pool_routing,
)


def main(argv: Sequence[str] = ()) -> int:
    """Write every picture into ``argv[0]`` (default docs/images) and say where."""
    images = Path(argv[0]) if argv else IMAGES
    images.mkdir(parents=True, exist_ok=True)
    for draw in PICTURES:
        print(f"wrote {draw(images)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
