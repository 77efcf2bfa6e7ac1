# Runs on every reset, before main.py. Kept tiny: nothing here may lock you out of the REPL.
# The update guard goes first: it completes an interrupted update or rolls a failed one back
# (lib/otaguard.py, docs/ota.md). A reset it asks for is not an error, so it is not caught.
try:
    import otaguard

    otaguard.boot()
except Exception as e:
    print("boot.py: otaguard:", e)
try:
    import sys

    del otaguard
    sys.modules.pop("otaguard", None)  # its work is done until the next reset: free its RAM
except Exception:
    pass
try:
    from iotfw import safe_mode

    safe_mode.check()
except Exception as e:
    print("boot.py:", e)
