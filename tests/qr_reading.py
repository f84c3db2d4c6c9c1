"""Reading a QR code back from a picture, for tests that must know what a printed code holds.

Small and written for clean pictures: a code that is straight (not turned or skewed), as a PDF
page rendered by pdftoppm or a code drawn from its modules. It finds the three finder squares,
samples the grid, reads the format, removes the mask, puts the blocks back in order and decodes
numeric, alphanumeric and byte segments of versions 1 to 10. It corrects no errors: a clean
picture has none, and a wrong read shows up as a wrong text or an error here.

It shares no code with segno, the library that draws the codes, so a test that reads a code
with it checks what a phone camera would find, not what the program meant to draw.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import numpy as np
from PIL import Image

# Per version and error correction level: error correction codewords per block, and the data
# codewords of each block (ISO/IEC 18004, table 9).
BLOCKS: dict[int, dict[str, tuple[int, tuple[int, ...]]]] = {
    1: {"L": (7, (19,)), "M": (10, (16,)), "Q": (13, (13,)), "H": (17, (9,))},
    2: {"L": (10, (34,)), "M": (16, (28,)), "Q": (22, (22,)), "H": (28, (16,))},
    3: {"L": (15, (55,)), "M": (26, (44,)), "Q": (18, (17,) * 2), "H": (22, (13,) * 2)},
    4: {"L": (20, (80,)), "M": (18, (32,) * 2), "Q": (26, (24,) * 2), "H": (16, (9,) * 4)},
    5: {"L": (26, (108,)), "M": (24, (43,) * 2), "Q": (18, (15,) * 2 + (16,) * 2), "H": (22, (11,) * 2 + (12,) * 2)},
    6: {"L": (18, (68,) * 2), "M": (16, (27,) * 4), "Q": (24, (19,) * 4), "H": (28, (15,) * 4)},
    7: {"L": (20, (78,) * 2), "M": (18, (31,) * 4), "Q": (18, (14,) * 2 + (15,) * 4), "H": (26, (13,) * 4 + (14,))},
    8: {
        "L": (24, (97,) * 2),
        "M": (22, (38,) * 2 + (39,) * 2),
        "Q": (22, (18,) * 4 + (19,) * 2),
        "H": (26, (14,) * 4 + (15,) * 2),
    },
    9: {
        "L": (30, (116,) * 2),
        "M": (22, (36,) * 3 + (37,) * 2),
        "Q": (20, (16,) * 4 + (17,) * 4),
        "H": (24, (12,) * 4 + (13,) * 4),
    },
    10: {
        "L": (18, (68,) * 2 + (69,) * 2),
        "M": (26, (43,) * 4 + (44,)),
        "Q": (24, (19,) * 6 + (20,) * 2),
        "H": (28, (15,) * 6 + (16,) * 2),
    },
}
ALIGNMENT = {1: (), 2: (6, 18), 3: (6, 22), 4: (6, 26), 5: (6, 30), 6: (6, 34), 7: (6, 22, 38), 8: (6, 24, 42)}
ALIGNMENT |= {9: (6, 26, 46), 10: (6, 28, 50)}
LEVELS = {0b01: "L", 0b00: "M", 0b11: "Q", 0b10: "H"}
MASKS = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


class QRReadError(ValueError):
    pass


# --- From a picture to the grid of modules ----------------------------------------------------


@dataclass(frozen=True)
class _Finder:
    x: float
    y: float
    unit: float


def _runs(line: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, length and darkness of each run of equal pixels in `line`."""
    edges = np.flatnonzero(np.diff(line.astype(np.int8))) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [len(line)]))
    return starts, ends - starts, line[starts]


def _finder_like(lengths: np.ndarray) -> float | None:
    """The module size if five runs go dark, light, dark, light, dark in the ratio 1:1:3:1:1."""
    unit = lengths.sum() / 7
    if unit < 2:
        return None
    for length, ratio in zip(lengths, (1, 1, 3, 1, 1), strict=True):
        if abs(length - ratio * unit) > 0.5 * unit + 0.15 * ratio * unit:
            return None
    return unit


def _centre_on(line: np.ndarray, at: int) -> float | None:
    """The centre of the finder pattern `line` crosses at `at`, if it does so through its middle."""
    starts, lengths, dark = _runs(line)
    k = int(np.searchsorted(starts, at, side="right")) - 1
    if k < 2 or k + 2 >= len(starts) or not dark[k - 2]:
        return None
    if _finder_like(lengths[k - 2 : k + 3]) is None:
        return None
    return starts[k] + lengths[k] / 2


def _finders(dark: np.ndarray) -> list[_Finder]:
    """The centres of the top-left, top-right and bottom-left finder patterns."""
    clusters: list[list[_Finder]] = []
    for y in range(dark.shape[0]):
        starts, lengths, values = _runs(dark[y])
        for k in range(len(starts) - 4):
            if not values[k] or (unit := _finder_like(lengths[k : k + 5])) is None:
                continue
            x = starts[k + 2] + lengths[k + 2] / 2
            centre_y = _centre_on(dark[:, int(x)], y)
            if centre_y is None:
                continue
            found = _Finder(x, centre_y, unit)
            for cluster in clusters:
                first = cluster[0]
                if abs(first.x - x) < 2 * first.unit and abs(first.y - centre_y) < 2 * first.unit:
                    cluster.append(found)
                    break
            else:
                clusters.append([found])
    centres = [
        _Finder(
            float(np.mean([f.x for f in cluster])),
            float(np.mean([f.y for f in cluster])),
            float(np.mean([f.unit for f in cluster])),
        )
        for cluster in clusters
        if len(cluster) >= 2 * cluster[0].unit  # crossed by most rows of its 3-module centre
    ]
    # Data can look like a finder pattern too: the real three sit at three corners of a square,
    # the top-left one straight above the bottom-left one and level with the top-right one.
    best: tuple[float, list[_Finder]] | None = None
    for top_left in centres:
        for top_right in centres:
            for bottom_left in centres:
                leg = top_right.x - top_left.x
                unit = top_left.unit
                if (
                    leg > 7 * unit
                    and abs(top_right.y - top_left.y) < unit
                    and abs(bottom_left.x - top_left.x) < unit
                    and abs((bottom_left.y - top_left.y) - leg) < 2 * unit
                    and (best is None or leg > best[0])
                ):
                    best = (leg, [top_left, top_right, bottom_left])
    if best is None:
        raise QRReadError(f"no three of {len(centres)} finder-like patterns make a QR code")
    return best[1]


def modules_in_picture(picture: Image.Image) -> list[list[bool]]:
    """The code's modules (True: dark) in a picture of a straight QR code."""
    dark = np.asarray(picture.convert("L")) < 128
    top_left, top_right, bottom_left = _finders(dark)
    unit = np.mean([top_left.unit, top_right.unit, bottom_left.unit])
    size = round((top_right.x - top_left.x) / unit) + 7
    size = 17 + 4 * round((size - 17) / 4)
    pitch_x = (top_right.x - top_left.x) / (size - 7)
    pitch_y = (bottom_left.y - top_left.y) / (size - 7)
    return [
        [
            bool(dark[round(top_left.y + (row - 3) * pitch_y), round(top_left.x + (col - 3) * pitch_x)])
            for col in range(size)
        ]
        for row in range(size)
    ]


def pdf_page_picture(pdf: bytes, *, dpi: int = 200) -> Image.Image:
    """The first page of `pdf`, rendered by poppler's pdftoppm."""
    import io

    png = subprocess.run(
        ["pdftoppm", "-png", "-gray", "-r", str(dpi), "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png))


# --- From the grid to the text ------------------------------------------------------------------


def _format_codes() -> dict[int, tuple[str, int]]:
    codes = {}
    for data in range(32):
        remainder = data << 10
        for bit in range(14, 9, -1):
            if remainder & (1 << bit):
                remainder ^= 0b10100110111 << (bit - 10)
        codes[((data << 10) | remainder) ^ 0b101010000010010] = (LEVELS[data >> 3], data & 0b111)
    return codes


def _format(grid: list[list[bool]]) -> tuple[str, int]:
    size = len(grid)
    near = [(8, c) for c in (0, 1, 2, 3, 4, 5, 7, 8)] + [(r, 8) for r in (7, 5, 4, 3, 2, 1, 0)]
    split = [(r, 8) for r in range(size - 1, size - 8, -1)] + [(8, c) for c in range(size - 8, size)]
    read = [int("".join("1" if grid[r][c] else "0" for r, c in cells), 2) for cells in (near, split)]
    codes = _format_codes()
    distance, code = min((bin(value ^ code).count("1"), code) for value in read for code in codes)
    if distance > 3:
        raise QRReadError("the format information cannot be read")
    return codes[code]


def _function_modules(size: int, version: int) -> np.ndarray:
    taken = np.zeros((size, size), dtype=bool)
    taken[:9, :9] = taken[:9, size - 8 :] = taken[size - 8 :, :9] = True  # finders, separators, format
    taken[6, :] = taken[:, 6] = True  # timing
    centres = ALIGNMENT[version]
    corners = {(centres[0], centres[0]), (centres[0], centres[-1]), (centres[-1], centres[0])} if centres else set()
    for r in centres:
        for c in centres:
            if (r, c) not in corners:  # the three beside a finder pattern are left out
                taken[r - 2 : r + 3, c - 2 : c + 3] = True
    if version >= 7:
        taken[size - 11 : size - 8, :6] = taken[:6, size - 11 : size - 8] = True
    return taken


def _codewords(grid: list[list[bool]], version: int, mask: int) -> list[int]:
    size = len(grid)
    taken = _function_modules(size, version)
    bits: list[int] = []
    upwards = True
    col = size - 1
    while col > 0:
        if col == 6:
            col -= 1
        rows = range(size - 1, -1, -1) if upwards else range(size)
        for row in rows:
            for c in (col, col - 1):
                if not taken[row, c]:
                    bits.append(int(grid[row][c] != MASKS[mask](row, c)))
        upwards = not upwards
        col -= 2
    return [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits) - 7, 8)]


def _data_codewords(raw: list[int], version: int, level: str) -> list[int]:
    """The data codewords in order: the blocks are stored one codeword of each in turn."""
    _ec, lengths = BLOCKS[version][level]
    blocks: list[list[int]] = [[] for _ in lengths]
    position = 0
    for i in range(max(lengths)):
        for block, length in zip(blocks, lengths, strict=True):
            if i < length:
                block.append(raw[position])
                position += 1
    return [codeword for block in blocks for codeword in block]


class _Bits:
    def __init__(self, codewords: list[int]) -> None:
        self.text = "".join(f"{codeword:08b}" for codeword in codewords)
        self.at = 0

    def take(self, count: int) -> int:
        if self.at + count > len(self.text):
            raise QRReadError("the data ends in the middle of a segment")
        value = int(self.text[self.at : self.at + count], 2)
        self.at += count
        return value

    def left(self) -> int:
        return len(self.text) - self.at


def _segments(codewords: list[int], version: int) -> bytes:
    bits = _Bits(codewords)
    out = bytearray()
    while bits.left() >= 4:
        mode = bits.take(4)
        if mode == 0:
            break
        if mode == 0b0100:
            out += bytes(bits.take(8) for _ in range(bits.take(8 if version < 10 else 16)))
        elif mode == 0b0010:
            count = bits.take(9 if version < 10 else 11)
            for _ in range(count // 2):
                pair = bits.take(11)
                out += (ALPHANUMERIC[pair // 45] + ALPHANUMERIC[pair % 45]).encode()
            if count % 2:
                out += ALPHANUMERIC[bits.take(6)].encode()
        elif mode == 0b0001:
            count = bits.take(10 if version < 10 else 12)
            for _ in range(count // 3):
                out += f"{bits.take(10):03d}".encode()
            if count % 3:
                out += f"{bits.take(7 if count % 3 == 2 else 4):0{count % 3}d}".encode()
        elif mode == 0b0111:
            bits.take(8)  # an ECI designator: the bytes that follow are read as UTF-8 anyway
        else:
            raise QRReadError(f"mode {mode:04b} is not read here")
    return bytes(out)


def text_of_modules(grid: list[list[bool]]) -> str:
    """The text a QR code holds, from its modules (True: dark)."""
    size = len(grid)
    version = (size - 17) // 4
    if version not in BLOCKS or size != 17 + 4 * version:
        raise QRReadError(f"a code of {size} modules is not read here")
    level, mask = _format(grid)
    return _segments(_data_codewords(_codewords(grid, version, mask), version, level), version).decode("utf-8")


def text_of_qr_in_pdf(pdf: bytes) -> str:
    """The text of the QR code on the first page of `pdf`."""
    return text_of_modules(modules_in_picture(pdf_page_picture(pdf)))
