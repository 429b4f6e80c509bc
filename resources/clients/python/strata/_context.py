"""What a run started outside a pipeline records about where it ran: interpreter, packages, OS, git
state, and its own output. Inside a pipeline step Strata records these itself."""

import os
import platform
import shutil
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
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    return subprocess.run(["git", *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                          env=env)


def _reason(proc, what):
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    last = lines[-1] if lines else "exit %d" % proc.returncode
    if "not a git repository" in last.lower():
        return "the project is not in a git repository"
    if "ambiguous argument 'HEAD'" in last or "unknown revision" in last:
        return "the git repository has no commit yet"
    return "git %s failed: %s" % (what, last)


# The same git invocations as Strata uses for pipeline runs, so both record a run's code alike.
_PROJECT_ONLY = ["--", ".", ":(exclude).strata"]
_DIFF = ["diff", "HEAD", "--no-renames", "--no-color", "--no-ext-diff", "--no-textconv"]


def git_state(root, files_dir):
    """Commit, branch, the uncommitted diff (saved beside the run, any size) and the untracked files
    (copied beside it, within the caps). Any failure makes the state unknown, with the reason: never a
    clean tree that was not seen to be clean."""
    try:
        head = _git(root, "rev-parse", "HEAD")
        if head.returncode != 0:
            return {"state": "unknown", "reason": _reason(head, "rev-parse")}
        commit = head.stdout.decode().strip()
        state = {"state": "recorded", "commit": commit}
        for key, args in (("branch", ["rev-parse", "--abbrev-ref", "HEAD"]), ("prefix", ["rev-parse", "--show-prefix"])):
            out = _git(root, *args)
            if out.returncode != 0:
                return {"state": "unknown", "commit": commit, "reason": _reason(out, args[0])}
            state[key] = out.stdout.decode().strip()
        numstat = _git(root, "diff", "HEAD", "--no-renames", "--numstat", "-z", *_PROJECT_ONLY)
        if numstat.returncode != 0:
            return {"state": "unknown", "commit": commit, "reason": _reason(numstat, "diff")}
        records = [r for r in numstat.stdout.decode("utf-8", "surrogateescape").split("\0") if r]
        if records:
            with open(os.path.join(files_dir, "code.diff"), "wb") as out:
                diff = subprocess.run(["git", *_DIFF, *_PROJECT_ONLY], cwd=root, stdout=out, stderr=subprocess.PIPE,
                                      timeout=120, env=dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C"))
            if diff.returncode != 0:
                return {"state": "unknown", "commit": commit, "reason": _reason(diff, "diff")}
            state["diff"] = "code.diff"
            state["diff_files"] = len(records)
            state["binary_files"] = [r.split("\t", 2)[2] for r in records if r.startswith("-\t-\t")]
        listed = _git(root, "ls-files", "--others", "--exclude-standard", "-z", *_PROJECT_ONLY)
        if listed.returncode != 0:
            return {"state": "unknown", "commit": commit, "reason": _reason(listed, "ls-files")}
    except FileNotFoundError:
        return {"state": "unknown", "reason": "git is not installed (no git on PATH)"}
    except subprocess.TimeoutExpired as err:
        return {"state": "unknown", "reason": "git %s did not finish within 120 s" % err.cmd[1]}
    names = sorted(n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n)
    kept, skipped, total = [], [], 0
    for name in names:
        full = os.path.join(root, name)
        try:
            st = os.lstat(full)
        except OSError:
            continue  # removed since git listed it
        if os.path.islink(full):
            skipped.append({"path": name, "bytes": 0, "why": "symbolic link to %s" % os.readlink(full)})
        elif not os.path.isfile(full):
            skipped.append({"path": name, "bytes": 0, "why": "not a regular file"})
        elif st.st_size > UNTRACKED_FILE_CAP:
            skipped.append({"path": name, "bytes": st.st_size, "why": "over the cap for one file"})
        elif total + st.st_size > UNTRACKED_TOTAL_CAP:
            skipped.append({"path": name, "bytes": st.st_size, "why": "over the cap for all files"})
        else:
            dest = os.path.join(files_dir, "untracked", name)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy2(full, dest)
            total += st.st_size
            kept.append({"path": name, "bytes": st.st_size})
    state["untracked"] = kept
    state["untracked_skipped"] = skipped
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
