import pytest

from groepsaanbod.cohorts import class_list as sc
from groepsaanbod.cohorts.class_list import (
    SchoolClassRow,
    decode_upload,
    read_school_classes_csv,
)

HEADER = "class,school_year,mentor_name,mentor_email,pupils"
GOOD_LINE = "1A,2026-2027,Anna de Vries,A.deVries@School.nl,28"


def fields(result):
    return [p.field for p in result.problems]


def test_good_comma_file():
    text = f"{HEADER}\r\n{GOOD_LINE}\r\n1B, 2026-2027 , Bram  Jansen ,bram@school.nl, 27 \r\n"
    result = read_school_classes_csv(text)
    assert result.ok
    assert result.problems == ()
    assert result.rows == (
        SchoolClassRow(2, "1A", "2026-2027", "Anna de Vries", "a.devries@school.nl", 28),
        SchoolClassRow(3, "1B", "2026-2027", "Bram Jansen", "bram@school.nl", 27),
    )


def test_good_semicolon_file_with_dutch_headers_and_bom():
    text = (
        " Klas ;Schooljaar;Naam mentor;E-mail mentor;Aantal leerlingen;Opmerking\n"
        "1A;2026-2027;Anna de Vries;anna@school.nl;28;let op, nieuw\n"
        "1B;2026-2027;Bram Jansen;bram@school.nl;27;\n"
    )
    data = "\ufeff".encode() + text.encode("utf-8")
    decoded = decode_upload(data)
    assert not decoded.startswith("\ufeff")
    result = read_school_classes_csv(decoded)
    assert result.ok
    assert [(r.line, r.class_name, r.mentor_email, r.pupils) for r in result.rows] == [
        (2, "1A", "anna@school.nl", 28),
        (3, "1B", "bram@school.nl", 27),
    ]


def test_cp1252_file_from_excel_on_windows():
    text = "klas;schooljaar;mentor;email mentor;leerlingen\r\n1C;2026-2027;Renée Bakker;renee@school.nl;25\r\n"
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = read_school_classes_csv(decode_upload(data))
    assert result.ok
    assert result.rows[0].mentor_name == "Renée Bakker"


def test_utf8_without_bom_is_decoded_as_utf8():
    assert decode_upload("Renée".encode()) == "Renée"


def test_english_headers_with_spaces_and_other_case():
    text = "CLASS, School Year ,Mentor,Mentor E-mail,Number of pupils\n1A,2026-2027,Anna,anna@school.nl,20\n"
    assert read_school_classes_csv(text).ok


@pytest.mark.parametrize(
    ("line", "column", "msgid", "params"),
    [
        (",2026-2027,Anna,anna@school.nl,28", "class_name", sc.CLASS_EMPTY, {}),
        (f"{'x' * 41},2026-2027,Anna,anna@school.nl,28", "class_name", sc.CLASS_TOO_LONG, {"max": 40}),
        ("1A,,Anna,anna@school.nl,28", "school_year", sc.YEAR_EMPTY, {}),
        ("1A,2026-2028,Anna,anna@school.nl,28", "school_year", sc.YEAR_WRONG, {"value": "2026-2028"}),
        ("1A,2026,Anna,anna@school.nl,28", "school_year", sc.YEAR_WRONG, {"value": "2026"}),
        ("1A,1999-2000,Anna,anna@school.nl,28", "school_year", sc.YEAR_WRONG, {"value": "1999-2000"}),
        ("1A,26-27,Anna,anna@school.nl,28", "school_year", sc.YEAR_WRONG, {"value": "26-27"}),
        ("1A,2026-2027,,anna@school.nl,28", "mentor_name", sc.MENTOR_EMPTY, {}),
        ("1A,2026-2027,Anna,,28", "mentor_email", sc.EMAIL_EMPTY, {}),
        ("1A,2026-2027,Anna,anna.school.nl,28", "mentor_email", sc.EMAIL_WRONG, {"value": "anna.school.nl"}),
        ("1A,2026-2027,Anna,anna@,28", "mentor_email", sc.EMAIL_WRONG, {"value": "anna@"}),
        ("1A,2026-2027,Anna,anna@school.nl,0", "pupils", sc.PUPILS_WRONG, {"max": 60}),
        ("1A,2026-2027,Anna,anna@school.nl,61", "pupils", sc.PUPILS_WRONG, {"max": 60}),
        ("1A,2026-2027,Anna,anna@school.nl,28.5", "pupils", sc.PUPILS_WRONG, {"max": 60}),
        ("1A,2026-2027,Anna,anna@school.nl,veel", "pupils", sc.PUPILS_WRONG, {"max": 60}),
        ("1A,2026-2027,Anna,anna@school.nl,-3", "pupils", sc.PUPILS_WRONG, {"max": 60}),
        ("1A,2026-2027,Anna,anna@school.nl,", "pupils", sc.PUPILS_WRONG, {"max": 60}),
        ("1A,2026-2027,Anna,anna@school.nl", "pupils", sc.PUPILS_WRONG, {"max": 60}),
    ],
)
def test_bad_row_names_line_and_column(line, column, msgid, params):
    result = read_school_classes_csv(f"{HEADER}\n{GOOD_LINE}\n{line}\n")
    assert not result.ok
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.field == f"lines[3].{column}"
    assert problem.message.msgid == msgid
    assert problem.message.params["line"] == 3
    assert params.items() <= problem.message.params.items()
    # The message renders with its values.
    assert "Line 3:" in problem.message.msgid % problem.message.params
    # The good line is still read, but nothing may be imported.
    assert [r.line for r in result.rows] == [2]


def test_several_problems_on_one_line_are_all_reported():
    result = read_school_classes_csv(f"{HEADER}\n,2026,,nope,0\n")
    assert fields(result) == [
        "lines[2].class_name",
        "lines[2].school_year",
        "lines[2].mentor_name",
        "lines[2].mentor_email",
        "lines[2].pupils",
    ]
    assert result.rows == ()


@pytest.mark.parametrize("written", ["2026/2027", "2026 \u2013 2027"])
def test_school_year_written_with_slash_or_dash_is_normalised(written):
    result = read_school_classes_csv(f"{HEADER}\n1A,{written},Anna,anna@school.nl,28\n")
    assert result.ok
    assert result.rows[0].school_year == "2026-2027"


def test_missing_columns():
    result = read_school_classes_csv("klas;schooljaar;leerlingen\n1A;2026-2027;28\n")
    assert not result.ok
    assert result.rows == ()
    assert fields(result) == ["header", "header"]
    messages = [p.message for p in result.problems]
    assert all(m.msgid == sc.COLUMN_MISSING for m in messages)
    assert messages[0].params == {
        "column": "mentor name",
        "allowed": "mentor_name, mentor name, mentor, naam mentor, mentor naam",
    }
    assert messages[1].params["column"] == "mentor email"
    assert "e-mail mentor" in messages[1].params["allowed"]


def test_file_without_header_reports_every_column():
    result = read_school_classes_csv(f"{GOOD_LINE}\n")
    assert fields(result) == ["header"] * 5


def test_extra_columns_and_other_order_are_fine():
    text = "pupils,notes,mentor_email,class,mentor_name,school_year\n28,hi,anna@school.nl,1A,Anna,2026-2027\n"
    result = read_school_classes_csv(text)
    assert result.ok
    assert result.rows[0] == SchoolClassRow(2, "1A", "2026-2027", "Anna", "anna@school.nl", 28)


def test_duplicate_class_in_same_year():
    text = (
        f"{HEADER}\n"
        f"{GOOD_LINE}\n"
        "1B,2026-2027,Bram,bram@school.nl,27\n"
        "1a,2026-2027,Cor,cor@school.nl,26\n"
        "1A,2027-2028,Dina,dina@school.nl,25\n"
    )
    result = read_school_classes_csv(text)
    assert not result.ok
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.field == "lines[4].class_name"
    assert problem.message.msgid == sc.CLASS_TWICE
    assert problem.message.params == {"line": 4, "value": "1a", "first": 2}
    assert [r.line for r in result.rows] == [2, 3, 5]


def test_blank_lines_are_skipped_but_counted():
    text = f"\n{HEADER}\n\n{GOOD_LINE}\n   \n,,,,\n , ,\n1B,2026-2027,Bram,bram@school.nl,0\n\n"
    result = read_school_classes_csv(text)
    assert [r.line for r in result.rows] == [4]
    assert fields(result) == ["lines[8].pupils"]


def test_quoted_cell_over_two_lines_keeps_line_numbers():
    """A cell over two lines is refused (names and addresses are one line), named by the line
    it starts on; the lines after it keep their numbers."""
    text = f'{HEADER}\n"1A",2026-2027,"Anna\nde Vries",anna@school.nl,28\n1B,2026-2027,Bram,bram@school.nl,99\n'
    result = read_school_classes_csv(text)
    assert fields(result) == ["lines[2].mentor_name", "lines[4].pupils"]
    assert result.problems[0].message.msgid == sc.CELL_ONE_LINE


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n  \n",
        f"{HEADER}\n",
        f"{HEADER}\n\n,,,,\n",
        "klas;schooljaar;mentor;email mentor;leerlingen\r\n;;;;\r\n",
        "\ufeff",
    ],
)
def test_empty_file_or_header_only(text):
    result = read_school_classes_csv(text)
    assert not result.ok
    assert result.rows == ()
    assert fields(result) == ["file"]
    assert result.problems[0].message.msgid == sc.NO_CLASSES


def test_too_many_rows():
    lines = [f"1{i},2026-2027,Anna,anna@school.nl,20" for i in range(4)]
    text = "\n".join([HEADER, *lines]) + "\n"
    assert read_school_classes_csv(text, max_rows=4).ok
    result = read_school_classes_csv(text, max_rows=3)
    assert not result.ok
    assert result.rows == ()
    assert fields(result) == ["file"]
    assert result.problems[0].message.msgid == sc.TOO_MANY_CLASSES
    assert result.problems[0].message.params == {"max": 3}


def test_default_limit_is_200_classes():
    lines = [f"K{i},2026-2027,Anna,anna@school.nl,20" for i in range(201)]
    assert read_school_classes_csv("\n".join([HEADER, *lines[:200]])).ok
    assert fields(read_school_classes_csv("\n".join([HEADER, *lines]))) == ["file"]


def test_one_bad_row_among_good_rows_is_not_ok():
    lines = [f"1{c},2026-2027,Anna,anna@school.nl,20" for c in "ABCDEF"]
    lines[3] = "1D,2026-2027,Anna,not an email,20"
    result = read_school_classes_csv("\n".join([HEADER, *lines]) + "\n")
    assert not result.ok
    assert len(result.rows) == 5
    assert fields(result) == ["lines[5].mentor_email"]
