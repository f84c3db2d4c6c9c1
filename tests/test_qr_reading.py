"""The QR reader the tests use (tests/qr_reading.py) reads what segno draws, at every level and mask
of the versions it knows: a test that reads a card's code relies on it."""

from __future__ import annotations

import io

import pytest
import segno
from PIL import Image

from tests.qr_reading import QRReadError, modules_in_picture, text_of_modules

LONG = "".join(f"https://test-a.example/account/card/{n}/" for n in range(10))


def longest_code(version: int, level: str, mask: int) -> tuple[segno.QRCode, str]:
    """The code of this version and level with as much text as fits: its data fills every block."""
    low, high = 1, len(LONG)
    while low < high:
        middle = (low + high + 1) // 2
        try:
            segno.make(LONG[:middle], version=version, error=level, mode="byte", boost_error=False, micro=False)
        except segno.DataOverflowError:
            high = middle - 1
        else:
            low = middle
    text = LONG[:low]
    return segno.make(text, version=version, error=level, mask=mask, mode="byte", boost_error=False), text


def picture(code: segno.QRCode) -> Image.Image:
    output = io.BytesIO()
    code.save(output, kind="png", scale=5, border=4)
    output.seek(0)
    return Image.open(output)


@pytest.mark.parametrize("version", range(1, 11))
@pytest.mark.parametrize("level", "LMQH")
def test_every_version_and_level_is_read_from_a_picture(version, level):
    mask = (version + "LMQH".index(level)) % 8
    code, text = longest_code(version, level, mask)
    assert text_of_modules(modules_in_picture(picture(code))) == text


@pytest.mark.parametrize("mask", range(8))
def test_every_mask_is_read(mask):
    code, text = longest_code(7, "M", mask)
    assert text_of_modules([[bool(module) for module in row] for row in code.matrix]) == text


@pytest.mark.parametrize("text", ["0123456789012", "HELLO WORLD:123", "héllo wörld €"])
def test_numeric_alphanumeric_and_byte_segments_are_read(text):
    code = segno.make(text, micro=False)
    assert text_of_modules([[bool(module) for module in row] for row in code.matrix]) == text


def test_a_picture_without_a_code_is_refused():
    with pytest.raises(QRReadError):
        modules_in_picture(Image.new("L", (200, 200), 255))
