# Offline buffer: readings that could not be published yet, oldest first. A small RAM ring in
# front of a bounded JSON-lines file on flash. When RAM is full its oldest half goes to flash in
# one append (few flash writes); when the file is full its oldest quarter is dropped. Every
# dropped reading is counted. Records: [ts or None, ticks_ms, t, h, boot id].
import json
import os


class Spool:
    def __init__(self, path, ram_max, file_max):
        self.path = path
        self.ram_max = ram_max
        self.file_max = file_max
        self.ram = []
        self.dropped = 0
        self.pos = 0  # byte offset of the oldest unsent line
        self.file_n = self._count()
        self._next = None

    def _count(self):
        n = 0
        try:
            with open(self.path) as f:
                for line in f:
                    if line.strip():
                        n += 1
        except OSError:
            pass
        return n

    def __len__(self):
        return len(self.ram) + self.file_n

    def push(self, rec):
        if len(self.ram) >= self.ram_max:
            self._spill(self.ram_max // 2)
        self.ram.append(rec)

    def flush(self):
        # Before a deliberate reset: keep what RAM holds.
        if self.ram:
            self._spill(len(self.ram))

    def _spill(self, n):
        chunk = self.ram[:n]
        del self.ram[:n]
        if self.file_max == 0:
            self.dropped += n
            return
        try:
            with open(self.path, "a") as f:
                for rec in chunk:
                    f.write(json.dumps(rec) + "\n")
            self.file_n += n
        except OSError:  # flash full or failing: count, carry on
            self.dropped += n
        if self.file_n > self.file_max:
            self._trim(self.file_n - self.file_max * 3 // 4)

    def _trim(self, skip):
        tmp = self.path + ".tmp"
        kept = 0
        with open(self.path) as src, open(tmp, "w") as dst:
            src.seek(self.pos)
            for line in src:
                if not line.strip():
                    continue
                if skip > 0:
                    skip -= 1
                    self.dropped += 1
                    continue
                dst.write(line)
                kept += 1
        os.remove(self.path)
        os.rename(tmp, self.path)
        self.file_n = kept
        self.pos = 0
        self._next = None

    def peek(self):
        # Oldest record, or None. Flash holds the older part, so it goes first.
        if self.file_n:
            with open(self.path) as f:
                f.seek(self.pos)
                line = f.readline()
                self._next = f.tell()
            try:
                return json.loads(line)
            except ValueError:  # a torn line from a reset mid-write: skip it
                return [None, 0, None, None, None]
        return self.ram[0] if self.ram else None

    def pop(self):
        if self.file_n:
            self.file_n -= 1
            self.pos = self._next
            if self.file_n == 0:
                self._remove()
        elif self.ram:
            self.ram.pop(0)

    def _remove(self):
        self.pos = 0
        try:
            os.remove(self.path)
        except OSError:
            pass
