"""Plain factories for certificate tests."""

from __future__ import annotations

import dataclasses
from datetime import date

from elearn.certificates.pdf import CertificateFields
from elearn.certificates.tokens import TokenRecord

HOLDER = "Nguyễn Thị Thanh Tùng"
BASE_URL = "https://daotao.congdoan.vn"


def make_fields(**changes) -> CertificateFields:
    fields = CertificateFields(
        serial="HN-2026-000123",
        holder_name=HOLDER,
        date_of_birth=date(1985, 3, 12),
        type_name="Bồi dưỡng nghiệp vụ công tác công đoàn",
        course_title="Kỹ năng thương lượng tập thể và đối thoại tại nơi làm việc",
        class_code="BD-2026-07",
        hours=40,
        result="Giỏi",
        issue_date=date(2026, 11, 22),
        expiry_date=None,
        place="Hà Nội",
        issuing_unit="LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI",
        signer_name="Trần Văn Hùng",
        signer_title="TM. Ban Thường vụ\nChủ tịch",
    )
    return dataclasses.replace(fields, **changes)


def make_record(**changes) -> TokenRecord:
    record = TokenRecord(
        serial="HN-2026-000123",
        holder_name=HOLDER,
        date_of_birth=date(1985, 3, 12),
        type_code="BDNV",
        issue_date=date(2026, 11, 22),
        expiry_date=date(2031, 11, 22),
    )
    return dataclasses.replace(record, **changes)
