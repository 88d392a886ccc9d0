"""The spreadsheet template trainers fill in: its columns, type names, and the workbook itself."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from elearn.quizzes.formats.model import fold

LETTERS = "ABCDEF"
QUESTION_SHEET = "Câu hỏi"
HELP_SHEET = "Hướng dẫn"

COLUMNS: list[tuple[str, str]] = [
    ("category", "Danh mục"),
    ("name", "Tên câu hỏi"),
    ("type", "Loại câu hỏi"),
    ("text", "Nội dung câu hỏi"),
    *[(f"answer_{c.lower()}", f"Phương án {c}") for c in LETTERS],
    ("correct", "Đáp án đúng"),
    *[(f"feedback_{c.lower()}", f"Phản hồi {c}") for c in LETTERS],
    ("general_feedback", "Phản hồi chung"),
    ("tags", "Thẻ"),
    ("difficulty", "Độ khó"),
]

# The label written in the template for each type, then the other names accepted (compared without
# diacritics or case, so "Đúng/Sai", "dung/sai" and "true_false" all work).
TYPE_NAMES: dict[str, list[str]] = {
    "single_choice": ["Một đáp án", "một lựa chọn", "trắc nghiệm", "trắc nghiệm một đáp án"],
    "multiple_response": ["Nhiều đáp án", "nhiều lựa chọn", "trắc nghiệm nhiều đáp án"],
    "true_false": ["Đúng/Sai", "đúng sai", "đúng - sai"],
    "short_answer": ["Trả lời ngắn", "điền từ", "điền khuyết"],
    "numerical": ["Số", "câu hỏi số", "đáp số"],
    "matching": ["Ghép đôi", "ghép nối", "nối"],
    "essay": ["Tự luận"],
    "description": ["Mô tả", "đoạn mô tả"],
}
DIFFICULTY_NAMES = {"de": 1, "1": 1, "trung binh": 2, "2": 2, "kho": 3, "3": 3}
DIFFICULTY_TAG = {1: "de", 2: "trung-binh", 3: "kho"}

EXAMPLES: list[dict[str, str]] = [
    {
        "category": "Ví dụ/Điều lệ Công đoàn",
        "name": "Ví dụ: mức đoàn phí",
        "type": "Một đáp án",
        "text": "Đoàn viên công đoàn đóng đoàn phí hằng tháng bằng bao nhiêu phần trăm tiền lương?",
        "answer_a": "1%",
        "answer_b": "2%",
        "answer_c": "0,5%",
        "correct": "A",
        "general_feedback": "Đoàn viên đóng đoàn phí bằng 1% tiền lương.",
        "tags": "doan-phi",
        "difficulty": "Dễ",
    },
    {
        "category": "Ví dụ/Luật Công đoàn",
        "name": "Ví dụ: chức năng của Công đoàn",
        "type": "Nhiều đáp án",
        "text": "Những nội dung nào sau đây là chức năng của Công đoàn Việt Nam?",
        "answer_a": "Đại diện, bảo vệ quyền và lợi ích hợp pháp, chính đáng của người lao động",
        "answer_b": "Tham gia quản lý nhà nước, quản lý kinh tế - xã hội",
        "answer_c": "Ban hành văn bản quy phạm pháp luật",
        "answer_d": "Tham gia thanh tra, kiểm tra, giám sát hoạt động của cơ quan, tổ chức, doanh nghiệp",
        "correct": "A,B,D",
        "feedback_c": "Công đoàn không ban hành văn bản quy phạm pháp luật.",
        "tags": "luật công đoàn",
        "difficulty": "Trung bình",
    },
    {
        "category": "Ví dụ/Điều lệ Công đoàn",
        "name": "Ví dụ: thành lập công đoàn cơ sở",
        "type": "Đúng/Sai",
        "text": "Công đoàn cơ sở được thành lập ở đơn vị có từ 05 đoàn viên hoặc 05 người lao động trở lên.",
        "correct": "Đúng",
        "tags": "cong-doan-co-so",
        "difficulty": "Khó",
    },
]

HELP_LINES = [
    "HƯỚNG DẪN NHẬP CÂU HỎI TỪ TỆP EXCEL",
    "",
    "1. Mỗi dòng của trang «Câu hỏi» là một câu hỏi. Không đổi tên các cột ở dòng tiêu đề.",
    "2. Xoá 3 dòng ví dụ trước khi nhập (hệ thống từ chối tệp còn dòng ví dụ).",
    "3. Danh mục: đường dẫn phân cấp, ngăn bằng dấu «/», ví dụ «Điều lệ Công đoàn/Chương II».",
    "4. Loại câu hỏi: Một đáp án, Nhiều đáp án, Đúng/Sai, Trả lời ngắn, Số, Ghép đôi, Tự luận, Mô tả.",
    "5. Phương án A–F: nội dung các phương án. Câu Ghép đôi: viết «vế trái -> vế phải» trong mỗi ô;"
    " «-> vế phải» (để trống vế trái) là phương án gây nhiễu.",
    "6. Câu Số: mỗi ô phương án là một đáp án: «3», «3:0,5» (sai số 0,5) hoặc «1..5» (khoảng).",
    "7. Đáp án đúng: Một đáp án: «A». Nhiều đáp án: «A,C» (chia đều điểm)"
    " hoặc có trọng số «A:50;C:50;D:-100». Đúng/Sai: «Đúng» hoặc «Sai»."
    " Trả lời ngắn, Số: để trống nếu mọi phương án đều đúng, hoặc «A» hay «A:100;B:50»."
    " Trọng số tính theo phần trăm và phải là một mức Moodle chấp nhận (100, 50, 33,333, 25, 20, ...).",
    "8. Phản hồi A–F: hiện cho học viên khi chọn phương án tương ứng"
    " (câu Đúng/Sai: A cho «Đúng», B cho «Sai»).",
    "9. Thẻ: ngăn bằng dấu phẩy. Độ khó: Dễ, Trung bình hoặc Khó.",
    "10. Nếu tệp có lỗi, hệ thống liệt kê mọi lỗi kèm số dòng và không ghi câu hỏi nào.",
]


HEADER_KEYS = {fold(label): key for key, label in COLUMNS} | {key: key for key, _ in COLUMNS}
TYPE_KEYS = {fold(name): code for code, names in TYPE_NAMES.items() for name in [code, *names]}


def build_template() -> bytes:
    """An .xlsx with the header row, 3 example rows and a Vietnamese instructions sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = QUESTION_SHEET
    ws.append([label for _, label in COLUMNS])
    for example in EXAMPLES:
        ws.append([example.get(key, "") for key, _ in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[cell.column_letter].width = 40 if cell.value == "Nội dung câu hỏi" else 18
    ws.freeze_panes = "A2"
    type_column = [key for key, _ in COLUMNS].index("type") + 1
    labels = ",".join(names[0] for names in TYPE_NAMES.values())
    validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    validation.add(
        f"{ws.cell(row=2, column=type_column).column_letter}2:"
        f"{ws.cell(row=2, column=type_column).column_letter}5000"
    )
    ws.add_data_validation(validation)
    help_ws = wb.create_sheet(HELP_SHEET)
    for line in HELP_LINES:
        help_ws.append([line])
    help_ws["A1"].font = Font(bold=True, size=13)
    help_ws.column_dimensions["A"].width = 140
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
