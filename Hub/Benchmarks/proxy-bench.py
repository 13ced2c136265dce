#!/usr/bin/env python3
"""`make hub-proxy-bench`: the Hub's proxy against nginx, in one run, loaded by wrk.

Rows (each loaded by wrk, one after the other, round after round, medians reported):
  direct         nginx (upstream) serving a small JSON body; answers 401 unless the request has
                 `Authorization: Bearer bench-token`
  nginx proxy    a second nginx, `proxy_pass` to the upstream over keepalive connections, adding
                 the credential header: the peer the Hub is measured against
  Hub (AHC)      hub-bench with AsyncHTTPClientTransport: GET /v1/accounts/{id}/proxy/users
  Hub (URLSession)  the same with URLSessionTransport
  Hub (AHC, event loops)  the AsyncHTTPClient Hub with each connection on its event loop
                 (`hub-bench --server eventloop`) instead of Swift's cooperative pool
  Hub (NIO pool) hub-bench with PooledHTTP1Transport (`--transport nio`): keep-alive NIO channels
                 per origin, the caller's event loop first (issue 19)
  Hub (NIO pool, event loops)  the same with each connection on its event loop
  Hub (fast path) the NIO pool Hub with the proxy's fast path (`hub-bench --fast`): a channel
                 handler on the connection's event loop forwards the common case itself

Both nginx instances and the Hubs run on loopback only and are stopped at the end. CPU per request
is the process's utime + stime (children included: nginx's workers) over the round, from
/proc/<pid>/stat, divided by the requests wrk completed. Any non-2xx answer fails the run, and so
does a proxied request that reached the token store (the cached token must serve every request).

Environment: HUB_BENCH_SECONDS (8), HUB_BENCH_WARMUP (2 s per row), HUB_BENCH_ROUNDS (3), HUB_BENCH_CONNECTIONS (16),
HUB_BENCH_THREADS (1), HUB_BENCH_ROWS (comma-separated row keys: direct,nginx,ahc,ahcloop,nio,nioloop,fast,fast16,fast1,fast16x1,
urlsession,baseline; fast1 and fast16x1 run the Hub with one event-loop thread, NIO_SINGLETON_GROUP_LOOP_COUNT=1),
HUB_BENCH_BASELINE (another hub-bench binary, say an older build, as an extra AsyncHTTPClient row;
HUB_BENCH_BASELINE_TRANSPORT=nio runs it on the NIO channel pool instead; HUB_BENCH_BASELINE_ARGS, say `--fast`,
are passed to it),
HUB_BENCH_PROFILE_ROW (row keys, comma-separated: `perf record` the Hub of each during its last round,
report in HUB_BENCH_PROFILE_OUT, default /tmp/hub-proxy-bench.perf.txt, `.<row>` added when more than
one row is profiled).
"""

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SECONDS = int(os.environ.get("HUB_BENCH_SECONDS", "8"))
WARMUP = int(os.environ.get("HUB_BENCH_WARMUP", "2"))
ROUNDS = int(os.environ.get("HUB_BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("HUB_BENCH_CONNECTIONS", "16"))
THREADS = int(os.environ.get("HUB_BENCH_THREADS", "1"))
ROWS = os.environ.get("HUB_BENCH_ROWS", "direct,nginx,ahc,ahcloop,nio,nioloop,fast,urlsession,baseline").split(",")
BASELINE = os.environ.get("HUB_BENCH_BASELINE", "")
BASELINE_TRANSPORT = os.environ.get("HUB_BENCH_BASELINE_TRANSPORT", "asynchttpclient")
BASELINE_ARGS = os.environ.get("HUB_BENCH_BASELINE_ARGS", "")
PROFILE_ROWS = [row for row in os.environ.get("HUB_BENCH_PROFILE_ROW", "").split(",") if row]
PROFILE_OUT = os.environ.get("HUB_BENCH_PROFILE_OUT", "/tmp/hub-proxy-bench.perf.txt")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TOKEN = "bench-token"
APP_KEY = "bench-app-key"
BODY = '{"data":[]}'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, name):
    for _ in range(400):
        if process.poll() is not None:
            sys.exit(f"{name} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{name} did not listen on {port}")


def cpu_seconds(pid):
    """utime + stime of `pid` and of its children (nginx workers), in seconds."""
    total = 0
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        except OSError:
            pass
    return total / CLOCK_TICKS


def nginx_config(directory, name, server_block, extra_http=""):
    base = os.path.join(directory, name)
    os.makedirs(base, exist_ok=True)
    temp = "".join(
        f"{kind}_temp_path {base}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = f"""daemon off;
master_process on;
worker_processes auto;
pid {base}/nginx.pid;
error_log {base}/error.log warn;
user root;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  {temp}
  {extra_http}
  server {{
    {server_block}
  }}
}}
"""
    path = os.path.join(base, "nginx.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def start_nginx(config, port, name):
    process = subprocess.Popen(["nginx", "-c", config, "-e", os.path.dirname(config) + "/error.log"],
                               stdin=subprocess.DEVNULL)
    wait_for_port(port, process, name)
    return process


def parse_duration(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url, authorization, seconds):
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency",
               "-H", f"Authorization: {authorization}", url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if "Non-2xx" in output or (errors and sum(int(n) for n in errors.groups()[:3])):
        sys.exit(f"wrk saw failures on {url}:\n{output}")
    if errors and int(errors.group(4)):
        print(f"note: {errors.group(4)} requests to {url} took longer than wrk's 2 s timeout", file=sys.stderr)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = parse_duration(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = parse_duration(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    return requests, rate, p50, p99


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


class Hub:
    def __init__(self, binary, transport, upstream_port, extra=()):
        # `--loops N` is the bench's own: NIO's process-wide group (the Hub's server and the NIO
        # pool) with N event-loop threads instead of one per core.
        environment = dict(os.environ)
        if "--loops" in extra:
            index = extra.index("--loops")
            environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] = extra[index + 1]
            extra = extra[:index] + extra[index + 2:]
        self.process = subprocess.Popen(
            [binary, "--transport", transport, "--upstream", f"http://127.0.0.1:{upstream_port}", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment)
        line = self.process.stdout.readline().split()
        if not line or line[0] != "READY":
            sys.exit(f"hub-bench ({transport}) did not start")
        self.port, self.account = int(line[1]), line[2]
        self.pid = self.process.pid

    def statements(self):
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        _, tokens, records, served, handed = self.process.stdout.readline().split()
        return int(tokens), int(records), int(served), int(handed)

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def main():
    binary = sys.argv[1]
    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing (make hub-proxy-bench installs it from Debian)")
    directory = tempfile.mkdtemp(prefix="hub-proxy-bench-")
    processes = []
    hubs = []
    try:
        up_port, proxy_port = free_port(), free_port()
        upstream = start_nginx(nginx_config(directory, "upstream", f"""
    listen 127.0.0.1:{up_port} reuseport;
    location / {{
      if ($http_authorization != "Bearer {TOKEN}") {{ return 401; }}
      default_type application/json;
      return 200 '{BODY}';
    }}"""), up_port, "upstream nginx")
        processes.append(upstream)
        proxy = start_nginx(nginx_config(directory, "proxy", f"""
    listen 127.0.0.1:{proxy_port} reuseport;
    location / {{
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Bearer {TOKEN}";
    }}""", extra_http=f"upstream bench_upstream {{ server 127.0.0.1:{up_port}; keepalive 64; }}"),
            proxy_port, "proxy nginx")
        processes.append(proxy)

        rows = {}
        if "direct" in ROWS:
            rows["direct"] = ("direct to the upstream (nginx)", f"http://127.0.0.1:{up_port}/2.0/users",
                              f"Bearer {TOKEN}", upstream.pid, None)
        if "nginx" in ROWS:
            # nginx overwrites the client's Authorization with the credential, as the Hub does.
            rows["nginx"] = ("nginx `proxy_pass` adding the credential (keepalive upstream)",
                             f"http://127.0.0.1:{proxy_port}/2.0/users", f"Bearer {APP_KEY}", proxy.pid, None)
        variants = [("ahc", binary, "asynchttpclient", "AsyncHTTPClient", ()),
                    ("ahcloop", binary, "asynchttpclient", "AsyncHTTPClient, each connection on its event loop",
                     ("--server", "eventloop")),
                    ("nio", binary, "nio", "NIO channel pool", ()),
                    ("nioloop", binary, "nio", "NIO channel pool, each connection on its event loop",
                     ("--server", "eventloop")),
                    ("fast", binary, "nio", "proxy fast path: a channel handler on the connection's event loop",
                     ("--fast",)),
                    ("fast16", binary, "nio", "proxy fast path, 16 upstream connections instead of 8",
                     ("--fast", "--pool", "16")),
                    ("fast1", binary, "nio", "proxy fast path, one event-loop thread instead of one per core",
                     ("--fast", "--loops", "1")),
                    ("fast16x1", binary, "nio", "proxy fast path, 16 upstream connections, one event-loop thread",
                     ("--fast", "--pool", "16", "--loops", "1")),
                    ("urlsession", binary, "urlsession", "URLSession", ())]
        if BASELINE:
            label = "NIO channel pool" if BASELINE_TRANSPORT == "nio" else "AsyncHTTPClient"
            extra = tuple(BASELINE_ARGS.split())
            if extra:
                label += " " + " ".join(extra)
            variants.append(("baseline", BASELINE, BASELINE_TRANSPORT, f"{label}, baseline build", extra))
        for key, executable, transport, label, extra in variants:
            if key not in ROWS:
                continue
            hub = Hub(executable, transport, up_port, extra)
            hubs.append(hub)
            wait_for_port(hub.port, hub.process, f"hub-bench {transport}")
            rows[key] = (f"Hub `GET /v1/accounts/{{id}}/proxy/...` ({label}, SQLite, cached token)",
                         f"http://127.0.0.1:{hub.port}/v1/accounts/{hub.account}/proxy/2.0/users",
                         f"Bearer {APP_KEY}", hub.pid, hub)

        for key, (_, url, authorization, _, _) in rows.items():  # warm-up: connections, caches
            wrk(url, authorization, WARMUP)
        before = {key: row[4].statements() for key, row in rows.items() if row[4]}
        results = {key: [] for key in rows}
        loads = []
        for round_index in range(ROUNDS):
            for key, (_, url, authorization, pid, _) in rows.items():
                profiler = None
                if key in PROFILE_ROWS and round_index == ROUNDS - 1:
                    profiler = subprocess.Popen(
                        ["perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "-p", str(pid),
                         "-o", os.path.join(directory, "perf.data")],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    time.sleep(0.5)
                loads.append(load_average())
                cpu_before = cpu_seconds(pid)
                requests, rate, p50, p99 = wrk(url, authorization, SECONDS)
                cpu = cpu_seconds(pid) - cpu_before
                results[key].append((rate, p50, p99, cpu / requests * 1e6))
                if profiler:
                    profiler.send_signal(2)
                    profiler.wait()
                    report = subprocess.run(
                        ["perf", "report", "-i", os.path.join(directory, "perf.data"), "--no-children",
                         "--sort", "dso,symbol", "--stdio", "-g", "none", "--percent-limit", "0.5"],
                        capture_output=True, text=True).stdout
                    if shutil.which("swift"):
                        report = subprocess.run(["swift", "demangle", "--simplified"], input=report,
                                                capture_output=True, text=True).stdout or report
                    out_path = PROFILE_OUT if len(PROFILE_ROWS) == 1 else f"{PROFILE_OUT}.{key}"
                    with open(out_path, "w") as out:
                        out.write(report)
        failed = False
        statement_lines = []
        for key, row in rows.items():
            if row[4]:
                tokens, records, served, handed = row[4].statements()
                tokens -= before[key][0]
                records -= before[key][1]
                served -= before[key][2]
                handed -= before[key][3]
                statement_lines.append(f"{key}: token-store statements after warm-up {tokens}, record-store statements "
                                       f"{records} (the account record is re-read when 5 s old: SQLite has no change "
                                       f"notifications); fast path served {served}, handed off {handed}")
                failed = failed or tokens != 0
                if key.startswith("fast") and served == 0:
                    print("FAILED: the fast path served no request")
                    failed = True

        def median(values):
            return statistics.median(values)

        print(f"Hub proxy vs nginx: wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s, {ROUNDS} interleaved rounds, medians; "
              f"{os.cpu_count()} cores, load average during the run {min(loads):.1f}-{max(loads):.1f}")
        print("| path | req/s | p50 ms | p99 ms | added p50 ms | CPU µs/request | req/s vs nginx proxy | added p50 vs nginx |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        direct_p50 = median([r[1] for r in results["direct"]]) if "direct" in results else None
        nginx_rate = median([r[0] for r in results["nginx"]]) if "nginx" in results else None
        nginx_added = (median([r[1] for r in results["nginx"]]) - direct_p50) if nginx_rate and direct_p50 else None
        for key, (label, _, _, _, _) in rows.items():
            rate = median([r[0] for r in results[key]])
            p50 = median([r[1] for r in results[key]])
            p99 = median([r[2] for r in results[key]])
            cpu = median([r[3] for r in results[key]])
            added = "-" if key == "direct" or direct_p50 is None else f"{p50 - direct_p50:.2f}"
            versus = "-" if key in ("direct", "nginx") or not nginx_rate else f"{rate / nginx_rate:.2f}x"
            added_versus = ("-" if key in ("direct", "nginx") or not nginx_added
                            else f"{(p50 - direct_p50) / nginx_added:.1f}x")
            print(f"| {label} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | {added} | {cpu:.1f} | {versus} | {added_versus} |")
        if "direct" in results:
            direct_rate = median([r[0] for r in results["direct"]])
            for key in ("ahc", "ahcloop", "nio", "nioloop", "fast", "fast16", "urlsession", "baseline"):
                if key in results:
                    print(f"upstream headroom over the Hub ({key}): {direct_rate / median([r[0] for r in results[key]]):.1f}x")
        for line in statement_lines:
            print(line)
        if failed:
            print("FAILED: a proxied request with a valid cached token reached the token store, or the fast path served none")
            return 1
        return 0
    finally:
        for hub in hubs:
            try:
                hub.stop()
            except Exception:
                hub.process.kill()
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
