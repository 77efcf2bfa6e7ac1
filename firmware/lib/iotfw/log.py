# Tiny REPL logger. Everything printed is visible to anyone on the USB cable, so callers
# must never pass secrets (Wi-Fi or broker passwords) into these functions.
import time

DEBUG = 0
INFO = 1
WARN = 2
ERROR = 3
_NAMES = "DIWE"
level = INFO


def _out(lvl, msg):
    if lvl >= level:
        print("[%s %d] %s" % (_NAMES[lvl], time.ticks_ms(), msg))


def debug(msg):
    _out(DEBUG, msg)


def info(msg):
    _out(INFO, msg)


def warn(msg):
    _out(WARN, msg)


def error(msg):
    _out(ERROR, msg)
