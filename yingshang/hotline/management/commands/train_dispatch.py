"""yingshang train_dispatch [--holdout 0.2] [--limit N]: retrain the smart-dispatch model on the
county's past dispatch decisions and record its top-1/top-3 accuracy on held-back orders."""

from django.core.management.base import BaseCommand, CommandError

from yingshang.hotline import smart_dispatch


class Command(BaseCommand):
    help = "重新训练智能派单模型，并以留出的历史工单评估首选/前三准确率"

    def add_arguments(self, parser):
        parser.add_argument(
            "--holdout", type=float, default=0.2, help="留出评估的工单比例（0–0.9，默认0.2）"
        )
        parser.add_argument("--limit", type=int, default=None, help="只用最近的 N 件工单")
        parser.add_argument("--seed", type=int, default=20261122)

    def handle(self, *args, holdout, limit, seed, **options):
        if not 0 <= holdout < 0.9:
            raise CommandError("--holdout 应在 0 到 0.9 之间")
        model = smart_dispatch.train(holdout=holdout, limit=limit, seed=seed)
        if model is None:
            self.stdout.write(self.style.WARNING("没有已派单的工单可供训练"))
            return

        def pct(x):
            return "—" if x is None else f"{x:.1%}"

        self.stdout.write(
            self.style.SUCCESS(
                f"模型 #{model.pk}：训练 {model.trained_on} 件，留出评估 {model.evaluated_on} 件，"
                f"首选准确率 {pct(model.top1_accuracy)}，前三准确率 {pct(model.top3_accuracy)}，"
                f"分类首选准确率 {pct(model.topic_top1_accuracy)}，耗时 {model.seconds:.1f} 秒"
            )
        )
