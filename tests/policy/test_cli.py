"""`chieftech calendar`: the officers' command line for working days."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chieftech.policy.domain import calendar_year_save
from chieftech.policy.management.commands.calendar import Command


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


def test_end_prints_the_nth_working_day(db):
    assert run("end", "2026-09-24", "5") == "2026-10-08\n"


def test_is_workday_and_between(db):
    assert run("is-workday", "2026-10-10") == "2026-10-10 是工作日\n"
    assert run("is-workday", "2026-10-01") == "2026-10-01 不是工作日\n"
    assert run("between", "2026-09-24", "2026-10-08") == "5\n"


def test_a_year_without_data_exits_non_zero_naming_the_year(db):
    with pytest.raises(CommandError) as exc:
        run("end", "2027-01-04", "5")
    assert exc.value.returncode == 1
    assert str(exc.value) == "缺少2027年的节假日安排：请系统管理员先录入2027年的放假和调休安排。"


def test_the_real_command_line_prints_the_message_to_stderr_and_exits_1(db, capsys):
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["chieftech", "calendar", "end", "2027-01-04", "5"])
    assert exc.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err == "CommandError: 缺少2027年的节假日安排：请系统管理员先录入2027年的放假和调休安排。\n"
    )


def test_a_year_entered_by_the_admin_works_on_the_command_line(sam):
    calendar_year_save(actor=sam, year=2027, source="通知（测试数据）", complete=True, days=[])
    assert run("end", "2027-01-04", "5") == "2027-01-08\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("end", "2026-02-30", "5"), "日期“2026-02-30”无效，应为YYYY-MM-DD格式，例如2026-09-24。"),
        (("end", "2026-09-24", "0"), "工作日数“0”无效，应为正整数。"),
        (("end", "2026-09-24", "五"), "工作日数“五”无效，应为正整数。"),
        (("between", "2026-10-08", "2026-09-24"), "结束日期2026-09-24早于开始日期2026-10-08。"),
    ],
)
def test_bad_input_is_refused_in_chinese(db, args, message):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert exc.value.returncode == 1
    assert str(exc.value) == message
