# Test-side helpers, imported by tests/firmware/harness.ts after the fakes: build the app the
# way main.py does (minus the endless loop) and drive it on the fake clock.
import json
import sys
import time

app = None
main_globals = {"__name__": "__main__"}


def start_app():
    global app
    from iotfw import startup
    from iotfw.app import App

    setup = startup.wait_for_config(1)
    if setup is None:
        raise RuntimeError("config not usable")
    app = App(*setup)
    return app


def run_to(end):
    # Drives the app loop until the fake clock reaches `end` (elapsed ms).
    while time.elapsed() < end:
        app.loop_once()


def run_until(cond, end):
    # -> True as soon as cond() holds, False when the clock reached `end` first.
    while not cond():
        if time.elapsed() >= end:
            return False
        app.loop_once()
    return True


def run_file(path, budget_ms):
    # Executes a firmware file as the board would (shared __main__ globals) for at most
    # budget_ms of fake time. -> "returned" | "budget" | "reset: ..."
    time.budget = time.elapsed() + budget_ms
    try:
        with open(path) as f:
            src = f.read()
        exec(src, main_globals)
        return "returned"
    except time.SimBudget:
        return "budget"
    except sys.modules["machine"].Reset as e:
        return "reset: " + str(e)
    finally:
        time.budget = None


def dump(x):
    return json.dumps(x)


def compile_error(path):
    # "" when the file compiles with MicroPython's own compiler, else the printed SyntaxError.
    import io

    try:
        with open(path) as f:
            compile(f.read(), path, "exec")
        return ""
    except SyntaxError as e:
        buf = io.StringIO()
        sys.print_exception(e, buf)
        return buf.getvalue()
