"""GIFT input that must be refused: every error reported with its line, and no question returned.

Deliberate differences from Moodle's parser (which would accept these or guess):
- an unknown [format] prefix, a second {...} block, a nested '{', an empty answer, a bad weight or a
  non-number in a numerical answer are errors (Moodle keeps them as text, or stores answer '*');
- `=%50%x` in a choice question means weight 50% (Moodle gives it 100% and the text "%50%x");
- a line that is just "0" is text, not a block separator (PHP's empty("0") quirk);
- decoding never guesses: non-UTF-8 bytes are refused with the line of the first bad byte.
"""

from __future__ import annotations

import unicodedata

import pytest

from elearn.errors import ImportFailed
from elearn.quizzes.formats.gift import decode_upload, parse_gift, parse_gift_upload


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(ImportFailed) as caught:
        parse_gift(text)
    return [(e.line, e.message) for e in caught.value.errors]


def test_every_bad_question_is_reported_with_its_line_and_nothing_returned():
    text = "\n".join(
        [
            "// good",  # 1
            "::ok::Thủ đô của Việt Nam?{=Hà Nội ~Huế ~Đà Nẵng}",  # 2
            "",  # 3
            "::open::Câu hỏi thiếu ngoặc {",  # 4
            "=đáp án",  # 5
            "",  # 6
            "::good2::Công đoàn cơ sở là tổ chức cơ sở của Công đoàn Việt Nam.{T}",  # 7
            "",  # 8
            "// comment first",  # 9
            "::num::Bao nhiêu?{#",  # 10
            "=abc",  # 11
            "}",  # 12
        ]
    )
    errors = errors_of(text)
    assert [line for line, _ in errors] == [4, 11]
    assert "thiếu dấu '}'" in errors[0][1]
    assert "«abc» không phải là số" in errors[1][1]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Q {=a ~b", 1, "thiếu dấu '}'"),
        ("Q\n=a ~b}", 2, "thiếu dấu '{'"),
        ("Q } a {=b}", 1, "đứng trước"),
        ("Q {=a\n{~b}", 2, "'{' khác"),
        ("Q {=a ~b} và {=c}", 1, "chỉ có một khối đáp án"),
        ("Q {~}", 1, "ít nhất 2 phương án"),
        ("Q {~a}", 1, "ít nhất 2 phương án"),
        ("Q {=}", 1, "để trống"),
        ("Q {~%50%a ~%30%b ~c}", 1, "hiện là 80%"),
        ("Q {~%33%a ~%33%b ~%34%c}", 1, "không thuộc danh sách trọng số hợp lệ"),
        ("Q {=%50%a ~b}", 1, "Phải có một phương án đúng 100%"),
        ("Q {=%50%mèo}", 1, "Phải có một phương án đúng 100%"),
        ("Q {~%abc%a =b}", 1, "Trọng số %abc% không phải là số"),
        ("Q {#abc}", 1, "«abc» không phải là số"),
        ("Q {#1:x}", 1, "Sai số «x» không phải là số"),
        ("Q {#2,5}", 1, "dùng dấu chấm thập phân"),
        ("Q {#5..1}", 1, "không hợp lệ"),
        ("Q {#}", 1, "ít nhất 1 phương án"),
        ("Q {#1 ~2}", 1, "sau dấu ~"),
        ("[htm]Q {T}", 1, "[htm] không hợp lệ"),
        ("Q {=a->b\n=c}", 2, "=vế trái -> vế phải"),
        ("Q {=a->b}", 1, "ít nhất 2 cặp"),
        ("::only a name::{T}", 1, "Thiếu nội dung câu hỏi"),
    ],
)
def test_single_error(text, line, fragment):
    errors = errors_of(text)
    assert len(errors) == 1, errors
    assert errors[0][0] == line
    assert fragment in errors[0][1]


def test_error_line_counts_comment_lines_and_names():
    text = "\n\n// one\n// two\n::name::\nline a\n{#\n=1\n=%50%x:1\n}"
    assert errors_of(text) == [(9, "Đáp án «x» không phải là số (dùng dấu chấm thập phân, ví dụ 2.5).")]


def test_moodle_tolerated_quirks_still_parse():
    # Text after the block is a "missing word" question; a lone `::` is part of the text.
    q = parse_gift("::broken name Câu {T}")[0]
    assert q.text == "broken name Câu" and q.type == "true_false"
    assert parse_gift("A {=b ~c} .")[0].text == "A _____ ."


def test_decode_upload_accepts_utf8_with_or_without_bom_and_normalises_to_nfc():
    text = "::Q::Công đoàn{T}"
    assert decode_upload(text.encode("utf-8")) == text
    assert decode_upload(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    decomposed = unicodedata.normalize("NFD", text)
    assert decode_upload(decomposed.encode("utf-8")) == text


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ("::Q::Đúng hay sai?{T}".encode("cp1258"), 1),
        (b"::Q1::ok{T}\n\n::Q2::caf\xe9{T}", 3),
    ],
)
def test_non_utf8_is_refused_never_guessed(data, line):
    with pytest.raises(ImportFailed) as caught:
        decode_upload(data)
    [error] = caught.value.errors
    assert error.line == line
    assert error.message.startswith("Tệp không phải UTF-8")


def test_utf16_is_refused():
    with pytest.raises(ImportFailed) as caught:
        decode_upload("::Q::a{T}".encode("utf-16-le"))
    assert "UTF-16" in caught.value.errors[0].message
    with pytest.raises(ImportFailed):
        decode_upload("::Q::a{T}".encode("utf-16"))  # with its BOM: not valid UTF-8 either


def test_oversize_upload_is_refused_before_parsing():
    data = b"::Q::a{T}\n\n" * 20
    with pytest.raises(ImportFailed) as caught:
        parse_gift_upload(data, max_bytes=100)
    [error] = caught.value.errors
    assert error.line == 0 and "Tệp quá lớn" in error.message
    assert len(parse_gift_upload(data, max_bytes=len(data))) == 20
