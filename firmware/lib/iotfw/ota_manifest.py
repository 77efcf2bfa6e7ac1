# Update manifests (docs/ota.md "Manifest and its signature"): the HMAC-SHA256 signature in
# plain Python over hashlib.sha256, and every check made before a byte is written.
import hashlib
import json
import os
import otaguard

MAX_BYTES = 8192  # a manifest larger than this is refused unread (the heap is small)
MIN_CHUNK = 256
MAX_CHUNK = 4096
MAX_FILES = 64
SPACE_MARGIN = 16384
_ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
_HEX = "0123456789abcdef"


class Refused(Exception):
    # args: (reason, extra fields for the status and the event)
    pass


def hmac_sha256(key, msg):
    # RFC 2104 with a 64-byte block; keys longer than a block are hashed first.
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key + b"\x00" * (64 - len(key))
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    inner.update(msg)
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    outer.update(inner.digest())
    return outer.digest()


def _hex(data):
    return "".join("%02x" % b for b in data)


def _same(a, b):
    # Compares without stopping at the first difference.
    if len(a) != len(b):
        return False
    d = 0
    for i in range(len(a)):
        d |= ord(a[i]) ^ ord(b[i])
    return d == 0


def update_id_of(text):
    # The inner manifest's update id, best effort, so even a refusal names the update.
    try:
        u = json.loads(text).get("update")
        return u if valid_id(u) else None
    except Exception:
        return None


def valid_id(u):
    return isinstance(u, str) and 1 <= len(u) <= 32 and all(c in _ID_CHARS for c in u)


def allowed_path(p):
    if not isinstance(p, str) or not p or len(p) > 96:
        return False
    if p == "main.py":
        return True
    if not p.startswith("lib/iotfw/"):
        return False
    return all(s not in ("", ".", "..") and "\\" not in s for s in p.split("/"))


def parse(msg, key):
    # msg: the payload on ota/manifest. -> the inner manifest (dict); raises Refused.
    if len(msg) > MAX_BYTES:
        raise Refused("bad_manifest", {"error": "larger than %d bytes" % MAX_BYTES})
    try:
        outer = json.loads(msg)
        text = outer["m"]
        sig = outer.get("sig")
        if not isinstance(text, str):
            raise ValueError
    except Exception:
        raise Refused("bad_manifest", {"error": "not a signed manifest"})
    if key is None:
        raise Refused("unsigned", {"error": "OTA_KEY is not set in secrets.py"})
    good = _hex(hmac_sha256(key, text.encode()))
    if not isinstance(sig, str) or not _same(sig.lower(), good):
        raise Refused("bad_signature", {})
    try:
        m = json.loads(text)
    except ValueError:
        raise Refused("bad_manifest", {"error": "manifest is not JSON"})
    check(m)
    return m


def check(m):
    def bad(why):
        raise Refused("bad_manifest", {"error": why})

    if not isinstance(m, dict) or m.get("v") != 1:
        bad("v must be 1")
    if not valid_id(m.get("update")):
        bad("update id")
    v = m.get("version")
    if not isinstance(v, str) or not 0 < len(v) <= 64:
        bad("version")
    c = m.get("chunk")
    if not isinstance(c, int) or not MIN_CHUNK <= c <= MAX_CHUNK:
        bad("chunk must be %d-%d" % (MIN_CHUNK, MAX_CHUNK))
    files = m.get("files")
    if not isinstance(files, list) or len(files) > MAX_FILES:
        bad("files")
    seen = []
    size = 0
    for f in files:
        if not isinstance(f, dict) or not allowed_path(f.get("path")) or f["path"] in seen:
            bad("path %r" % (f.get("path") if isinstance(f, dict) else f,))
        n = f.get("size")
        h = f.get("sha256")
        if not isinstance(n, int) or n < 0:
            bad("size of " + f["path"])
        if not isinstance(h, str) or len(h) != 64 or any(ch not in _HEX for ch in h):
            bad("sha256 of " + f["path"])
        seen.append(f["path"])
        size += n
    if "main.py" not in seen:
        bad("main.py missing")
    if m.get("total") != (size + c - 1) // c:
        bad("total must be ceil(size / chunk)")
    m["size"] = size
    return m


def free_bytes():
    s = os.statvfs("/")
    return s[0] * s[3]


def check_space(m):
    need = m["size"] + SPACE_MARGIN
    free = free_bytes()
    if free < need:
        raise Refused("no_space", {"need": need, "free": free})


def file_size(path):
    try:
        return os.stat(path)[6]
    except OSError:
        return -1


def file_sha256(path, size, buf):
    # Read back from flash in small blocks: what is checked is what will run.
    if size == 0 and file_size(path) < 0:
        otaguard.makedirs(path[: path.rfind("/")])
        open(path, "wb").close()  # an empty file gets no chunk: create it now
    if file_size(path) != size:
        return None
    h = hashlib.sha256()
    mv = memoryview(buf)
    with open(path, "rb") as f:
        while True:
            n = f.readinto(buf)
            if not n:
                break
            h.update(mv[:n])
    return _hex(h.digest())
