"""Fixed tables behind `seed-demo`: demo accounts, upper-level unions, name pools for CĐCS and officers.

`seed.py` draws from these in a fixed order with a fixed seed, so editing any table changes the demo data.
"""

from __future__ import annotations

from elearn.accounts.models import Role

DEMO_PASSWORD = "demo12345"  # noqa: S105  (the documented demo password, demo data only)
DEMO_ACCOUNTS = [
    ("admin@demo.vn", "Quản trị hệ thống", Role.ADMIN),
    ("trainer@demo.vn", "Lê Minh Châu", Role.TRAINER),
    ("staff@demo.vn", "Phạm Thu Hà", Role.STAFF),
    ("officer@demo.vn", "Nguyễn Thị Thanh Tùng", Role.OFFICER),
]
UPPER_UNITS = [  # code, name, kind, sector of its CĐCS (weights: HCSN, DNNN, NGOAI_NN, FDI)
    ("HN-BD", "Công đoàn phường Ba Đình", "CD_XA_PHUONG", (3, 2, 5, 1)),
    ("HN-HK", "Công đoàn phường Hoàn Kiếm", "CD_XA_PHUONG", (3, 2, 6, 1)),
    ("HN-DD", "Công đoàn phường Đống Đa", "CD_XA_PHUONG", (3, 1, 6, 1)),
    ("HN-CG", "Công đoàn phường Cầu Giấy", "CD_XA_PHUONG", (2, 1, 6, 2)),
    ("HN-HBT", "Công đoàn phường Hai Bà Trưng", "CD_XA_PHUONG", (3, 2, 5, 1)),
    ("HN-HM", "Công đoàn phường Hoàng Mai", "CD_XA_PHUONG", (2, 1, 7, 1)),
    ("HN-LB", "Công đoàn phường Long Biên", "CD_XA_PHUONG", (2, 2, 6, 2)),
    ("HN-TH", "Công đoàn phường Tây Hồ", "CD_XA_PHUONG", (2, 1, 6, 2)),
    ("HN-SS", "Công đoàn xã Sóc Sơn", "CD_XA_PHUONG", (2, 1, 5, 3)),
    ("HN-DA", "Công đoàn xã Đông Anh", "CD_XA_PHUONG", (2, 1, 5, 3)),
    ("HN-GL", "Công đoàn xã Gia Lâm", "CD_XA_PHUONG", (2, 1, 6, 2)),
    ("HN-TT", "Công đoàn xã Thanh Trì", "CD_XA_PHUONG", (2, 1, 6, 2)),
    ("HN-GD", "Công đoàn ngành Giáo dục Hà Nội", "CD_NGANH_DP", (1, 0, 0, 0)),
    ("HN-YT", "Công đoàn ngành Y tế Hà Nội", "CD_NGANH_DP", (1, 0, 0, 0)),
    ("HN-XD", "Công đoàn ngành Xây dựng Hà Nội", "CD_NGANH_DP", (1, 3, 3, 0)),
    ("HN-CT", "Công đoàn ngành Công Thương Hà Nội", "CD_NGANH_DP", (0, 3, 4, 1)),
    ("HN-GT", "Công đoàn ngành Giao thông vận tải Hà Nội", "CD_NGANH_DP", (1, 3, 3, 0)),
    ("HN-KCN", "Công đoàn các Khu công nghiệp và chế xuất Hà Nội", "CD_KCN", (0, 0, 2, 5)),
    ("HN-VT", "Công đoàn Tổng công ty Vận tải Hà Nội", "CD_TCT", (0, 1, 0, 0)),
    ("HN-DL", "Công đoàn Tổng công ty Du lịch Hà Nội", "CD_TCT", (0, 1, 0, 0)),
]
SECTOR_CODES = ("HCSN", "DNNN", "NGOAI_NN", "FDI")
PLACES = [
    "Thăng Long",
    "Hồng Hà",
    "Sông Đà",
    "Tây Hồ",
    "Kim Liên",
    "Đại Mỗ",
    "Phú Thượng",
    "Yên Viên",
    "Linh Đàm",
    "Mai Dịch",
    "Việt Hưng",
    "Bồ Đề",
    "Định Công",
    "Thạch Bàn",
    "Nghĩa Đô",
    "Quang Minh",
    "Nội Bài",
    "Bắc Thăng Long",
    "Đông Anh",
    "Kim Chung",
    "Phù Lỗ",
    "Thành Công",
    "Hoàng Liệt",
    "Trung Hòa",
    "Láng Thượng",
    "Văn Miếu",
    "Hàng Bông",
    "Phúc Xá",
    "Vĩnh Tuy",
    "Ngọc Thụy",
]
HCSN_NAMES = [
    "Trường Tiểu học {p}",
    "Trường THCS {p}",
    "Trường THPT {p}",
    "Trường Mầm non {p}",
    "Bệnh viện Đa khoa {p}",
    "Trung tâm Y tế {p}",
    "Thư viện {p}",
    "Trung tâm Văn hóa {p}",
]
DNNN_NAMES = [
    "Công ty TNHH MTV Nước sạch {p}",
    "Công ty TNHH MTV Môi trường {p}",
    "Xí nghiệp Xe buýt {p}",
    "Công ty Cổ phần Điện lực {p}",
    "Công ty TNHH MTV Công viên {p}",
    "Khách sạn {p}",
]
PRIVATE_NAMES = [
    "Công ty Cổ phần Xây dựng {p}",
    "Công ty TNHH Thương mại {p}",
    "Công ty Cổ phần May {p}",
    "Công ty TNHH Cơ khí {p}",
    "Công ty Cổ phần Thực phẩm {p}",
    "Công ty TNHH Dịch vụ {p}",
    "Siêu thị {p}",
    "Công ty Cổ phần In {p}",
]
FDI_NAMES = [
    "Công ty TNHH Điện tử Quốc tế {p}",
    "Công ty TNHH Linh kiện Điện tử {p}",
    "Công ty TNHH Sản xuất Ô tô {p}",
    "Công ty TNHH Nhựa Kỹ thuật {p}",
    "Công ty TNHH Dệt may Quốc tế {p}",
    "Công ty TNHH Thiết bị Y tế {p}",
]
SURNAMES = (
    ["Nguyễn"] * 8
    + ["Trần"] * 3
    + ["Lê"] * 3
    + ["Phạm"] * 2
    + [
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đinh",
        "Trịnh",
        "Đào",
        "Lương",
        "Mai",
        "Tạ",
    ]
)
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Mạnh", "Tiến", "Ngọc", "Bá"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Kim", "Diệu", "Bích"]
GIVEN_M = [
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hùng",
    "Huy",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Thành",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Hoàng",
    "Kiên",
    "Lâm",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Thảo",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
    "Thủy",
]
# Titles of a CĐCS executive committee (BCH) in the current term, besides its chair.
CDCS_BOARD = [
    "PCT",
    "UV_BCH",
    "UV_BCH",
    "UV_BCH",
    "CN_UBKT",
    "UV_UBKT",
    "TB_NC",
    "TO_TRUONG",
    "TO_PHO",
    "UV_BCH",
    "TO_TRUONG",
    "TO_PHO",
]
UPPER_BOARD = ["CT", "PCT", "PCT", "UV_BTV", "CN_UBKT", "KE_TOAN"]
