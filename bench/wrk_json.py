#!/usr/bin/env python3
"""One JSON line from a `wrk --latency` report. Usage: wrk_json.py report.txt connections"""
import json, re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = float(re.match(r"[0-9.]+", v).group()), re.sub(r"[0-9.]", "", v)
    return round(n * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)); p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
total = int(re.search(r"(\d+) requests in", text).group(1))
bad = int((re.search(r"Non-2xx or 3xx responses: (\d+)", text) or [0, 0])[1])
tail = re.search(r"tail_us: p50 (\d+) p99 (\d+) p999 (\d+) max (\d+)", text)
p999, worst = (round(int(tail.group(3)) / 1000, 2), round(int(tail.group(4)) / 1000, 2)) if tail else (None, None)
errs = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
print(json.dumps({"bench": "http_transfer", "provider": "postgres", "clients": int(sys.argv[2]), "tps": round(rps * (total - bad) / max(total, 1), 1),
                  "p50_ms": p50, "p99_ms": p99, "p999_ms": p999, "max_ms": worst, "ops": total, "errors": bad + errs, "note": "wrk (separate process), loopback HTTP/1.1"}))
