"""Faults under load, scripted and repeatable; every scenario ends with checks in the database.

1. worker-kill: SIGKILL one gunicorn worker in the middle of the load.
2. pg-restart: restart PostgreSQL in the middle of the load (--db pg only).
3. disk-full: certificates are issued while the PDF store is a full 96 KB filesystem (a tmpfs mounted over
   instance/certificates/<year>; needs root), then issued again once there is room.

Simulated officers save answers at a human pace and retry failed saves like quiz.js. Each scenario reports
errors before, during and after the fault (after: the app must have recovered by itself, zero errors),
and the checks: acknowledged answers lost, certificates without their PDF, PDFs without their row, serial
gaps. Prints JSON.

    .venv/bin/python bench/faults.py --db pg [--users 200] [--scenarios worker-kill,pg-restart,disk-full]
"""

import peak  # noqa: I001  (first: it applies gevent's monkey patching)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = peak.ROOT


def _phase(env: Environment, seconds: float) -> dict:
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(seconds)
    report = peak._step_report(env, 0, time.monotonic() - started)
    return {k: report[k] for k in ("requests", "errors", "p95_ms", "error_samples")}


def _worker_pids(server: subprocess.Popen) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def _under_load(base: str, users: int, fault, label: str) -> dict:
    env = Environment(user_classes=[peak.Officer], host=base)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=5)
    while runner.user_count < users:
        gevent.sleep(1)
    gevent.sleep(10)
    result = {"scenario": label, "users": users, "before": _phase(env, 20)}
    env.stats.reset_all()
    started = time.monotonic()
    detail = fault()
    gevent.sleep(max(0.0, 20 - (time.monotonic() - started)))
    during = peak._step_report(env, 0, time.monotonic() - started)
    result["fault"] = detail
    result["during"] = {k: during[k] for k in ("requests", "errors", "p95_ms", "error_samples")}
    gevent.sleep(10)  # retries drain
    result["after"] = _phase(env, 20)
    runner.quit()
    result["recovered"] = result["after"]["errors"] == 0 and result["after"]["requests"] > 0
    return result


def kill_worker(server: subprocess.Popen) -> dict:
    victims = _worker_pids(server)
    os.kill(victims[0], signal.SIGKILL)
    gevent.sleep(3)
    return {"killed_worker": victims[0], "workers_after": len(_worker_pids(server))}


def restart_postgres() -> dict:
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.monotonic()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"], check=True)
    return {"postgres_restart_seconds": round(time.monotonic() - started, 1)}


def disk_full(db_url: str, workdir: Path, world: dict) -> dict:
    """Issue certificates while the PDF store is a full 96 KB disk, then again once there is room."""
    store = workdir / "certificates" / str(date.today().year)
    store.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(store)], check=True)
    kept = Path(tempfile.mkdtemp(prefix="elearn-pdfs-"))
    try:
        full = _issue_all(db_url, workdir, world)
        written = sorted(p.name for p in store.iterdir())
        shutil.copytree(store, kept, dirs_exist_ok=True)  # what made it onto the small disk stays
    finally:
        subprocess.run(["umount", str(store)], check=True)
    shutil.copytree(kept, store, dirs_exist_ok=True)
    shutil.rmtree(kept)
    room = _issue_all(db_url, workdir, world)
    return {"while_full": full, "files_on_full_disk": written, "after_room": room}


def _issue_all(db_url: str, workdir: Path, world: dict) -> dict:
    issued = failed = 0
    env = dict(os.environ, DATABASE_URL=db_url, ELEARN_INSTANCE=str(workdir), SECRET_KEY="peak-secret")
    for code in world["uncertified"]:
        run = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "flask"),
                "--app",
                "app",
                "certificates",
                "issue",
                "--officer",
                code,
                "--type",
                world["certificate_type"],
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode == 0:
            issued += 1
        else:
            failed += 1
    return {"issued": issued, "failed_cleanly": failed}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["pg", "sqlite"], default="pg")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--scenarios", default="worker-kill,pg-restart,disk-full")
    parser.add_argument("--uncertified", type=int, default=12)
    args = parser.parse_args()
    scenarios = args.scenarios.split(",")
    if args.db != "pg" and "pg-restart" in scenarios:
        scenarios.remove("pg-restart")
    workdir = Path(tempfile.mkdtemp(prefix="elearn-faults-"))
    db_url = peak._prepare_database(args.db, workdir)
    world_file = workdir / "world.json"
    subprocess.run(
        [
            peak.PY,
            str(ROOT / "bench" / "peak_world.py"),
            "setup",
            "--db",
            db_url,
            "--instance",
            str(workdir),
            "--users",
            str(args.users + args.uncertified),
            "--uncertified",
            str(args.uncertified),
            "--world",
            str(world_file),
        ],
        check=True,
    )
    peak.World.data = json.loads(world_file.read_text())
    server, base = peak._start_server(db_url, workdir, workers=4, threads=4)
    acks = workdir / "acks.jsonl"
    results = []
    try:
        with acks.open("w") as peak.World.acks:
            if "worker-kill" in scenarios:
                results.append(_under_load(base, args.users, lambda: kill_worker(server), "worker-kill"))
            if "pg-restart" in scenarios:
                results.append(_under_load(base, args.users, restart_postgres, "pg-restart"))
        if "disk-full" in scenarios:
            results.append({"scenario": "disk-full", "fault": disk_full(db_url, workdir, peak.World.data)})
    finally:
        peak._stop_server(server)
    checks = peak._check(db_url, workdir, world_file, acks, 0)
    print(
        json.dumps(
            {"database": args.db, "scenarios": results, "checks": checks}, ensure_ascii=False, indent=2
        )
    )
    sys.exit(
        0
        if checks.get("lost_acknowledged_answers") == 0
        and checks["certificates_without_pdf"] == 0
        and checks["pdfs_without_row"] == 0
        and checks["half_written_files"] == 0
        and checks["serial_gaps"] == 0
        else 1
    )


if __name__ == "__main__":
    main()
