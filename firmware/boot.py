# Runs on every reset, before main.py. Kept tiny: nothing here may lock you out of the REPL.
try:
    from iotfw import safe_mode

    safe_mode.check()
except Exception as e:
    print("boot.py:", e)
