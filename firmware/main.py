# Starts the app (firmware/lib/iotfw). Settings live in config.json and secrets.py, never here.
from iotfw import startup

startup.main()
