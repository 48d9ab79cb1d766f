"""One Vietnamese voice: every string the portal shows follows ../shared/GLOSSARY.md.

The test reads what users read: the compiled Vietnamese catalogue (every msgstr), the literal
Vietnamese text of the templates, and the Vietnamese string literals of the code (the Excel
headers, notes and titles written without gettext). It fails on the glossary's "not" column,
on the newer tone-mark position (hoá, khoá, thuỷ…; the glossary keeps the traditional hóa, khóa,
thủy), on internal period codes (2025-H1, 6T/2025) in messages, and on a sentence left in English.
When a word here has to change, change GLOSSARY.md first: this list only repeats it.
"""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
COMPILED = BASE / "locale" / "vi" / "LC_MESSAGES" / "django.mo"

# (what is wrong, the pattern that finds it, what GLOSSARY.md says instead). Case-insensitive.
NOT = [
    (
        "cán bộ văn hóa xã",
        r"cán bộ văn ho[áa]\s*xã|cán bộ văn hoá|cán bộ xã\b",
        "công chức Văn hóa - Xã hội / công chức xã",
    ),
    # "Công nhân may" is a job as an enterprise's roster records it, not the portal speaking.
    ("công nhân alone", r"\bcông nhân\b(?! lao động| may\b)", "công nhân lao động (CNLĐ)"),
    ("người lao động", r"\bngười lao động\b", "công nhân lao động (CNLĐ)"),
    ("công nhân nữ", r"\bcông nhân nữ\b", "lao động nữ"),
    ("bạn", r"\bbạn\b", "impersonal screens"),
    ("anh/chị", r"\banh\s*/\s*chị\b", "đồng chí (e-mails), impersonal screens"),
    ("Xin chào", r"\bxin chào\b", "Kính gửi đồng chí <họ và tên>,"),
    ("e-mail", r"\be-mail\b", "email"),
    ("thư điện tử", r"\bthư điện tử\b", "email"),
    ("menu", r"\bmenu\b", "trình đơn"),
    ("dấu vân tay", r"\bvân tay\b", "mã kiểm tra nội dung"),
    ("dd/mm/yyyy", r"\bdd/mm/yy(yy)?\b", "ngày/tháng/năm, ví dụ 21/04/2025"),
    ("Chưa nhập gì", r"\bchưa nhập gì\b", "Chưa nhập số liệu"),
    ("cận dưới", r"\bcận dưới\b", "mức tối thiểu toàn xã"),
    ("ít nhất alone", r"\bít nhất\b(?!\s+(một|\d|%))", "mức tối thiểu toàn xã"),
    ("nội suy", r"\bnội suy\b", "tính theo lộ trình"),
    ("cơ sở for a baseline", r"(?<!đoàn )\bcơ sở\b(?! dữ liệu)", "năm gốc / mốc lộ trình"),
    ("Mức độ đầy đủ của báo cáo", r"\bmức độ đầy đủ\b", "Tình hình nộp báo cáo"),
    ("Cổng thông tin", r"\bcổng thông tin\b", "Hệ thống theo dõi …"),
    ("Ngừng hoạt động", r"\bngừng hoạt động\b", "Ngừng theo dõi"),
    ("CNLD", r"\bCNLD\b", "CNLĐ"),
    ("Tiêu chí tính một CNLĐ", r"\btiêu chí tính\b", "Tiêu chí xác định CNLĐ đạt"),
    # "Doanh nghiệp tư nhân" (DNTN) is a legal form, which the glossary lists.
    ("Tư nhân", r"(?<!doanh nghiệp )\btư nhân\b", "Thành phần kinh tế: ngoài nhà nước"),
]
# Case matters for these: a state named "Nháp" or "Trả lại", a capital mid-sentence.
NOT_CASED = [
    ("Nháp as a state", r"(?<!Bản )\bNháp\b|^Đang nháp|^Trả lại$", "Bản nháp, Bị trả lại"),
    ("Đường dẫn as the breadcrumb", r"^Đường dẫn$", "Vị trí trang"),
    ("Công đoàn cơ sở mid-sentence", r"(?<=[a-zà-ỹđ,] )Công đoàn cơ sở(?! [A-ZĐ])", "công đoàn cơ sở"),
    ("công ty (generic)", r"\bcông ty\b(?! (TNHH|cổ phần|hợp danh))", "doanh nghiệp"),
    ("the motto", r"Độc lập\s*(?!- Tự do - Hạnh phúc)[-–—]|Độc lập\s*[–—]", "Độc lập - Tự do - Hạnh phúc"),
    ("Vui lòng twice", r"Vui lòng.*Vui lòng", "Vui lòng at most once per message"),
]
# The newer tone-mark position on an open oa/oe/uy syllable (after "qu", "uy" is not one).
NEW_TONE_MARK = re.compile(r"(?<![qQ])(?:[oO][áàảãạ]|[oO][éèẻẽẹ]|[uU][ýỳỷỹỵ])(?!\w)")
PERIOD_CODE = re.compile(r"\b\d{4}-H[12]\b|\b6T/|\bkỳ\s+(%\(period\)s|\d{4}\b)", re.IGNORECASE)
VIETNAMESE = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)


def problems(text: str) -> list[str]:
    found = [
        f"{name} (say: {say})" for name, pattern, say in NOT if re.search(pattern, text, re.IGNORECASE | re.MULTILINE)
    ]
    found += [f"{name} (say: {say})" for name, pattern, say in NOT_CASED if re.search(pattern, text, re.MULTILINE)]
    found += [f"tone mark in “{m.group()}…” (hóa, khóa, xóa, thủy, hủy)" for m in NEW_TONE_MARK.finditer(text)][:1]
    return found


def report(offences: list[tuple[str, str, list[str]]]) -> str:
    lines = [f"{len(offences)} string(s) do not follow ../shared/GLOSSARY.md:"]
    for where, text, found in offences[:60]:
        lines.append(f"  {where}: {text[:160]!r}\n      → {'; '.join(found)}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def catalogue() -> polib.MOFile:
    assert COMPILED.exists(), "compile the catalogue first (manage.py compilemessages)"
    return polib.mofile(str(COMPILED))


def translations(catalogue):
    for entry in catalogue:
        if not entry.msgid:
            continue
        strings = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in strings:
            yield entry, text


def test_the_problem_finder_knows_good_from_bad():
    assert problems("Thêm công nhân") and problems("Đã xoá tệp") and problems("Thanh Hoá") and problems("Nháp")
    assert problems("Huỷ") and problems("thuỷ lợi") and problems("Độc lập – Tự do – Hạnh phúc")
    assert problems("Năm cơ sở") and problems("Toàn xã, ít nhất: 50%") and problems("Trả lại")
    for good in (
        "Thêm CNLĐ",
        "công nhân lao động",
        "Bị trả lại",
        "Bản nháp",
        "cán bộ công đoàn cơ sở",
        "Đã xóa tệp",
        "Hủy",
        "Thanh Hóa",
        "quý 1",
        "hoạt động",
        "khoảng",
        "Chọn ít nhất một báo cáo",
        "Độc lập - Tự do - Hạnh phúc",
        "Công đoàn cơ sở được thành lập",
    ):
        assert not problems(good), (good, problems(good))
    assert PERIOD_CODE.search("Kỳ 2025-H1") and PERIOD_CODE.search("6T/2025") and not PERIOD_CODE.search("năm 2025")


def test_every_vietnamese_message_follows_the_glossary(catalogue):
    offences = []
    for entry, text in translations(catalogue):
        found = problems(text)
        if PERIOD_CODE.search(text):
            found.append("an internal period code (say: 6 tháng đầu năm 2025; năm 2025)")
        if found:
            offences.append((repr(entry.msgid[:60]), text, found))
    assert not offences, report(offences)


def test_no_sentence_is_left_in_english(catalogue):
    same = [
        (repr(entry.msgid[:60]), text, ["msgstr equals the English msgid"])
        for entry, text in translations(catalogue)
        if text.strip() == entry.msgid.strip() and len(re.findall(r"[A-Za-z]{2,}", text)) >= 3
    ]
    assert not same, report(same)


def template_texts():
    """The literal text of every template: what is left once the template language is removed."""
    for path in sorted((BASE / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt"}:
            continue
        source = path.read_text(encoding="utf-8")
        source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}|{%.*?%}|{{.*?}}", "\n", source, flags=re.S)
        for number, line in enumerate(source.splitlines(), 1):
            if VIETNAMESE.search(line):
                yield f"{path.relative_to(BASE)} (line ~{number})", line.strip()


def test_the_templates_literal_vietnamese_follows_the_glossary():
    offences = [(where, text, found) for where, text in template_texts() if (found := problems(text))]
    assert not offences, report(offences)


def code_literals():
    """Vietnamese string literals in the portal's code (sheet headers, notes), docstrings left out."""
    skip = {".venv", "node_modules", "tests", "migrations", "bench", "locale", "static"}
    for path in sorted(BASE.rglob("*.py")):
        if skip & set(path.relative_to(BASE).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(tree):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            accepted = is_text and "glossary: accepted" in lines[node.lineno - 1]  # a word read from old files
            if is_text and not accepted and VIETNAMESE.search(node.value):
                yield f"{path.relative_to(BASE)}:{node.lineno}", node.value


def test_the_vietnamese_written_in_the_code_follows_the_glossary():
    offences = [(where, text, found) for where, text in code_literals() if (found := problems(text))]
    assert not offences, report(offences)
