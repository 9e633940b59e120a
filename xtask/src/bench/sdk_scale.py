"""Load generator for the vendors' Python SDKs at scale, written out and run by `cargo xtask
bench` (issue 15). Runs on Python 3 and on Python 2.7.

  --job list --sdk profitbricks   ProfitBricksService(...).list_datacenters(depth=1)
                                  (profitbricks==3.1.2, Python 3)
  --job list --sdk oneandone      OneAndOneService(...).list_servers()  (1and1==1.8.0, Python 2.7)
      --calls N --warmup-calls W: times N calls after W untimed ones, and prints the line of the
      Rust `load` binary:  calls=N seconds=S calls_per_sec=X cpu_us_per_call=C peak_rss_kib=K

  --job batch --mode seq|batch    Memset's "Python JSON-RPC Example" (jsonrpclib==0.1.7, Python
                                  2.7): --calls service.info calls one by one through
                                  jsonrpclib.Server, or as MultiCall batches of 100; prints the
                                  line of the Rust `scenario` binary:
                                  wall_s=W cpu_s=C peak_rss_kib=K requests=R items=I min_gap_us=0
"""

import argparse
import sys
import time


def peak_rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def cpu():
    # process_time is Python 3 only; os.times() works on both
    import os

    times = os.times()
    return times[0] + times[1]


def list_job(args):
    if args.sdk == "profitbricks":
        from profitbricks.client import ProfitBricksService

        client = ProfitBricksService(
            username="bench-user", password="bench-pass", host_base=args.base_url + "/cloudapi/v3"
        )

        def call():
            answer = client.list_datacenters(depth=1)
            if "items" not in answer:
                raise RuntimeError("unexpected answer")
    else:
        from oneandone.client import OneAndOneService

        client = OneAndOneService(api_token="bench-token", api_url=args.base_url + "/v1")

        def call():
            answer = client.list_servers()
            if not isinstance(answer, list):
                raise RuntimeError("unexpected answer")

    for _ in range(args.warmup_calls):
        call()
    start_time, start_cpu = time.time(), cpu()
    for _ in range(args.calls):
        call()
    seconds, cpu_s = time.time() - start_time, cpu() - start_cpu
    print(
        "calls=%d seconds=%.3f calls_per_sec=%.2f cpu_us_per_call=%.2f peak_rss_kib=%d"
        % (args.calls, seconds, args.calls / seconds, cpu_s * 1e6 / args.calls, peak_rss_kib())
    )


def batch_job(args):
    from jsonrpclib import MultiCall, Server

    # the example's URI form: the API key as the user name, in the URI
    host = args.base_url.split("://", 1)[1]
    server = Server("http://0123456789abcdef0123456789abcdef:@%s/v1/jsonrpc/" % host)

    def check(answer):
        if answer.get("name") != "myserver1":
            raise RuntimeError("unexpected answer %r" % (answer,))

    for _ in range(20):
        check(server.service.info(name="myserver1"))
    start_time, start_cpu = time.time(), cpu()
    requests = 0
    if args.mode == "seq":
        for _ in range(args.calls):
            check(server.service.info(name="myserver1"))
            requests += 1
    else:
        left = args.calls
        while left > 0:
            batch = MultiCall(server)
            size = min(left, 100)
            for _ in range(size):
                batch.service.info(name="myserver1")
            for answer in batch():
                check(answer)
            left -= size
            requests += 1
    wall, cpu_s = time.time() - start_time, cpu() - start_cpu
    print(
        "wall_s=%.4f cpu_s=%.4f peak_rss_kib=%d requests=%d items=%d min_gap_us=0"
        % (wall, cpu_s, peak_rss_kib(), requests, args.calls)
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--job", choices=["list", "batch"], required=True)
    parser.add_argument("--sdk", choices=["profitbricks", "oneandone"], default="profitbricks")
    parser.add_argument("--mode", choices=["seq", "batch"], default="seq")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--warmup-calls", type=int, default=1)
    args = parser.parse_args()
    try:
        if args.job == "list":
            list_job(args)
        else:
            batch_job(args)
    except Exception as error:
        sys.stderr.write("python sdk: %s\n" % (error,))
        sys.exit(1)


if __name__ == "__main__":
    main()
