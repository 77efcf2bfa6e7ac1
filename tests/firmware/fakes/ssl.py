# Fake `ssl` (the wasm build has none): records what the firmware asks for.
CERT_NONE = 0
CERT_OPTIONAL = 1
CERT_REQUIRED = 2
PROTOCOL_TLS_CLIENT = 16


class SSLContext:
    def __init__(self, protocol):
        self.protocol = protocol
        self.verify_mode = CERT_NONE
        self.cadata = None

    def load_verify_locations(self, cafile=None, cadata=None):
        self.cadata = cadata
