"""QR matrices for verify URLs: the same symbol as the `qrcode` package, about ten times faster.

qrcode chooses the mask by building and scoring eight full matrices in pure Python and encodes bits one at
a time: ~20 ms for a version-10 code, which alone would cap certificate rendering near 50 PDFs/s. Here the
URL is one byte-mode segment; qrcode still supplies the tables (capacities, Reed-Solomon blocks, generator
polynomials, Galois field), the function patterns and the format and version information, while everything
that depends only on the version is cached, and the eight masks are scored with qrcode's penalty rules on
whole-matrix integers (~0.8 ms in all). The result equals
`qrcode.QRCode(error_correction=M)` with the URL added as a byte-mode segment, module for module
(tests/certificates/test_qr.py checks this).

A matrix is a tuple of row bit masks: module (row r, column c) is dark when `rows[r] >> c & 1`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from qrcode import QRCode, base, util
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError

_PAD = (0xEC, 0x11)


@dataclass(frozen=True)
class QrMatrix:
    version: int
    size: int  # modules per side, without the quiet zone
    rows: tuple[int, ...]

    def dark_runs(self):
        """Yield (row, first column, length) for each horizontal run of dark modules."""
        for r, bits in enumerate(self.rows):
            line = format(bits, f"0{self.size}b")[::-1]
            for match in re.finditer("1+", line):
                yield r, match.start(), match.end() - match.start()


def encode_url(url: str, error_correction: int = ERROR_CORRECT_M) -> QrMatrix:
    data = url.encode("utf-8")
    version = _smallest_version(len(data), error_correction)
    layout = _layout(version)
    codewords = _codewords(data, version, error_correction)
    # Data bits in placement order, padded with "0" for the remainder bits and the sentinel used by every
    # non-data module; the permutations then place them in the row and column grids in one C-level call.
    bits = format(int.from_bytes(codewords, "big"), f"0{8 * len(codewords)}b")
    bits += "0" * (layout.data_bits + 1 - len(bits))
    data_rows = int("".join(layout.row_order(bits)), 2)
    data_columns = int("".join(layout.column_order(bits)), 2)
    best, best_penalty = 0, None
    for pattern in range(8):
        rows = layout.test_rows | (data_rows ^ layout.row_masks[pattern])
        columns = layout.test_columns | (data_columns ^ layout.column_masks[pattern])
        penalty = layout.penalty(rows, columns)
        if best_penalty is None or penalty < best_penalty:
            best, best_penalty = pattern, penalty
    grid = _final_function_rows(version, error_correction, best) | (data_rows ^ layout.row_masks[best])
    full = (1 << layout.size) - 1
    rows = tuple(grid >> r * layout.stride & full for r in range(layout.size))
    return QrMatrix(version=version, size=layout.size, rows=rows)


@cache
def _capacity_bytes(version: int, error_correction: int) -> int:
    return sum(block.data_count for block in base.rs_blocks(version, error_correction))


def _count_bits(version: int) -> int:
    return 8 if version < 10 else 16


def _smallest_version(length: int, error_correction: int) -> int:
    for version in range(1, 41):
        if 4 + _count_bits(version) + 8 * length <= 8 * _capacity_bytes(version, error_correction):
            return version
    raise DataOverflowError(f"{length} bytes do not fit in a QR code")


def _codewords(data: bytes, version: int, error_correction: int) -> bytes:
    capacity = _capacity_bytes(version, error_correction)
    count_bits = _count_bits(version)
    bits = ((util.MODE_8BIT_BYTE << count_bits | len(data)) << 8 * len(data)) | int.from_bytes(data, "big")
    used = 4 + count_bits + 8 * len(data)
    terminator = min(8 * capacity - used, 4)
    used += terminator + (-(used + terminator) % 8)
    stream = (bits << (used - 4 - count_bits - 8 * len(data))).to_bytes(used // 8, "big")
    stream += bytes(_PAD[i % 2] for i in range(capacity - len(stream)))
    blocks, ec_blocks, offset = [], [], 0
    for block in base.rs_blocks(version, error_correction):
        chunk = stream[offset : offset + block.data_count]
        offset += block.data_count
        blocks.append(chunk)
        ec_blocks.append(_rs_remainder(chunk, block.total_count - block.data_count))
    out = bytearray()
    for column in range(max(map(len, blocks))):
        out.extend(b[column] for b in blocks if column < len(b))
    for column in range(max(map(len, ec_blocks))):
        out.extend(b[column] for b in ec_blocks if column < len(b))
    return bytes(out)


@cache
def _generator_products(ec_count: int) -> tuple[tuple[int, ...], ...]:
    """For each byte f, the generator polynomial's coefficients (below the leading 1) multiplied by f."""
    if ec_count in util.LUT.rsPoly_LUT:
        generator = list(util.LUT.rsPoly_LUT[ec_count])
    else:
        poly = base.Polynomial([1], 0)
        for i in range(ec_count):
            poly = poly * base.Polynomial([1, base.gexp(i)], 0)
        generator = [poly[i] for i in range(len(poly))]
    tail = generator[1:]
    products = [tuple([0] * ec_count)]
    for f in range(1, 256):
        log_f = base.glog(f)
        products.append(tuple(0 if g == 0 else base.gexp(log_f + base.glog(g)) for g in tail))
    return tuple(products)


def _rs_remainder(data: bytes, ec_count: int) -> bytes:
    products = _generator_products(ec_count)
    remainder = [0] * ec_count
    for byte in data:
        factor = byte ^ remainder[0]
        remainder = [a ^ b for a, b in zip(remainder[1:] + [0], products[factor], strict=True)]
    return bytes(remainder)


@dataclass(frozen=True)
class _Layout:
    """What depends only on the version. A grid is one integer holding every row (or every column) in slots
    of `stride` = size + 1 bits; bit c of slot r is module (r, c) (of column slot c: module (c, r)). The
    spare bit per slot keeps runs and patterns from spanning two lines."""

    size: int
    stride: int
    data_bits: int  # number of data modules
    # For each grid bit, most significant first: the index of its data bit, or of the "0" sentinel.
    row_order: itemgetter
    column_order: itemgetter
    test_rows: int  # function patterns with blank format/version areas, as qrcode scores the masks
    test_columns: int
    row_masks: tuple[int, ...]  # per mask pattern, the data modules it flips
    column_masks: tuple[int, ...]
    line_bits: int  # bits 0..size-1 of every slot
    pair_bits: int  # bits 0..size-2 of every slot
    upper_pair_bits: int  # bits 0..size-2 of every slot but the last

    def penalty(self, rows: int, columns: int) -> int:
        """qrcode's util.lost_point on the grids (rules 1 and 3 on rows and columns, 2 and 4 on rows)."""
        points = 0
        for grid in (rows, columns):
            # Rule 1: a run of n >= 5 equal modules costs n - 2. `same` has n - 1 consecutive bits for such
            # a run, `long` n - 4; add 2 per run (per highest bit of each group in `long`).
            same = ~(grid ^ (grid >> 1)) & self.pair_bits
            long = same & (same >> 1) & (same >> 2) & (same >> 3)
            points += long.bit_count() + 2 * (long & ~(long >> 1)).bit_count()
            # Rule 3: 40 per 1:1:3:1:1 finder-like pattern with 4 light modules on either side.
            dark, light = grid, ~grid & self.line_bits
            for pattern in ("10111010000", "00001011101"):
                hits = -1
                for shift, module in enumerate(pattern):
                    hits &= (dark if module == "1" else light) >> shift
                points += 40 * hits.bit_count()
        # Rule 2: 3 per 2x2 block of one colour, overlapping blocks counted separately.
        lower = rows >> self.stride
        same = ~(rows ^ lower) & ~(rows ^ (rows >> 1)) & ~(lower ^ (lower >> 1)) & self.upper_pair_bits
        points += 3 * same.bit_count()
        # Rule 4: 10 per 5 % of dark modules away from half.
        percent = float(rows.bit_count()) / (self.size**2)
        return points + int(abs(percent * 100 - 50) / 5) * 10


def _function_modules(version: int, error_correction: int, test: bool, mask_pattern: int) -> list[list]:
    qr = QRCode(version=version, error_correction=error_correction)
    qr.modules_count = size = version * 4 + 17
    qr.modules = [[None] * size for _ in range(size)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(size - 7, 0)
    qr.setup_position_probe_pattern(0, size - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(test, mask_pattern)
    if version >= 7:
        qr.setup_type_number(test)
    return qr.modules


def _grid(cells, stride: int) -> int:
    """Pack (slot, bit) pairs into a grid integer."""
    return sum(1 << (slot * stride + bit) for slot, bit in cells)


@cache
def _layout(version: int) -> _Layout:
    modules = _function_modules(version, ERROR_CORRECT_M, True, 0)
    size = len(modules)
    stride = size + 1
    positions = []
    # Same zig-zag walk as qrcode's QRCode.map_data.
    row, step = size - 1, -1
    for col in range(size - 1, 0, -2):
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if modules[row][c] is None:
                    positions.append((row, c))
            row += step
            if row < 0 or row >= size:
                row -= step
                step = -step
                break
    total = size * stride
    row_order, column_order = [len(positions)] * total, [len(positions)] * total
    for index, (r, c) in enumerate(positions):
        row_order[total - 1 - (r * stride + c)] = index
        column_order[total - 1 - (c * stride + r)] = index
    flips = [[(r, c) for r, c in positions if util.mask_func(pattern)(r, c)] for pattern in range(8)]
    dark = [(r, c) for r in range(size) for c in range(size) if modules[r][c]]
    line = (1 << size) - 1
    return _Layout(
        size=size,
        stride=stride,
        data_bits=len(positions),
        row_order=itemgetter(*row_order),
        column_order=itemgetter(*column_order),
        test_rows=_grid(dark, stride),
        test_columns=_grid(((c, r) for r, c in dark), stride),
        row_masks=tuple(_grid(cells, stride) for cells in flips),
        column_masks=tuple(_grid(((c, r) for r, c in cells), stride) for cells in flips),
        line_bits=sum(line << slot * stride for slot in range(size)),
        pair_bits=sum(line >> 1 << slot * stride for slot in range(size)),
        upper_pair_bits=sum(line >> 1 << slot * stride for slot in range(size - 1)),
    )


@cache
def _final_function_rows(version: int, error_correction: int, mask_pattern: int) -> int:
    modules = _function_modules(version, error_correction, False, mask_pattern)
    return _grid(
        ((r, c) for r, row in enumerate(modules) for c, dark in enumerate(row) if dark), len(modules) + 1
    )
