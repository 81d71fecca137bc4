"""The README's pictures are readable where they are shown: 700 px wide, text at least 10 px."""

from __future__ import annotations

import importlib.util
import re
import struct
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SHOWN_WIDTH = 700  # px: a README or notebook column
READABLE = 10  # px: the smallest text we accept at that width
PX_PER_PT = 4 / 3  # CSS: 96 px per inch, 72 pt per inch


def readme_images() -> list[Path]:
    return [ROOT / found for found in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", README.read_text())]


def shown_scale(natural_width_px: float) -> float:
    """How much an image of this width is shrunk in a 700 px column (never enlarged)."""
    return min(1.0, SHOWN_WIDTH / natural_width_px)


def svg_smallest_text_px(path: Path) -> tuple[float, float]:
    """(width in px, smallest font size in px) of a Graphviz SVG, whose user unit is 1 pt."""
    root = ElementTree.parse(path).getroot()
    width_pt = float(root.attrib["width"].removesuffix("pt"))
    view_width = float(root.attrib["viewBox"].split()[2])
    unit_px = width_pt * PX_PER_PT / view_width
    sizes = [float(element.attrib["font-size"]) for element in root.iter()
             if element.tag.endswith("text") and "font-size" in element.attrib]
    assert sizes, f"{path.name} has no text"
    return width_pt * PX_PER_PT, min(sizes) * unit_px


def png_size_and_dpi(path: Path) -> tuple[int, float | None]:
    """Width in pixels and the DPI recorded in the pHYs chunk (None if there is none)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    width = struct.unpack(">I", data[16:20])[0]
    at = data.find(b"pHYs")
    if at == -1:
        return width, None
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    return width, per_metre * 0.0254 if unit == 1 else None


def make_docs() -> ModuleType:
    pytest.importorskip("matplotlib")
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def page_readable_px() -> float:
    """The smallest node text the stepping page opens with (its READABLE_PX), in CSS px."""
    template = (ROOT / "autograd" / "viz" / "stepping_page.html").read_text(encoding="utf-8")
    found = re.search(r"var READABLE_PX = (\d+(?:\.\d+)?);", template)
    assert found is not None
    return float(found.group(1))


def test_the_readme_shows_the_pictures_make_docs_draws() -> None:
    images = readme_images()
    assert images, "the README shows no pictures"
    for image in images:
        assert image.is_file(), f"README shows {image.relative_to(ROOT)}, which is missing"
    drawn = {draw.__name__ for draw in make_docs().PICTURES}
    assert {"worked_example", "neuron_view", "stepping_page_frame"} <= drawn


@pytest.mark.parametrize("image", sorted(set(readme_images())), ids=lambda p: p.name)
def test_a_readme_picture_is_readable_700_px_wide(image: Path) -> None:
    if image.suffix == ".svg":
        width, smallest = svg_smallest_text_px(image)
    elif image.name == "stepping_page.png":  # a screenshot: CSS px are image px
        width, _ = png_size_and_dpi(image)
        smallest = page_readable_px()
    else:  # a matplotlib plot: no font smaller than SMALLEST_FONT_PT at the recorded DPI
        width, dpi = png_size_and_dpi(image)
        assert dpi is not None, f"{image.name} records no DPI"
        smallest = make_docs().SMALLEST_FONT_PT * dpi / 72
    shown = smallest * shown_scale(width)
    assert shown >= READABLE, (
        f"{image.name}: {width:.0f} px wide, its smallest text is {shown:.1f} px at "
        f"{SHOWN_WIDTH} px"
    )


def test_the_max_pool_picture_writes_every_pixel_and_gradient(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = make_docs()
    drawn: list[object] = []
    monkeypatch.setattr(module, "save_figure", lambda figure, path: drawn.append(figure) or path)
    module.max_pool_routing(tmp_path)
    (figure,) = drawn
    left, right = figure.axes  # type: ignore[attr-defined]
    pixels = [t.get_text() for t in left.texts]
    gradients = [t.get_text() for t in right.texts]
    assert pixels == [f"{p:g}" for p in (1, 5, 2, 0, 3, 4, 8, 1, 0, 2, 6, 7, 9, 1, 3, 3)]
    # by hand: each 2x2 window sends 1 to its largest pixel (5, 8, 9, 7), 0 elsewhere
    assert gradients == [f"{g:g}" for g in (0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0)]
