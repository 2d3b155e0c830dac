# Endpoint Profiler's event-loop watchdog, loaded through PYTHONPATH when the product starts a
# server with --watch-loop. It changes nothing in the app: a daemon thread posts a no-op to the
# loop every INTERVAL and, when the loop has not run it within THRESHOLD, samples the loop
# thread's stack (sys._current_frames) until it does — the stack while the block is happening.
# Works with asyncio and uvloop (it needs only call_soon_threadsafe) and across gunicorn's
# forks (the watchdog starts in whichever process runs a loop). Reports go to JSON lines files.
import os
import sys

_DIR = os.environ.get("EP_LOOP_WATCH_DIR")


def _install():
    import asyncio
    import asyncio.events
    import collections
    import json
    import threading
    import time

    root = os.path.realpath(os.environ.get("EP_LOOP_WATCH_ROOT") or os.getcwd())
    threshold = float(os.environ.get("EP_LOOP_WATCH_THRESHOLD_MS") or 50) / 1000
    interval = 0.01
    sample_every = 0.005
    ignored_parts = ("site-packages", "dist-packages", os.sep + ".venv" + os.sep, os.sep + "venv" + os.sep)
    here = os.path.realpath(__file__)
    state = {"pid": None, "loops": set()}
    lock = threading.Lock()

    def in_workspace(filename):
        if not filename or filename.startswith("<"):
            return False
        path = os.path.realpath(filename)
        if path == here or not path.startswith(root + os.sep):
            return False
        return not any(part in path for part in ignored_parts)

    def sample(frame, limit=48):
        """(site, anchor, stack): the innermost workspace frame as (file, function), the
        outermost workspace frame object (one per request: it tells two requests of the same
        handler apart), and the workspace frames innermost first."""
        workspace = []
        innermost = None
        while frame is not None and limit > 0:
            code = frame.f_code
            if innermost is None:
                innermost = frame
            if in_workspace(code.co_filename):
                workspace.append(frame)
            frame = frame.f_back
            limit -= 1
        if not workspace:
            return None, None, []
        top = workspace[0]
        site = (top.f_code.co_filename, top.f_code.co_name)
        stack = [(f.f_code.co_filename, f.f_lineno, f.f_code.co_name) for f in workspace[:8]]
        return site, workspace[-1], stack

    class Writer:
        def __init__(self):
            self.path = os.path.join(_DIR, "loop-%d.jsonl" % os.getpid())
            self.file = open(self.path, "a", buffering=1)

        def write(self, obj):
            with lock:
                self.file.write(json.dumps(obj, separators=(",", ":")) + "\n")

    def report(writer, segment, end):
        lines = segment["lines"].most_common(1)[0][0]
        ms = (end - segment["start"]) * 1000
        writer.write(
            {
                "kind": "stall",
                "pid": os.getpid(),
                "t": segment["wall"],
                "ms": round(ms, 3),
                "site": {"file": segment["site"][0], "line": lines, "function": segment["site"][1]},
                "stack": [{"file": f[0], "line": f[1], "function": f[2]} for f in segment["stack"]],
                "samples": sum(segment["lines"].values()),
            }
        )

    def watch(loop, loop_thread_id, writer):
        lag_second, lags, offsets = int(time.time()), [], []
        while not loop.is_closed():
            ran = threading.Event()
            # When the loop ran the no-op, by the loop thread's own clock: the watchdog may wake
            # much later (the OS or a GIL-holding call keeps it waiting), and a stall timed by its
            # wake-up would run past its real end, into the next run's window.
            ran_at = []
            posted = time.monotonic()
            posted_wall = time.time()

            def noop(ran=ran, ran_at=ran_at):
                ran_at.append(time.monotonic())
                ran.set()

            try:
                loop.call_soon_threadsafe(noop)
            except RuntimeError:
                break  # the loop closed between the check and the call
            if not ran.wait(threshold):
                # Stalled: sample the loop thread until it runs our no-op. Consecutive samples of
                # one request in one function are one segment; two requests queued back to back,
                # or a handler that moves on to another blocking function, give two.
                segment = None
                while not ran.wait(sample_every):
                    frame = sys._current_frames().get(loop_thread_id)
                    if ran_at:
                        # The wait timed out but the loop has run the no-op since: this thread got
                        # the GIL back only when the loop thread gave it up, often in the next
                        # request's blocking call. That stack is not part of this stall; counted
                        # here, that request would be reported twice (a 0 ms segment, then again
                        # when the next no-op finds the loop stalled). Checked right after the
                        # snapshot, so a stack taken before the no-op ran is still counted.
                        del frame
                        break
                    now = time.monotonic()
                    site, anchor, stack = sample(frame) if frame is not None else (None, None, [])
                    del frame
                    if site is None and segment is not None and segment["site"] is not None:
                        continue  # a sample between workspace frames (framework code): same segment
                    if segment is not None and (segment["site"] != site or segment["anchor"] is not anchor):
                        if segment["site"] is not None:
                            report(writer, segment, now)
                        segment = None
                    if segment is None:
                        start = posted if site is not None and now - posted < threshold + sample_every * 2 else now
                        segment = {
                            "site": site,
                            "anchor": anchor,
                            "start": start,
                            "wall": time.time() - (now - start),
                            "stack": stack,
                            "lines": collections.Counter(),
                        }
                    if stack:
                        segment["lines"][stack[0][1]] += 1
                    if loop.is_closed():
                        break
                end = ran_at[0] if ran_at else time.monotonic()
                if segment is not None and segment["site"] is not None:
                    report(writer, segment, max(end, segment["start"]))
                segment = None
                lag = (end - posted) * 1000
            else:
                lag = ((ran_at[0] if ran_at else time.monotonic()) - posted) * 1000
            # Lag samples go out once a second: each with its offset (ms) into that second.
            now_second = int(posted_wall)
            if lags and (now_second != lag_second or len(lags) >= 20):
                writer.write({"kind": "lag", "pid": os.getpid(), "t": lag_second, "ms": lags, "at": offsets})
                lags, offsets = [], []
            lag_second = now_second
            lags.append(round(lag, 2))
            offsets.append(int((posted_wall - now_second) * 1000))
            time.sleep(interval)

    def start_watch(loop):
        if loop is None:
            return
        pid = os.getpid()
        with lock:
            if state["pid"] != pid:  # a forked child inherits the set but not the threads
                state["pid"], state["loops"] = pid, set()
            if id(loop) in state["loops"]:
                return
            state["loops"].add(id(loop))
        thread = threading.Thread(
            target=watch,
            args=(loop, threading.get_ident(), Writer()),
            name="endpoint-profiler-loop-watch",
            daemon=True,
        )
        thread.start()

    original = asyncio.events._set_running_loop

    def _set_running_loop(loop):
        original(loop)
        try:
            start_watch(loop)
        except Exception as error:  # never break the server
            sys.stderr.write("endpoint-profiler loop watch: %s\n" % error)

    # asyncio looks the function up on asyncio.events at call time; uvloop binds
    # asyncio._set_running_loop when it is imported, which happens after this file runs.
    asyncio.events._set_running_loop = _set_running_loop
    asyncio._set_running_loop = _set_running_loop


if _DIR:
    try:
        _install()
    except Exception as error:  # never break the server
        sys.stderr.write("endpoint-profiler loop watch disabled: %s\n" % error)

# Chain to a sitecustomize further down the path (a virtualenv's, a distribution's), as the
# interpreter would have loaded it had this one not shadowed it.
def _chain():
    import importlib.util

    here = os.path.dirname(os.path.realpath(__file__))
    for entry in sys.path:
        if not entry or os.path.realpath(entry) == here:
            continue
        candidate = os.path.join(entry, "sitecustomize.py")
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_ep_chained_sitecustomize", candidate)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return


_chain()
