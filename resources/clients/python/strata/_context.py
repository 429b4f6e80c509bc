"""What a run started outside a pipeline records about where it ran: interpreter, packages, OS, git
state, and its own output. Inside a pipeline step Strata records these itself."""

import os
import platform
import subprocess
import sys
import threading

# The same caps Strata applies to pipeline runs: untracked files above these are listed, not kept.
UNTRACKED_FILE_CAP = 1 << 20
UNTRACKED_TOTAL_CAP = 16 << 20
OUTPUT_CAP = 4 << 20


def environment():
    try:
        from importlib import metadata

        packages = {}
        for dist in metadata.distributions():
            name = dist.metadata.get("Name")
            if name:
                packages[name] = dist.version
    except Exception as err:  # a broken site-packages must not stop the run
        packages = {"__error__": str(err)}
    return {
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "os": {"platform": sys.platform, "release": platform.release(), "machine": platform.machine(),
               "hostname": platform.node()},
        "cpu": {"count": os.cpu_count()},
        "packages": dict(sorted(packages.items(), key=lambda kv: kv[0].lower())),
    }


def _git(root, *args):
    return subprocess.run(["git", *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)


def git_state(root, files_dir):
    """Commit, branch, the uncommitted diff (saved beside the run, any size) and untracked files.
    An error is recorded as the reason the code state is unknown, never as a clean tree."""
    try:
        head = _git(root, "rev-parse", "HEAD")
    except FileNotFoundError:
        return {"state": "unknown", "reason": "git is not installed"}
    except Exception as err:
        return {"state": "unknown", "reason": "git failed: %s" % err}
    if head.returncode != 0:
        reason = head.stderr.decode("utf-8", "replace").strip().splitlines()
        return {"state": "unknown", "reason": reason[-1] if reason else "git rev-parse HEAD failed"}
    state = {"state": "recorded", "commit": head.stdout.decode().strip()}
    branch = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
    if branch.returncode == 0:
        state["branch"] = branch.stdout.decode().strip()
    diff = _git(root, "diff", "HEAD", "--", ".", ":(exclude).strata")
    if diff.returncode != 0:
        return {"state": "unknown", "commit": state["commit"],
                "reason": "git diff failed: " + diff.stderr.decode("utf-8", "replace").strip()}
    if diff.stdout:
        with open(os.path.join(files_dir, "code.diff"), "wb") as f:
            f.write(diff.stdout)
        state["diff"] = "code.diff"
        state["diff_bytes"] = len(diff.stdout)
    listed = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".", ":(exclude).strata")
    if listed.returncode == 0:
        names = [n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
        kept, skipped, total = [], [], 0
        for name in names:
            full = os.path.join(root, name)
            try:
                size = os.path.getsize(full)
            except OSError:
                continue
            if size > UNTRACKED_FILE_CAP or total + size > UNTRACKED_TOTAL_CAP:
                skipped.append({"path": name, "bytes": size})
                continue
            dest = os.path.join(files_dir, "untracked", name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(full, "rb") as src, open(dest, "wb") as out:
                out.write(src.read())
            total += size
            kept.append({"path": name, "bytes": size})
        state["untracked"] = kept
        if skipped:
            state["untracked_skipped"] = skipped
            state["untracked_cap"] = {"file": UNTRACKED_FILE_CAP, "total": UNTRACKED_TOTAL_CAP}
    return state


class _Tee:
    def __init__(self, stream, name, capture):
        self._stream = stream
        self._name = name
        self._capture = capture

    def write(self, text):
        n = self._stream.write(text)
        self._capture.record(self._name, text)
        return n

    def __getattr__(self, attr):
        return getattr(self._stream, attr)


class OutputCapture:
    """Keeps what the script prints (stdout and stderr, still shown in the terminal), capped."""

    def __init__(self, write):
        self._write = write
        self._kept = 0
        self._dropped = 0
        self._lock = threading.Lock()
        self._saved = None

    def record(self, stream, text):
        if not text:
            return
        if not isinstance(text, str):
            text = text.decode("utf-8", "replace")
        with self._lock:
            size = len(text.encode("utf-8", "replace"))
            if self._kept >= OUTPUT_CAP:
                self._dropped += size
                return
            if self._kept + size > OUTPUT_CAP:
                text = text.encode("utf-8", "replace")[: OUTPUT_CAP - self._kept].decode("utf-8", "ignore")
                self._dropped += size - len(text.encode("utf-8"))
            self._kept += len(text.encode("utf-8", "replace"))
        try:
            self._write({"t": "log", "s": stream, "v": text})
        except RuntimeError:
            pass  # printed after the run ended

    def install(self):
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout = _Tee(sys.stdout, "stdout", self)
        sys.stderr = _Tee(sys.stderr, "stderr", self)

    def uninstall(self):
        if self._saved is None:
            return
        if self._dropped:
            try:
                self._write({"t": "log", "s": "strata",
                             "v": "[strata] output truncated: %d bytes past the first %d were not kept\n"
                                  % (self._dropped, OUTPUT_CAP)})
            except RuntimeError:
                pass
        sys.stdout, sys.stderr = self._saved
        self._saved = None
