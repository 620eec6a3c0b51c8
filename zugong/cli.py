"""The `zugong` console command: Django's management commands with hyphenated names.

`zugong help` lists them; `zugong import-orgs FILE` runs the `import_orgs` command; Django's own
commands (`zugong migrate`, `zugong shell`) stay reachable as they are.
"""

from __future__ import annotations

import logging
import os
import sys


def _zugong_commands() -> dict[str, str]:
    from django.core.management import get_commands

    return {name: app for name, app in get_commands().items() if app.startswith("zugong")}


def _print_help() -> None:
    from django.core.management import get_commands, load_command_class

    print("zugong — 组工\n\n用法 / usage: zugong <command> [options]\n\nzugong commands:")
    for name, app in sorted(_zugong_commands().items()):
        command = load_command_class(app, name)
        print(f"  {name.replace('_', '-'):<22} {command.help.splitlines()[0] if command.help else ''}")
    others = sorted(n for n, a in get_commands().items() if not a.startswith("zugong"))
    print("\nDjango commands:\n  " + " ".join(others))


def _warnings_and_above(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


def quiet_jieba() -> None:
    """jieba logs "Building prefix dict…" at DEBUG on its first use in every process; a command's output
    is no place for it. jieba resets its logger's level when imported, so a filter on the logger (which
    the import leaves alone) does it without importing jieba into every command."""
    logging.getLogger("jieba").addFilter(_warnings_and_above)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zugong.settings")
    import django
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    quiet_jieba()
    django.setup()
    if len(args) < 2 or args[1] in {"help", "-h", "--help"} and len(args) == 2:
        _print_help()
        return
    name = args[1].replace("-", "_")
    if name in _zugong_commands():
        args[1] = name
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
