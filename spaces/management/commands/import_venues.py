"""manage.py import_venues FILE [--dry-run]: see docs/import-format.md."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spaces.importer import VenueImportError, venues_import


class Command(BaseCommand):
    help = gettext_lazy(
        "从 JSON 文件批量导入社区、场馆、功能室和开放时间（格式见 docs/import-format.md）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=gettext_lazy("JSON 文件路径；“-”表示从标准输入读取"))
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("只检查并统计，不写入数据库")
        )

    def handle(self, *args, file, dry_run, **options):
        data = self._load(file)
        try:
            report = venues_import(data=data, dry_run=dry_run)
        except VenueImportError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(exc.message)) from None
        if options["verbosity"] >= 2:
            for line in report.changes:
                self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def _load(self, file: str):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                # utf-8-sig: files saved by Windows editors start with a byte-order mark.
                with open(file, encoding="utf-8-sig") as handle:
                    text = handle.read()
        except OSError as exc:
            raise CommandError(
                _("无法读取文件 %(file)s：%(error)s") % {"file": file, "error": exc.strerror}
            ) from None
        except UnicodeDecodeError:
            raise CommandError(_("文件 %(file)s 不是 UTF-8 编码。") % {"file": file}) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("不是有效的 JSON：第 %(line)d 行第 %(col)d 列：%(msg)s")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ) from None
