# Stand-in for `os` (installed as sys.modules["os"]), passing everything to the real one except:
# statvfs() reports `free` bytes when a test sets it (the ESP32's littlefs is ~1.5 MB, not the
# host's disk), and a power cut can be armed: the n-th flash operation from then on (a file
# opened for writing, each write, a rename, remove, mkdir or rmdir) raises PowerLoss *before*
# it happens, like power failing at that instant. The test then starts a new interpreter on
# the same filesystem (FirmwareSim.reboot).
import builtins
import os as _os

BLOCK = 4096
free = None  # bytes statvfs reports free; None = what the host says
cut = {"at": None, "ops": 0, "log": []}  # operations since armed; where the cut happened
dirty = set()  # paths written, created or removed since the board simulator last synced
_open = builtins.open


class PowerLoss(BaseException):
    pass


def power_cut_after(n):
    # The (n+1)-th flash operation from now fails, and the board is off.
    cut["at"] = n
    cut["ops"] = 0


def _op(what):
    if cut["at"] is None:
        return
    if cut["ops"] >= cut["at"]:
        cut["at"] = None
        cut["log"].append(what)
        raise PowerLoss("power cut at " + what)
    cut["ops"] += 1


class _Writer:
    def __init__(self, f, path):
        self.f = f
        self.path = path

    def write(self, data):
        _op("write " + self.path)
        dirty.add(self.path)
        return self.f.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.f.close()

    def __getattr__(self, name):
        return getattr(self.f, name)


def _fake_open(path, mode="r", *a, **kw):
    if "w" in mode or "a" in mode or "+" in mode or "x" in mode:
        _op("open %s %s" % (path, mode))
        dirty.add(path)
        return _Writer(_open(path, mode, *a, **kw), path)
    return _open(path, mode, *a, **kw)


builtins.open = _fake_open


class _Os:
    def __getattr__(self, name):
        return getattr(_os, name)

    def statvfs(self, path):
        if free is None:
            return _os.statvfs(path)
        return (BLOCK, BLOCK, 384, free // BLOCK, free // BLOCK, 0, 0, 0, 0, 255)

    def rename(self, a, b):
        _op("rename %s %s" % (a, b))
        _os.rename(a, b)
        dirty.add(a)
        dirty.add(b)

    def remove(self, p):
        _op("remove " + p)
        _os.remove(p)
        dirty.add(p)

    def mkdir(self, p):
        _op("mkdir " + p)
        _os.mkdir(p)

    def rmdir(self, p):
        _op("rmdir " + p)
        _os.rmdir(p)


os = _Os()
