import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from chieftech.audit.anchors import anchor_write, default_anchor_dir
from chieftech.audit.verify import audit_verify


class Command(BaseCommand):
    help = (
        "审计日志：verify 校验各条审计链及其锚点，完整时退出码为0，否则指出每条链的第一条异常记录并以非零退出码结束；"
        "anchor 校验通过后把各链的链头写入当天的锚点文件（可同时追加到日志，供运维转存到本机之外）。"
    )

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,anchor}")
        verify = subcommands.add_parser("verify", help="校验审计日志的各条链，并与锚点文件核对")
        anchor = subcommands.add_parser("anchor", help="把各条链的链头写入当天的锚点文件")
        for sub in (verify, anchor):
            sub.add_argument(
                "--anchors",
                type=Path,
                default=None,
                help=f"锚点文件所在目录（默认 {default_anchor_dir()}）",
            )
        anchor.add_argument("--log", type=Path, default=None, help="另把锚点追加为一行写入该日志文件")

    def handle(self, *args, subcommand: str, anchors: Path | None = None, **options):
        if subcommand == "verify":
            self.verify(anchors)
        elif subcommand == "anchor":
            self.anchor(anchors, options.get("log"))

    def verify(self, anchors: Path | None) -> None:
        result = audit_verify(anchor_dir=anchors)
        if result.ok:
            self.stdout.write(result.message)
            return
        self.stderr.write(result.message)
        # Scripts and monitoring read the exit code.
        sys.exit(1)

    def anchor(self, anchors: Path | None, log: Path | None) -> None:
        result = audit_verify(anchor_dir=anchors)
        if not result.ok:
            # Anchoring a rewritten chain would vouch for it.
            self.stderr.write("未写入锚点。" + result.message)
            sys.exit(1)
        anchor = anchor_write(directory=anchors, log=log)
        self.stdout.write(f"锚点 {anchor.name}（校验码 {anchor.mac}）：")
        for chain in anchor.body["chains"]:
            self.stdout.write(
                f"  {chain['authority'] or '系统'} 链头 #{chain['last_id']} {chain['last_hash']}"
            )
