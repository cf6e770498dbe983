#!/usr/bin/env python3
"""Turns a bench run's JSON lines into ratios against the same run's yardsticks: docs/benchmarks.md (table),
docs/benchmarks.json (for the chart) and one line per ratio on stdout.
Usage: summarize.py results.jsonl micro_results_dir out.md out.json elapsed_seconds"""
import datetime, glob, json, os, platform, subprocess, sys

results, micro_dir, out_md, out_json, elapsed = sys.argv[1:6]
rows = [json.loads(l) for l in open(results) if l.strip().startswith("{")]
yard = {(r["yardstick"], r["clients"]): r for r in rows if "yardstick" in r}
fig = {(r["bench"], r["provider"], r["clients"]): r for r in rows if "bench" in r}

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
def ratio(name, value, base, goal, note=""):
    if value is None or not base:
        return
    ratios.append({"name": name, "value": round(value / base, 2), "goal": goal, "met": value / base >= goal,
                   "figure": value, "yardstick": base, "note": note})

ratio("transfer 1 client / plain SQL", core1, tps("y", "transfer", 1), 1.6)
ratio("transfer 8 clients / plain SQL", core8, tps("y", "transfer", 8), 1.3)
ratio("transfer 1 client / floor (stretch)", core1, tps("y", "floor", 1), 0.5)
ratio("replay 1 client / transfer 1", tps("f", "replay", "postgres", 1), core1, 2.0)
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
ratio("payouts via Azurite / floor 8 clients", tps("f", "payout_awards", "postgres", 1), tps("y", "floor", 8), 2.0)
ratio("queue function, batched / floor 8 clients", queue_fn and queue_fn["tps"], tps("y", "floor", 8), 2.0,
      f"the payout path without the queue service: {queue_fn and queue_fn['clients']} concurrent invocations, awards paid in shared transactions")
ratio("payouts, last 5,000 / Azurite drain ceiling", tps("f", "payout_awards_last_half", "postgres", 1), drain and drain["tps"], 0.5,
      "how much of what the local queue emulator allows the payout path uses")

cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
pg = subprocess.run(["psql", "-Atc", "SHOW server_version"], capture_output=True, text=True).stdout.strip()
when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
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
    md.append(f"| {r['name']} | {r['value']:.2f}x | {r['goal']}x | {'yes' if r['met'] else 'no'} | {r['figure']:,.0f}/s | {r['yardstick']:,.0f}/s |")
md += ["", "## Figures", "", "| benchmark | provider | clients | per second | p50 ms | p99 ms | ops | errors | note |",
       "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
for r in rows:
    if "yardstick" in r:
        md.append(f"| yardstick {r['yardstick']} | postgres | {r['clients']} | {r['tps']:,.0f} | | | | | latency avg {r['latency_ms']} ms |")
    else:
        md.append(f"| {r['bench']} | {r['provider']} | {r['clients']} | {r['tps']:,.0f} | {r['p50_ms']} | {r['p99_ms']} | {r['ops']} | {r['errors']} | {r.get('note','')} |")
sqlite = tps("f", "core_transfer", "sqlite", 1)
if sqlite and core1:
    md += ["", f"SQLite (embedded default), 1 worker: {sqlite:,.0f} transfers/s, {sqlite / core1:.2f}x PostgreSQL at 1 client."]
reports = glob.glob(f"{micro_dir}/*-report-github.md")
if reports:
    md += ["", "## Micro-benchmarks (BenchmarkDotNet, short run)", ""] + [l.rstrip() for l in open(reports[0]) if l.strip() and not l.startswith("```")]
open(out_md, "w").write("\n".join(md) + "\n")
for r in ratios:
    print(f"{r['name']}: {r['value']:.2f}x (goal {r['goal']}x) {'met' if r['met'] else 'MISSED'}")
