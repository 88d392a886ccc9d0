"""Reference data every installation needs: unit kinds, sectors, position titles and terms (idempotent)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from elearn.officers.models import PositionTitle
from elearn.orgs.models import Sector, Term, UnitKind

UNIT_KINDS = [  # code, name, level, is_grassroots
    ("TLD", "Tổng Liên đoàn Lao động Việt Nam", 1, False),
    ("LDLD_TINH", "Liên đoàn Lao động tỉnh, thành phố", 2, False),
    ("CD_NGANH_TW", "Công đoàn ngành trung ương", 2, False),
    ("CD_XA_PHUONG", "Công đoàn xã, phường, đặc khu", 3, False),
    ("CD_NGANH_DP", "Công đoàn ngành địa phương", 3, False),
    ("CD_KCN", "Công đoàn các khu công nghiệp, khu chế xuất", 3, False),
    ("CD_TCT", "Công đoàn tổng công ty", 3, False),
    ("LDLD_HUYEN", "Liên đoàn Lao động quận, huyện (trước 7/2025)", 3, False),
    ("CDCS", "Công đoàn cơ sở", 4, True),
    ("NDCS", "Nghiệp đoàn cơ sở", 4, True),
    ("CD_BO_PHAN", "Công đoàn bộ phận", 5, False),
    ("TO_CD", "Tổ công đoàn", 6, False),
]
SECTORS = [
    ("HCSN", "Khu vực hành chính sự nghiệp"),
    ("DNNN", "Doanh nghiệp nhà nước"),
    ("NGOAI_NN", "Doanh nghiệp ngoài nhà nước"),
    ("FDI", "Doanh nghiệp có vốn đầu tư nước ngoài"),
]
TITLES = [
    ("CT", "Chủ tịch", 10),
    ("PCT", "Phó Chủ tịch", 20),
    ("UV_BTV", "Ủy viên Ban Thường vụ", 30),
    ("UV_BCH", "Ủy viên Ban Chấp hành", 40),
    ("CN_UBKT", "Chủ nhiệm Ủy ban Kiểm tra", 50),
    ("PCN_UBKT", "Phó Chủ nhiệm Ủy ban Kiểm tra", 55),
    ("UV_UBKT", "Ủy viên Ủy ban Kiểm tra", 60),
    ("TB_NC", "Trưởng ban nữ công", 70),
    ("CT_CDBP", "Chủ tịch công đoàn bộ phận", 80),
    ("TO_TRUONG", "Tổ trưởng công đoàn", 90),
    ("TO_PHO", "Tổ phó công đoàn", 95),
    ("KE_TOAN", "Kế toán công đoàn", 100),
    ("THU_QUY", "Thủ quỹ công đoàn", 105),
]
TERMS = [  # code, name, start, end, level (None: every level)
    ("2018-2023", "Nhiệm kỳ 2018-2023", date(2018, 1, 1), date(2023, 11, 30), None),
    ("2020-2025", "Nhiệm kỳ 2020-2025 (cơ sở)", date(2020, 1, 1), date(2025, 6, 30), 4),
    ("2023-2028", "Nhiệm kỳ 2023-2028 (Đại hội XIII)", date(2023, 12, 1), date(2028, 12, 31), 1),
    ("2025-2030", "Nhiệm kỳ 2025-2030", date(2025, 7, 1), date(2030, 6, 30), None),
]


def ensure_reference_data(session: Session) -> None:
    def upsert(model, key: str, rows: list[dict]) -> None:
        existing = {getattr(o, key): o for o in session.scalars(select(model))}
        for row in rows:
            obj = existing.get(row[key])
            if obj is None:
                session.add(model(**row))
            else:
                for k, v in row.items():
                    setattr(obj, k, v)

    upsert(UnitKind, "code", [dict(code=c, name=n, level=lv, is_grassroots=g) for c, n, lv, g in UNIT_KINDS])
    upsert(Sector, "code", [dict(code=c, name=n) for c, n in SECTORS])
    upsert(PositionTitle, "code", [dict(code=c, name=n, rank=r) for c, n, r in TITLES])
    terms = [dict(code=c, name=n, start_date=s, end_date=e, level=lv) for c, n, s, e, lv in TERMS]
    upsert(Term, "code", terms)
    session.flush()
