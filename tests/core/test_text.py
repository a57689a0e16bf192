"""Vietnamese text: composed storage, diacritic-free search, alphabet-order sorting."""
import unicodedata

from workflow.text import fold, nfc, person_sort_key, sort_key


def test_decomposed_input_is_stored_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Ân")
    assert nfc(decomposed) == "Nguyễn Văn Ân"
    assert nfc("  Lê   Thị  Hoà ") == "Lê Thị Hoà"


def test_fold_ignores_case_diacritics_and_d_bar():
    assert fold("Nguyễn Văn Ân") == "nguyen van an"
    assert fold("ĐẶNG TẤN GIẢN") == "dang tan gian"
    # old and new tone placement fold to the same key
    assert fold("Hoà") == fold("Hòa") == "hoa"


def test_vietnamese_alphabet_order():
    words = ["đa", "da", "ê", "e", "bâ", "bă", "ba", "bà", "bá"]
    assert sorted(words, key=sort_key) == ["ba", "bà", "bá", "bă", "bâ", "da", "đa", "e", "ê"]


def test_people_sort_by_given_name_then_family_name():
    names = ["Trần Thị Ánh", "Nguyễn Văn An", "Lê Văn Ân", "Ngô Ba", "Lê Ba", "Võ Văn Đạt", "Hoàng Thị Dung"]
    assert sorted(names, key=person_sort_key) == [
        "Nguyễn Văn An", "Trần Thị Ánh", "Lê Văn Ân", "Lê Ba", "Ngô Ba", "Hoàng Thị Dung", "Võ Văn Đạt"]
