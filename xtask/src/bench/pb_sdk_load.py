"""Load generator for the official ProfitBricks Python SDK (profitbricks==3.1.2), written out
and run by `cargo xtask bench`: list_datacenters(depth=1) against the bench's fixture server,
sequentially or with N threads sharing one ProfitBricksService. Prints the same line as the
Rust `load` binary:

    calls=N seconds=S calls_per_sec=X cpu_us_per_call=C peak_rss_kib=K
"""

import argparse
import sys
import threading
import time

from profitbricks.client import ProfitBricksService


def peak_rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--mode", choices=["seq", "concurrent"], required=True)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--warmup", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()

    client = ProfitBricksService(
        username="bench-user", password="bench-pass", host_base=args.base_url + "/cloudapi/v3"
    )
    workers = 1 if args.mode == "seq" else args.concurrency
    completed = [0] * workers
    stop = threading.Event()
    failure = []

    def work(index):
        try:
            while not stop.is_set():
                answer = client.list_datacenters(depth=1)
                if "items" not in answer:
                    raise RuntimeError("unexpected answer: %r" % (answer,))
                completed[index] += 1
        except Exception as error:  # report the first failure, stop everyone
            failure.append(error)
            stop.set()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    time.sleep(args.warmup)
    start_calls, start_time, start_cpu = sum(completed), time.perf_counter(), time.process_time()
    time.sleep(args.seconds)
    end_calls, end_time, end_cpu = sum(completed), time.perf_counter(), time.process_time()
    stop.set()
    for thread in threads:
        thread.join()
    if failure:
        print("python sdk: %s" % failure[0], file=sys.stderr)
        sys.exit(1)
    calls = end_calls - start_calls
    seconds = end_time - start_time
    print(
        "calls=%d seconds=%.3f calls_per_sec=%.1f cpu_us_per_call=%.2f peak_rss_kib=%d"
        % (calls, seconds, calls / seconds, (end_cpu - start_cpu) * 1e6 / max(calls, 1), peak_rss_kib())
    )


if __name__ == "__main__":
    main()
