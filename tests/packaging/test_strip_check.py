"""``packaging/pyinstaller/strip_check.py``: the loader's alignment rule on ELF headers, and the
unstripped original put back for a bundled file that fails it."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path
from types import ModuleType

from tests.conftest import REPO


def _module() -> ModuleType:
    path = REPO / "packaging" / "pyinstaller" / "strip_check.py"
    spec = importlib.util.spec_from_file_location("strip_check", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _elf(path: Path, offset: int, vaddr: int, align: int = 0x1000) -> Path:
    header = bytearray(64)
    header[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<Q", header, 0x20, 64)  # program headers right after the header
    struct.pack_into("<HH", header, 0x36, 56, 1)
    load = struct.pack("<IIQQQQQQ", 1, 5, offset, vaddr, vaddr, 100, 100, align)
    path.write_bytes(bytes(header) + load)
    return path


def test_a_segment_whose_address_and_offset_disagree_is_misaligned(tmp_path: Path) -> None:
    check = _module()
    assert not check.misaligned(_elf(tmp_path / "good.so", 0x2000, 0x402000))
    assert check.misaligned(_elf(tmp_path / "bad.so", 0x2010, 0x402000))
    (tmp_path / "text.so").write_text("not an ELF file")
    assert not check.misaligned(tmp_path / "text.so")


def test_the_unstripped_original_comes_back_only_for_a_broken_file(tmp_path: Path) -> None:
    check = _module()
    internal = tmp_path / "_internal"
    (internal / "libs").mkdir(parents=True)
    original = _elf(tmp_path / "orig.so", 0x2000, 0x402000)
    _elf(internal / "libs" / "broken.so", 0x2010, 0x402000)
    _elf(internal / "libs" / "fine.so", 0x3000, 0x403000)
    restored = check.restore_unloadable(
        internal, [("libs/broken.so", str(original)), ("libs/fine.so", str(original))]
    )
    assert restored == ["libs/broken.so"]
    assert (internal / "libs" / "broken.so").read_bytes() == original.read_bytes()
    assert not check.misaligned(internal / "libs" / "fine.so")
