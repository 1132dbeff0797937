"""Undo ``strip`` where it broke a library: the spec's ``strip=True`` rewrites every bundled ELF
file, and for some wheels' files (NumPy's extension modules and its vendored OpenBLAS and
gfortran, laid out by the wheel's own toolchain and patchelf) the result no longer loads --
glibc refuses it with "ELF load command address/offset not page-aligned", so ``import numpy``
(and with it transcription) fails in the bundle.

:func:`misaligned` checks a file's loadable segments the way glibc's loader does;
:func:`restore_unloadable`, run by the spec after COLLECT, puts the original (unstripped) file
back for each bundled binary that fails the check. ``tests/packaging/test_bundle.py`` checks
that no bundled file fails it.
"""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterable
from pathlib import Path

PAGE = 4096
PT_LOAD = 1


def misaligned(path: Path) -> bool:
    """True when ``path`` is a 64-bit little-endian ELF file with a loadable segment whose
    address and file offset disagree modulo the page size or its own alignment."""
    try:
        with path.open("rb") as file:
            header = file.read(64)
            if len(header) < 64 or header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
                return False
            (phoff,) = struct.unpack_from("<Q", header, 0x20)
            phentsize, phnum = struct.unpack_from("<HH", header, 0x36)
            file.seek(phoff)
            table = file.read(phentsize * phnum)
    except OSError:
        return False
    for index in range(phnum):
        entry = table[index * phentsize : (index + 1) * phentsize]
        if len(entry) < 56:
            return True
        kind, _flags, offset, vaddr, _paddr, _filesz, _memsz, align = struct.unpack_from(
            "<IIQQQQQQ", entry
        )
        if kind != PT_LOAD:
            continue
        if (vaddr - offset) % PAGE or (align > 1 and (vaddr - offset) % align):
            return True
    return False


def restore_unloadable(internal: Path, binaries: Iterable[tuple[str, str]]) -> list[str]:
    """For each ``(destination, source)`` bundled under ``internal`` that ``misaligned`` after
    stripping, copy the unstripped ``source`` back; the destinations restored."""
    restored = []
    for destination, source in binaries:
        target = internal / destination
        if target.is_symlink() or not target.is_file() or not misaligned(target):
            continue
        if Path(source).is_file() and not misaligned(Path(source)):
            shutil.copyfile(source, target)
            restored.append(destination)
    return restored
