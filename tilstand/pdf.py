"""DOCX → PDF through LibreOffice, with the table of contents filled in.

Plain `soffice --convert-to pdf` leaves a Word TOC field empty. When Debian's python3-uno is usable
by the system Python, we start a private headless soffice, let `lo_convert.py` (run by that Python;
this package cannot import `uno`) update every document index with page numbers, and export.
Without python3-uno we fall back to `--convert-to` and the TOC stays as Word wrote it.

Every call gets its own temporary profile directory and its own UNO pipe name, so two sessions
converting at once, or a desktop LibreOffice the same user has open, never meet. soffice runs in its
own process group, which is killed when the call ends, whatever the outcome.

The UNO connection is a named pipe (a Unix socket only this user can reach), not a TCP port: a port
has to be picked before soffice binds it, and two calls racing for the same free port could talk to
each other's soffice.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tilstand.errors import TilstandError

SCRIPT = Path(__file__).with_name("lo_convert.py")
DEFAULT_UNO_PYTHON = "/usr/bin/python3"
QUIT_GRACE = 5.0  # seconds soffice gets to quit by itself before its process group is killed
POLL = 0.1

# Exit codes of lo_convert.py.
EXIT_NO_CONNECTION = 3
EXIT_LOAD = 4
EXIT_STORE = 5

INSTALL_HINT = (
    "Installer Debian-pakkene libreoffice-writer-nogui og python3-uno "
    "(apt-get install libreoffice-writer-nogui python3-uno)."
)
CANNOT_READ = "LibreOffice kunne ikke lese filen som et Word-dokument (.docx). Filen kan være skadet."


class PdfUnavailableError(TilstandError):
    """LibreOffice (or, for the TOC, python3-uno) is not installed on this machine."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or (
                "LibreOffice er ikke installert på denne maskinen, så rapporten kan ikke lagres som PDF. "
                + INSTALL_HINT
            )
        )


class PdfConversionError(TilstandError):
    """LibreOffice was there but the conversion failed; the message names the file and the cause."""

    def __init__(self, file: str | Path, action: str, message: str, detail: str = ""):
        self.file = Path(file).name
        self.message = message
        self.detail = detail  # LibreOffice's own words, in English, for the log
        super().__init__(f"Kunne ikke {action} «{self.file}»: {message}")


@dataclass(frozen=True)
class _Job:
    kind: str  # "pdf" or "docx": lo_convert.py's names
    action: str  # Norwegian verb phrase for messages: "lage PDF av"


PDF = _Job("pdf", "lage PDF av")
DOCX = _Job("docx", "oppdatere innholdsfortegnelsen i")


def soffice() -> str | None:
    """The LibreOffice launcher on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """True when a PDF can be made at all (with or without a filled TOC)."""
    return soffice() is not None


def uno_python() -> str | None:
    """A Python that can `import uno`, or None. TILSTAND_UNO_PYTHON overrides /usr/bin/python3."""
    return _uno_python(os.environ.get("TILSTAND_UNO_PYTHON") or DEFAULT_UNO_PYTHON)


@functools.cache
def _uno_python(candidate: str) -> str | None:
    exe = shutil.which(candidate)
    if exe is None:
        return None
    try:
        ok = (
            subprocess.run(
                [exe, "-c", "import uno"],
                env=_system_python_env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
            ).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return exe if ok else None


def to_pdf(docx: Path, out: Path, *, timeout: float = 120) -> Path:
    """Write `docx` as a tagged PDF to `out`, TOC filled when python3-uno is usable; return `out`."""
    office = _require_office()
    docx, out = Path(docx), Path(out)
    _check_input(docx, PDF)
    python = uno_python()
    if python is None:
        return _convert_plain(office, docx, out, timeout)
    return _convert_uno(office, python, PDF, docx, out, timeout)


def refresh_docx(docx: Path, out: Path, *, timeout: float = 120) -> Path:
    """Write `docx` to `out` with its TOC filled (still a live field Word can update); return `out`.

    Word only fills a TOC field after asking the reader, and many never agree; this spares them.
    """
    office = _require_office()
    python = uno_python()
    if python is None:
        raise PdfUnavailableError(
            "Innholdsfortegnelsen kan ikke fylles ut fordi LibreOffices Python-bro mangler. "
            "Installer Debian-pakken python3-uno (apt-get install python3-uno)."
        )
    docx, out = Path(docx), Path(out)
    _check_input(docx, DOCX)
    return _convert_uno(office, python, DOCX, docx, out, timeout)


def _require_office() -> str:
    office = soffice()
    if office is None:
        raise PdfUnavailableError()
    return office


def _check_input(docx: Path, job: _Job) -> None:
    if not docx.is_file():
        raise PdfConversionError(docx, job.action, "filen finnes ikke.")


def _convert_uno(office: str, python: str, job: _Job, docx: Path, out: Path, timeout: float) -> Path:
    """soffice listening on a pipe, and lo_convert.py in `python` (one that has uno) driving it."""
    deadline = time.monotonic() + timeout
    with _Workdir() as work:
        src = work.copy_in(docx)
        result = work.path / f"result.{job.kind}"
        pipe = f"tilstand_{os.getpid()}_{uuid.uuid4().hex[:12]}"  # no other call uses it
        office_proc = work.start([office, *work.office_args(), f"--accept=pipe,name={pipe};urp;"], "soffice.log")
        script = work.start(
            [
                python,
                str(SCRIPT),
                "--connect",
                f"pipe,name={pipe};urp",
                # A few seconds more than ours, so that a timeout is reported as a timeout.
                "--deadline",
                f"{max(deadline - time.monotonic(), 0) + 5:.1f}",
                job.kind,
                str(src),
                str(result),
            ],
            "lo_convert.log",
            env=_system_python_env(),
        )
        while True:
            code = script.poll()
            if code is not None:
                work.grace = QUIT_GRACE  # the script asked soffice to quit: let it, cleanly
                break
            if office_proc.poll() is not None:
                # soffice also exits when the script, done, asks it to quit: give the script a
                # moment to report before calling it a crash.
                try:
                    code = script.wait(timeout=QUIT_GRACE)
                    work.grace = QUIT_GRACE
                    break
                except subprocess.TimeoutExpired:
                    raise PdfConversionError(
                        docx, job.action, "LibreOffice stoppet uventet.", work.log("soffice.log")
                    ) from None
            if time.monotonic() > deadline:
                raise _timeout(docx, job, timeout)
            time.sleep(POLL)
        detail = work.log("lo_convert.log")
        if code != 0:
            raise PdfConversionError(docx, job.action, _explain(code), detail)
        if not result.is_file():
            raise PdfConversionError(docx, job.action, "LibreOffice skrev ingen fil.", detail)
        _install(result, out, docx, job)
    return out


def _convert_plain(office: str, docx: Path, out: Path, timeout: float) -> Path:
    """Fallback without python3-uno: a PDF all the same, with the TOC as the DOCX has it."""
    deadline = time.monotonic() + timeout
    with _Workdir() as work:
        src = work.copy_in(docx)
        outdir = work.path / "out"
        # JSON filter options need LibreOffice 7.4 (Debian 12); older versions ignore them.
        export = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
        proc = work.start(
            [
                office,
                *work.office_args(),
                "--infilter=MS Word 2007 XML",
                "--convert-to",
                export,
                "--outdir",
                str(outdir),
                str(src),
            ],
            "soffice.log",
        )
        while proc.poll() is None:
            if time.monotonic() > deadline:
                raise _timeout(docx, PDF, timeout)
            time.sleep(POLL)
        work.grace = QUIT_GRACE  # the launcher is done; a straggler may still be tidying up
        result = outdir / f"{src.stem}.pdf"
        if not result.is_file():
            # soffice exits 0 even when it could not load the file; it says so on stderr only.
            raise PdfConversionError(docx, PDF.action, CANNOT_READ, work.log("soffice.log"))
        _install(result, out, docx, PDF)
    return out


def _explain(code: int) -> str:
    return {
        EXIT_NO_CONNECTION: "LibreOffice startet ikke.",
        EXIT_LOAD: CANNOT_READ,
        EXIT_STORE: "LibreOffice kunne ikke skrive resultatet.",
    }.get(code, f"LibreOffice feilet (kode {code}).")


def _timeout(docx: Path, job: _Job, timeout: float) -> PdfConversionError:
    return PdfConversionError(
        docx,
        job.action,
        f"LibreOffice ble ikke ferdig innen {timeout:g} {'sekund' if timeout == 1 else 'sekunder'} "
        "(tidsavbrudd). Prøv igjen.",
    )


def _install(result: Path, out: Path, docx: Path, job: _Job) -> None:
    """Copy next to `out`, then rename: a reader of `out` never sees half a file."""
    part = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        shutil.copyfile(result, part)
        os.replace(part, out)
    except OSError as e:
        part.unlink(missing_ok=True)
        raise PdfConversionError(docx, job.action, f"kunne ikke lagre resultatet som «{out}» ({e.strerror}).") from e


def _system_python_env() -> dict[str, str]:
    """The environment minus what would point the system Python at this project's virtualenv."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


class _Workdir:
    """A temporary directory holding the input copy, the soffice profile and logs.

    Leaving the `with` block kills every process started through it (each is its own process
    group, so soffice.bin under its oosplash launcher goes too) and then removes the directory.
    """

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="tilstand-lo-"))
        self.procs: list[subprocess.Popen] = []
        # Seconds soffice gets to quit by itself before it is killed: none after a timeout or a
        # crash, a few once it has been asked to quit.
        self.grace = 0.0

    def __enter__(self) -> _Workdir:
        return self

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):  # the script first
            _stop(proc, self.grace)
        shutil.rmtree(self.path, ignore_errors=True)

    def copy_in(self, docx: Path) -> Path:
        """Work on a copy: LibreOffice never puts lock files or anything else beside the original."""
        (self.path / "in").mkdir()
        return Path(shutil.copyfile(docx, self.path / "in" / docx.name))

    def office_args(self) -> list[str]:
        return [
            f"-env:UserInstallation={(self.path / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nofirststartwizard",
            "--nolockcheck",
        ]

    def start(self, args: list[str], log: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        with open(self.path / log, "wb") as f:
            proc = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=f, stderr=f, env=env, cwd=self.path, start_new_session=True
            )
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> str:
        """The last lines a process wrote, for PdfConversionError.detail."""
        try:
            text = (self.path / name).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-5:])


def _stop(proc: subprocess.Popen, grace: float) -> None:
    """Let the process end by itself for `grace` seconds, then kill its whole process group.

    The launcher's children die first so the launcher (oosplash, which waits for soffice.bin)
    reaps them: killed together, soffice.bin would become a zombie left to PID 1, and in a
    container where PID 1 is not an init that zombie would stay. soffice removes its sockets in
    /tmp only when it quits by itself, so after a kill we remove them.
    """
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    members = _group_members(proc.pid)
    sockets = _socket_files(members)
    children = [pid for pid in members if pid != proc.pid]
    for pid in children:
        _kill(pid)
    if children:
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # whatever is left, the launcher included
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
    for path in sockets:
        Path(path).unlink(missing_ok=True)


def _socket_files(pids: list[int]) -> list[str]:
    """Paths of the Unix sockets LibreOffice (OSL_PIPE_*) has open in these processes."""
    inodes = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    if not inodes:
        return []
    try:
        lines = Path("/proc/net/unix").read_text().splitlines()[1:]
    except OSError:
        return []
    # Num RefCount Protocol Flags Type St Inode Path
    return [
        f[7]
        for f in (line.split() for line in lines)
        if len(f) > 7 and f[6] in inodes and Path(f[7]).name.startswith("OSL_PIPE_")
    ]


def _group_members(pgid: int) -> list[int]:
    """Processes in process group `pgid`, read from /proc (empty where there is no /proc)."""
    members = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            # Fields after the command name, which is in parentheses and may contain spaces.
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.parent.name))
    return members


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
