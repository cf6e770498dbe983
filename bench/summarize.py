#!/usr/bin/env python3
"""Turns a bench run's JSON lines into ratios against the same run's yardsticks: docs/benchmarks.md (table),
docs/benchmarks.json (for the chart) and one line per ratio on stdout.
Usage: summarize.py results.jsonl micro_results_dir out.md out.json elapsed_seconds [runs.jsonl]
runs.jsonl, when given, gets one line per run (its date and every ratio) and the last three runs lead out.md."""
import datetime, glob, json, os, platform, subprocess, sys

results, micro_dir, out_md, out_json, elapsed = sys.argv[1:6]
runs_file = sys.argv[6] if len(sys.argv) > 6 else None
rows = [json.loads(l) for l in open(results) if l.strip().startswith("{")]
yard = {(r["yardstick"], r["clients"]): r for r in rows if "yardstick" in r}
fig = {(r["bench"], r["provider"], r["clients"]): r for r in rows if "bench" in r and "provider" in r}

def tps(kind, *key):
    r = (yard if kind == "y" else fig).get(key)
    return r["tps"] if r else None

def one(bench, provider):
    """The figure of a benchmark run at one concurrency, whatever it was (host.json sets the queue function's)."""
    found = [r for (b, p, _), r in fig.items() if b == bench and p == provider]
    return found[0] if found else None

queue_fn, drain = one("payout_queue_function", "postgres"), one("azurite_drain", "azurite")
core1, core8 = tps("f", "core_transfer", "postgres", 1), tps("f", "core_transfer", "postgres", 8)
ratios = []
def ratio(name, value, base, goal, note="", at_most=False):
    """A figure over its yardstick against a goal: at least `goal`, or with at_most, at most `goal`."""
    if value is None or not base:
        return
    v = value / base
    ratios.append({"name": name, "value": round(v, 2), "goal": goal, "at_most": at_most,
                   "met": v <= goal if at_most else v >= goal, "figure": value, "yardstick": base, "note": note})

# Issue 34's goals (the ceiling, the tail, the queue), then issue 17's, then the earlier issues' for the other figures.
ratio("transfer 1 client / ceiling", core1, tps("y", "ceiling", 1), 0.9)
ratio("transfer 8 clients / ceiling", core8, tps("y", "ceiling", 8), 0.8)
http32 = fig.get(("http_transfer", "postgres", 32))
http128 = fig.get(("http_transfer", "postgres", 128))
ratio("HTTP 32 conns, p99 ms (at most)", http32 and http32["p99_ms"], 1, 50, "a latency in ms, not a ratio: the goal is p99 <= 50 ms", True)
ratio("HTTP 128 conns, p99 ms (at most)", http128 and http128["p99_ms"], 1, 200,
      f"a latency in ms: the goal is p99 <= 200 ms with no timeout ({http128 and http128['errors']} timeouts, socket errors and non-2xx answers)", True)
if http128 and http128["errors"] and ratios and ratios[-1]["name"].startswith("HTTP 128"):
    ratios[-1]["met"] = False
ratio("queue function, batched / floor 8 clients", queue_fn and queue_fn["tps"], tps("y", "floor", 8), 2.5,
      f"the payout path without the queue service: {queue_fn and queue_fn['clients']} concurrent invocations, awards paid in shared transactions")
ratio("payouts through the queue, to empty / Azurite drain alone", tps("f", "payout_awards", "postgres", 1), drain and drain["tps"], 0.5,
      "the same number of messages, the listener's receive pattern: how much of what the local emulator allows the payout path uses")
# Issue 32's: purchases against transfers between random wallets, 8 clients each, interleaved rounds (bench purchase).
rounds = list(zip([r for r in rows if r.get("bench") == "purchase_round_transfer"], [r for r in rows if r.get("bench") == "core_purchase"]))
if rounds:
    each = sorted((pair for pair in rounds if pair[0]["tps"]), key=lambda pair: pair[1]["tps"] / pair[0]["tps"])
    middle_t, middle_p = each[len(each) // 2]
    ratio(f"purchases / transfers, 8 clients (median of {len(each)} rounds)", middle_p["tps"], middle_t["tps"], 0.8,
          "rounds: " + ", ".join(f"{p['tps'] / t['tps']:.2f}x ({p['tps']:,.0f}/s vs {t['tps']:,.0f}/s)" for t, p in rounds))
ratio("transfer 1 client / plain SQL", core1, tps("y", "transfer", 1), 2.5)
ratio("transfer 8 clients / plain SQL", core8, tps("y", "transfer", 8), 1.8)
ratio("transfer 1 client / commit floor", core1, tps("y", "floor", 1), 0.6)
ratio("transfer 8 clients / commit floor at 8", core8, tps("y", "floor", 8), 0.35)
ratio("replay 1 client / transfer 1", tps("f", "replay", "postgres", 1), core1, 2.5)
scale = [r for r in rows if r.get("bench") == "reconcile-scale"]
if scale:
    best_cli, best_raw = min(r["cli_dry_run_ms"] for r in scale), min(r["raw_group_by_ms"] for r in scale)
    ratio(f"reconcile {scale[0]['wallets']:,} wallets / raw GROUP BY (at most)", best_cli, best_raw, 1.2,
          f"best of 3 in ms: funcledger reconcile --dry-run (process start included) against psql's GROUP BY", True)
ratio("replay 8 clients / transfer 8", tps("f", "replay", "postgres", 8), core8, 2.0)
ratio("hot wallet 8 workers / transfer 1", tps("f", "hot_wallet_debit", "postgres", 8), core1, 0.8)
posting = tps("f", "core_posting_100_legs", "postgres", 1)
ratio("100-leg posting (99 payees) / 99 transfers", posting and posting * 99, core1, 5.0,
      "coins moved to 99 payees per second: one posting against 99 transfers at 1 client")
holdcap = tps("f", "core_hold_capture", "postgres", 1)
ratio("hold + capture / two transfers", holdcap and holdcap * 2, core1, 1.0,
      "a checkout (hold, then capture to another wallet) against the two transfers it could be written as, 1 client")
ratio("HTTP 8 conns / transfer 8", tps("f", "http_transfer", "postgres", 8), core8, 0.7)
ratio("HTTP 32 conns / transfer 8", tps("f", "http_transfer", "postgres", 32), core8, 0.7)

# --- The cost on Azure, on paper (issue 17). Prices: USD, East US, pay-as-you-go list prices as published in May 2025
# (the Azure pricing pages); they were not re-checked on the day of the run: check them before relying on a figure.
PRICES_DATE = "2025-05 (East US, pay-as-you-go list prices; not re-checked on the run's day)"
FLEX_GB_S = 0.000026          # Flex Consumption, on-demand execution time, per GB-s
FLEX_EXECUTION = 0.40 / 1e6   # Flex Consumption, on-demand executions, per execution
FLEX_MEMORY_GB, FLEX_VCPU = 2.0, 1.0   # infra/resources.bicep: instanceMemoryMB 2048 (1 vCPU at that size)
FLEX_MIN_BILLED_S = 1.0       # the shortest billed active period of an instance (assumed: 1,000 ms)
SQL_VCORE_S = 0.000145        # Azure SQL Database serverless, General Purpose, per vCore-second
PG_FLEX_HOUR, PG_FLEX_VCORES = 0.178, 2   # PostgreSQL Flexible Server, General Purpose D2ds_v5, per hour
QUEUE_OPS_PER_AWARD, QUEUE_OP = 3, 0.004 / 1e4   # put, get, delete; storage queue operations, per operation

def cost_section():
    cpu = fig.get(("cpu_per_request", "postgres", 32))
    if not cpu or not core8 or not queue_fn:
        return ["", "## The cost on Azure, on paper", "", "Not computed: this run lacks the CPU measurement or a figure it needs."]
    app_ms, db_ms = cpu["app_cpu_ms"], cpu["db_cpu_ms"]
    replay8 = tps("f", "replay", "postgres", 8) or core8
    # CPU per operation scales with 1 / throughput at saturation (8 clients on 2 cores): replays and awards from the
    # transfer's measured split between app and database.
    ops = [("transfer", 1.0), ("replay", core8 / replay8), ("payout award", core8 / queue_fn["tps"])]
    out = ["", "## The cost on Azure, on paper", "",
           f"Prices: {PRICES_DATE}. Measured in this run: over HTTP at 32 connections the app (Standalone, Kestrel and the "
           f"function) used {app_ms:.3f} ms of CPU per transfer and PostgreSQL {db_ms:.3f} ms (process CPU time over the "
           f"requests served, {cpu['ops']:,} requests). A replay and a payout award are scaled from the transfer by "
           f"throughput at saturation on the same 2 cores (replays {replay8:,.0f}/s and the queue function "
           f"{queue_fn['tps']:,.0f} awards/s, against {core8:,.0f} transfers/s): factors "
           f"{ops[1][1]:.2f} and {ops[2][1]:.3f}. Every write is one round trip to the database, so the database's CPU is "
           "the work itself, not waiting.", "",
           "Formulas, per 1,000,000 operations (n = 1e6; c_app, c_db = CPU seconds per operation):", "",
           f"- Flex Consumption executions: n x ${FLEX_EXECUTION * 1e6:.2f}/million (an award is one queue message, one "
           "execution).",
           f"- Flex Consumption execution time, sustained load (instances busy): {FLEX_MEMORY_GB:g} GB x n x c_app / "
           f"{FLEX_VCPU:g} vCPU x ${FLEX_GB_S}/GB-s. Concurrent executions on one instance are billed once.",
           f"- Flex Consumption execution time, sparse load (every operation alone wakes an instance): {FLEX_MEMORY_GB:g} GB x "
           f"{FLEX_MIN_BILLED_S:g} s x n x ${FLEX_GB_S}/GB-s: the worst case.",
           f"- Azure SQL serverless: n x c_db vCore-seconds x ${SQL_VCORE_S}/vCore-s (assumes SQL Server spends the CPU "
           "PostgreSQL spent here: not measured, no SQL Server runs here), plus the minimum vCores while the database is "
           "awake.",
           f"- PostgreSQL Flexible Server D2ds_v5 ({PG_FLEX_VCORES} vCores, ${PG_FLEX_HOUR}/hour, about "
           f"${PG_FLEX_HOUR * 730:,.0f}/month whatever the volume): ${PG_FLEX_HOUR}/hour / (3,600 x {PG_FLEX_VCORES} / c_db) "
           "x n at full use; at half use, twice that.",
           f"- Payout awards add {QUEUE_OPS_PER_AWARD} storage queue operations each (put, get, delete) x "
           f"${QUEUE_OP * 1e4:.3f}/10,000.", "",
           "| per 1,000,000 | executions | Flex time, sustained | Flex time, sparse | queue ops | Azure SQL serverless | "
           "PostgreSQL Flexible (full use) | total, sustained + Azure SQL | total, sustained + PostgreSQL |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, factor in ops:
        c_app, c_db = app_ms * factor / 1000, db_ms * factor / 1000
        executions = 1e6 * FLEX_EXECUTION
        sustained = FLEX_MEMORY_GB * 1e6 * c_app / FLEX_VCPU * FLEX_GB_S
        sparse = FLEX_MEMORY_GB * FLEX_MIN_BILLED_S * 1e6 * FLEX_GB_S
        queue = QUEUE_OPS_PER_AWARD * 1e6 * QUEUE_OP if name == "payout award" else 0
        sql = 1e6 * c_db * SQL_VCORE_S
        pg = PG_FLEX_HOUR / (3600 * PG_FLEX_VCORES / c_db) * 1e6
        out.append(f"| {name}s | ${executions:.2f} | ${sustained:.2f} | ${sparse:.2f} | ${queue:.2f} | ${sql:.2f} | ${pg:.2f} | "
                   f"${executions + sustained + queue + sql:.2f} | ${executions + sustained + queue + pg:.2f} |")
    out += ["", "Free grants (on-demand Flex Consumption: 100,000 GB-s and 250,000 executions a month) are left out. At these "
            "rates the executions' count dominates under sustained load, and a sparse load costs what its wake-ups cost; "
            "PostgreSQL Flexible Server's monthly floor dominates below a few hundred million operations a month."]
    return out

cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
pg = subprocess.run(["psql", "-Atc", "SHOW server_version"], capture_output=True, text=True).stdout.strip()
when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
if os.environ.get("SUMMARIZE_NO_RECORD") == "1" and runs_file and os.path.exists(runs_file):
    when = [json.loads(l) for l in open(runs_file) if l.strip()][-1]["date"]   # re-rendering the last run recorded
summary = {"date": when, "machine": f"{cpu} cores, {mem} GiB, {platform.system()} {platform.machine()}", "postgres": pg,
           "elapsed_s": int(elapsed), "ratios": ratios, "figures": rows}
json.dump(summary, open(out_json, "w"), indent=2)

md = [f"# Benchmarks", "", f"Run {when} on {summary['machine']}, PostgreSQL {pg} (fsync on), `bench/run.sh` "
      f"in {elapsed} s. Every ratio divides a FuncLedger figure by a yardstick measured in the same run on the same "
      "server (`../shared/bench/raw-sql-limit.sh`: the fsync'd commit floor and a plain-SQL transfer). "
      "Absolute numbers move from run to run on these shared 2-core machines; the ratios are the result.", "",
      "![ratios against goals](benchmarks.png)", "", "## Ratios", "", "| ratio | value | goal | met | figure | yardstick |",
      "| --- | ---: | ---: | :---: | ---: | ---: |"]
for r in ratios:
    if r["at_most"]:
        unit = " ms" if " ms" in r["name"] else "x"
        md.append(f"| {r['name']} | {r['value']:.2f}{unit} | <= {r['goal']}{unit} | {'yes' if r['met'] else 'no'} | {r['figure']:,.0f} | {r['yardstick']:,.0f} |")
    else:
        md.append(f"| {r['name']} | {r['value']:.2f}x | {r['goal']}x | {'yes' if r['met'] else 'no'} | {r['figure']:,.0f}/s | {r['yardstick']:,.0f}/s |")
md += ["", "## Figures", "", "| benchmark | provider | clients | per second | p50 ms | p99 ms | p99.9 ms | ops | errors | note |",
       "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
for r in rows:
    if "yardstick" in r:
        md.append(f"| yardstick {r['yardstick']} | postgres | {r['clients']} | {r['tps']:,.0f} | | | | | | latency avg {r['latency_ms']} ms |")
    elif r.get("bench") == "reconcile-scale":
        md.append(f"| reconcile-scale run {r['run']} | postgres | 1 | | | | | | | {r['wallets']:,} wallets, {r['entries']:,} entries: raw GROUP BY "
                  f"{r['raw_group_by_ms']} ms, funcledger reconcile --dry-run {r['cli_dry_run_ms']} ms, peak RSS {r['cli_peak_rss_mb']} MB |")
    else:
        md.append(f"| {r['bench']} | {r['provider']} | {r['clients']} | {r['tps']:,.0f} | {r['p50_ms']} | {r['p99_ms']} | {r.get('p999_ms') or ''} | {r['ops']} | {r['errors']} | {r.get('note','')} |")
ceiling1, ceiling8 = tps("y", "ceiling", 1), tps("y", "ceiling", 8)
if ceiling1 and ceiling8 and tps("y", "floor", 1) and tps("y", "transfer", 1):
    md += ["", "The ceiling (`bench/ceiling-transfer.pgbench`: a transfer on the ledger's own schema as one statement that checks "
           "nothing and answers no replay): "
           f"1 client {ceiling1:,.0f}/s, {ceiling1 / tps('y', 'floor', 1):.2f}x the commit floor and {ceiling1 / tps('y', 'transfer', 1):.2f}x "
           f"plain SQL; 8 clients {ceiling8:,.0f}/s, {ceiling8 / tps('y', 'floor', 8):.2f}x the floor at 8 and "
           f"{ceiling8 / tps('y', 'transfer', 8):.2f}x plain SQL. No correct transfer can reach more on this schema and machine; "
           f"FuncLedger's core reaches {core1 / ceiling1:.2f}x of it at 1 client and {core8 / ceiling8:.2f}x at 8."]
c1, c8 = fig.get(("core_transfer", "postgres", 1)), fig.get(("core_transfer", "postgres", 8))
y1, y8 = yard.get(("ceiling", 1)), yard.get(("ceiling", 8))
if c1 and c8 and c1.get("cpu_us_per_op") and y8 and y8.get("db_cpu_us_per_op"):
    md += ["", "## Where a transfer's time goes", "",
           "CPU per transfer over the timed window: the benchmark process (the app: FuncLedger.Core, EF Core's connection "
           "handling, Npgsql, TLS, the thread pool) and every PostgreSQL process, against the ceiling's database CPU "
           "(pgbench's own client is not counted). On 2 cores shared by the app and the database, the sum bounds the rate at 8 clients.", "",
           "| figure | clients | per second | app CPU us | app bytes allocated | database CPU us | app + database us |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in (c1, c8):
        md.append(f"| core transfer | {r['clients']} | {r['tps']:,.0f} | {r['cpu_us_per_op']:,.0f} | {r['alloc_bytes_per_op']:,.0f} | "
                  f"{r['db_cpu_us_per_op']:,.0f} | {r['cpu_us_per_op'] + r['db_cpu_us_per_op']:,.0f} |")
    for y in (y1, y8):
        if y and y.get("db_cpu_us_per_op"):
            md.append(f"| ceiling (pgbench) | {y['clients']} | {y['tps']:,.0f} | | | {y['db_cpu_us_per_op']:,.0f} | |")
runs = []
if runs_file:
    if os.path.exists(runs_file):
        runs = [json.loads(l) for l in open(runs_file) if l.strip()]
    if os.environ.get("SUMMARIZE_NO_RECORD") != "1":   # 1: re-render a run already recorded (bench/profile.md edited)
        runs.append({"date": when, "elapsed_s": int(elapsed), "ratios": {r["name"]: [r["value"], r["met"]] for r in ratios}})
        with open(runs_file, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in runs[-10:])
    last = runs[-3:]
    head = ["", f"## The last {len(last)} runs", "", "Each full `bench/run.sh`, oldest first (docs/benchmarks-runs.jsonl keeps the last ten); "
            "a ratio in bold met its goal.", "",
            "| ratio | goal | " + " | ".join(r["date"] for r in last) + " |", "| --- | ---: |" + " ---: |" * len(last)]
    for r in ratios:
        sign = "<= " if r["at_most"] else ""
        cells = []
        for run in last:
            v = run["ratios"].get(r["name"])
            cells.append("" if v is None else (f"**{v[0]:.2f}**" if v[1] else f"{v[0]:.2f}"))
        head.append(f"| {r['name']} | {sign}{r['goal']} | " + " | ".join(cells) + " |")
    i = md.index("## Ratios")
    md[i - 1:i - 1] = head
profile = os.path.join(os.path.dirname(os.path.abspath(__file__)), "profile.md")
if os.path.exists(profile):   # the hand-written profile: where the time goes, what was tried (A/B numbers)
    md += [""] + [l.rstrip("\n") for l in open(profile)]
sqlite = tps("f", "core_transfer", "sqlite", 1)
if sqlite and core1:
    md += ["", f"SQLite (embedded default), 1 worker: {sqlite:,.0f} transfers/s, {sqlite / core1:.2f}x PostgreSQL at 1 client."]
md += cost_section()
reports = glob.glob(f"{micro_dir}/*-report-github.md")
if reports:
    md += ["", "## Micro-benchmarks (BenchmarkDotNet, short run)", ""] + [l.rstrip() for l in open(reports[0]) if l.strip() and not l.startswith("```")]
open(out_md, "w").write("\n".join(md) + "\n")
if ceiling1 and ceiling8 and tps("y", "floor", 1):
    print(f"ceiling (a transfer that checks nothing): {ceiling1 / tps('y', 'floor', 1):.2f}x floor at 1 client, "
          f"{ceiling8 / tps('y', 'floor', 8):.2f}x floor at 8; the core reaches {core1 / ceiling1:.2f}x and {core8 / ceiling8:.2f}x of it")
for r in ratios:
    sign = "<=" if r["at_most"] else ">="
    print(f"{r['name']}: {r['value']:.2f} (goal {sign} {r['goal']}) {'met' if r['met'] else 'MISSED'}")
