#!/usr/bin/env python3
"""Transfer benchmark: skylark-ingest upload vs s5cmd cp vs aws s3 cp against one local SeaweedFS.

Runs the tools alternately (round-robin, so drift in machine load hits all of them alike), takes the
median of N runs, and reports wall time, MB/s, client CPU seconds (user+sys of the process tree, from
wait4) and peak RSS (ru_maxrss of the tool's process). Also measures our peak RSS for a 4 GiB sparse file.

Usage: transfer.py --binary PATH [--baseline PATH] [--runs 3] [--big-mib 1024] [--small-count 200] [--small-mib 2]
                   [--cases big,small] [--workdir DIR]
--baseline adds another build of ours (e.g. main's) to the same alternating runs, for before/after in one run.
Everything listens on 127.0.0.1; the server is stopped by pid at the end.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

MIB = 1024 * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"weed exited early with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"weed not listening on {port}")


def start_weed(workdir, access, secret):
    config = {"identities": [{"name": "bench", "credentials": [{"accessKey": access, "secretKey": secret}],
                              "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
    cfg = os.path.join(workdir, "s3.json")
    with open(cfg, "w") as f:
        json.dump(config, f)
    data = os.path.join(workdir, "weed-data")
    os.makedirs(data, exist_ok=True)
    p = [free_port() for _ in range(13)]
    args = ["weed", "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
            f"-s3.config={cfg}", "-webdav=false", "-admin.ui=false",
            f"-master.port={p[0]}", f"-master.port.grpc={p[1]}", f"-volume.port={p[2]}", f"-s3.port={p[3]}",
            f"-s3.port.grpc={p[4]}", f"-filer.port={p[5]}", f"-filer.port.grpc={p[6]}", f"-volume.port.grpc={p[7]}",
            f"-admin.port={p[8]}", f"-admin.port.grpc={p[9]}", f"-debug.port={p[10]}", f"-s3.port.iceberg={p[11]}",
            f"-s3.port.lance={p[12]}"]
    log = open(os.path.join(workdir, "weed.log"), "w")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    wait_port(p[3], proc)
    return proc, f"http://127.0.0.1:{p[3]}"


def make_file(path, size):
    """Random-looking bytes (not compressible, not zero) written in 1 MiB blocks."""
    block = os.urandom(MIB)
    with open(path, "wb") as f:
        left = size
        i = 0
        while left > 0:
            n = min(left, MIB)
            # vary each block cheaply so parts differ
            f.write(i.to_bytes(8, "little") + block[8:n] if n >= 8 else block[:n])
            left -= n
            i += 1


def timed(cmd, env):
    """Runs cmd; returns (wall, cpu user+sys of the tree, peak RSS KiB of the largest process)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{cmd[0]} failed ({code}): {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def tree_cpu(pid):
    """user+sys seconds used so far by pid and its direct children (the S3 server), from /proc."""
    total = 0.0
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    for p in [pid] + [int(c) for c in children]:
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def s3_cleanup(env, endpoint, bucket):
    subprocess.run(["s5cmd", "--endpoint-url", endpoint, "rm", f"s3://{bucket}/*"], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--baseline", help="another skylark-ingest binary measured in the same runs (before/after)")
    ap.add_argument("--cases", default="big,small", help="which cases to run: big, small or both")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big-mib", type=int, default=1024)
    ap.add_argument("--small-count", type=int, default=200)
    ap.add_argument("--small-mib", type=int, default=2)
    ap.add_argument("--huge-gib", type=int, default=4)
    ap.add_argument("--workdir")
    ap.add_argument("--json", help="also write results here")
    args = ap.parse_args()

    workdir = args.workdir or tempfile.mkdtemp(prefix="skylark-bench-")
    access, secret = "AKIDBENCH", "bench-secret-" + os.urandom(4).hex()
    weed, endpoint = start_weed(workdir, access, secret)
    env = dict(os.environ, AWS_ACCESS_KEY_ID=access, AWS_SECRET_ACCESS_KEY=secret, AWS_REGION="us-east-1",
               AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL_S3=endpoint, AWS_ENDPOINT_URL=endpoint)
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    try:
        bucket = "bench"
        subprocess.run(["s5cmd", "--endpoint-url", endpoint, "mb", f"s3://{bucket}"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        big = os.path.join(workdir, "big.bin")
        make_file(big, args.big_mib * MIB)
        small_dir = os.path.join(workdir, "small")
        os.makedirs(small_dir, exist_ok=True)
        for i in range(args.small_count):
            make_file(os.path.join(small_dir, f"f{i:04d}.bin"), args.small_mib * MIB)
        small_files = sorted(os.path.join(small_dir, n) for n in os.listdir(small_dir))

        tools = {
            "skylark-ingest": {
                "big": [args.binary, "upload", big, "--bucket", bucket, "--key", "big/ours.bin"],
                "small": [args.binary, "upload", *small_files, "--bucket", bucket, "--key-prefix", "small/ours/",
                          "--concurrency", "32"],
            },
            "s5cmd": {
                "big": ["s5cmd", "--endpoint-url", endpoint, "cp", big, f"s3://{bucket}/big/s5cmd.bin"],
                "small": ["s5cmd", "--endpoint-url", endpoint, "cp", small_dir + "/*", f"s3://{bucket}/small/s5cmd/"],
            },
            "aws": {
                "big": ["aws", "--endpoint-url", endpoint, "s3", "cp", big, f"s3://{bucket}/big/aws.bin", "--only-show-errors"],
                "small": ["aws", "--endpoint-url", endpoint, "s3", "cp", small_dir, f"s3://{bucket}/small/aws/",
                          "--recursive", "--only-show-errors"],
            },
        }
        if args.baseline:
            tools["baseline"] = {
                "big": [args.baseline, "upload", big, "--bucket", bucket, "--key", "big/baseline.bin"],
                "small": [args.baseline, "upload", *small_files, "--bucket", bucket, "--key-prefix", "small/baseline/",
                          "--concurrency", "32"],
            }
        cases = [c for c in (("big", args.big_mib * MIB), ("small", args.small_count * args.small_mib * MIB))
                 if c[0] in args.cases.split(",")]
        results = {}
        for case, size in cases:
            # small files: one uncounted warm-up of each tool (page cache, server-side directory creation)
            if case == "small":
                for name, cmds in tools.items():
                    timed(cmds[case], env)
                s3_cleanup(env, endpoint, bucket)
            samples = {name: [] for name in tools}
            server = {name: [] for name in tools}
            for run in range(args.runs):
                order = list(tools) if run % 2 == 0 else list(reversed(list(tools)))
                for name in order:
                    before = tree_cpu(weed.pid)
                    samples[name].append(timed(tools[name][case], env))
                    server[name].append(tree_cpu(weed.pid) - before)
                s3_cleanup(env, endpoint, bucket)
            for name, runs in samples.items():
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                rss = max(r[2] for r in runs) / 1024
                results[(case, name)] = {"wall": wall, "mbps": size / wall / 1e6, "cpu": cpu, "rss_mib": rss,
                                         "server_cpu": statistics.median(server[name]),
                                         "walls": [round(r[0], 2) for r in runs]}
        os.remove(big)

        # Peak RSS must not grow with the file's size nor with the parts in flight: a sparse huge file, and
        # the 1 GiB file's size again with 16 parts in flight (default 8).
        huge = os.path.join(workdir, "huge.bin")
        with open(huge, "wb") as f:
            f.truncate(args.huge_gib * 1024 * MIB)  # sparse: reads as zeros
        flat = {}
        for name, binary in [("skylark-ingest", args.binary)] + ([("baseline", args.baseline)] if args.baseline else []):
            wall, cpu, rss = timed([binary, "upload", huge, "--bucket", bucket, "--key", f"huge-{name}.bin"], env)
            flat[(name, "huge")] = {"wall": wall, "mbps": args.huge_gib * 1024 * MIB / wall / 1e6, "cpu": cpu,
                                    "rss_mib": rss / 1024}
            wall, cpu, rss = timed([binary, "upload", huge, "--bucket", bucket, "--key", f"huge16-{name}.bin",
                                    "--part-concurrency", "16"], env)
            flat[(name, "huge16")] = {"wall": wall, "mbps": args.huge_gib * 1024 * MIB / wall / 1e6, "cpu": cpu,
                                      "rss_mib": rss / 1024}
            s3_cleanup(env, endpoint, bucket)
        huge_result = flat[("skylark-ingest", "huge")]
        os.remove(huge)
    finally:
        weed.send_signal(signal.SIGTERM)
        try:
            weed.wait(timeout=10)
        except subprocess.TimeoutExpired:
            weed.kill()
            weed.wait()
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"\nTransfer benchmark (SeaweedFS on loopback, median of {args.runs} alternating runs; CPU = user+sys seconds)\n")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (server CPU = SeaweedFS user+sys)\n")
    print(f"| case | tool | wall s | MB/s | CPU s | server CPU s | peak RSS MiB | walls |")
    print(f"|---|---|---|---|---|---|---|---|")
    labels = {"big": f"1 file x {args.big_mib} MiB", "small": f"{args.small_count} files x {args.small_mib} MiB"}
    for (case, name), r in results.items():
        print(f"| {labels[case]} | {name} | {r['wall']:.2f} | {r['mbps']:.0f} | {r['cpu']:.2f} | {r['server_cpu']:.2f} | {r['rss_mib']:.1f} | {r['walls']} |")
    for (name, kind), r in flat.items():
        label = f"1 file x {args.huge_gib} GiB (sparse)" + (", 16 parts in flight" if kind == "huge16" else "")
        print(f"| {label} | {name} | {r['wall']:.2f} | {r['mbps']:.0f} | {r['cpu']:.2f} | | {r['rss_mib']:.1f} | |")
    print("\nRatios (ours / other; < 1 is better for ours):")
    for case, _ in cases:
        ours = results[(case, "skylark-ingest")]
        for other in [t for t in tools if t != "skylark-ingest"]:
            o = results[(case, other)]
            print(f"  {labels[case]}: wall {ours['wall'] / o['wall']:.2f}x {other}, "
                  f"CPU {ours['cpu'] / o['cpu']:.2f}x {other}, RSS {ours['rss_mib'] / o['rss_mib']:.2f}x {other}")
    targets = []
    if ("big", "skylark-ingest") in results:
        b = results[("big", "skylark-ingest")]
        s5 = results[("big", "s5cmd")]
        targets += [
            ("1 GiB wall <= 0.85x s5cmd", b["wall"] <= 0.85 * s5["wall"]),
            ("1 GiB CPU <= 0.5x s5cmd", b["cpu"] <= 0.5 * s5["cpu"]),
            ("1 GiB peak RSS <= 24 MiB", b["rss_mib"] <= 24),
        ]
    targets += [
        (f"{args.huge_gib} GiB peak RSS <= 24 MiB", huge_result["rss_mib"] <= 24),
        (f"{args.huge_gib} GiB peak RSS with 16 parts in flight <= 24 MiB", flat[("skylark-ingest", "huge16")]["rss_mib"] <= 24),
    ]
    if ("small", "skylark-ingest") in results:
        targets.append(("small files wall <= 1.0x s5cmd",
                        results[("small", "skylark-ingest")]["wall"] <= results[("small", "s5cmd")]["wall"]))
    print("\nTargets:")
    for label, ok in targets:
        print(f"  [{'met' if ok else 'MISSED'}] {label}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": {f"{c}/{n}": r for (c, n), r in results.items()},
                       "flat": {f"{n}/{k}": r for (n, k), r in flat.items()},
                       "targets": dict(targets)}, f, indent=1)


if __name__ == "__main__":
    main()
