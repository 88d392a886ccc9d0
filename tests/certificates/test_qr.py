"""The fast QR encoder must give exactly the symbol the qrcode package gives."""

from __future__ import annotations

import random
import string

import pytest
import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M

from elearn.certificates.qr import encode_url

URL_CHARS = string.ascii_letters + string.digits + "-_"


def reference_rows(url: str) -> tuple[int, tuple[int, ...]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(util.QRData(url.encode("utf-8"), mode=util.MODE_8BIT_BYTE))
    code.make(fit=True)
    return code.version, tuple(sum(1 << c for c, dark in enumerate(row) if dark) for row in code.modules)


@pytest.mark.parametrize("length", [1, 20, 60, 100, 150, 180, 200, 213, 214, 250, 300, 400])
def test_matrix_equals_qrcode_package(length):
    rng = random.Random(length)
    for _ in range(4):
        url = "https://daotao.congdoan.vn/v/" + "".join(rng.choice(URL_CHARS) for _ in range(length))
        version, rows = reference_rows(url)

        matrix = encode_url(url)

        assert (matrix.version, matrix.rows) == (version, rows)
        assert matrix.size == 4 * version + 17


def test_dark_runs_cover_exactly_the_dark_modules():
    matrix = encode_url("https://daotao.congdoan.vn/v/abc")
    rows = [0] * matrix.size
    for row, column, length in matrix.dark_runs():
        rows[row] |= ((1 << length) - 1) << column

    assert tuple(rows) == matrix.rows
