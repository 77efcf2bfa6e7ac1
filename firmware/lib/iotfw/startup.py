# What main.py runs: wait for a usable configuration (printing why not, retrying, never
# crash-looping), build the app, run it forever. An exception that escapes the loop is logged
# (REPL + error.log) and followed by a reset after a short delay.
import sys
import time
import machine
from iotfw import creds, log, safe_mode
from iotfw.config import ConfigError, load

RETRY_MS = 10000
CRASH_DELAY_MS = 5000
ERROR_LOG = "error.log"
ERROR_LOG_MAX = 2048


def nap(ms):
    # Short sleeps so Ctrl-C (the installer's raw REPL) is honoured at once.
    end = time.ticks_add(time.ticks_ms(), ms)
    while time.ticks_diff(end, time.ticks_ms()) > 0:
        time.sleep_ms(min(100, max(1, time.ticks_diff(end, time.ticks_ms()))))


def wait_for_config(max_attempts=0):
    # -> (cfg, raw, warnings, creds), or None after max_attempts (0 = forever).
    n = 0
    while True:
        n += 1
        try:
            cfg, raw, warns = load()
            return cfg, raw, warns, creds.load()
        except ConfigError as e:
            print("CONFIG ERROR: %s" % e)
            print("  The app is waiting: fix it with the installer or over the REPL (Ctrl-C); retry in %d s." % (RETRY_MS // 1000))
        if max_attempts and n >= max_attempts:
            return None
        nap(RETRY_MS)


def _save_error(e):
    try:
        import io

        buf = io.StringIO()
        sys.print_exception(e, buf)
        text = "[%d] %s\n" % (time.ticks_ms(), buf.getvalue())
        try:
            with open(ERROR_LOG) as f:
                old = f.read()
        except OSError:
            old = ""
        with open(ERROR_LOG, "w") as f:
            f.write((old + text)[-ERROR_LOG_MAX:])  # bounded: the newest crashes win
    except Exception:
        pass


def crash(e, app):
    log.error("fatal: %r; resetting in %d s" % (e, CRASH_DELAY_MS // 1000))
    sys.print_exception(e)
    _save_error(e)
    if app is not None:
        try:
            app.shutdown()
        except Exception:
            pass
    nap(CRASH_DELAY_MS)
    machine.reset()


def main():
    if safe_mode.active():
        return
    # Imported only now: a broken app must not block safe mode, and an app that cannot even be
    # imported leaves the REPL usable (a reset would not repair the file).
    from iotfw.app import App

    app = None
    try:
        setup = wait_for_config()
        app = App(*setup)
        log.info("app %s started" % app.id)
        app.run_forever()
    except KeyboardInterrupt:
        log.warn("stopped by Ctrl-C")
        if app is not None:
            app.on_interrupt()
    except Exception as e:
        crash(e, app)
