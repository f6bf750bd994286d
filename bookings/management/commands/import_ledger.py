"""manage.py import_ledger FILE.csv [--dry-run] [--venue ID] [--community ID]:
see docs/ledger-format.md."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.ledger import LedgerImportError, ledger_import
from spaces.models import Community, Venue


class Command(BaseCommand):
    help = gettext_lazy(
        "导入社区台账（预约、签到、到场人数、评价）CSV 文件（格式见 docs/ledger-format.md）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=gettext_lazy("CSV 文件路径；“-”表示从标准输入读取"))
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("只检查并统计，不写入数据库")
        )
        parser.add_argument(
            "--venue", type=int, help=gettext_lazy("“场馆”列为空的行属于这个场馆（ID）")
        )
        parser.add_argument(
            "--community", type=int, help=gettext_lazy("只在这个社区（ID）的场馆中按名称查找")
        )

    def handle(self, *args, file, dry_run, venue, community, **options):
        venue_obj = self._get(Venue, venue, _("找不到 ID 为 %(id)s 的场馆。"))
        community_obj = self._get(Community, community, _("找不到 ID 为 %(id)s 的社区。"))
        data = self._load(file)
        try:
            report = ledger_import(
                user=None, file=data, dry_run=dry_run, venue=venue_obj, community=community_obj
            )
        except LedgerImportError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            if exc.unlisted:
                self.stderr.write(exc.unlisted_text())
            raise CommandError(str(exc.message)) from None
        for warning in report.warnings:
            self.stdout.write(_("提醒：%(warning)s") % {"warning": warning})
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _get(self, model, pk, message):
        if pk is None:
            return None
        found = model.objects.filter(pk=pk).first()
        if found is None:
            raise CommandError(message % {"id": pk})
        return found

    def _load(self, file: str) -> bytes:
        try:
            if file == "-":
                return sys.stdin.buffer.read()
            with open(file, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise CommandError(
                _("无法读取文件 %(file)s：%(error)s") % {"file": file, "error": exc.strerror}
            ) from None
