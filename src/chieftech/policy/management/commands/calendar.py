"""`chieftech calendar …`: the working-day calendar for officers and scripts.

    chieftech calendar end 2026-09-24 5     -> 2026-10-08 (the 5th working day, the start counted)
    chieftech calendar is-workday 2026-10-10 -> 2026-10-10 是工作日
    chieftech calendar between 2026-09-24 2026-10-08 -> 5

A date in a year without holiday data exits non-zero naming the year whose schedule must be entered.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from chieftech.policy.calendar import CalendarDataMissing, WorkingCalendar


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”无效，应为YYYY-MM-DD格式，例如2026-09-24。") from None


class Command(BaseCommand):
    help = "工作日计算：第N个工作日、是否工作日、两日期之间的工作日数"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{end,is-workday,between}")
        end = actions.add_parser("end", help="从START起（START为工作日时计入）的第N个工作日")
        end.add_argument("start", metavar="START", help="起始日期，YYYY-MM-DD")
        end.add_argument("n", metavar="N", help="第几个工作日（正整数）")
        is_workday = actions.add_parser("is-workday", help="DATE是否为工作日")
        is_workday.add_argument("date", metavar="DATE", help="日期，YYYY-MM-DD")
        between = actions.add_parser("between", help="A至B（含两端）之间的工作日数")
        between.add_argument("a", metavar="A", help="开始日期，YYYY-MM-DD")
        between.add_argument("b", metavar="B", help="结束日期，YYYY-MM-DD")

    def handle(self, *args, action: str, **options):
        calendar = WorkingCalendar()
        try:
            if action == "end":
                try:
                    n = int(options["n"])
                except ValueError:
                    raise CommandError(f"工作日数“{options['n']}”无效，应为正整数。") from None
                if n < 1:
                    raise CommandError(f"工作日数“{options['n']}”无效，应为正整数。")
                result = calendar.nth_working_day(start=_date(options["start"]), n=n).isoformat()
            elif action == "is-workday":
                day = _date(options["date"])
                result = f"{day.isoformat()} {'是' if calendar.is_working_day(day) else '不是'}工作日"
            else:
                result = str(calendar.working_days_between(_date(options["a"]), _date(options["b"])))
        except CalendarDataMissing as exc:
            raise CommandError(str(exc)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result)
