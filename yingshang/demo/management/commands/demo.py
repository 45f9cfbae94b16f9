from django.core.management.base import BaseCommand

from yingshang.demo.loaders.org import DEMO_PASSWORD, demo_logins
from yingshang.demo.registry import DemoContext, load_demo


class Command(BaseCommand):
    help = "Load the demo county (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")
        parser.add_argument(
            "--city",
            action="store_true",
            help="two counties under one city (示范市: 示范县 and 示范二县); on an empty database",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="without the last three months of generated history (the cluster test's setup)",
        )

    def handle(self, *args, quiet=False, city=False, no_history=False, **options):
        self.stdout.write("加载演示县数据 / loading the demo county …")
        ctx = DemoContext(stdout=self.stdout, city=city, history=not no_history)
        load_demo(ctx)
        if city:
            from yingshang.demo.city import load_records

            load_records(ctx)
        if quiet:
            return
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("演示账号 / demo logins (密码 password: %s)" % DEMO_PASSWORD)
        )
        for role, username, name, unit in demo_logins():
            self.stdout.write(f"  {role:<18} {username:<14} {name}{' · ' + unit if unit else ''}")
