"""python -m bench.load: start `zugong run` on the province database, find the saturation point of a
realistic mix with locust, hold it, and print rps, p50/p95/p99 per page, errors, the workers' memory and
the ratio against a bare Django view. Loopback only, bounded in users and time; see docs/performance.md."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.load.guard import is_loopback
from bench.load.procs import Growth, Sampler, growth
from bench.load.run import MIX, Result, locust

ROOT = Path(__file__).resolve().parents[2]
MAX_USERS, MAX_SECONDS = 256, 3600


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zg_province"))
    parser.add_argument("--host", default="127.0.0.1", help="loopback only")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of `zugong run`")
    parser.add_argument("--users", default="8,16,32,64,128", help="steps of simulated users, comma-separated")
    parser.add_argument("--step-seconds", type=int, default=60)
    parser.add_argument("--duration", type=int, default=600, help="the held run at the saturation point (s)")
    parser.add_argument("--ratio-users", type=int, default=8, help="concurrent users of the bare/API ratio runs")
    parser.add_argument("--ratio-seconds", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "load")
    args = parser.parse_args(argv)
    args.steps = [int(u) for u in args.users.split(",")]
    if not is_loopback(args.host):
        parser.error(f"只对本机（loopback）做压力测试，拒绝 {args.host}")
    if not all(0 < u <= MAX_USERS for u in [*args.steps, args.ratio_users]):
        parser.error(f"用户数应在 1 到 {MAX_USERS} 之间")
    if not all(0 < s <= MAX_SECONDS for s in (args.step_seconds, args.duration, args.ratio_seconds)):
        parser.error(f"时长应在 1 到 {MAX_SECONDS} 秒之间")
    return args


def server_env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.load.settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))}


def prepare_data(args: argparse.Namespace) -> Path:
    os.environ.update(server_env(args.database_url))
    import django

    django.setup()
    from django.db import connections

    from bench.load.prepare import prepare

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "data.json"
    data = prepare(path)
    connections.close_all()
    print(f"数据：干部 {len(data['cadres'])}，待派单 {len(data['dispatch'])}，民心墙 {len(data['walls'])}")
    return path


def start_server(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    argv = [str(Path(sys.executable).with_name("zugong")), "run", "--no-demo", "--host", args.host, "--port",
            str(args.port), "--workers", str(args.workers), "--evaluate-at", "off"]
    log = (args.out / "server.log").open("wb")
    server = subprocess.Popen(argv, env=server_env(args.database_url), stdout=log, stderr=subprocess.STDOUT,
                              cwd=ROOT, start_new_session=True)
    url = f"http://{args.host}:{args.port}/bench/bare"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"zugong run 退出（{server.returncode}），见 {args.out / 'server.log'}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    stop_server(server)
    raise SystemExit("zugong run 在 180 秒内未就绪")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def table(result: Result, title: str) -> str:
    lines = [f"\n{title}（{result.users} 用户，{result.seconds} 秒）",
             f"{'页面':<40} {'请求':>7} {'错误':>5} {'rps':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)"]
    for r in sorted(result.rows, key=lambda r: (r.name == "Aggregated", r.name)):
        lines.append(f"{r.name:<40} {r.requests:>7} {r.failures:>5} {r.rps:>7.1f} {r.p50:>6.0f} {r.p95:>6.0f} "
                     f"{r.p99:>6.0f}")
    return "\n".join(lines)


def memory(rows: list[Growth]) -> str:
    lines = ["\n进程内存（RSS，MiB：前五分之一中位数 → 峰值 → 后五分之一中位数，增长）"]
    for g in rows:
        lines.append(f"  {g.what:<18} pid {g.pid:<7} {g.first_kib / 1024:7.1f} → {g.peak_kib / 1024:7.1f} → "
                     f"{g.last_kib / 1024:7.1f}  {g.percent:+.1f}%")
    return "\n".join(lines)


def find_saturation(args: argparse.Namespace, host: str, data: Path, dispatched: list[int]) -> Result:
    """More users until the rate stops growing by 5 %, or errors pass 1 %: the best step is the saturation."""
    best: Result | None = None
    for users in args.steps:
        result = locust(host=host, users=users, seconds=args.step_seconds, classes=MIX, out=args.out, data=data,
                        dispatch_from=dispatched[0])
        # a dispatch still in flight when locust stopped was taken from the list but not counted: one per user at
        # most, so the next run starts past them too (a 409 for an order dispatched twice is the harness's error)
        dispatched[0] += result.count("POST /api/v1/orders/[id]/dispatch") + users
        total = result.total
        print(f"  {users:>4} 用户：{total.rps:7.1f} rps，p50 {total.p50:.0f} ms，p95 {total.p95:.0f} ms，"
              f"错误 {total.failures}/{total.requests}", flush=True)
        if best is not None and (total.rps < best.total.rps * 1.05 or total.failures > total.requests / 100):
            break
        best = result
    assert best is not None
    return best


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    host = f"http://{args.host}:{args.port}"
    data = prepare_data(args)
    started = time.monotonic()
    server = start_server(args)
    sampler = Sampler(server.pid)
    sampler.start()
    report: list[str] = [f"负载（开始时 /proc/loadavg）：{Path('/proc/loadavg').read_text().strip()}"]
    try:
        print("寻找饱和点：", flush=True)
        dispatched = [0]
        saturation = find_saturation(args, host, data, dispatched)
        report.append(table(saturation, "饱和点"))
        held_from = time.monotonic()
        held = locust(host=host, users=saturation.users, seconds=args.duration, classes=MIX, out=args.out,
                      data=data, dispatch_from=dispatched[0])
        report.append(table(held, "保持运行"))
        report.append(memory(growth(sampler.between(held_from, time.monotonic()))))
        bare = locust(host=host, users=args.ratio_users, seconds=args.ratio_seconds, classes=("BareView",),
                      out=args.out, data=data)
        api = locust(host=host, users=args.ratio_users, seconds=args.ratio_seconds, classes=("ApiReader",),
                     out=args.out, data=data)
        open311 = locust(host=host, users=args.ratio_users, seconds=args.ratio_seconds, classes=("Open311Reader",),
                         out=args.out, data=data)
        report.append(table(bare, "空 Django 视图（无等待）"))
        report.append(table(api, "API 读取 /api/v1/（无等待）"))
        report.append(table(open311, "Open311 请求列表（1,000 条，无等待）"))
        for label, side in (("API 读取", api), ("Open311 列表", open311)):
            report.append(f"\n{label} / 空视图 吞吐比：{side.total.rps / max(bare.total.rps, 1e-9):.2f}"
                          f"（{side.total.rps:.1f} / {bare.total.rps:.1f} rps）")
    finally:
        sampler.stop()
        stop_server(server)
    report.append(f"负载（结束时 /proc/loadavg）：{Path('/proc/loadavg').read_text().strip()}；"
                  f"总用时 {time.monotonic() - started:.0f} 秒")
    text = "\n".join(report)
    (args.out / "report.txt").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
