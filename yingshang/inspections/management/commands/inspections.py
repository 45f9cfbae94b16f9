"""`yingshang inspections verify-draw FILE`: re-run an exported draw from the file alone (no
database) and report whether the published hashes and result match."""

import json

from django.core.management.base import BaseCommand, CommandError

from yingshang.inspections import draw


class Command(BaseCommand):
    help = "双随机抽查：验证导出的抽取文件（verify-draw FILE）"
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify-draw", help="从导出文件复算抽取结果并核对摘要")
        verify.add_argument("file")

    def handle(self, *args, action: str, **options):
        if action != "verify-draw":  # argparse refuses anything else first
            raise CommandError(f"unknown action {action}")
        try:
            with open(options["file"], encoding="utf-8") as fh:
                document = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取抽取文件：{exc}") from None
        problems = draw.verify(document)
        meta = document.get("meta", {}) if isinstance(document, dict) else {}
        label = f"{meta.get('plan_number', '')} 第{meta.get('round', '?')}轮 第{meta.get('attempt', '?')}次"
        if problems:
            for line in problems:
                self.stdout.write(f"MISMATCH: {line}")
            raise CommandError(f"不一致：{label}")
        self.stdout.write(
            f"MATCH: {label}，{len(document['entities'])}户、{len(document['inspectors'])}名检查人员，"
            f"抽中{len(document['result'])}户，结果摘要 {document['result_hash']}"
        )
