"""Reading the requirement files: the short lists and the hashed locks.

requirements.txt (and requirements-frameworks.txt) pin exactly what the
course asks for; `make lock` (uv pip compile) writes from each a lock of every
package, with the SHA-256 of every file PyPI serves for it and a `# via`
note that names who needs it. tests/test_lock.py and tests/test_binder.py
compare them with the functions here.
"""

import re
from dataclasses import dataclass, field

NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"
PIN = re.compile(rf"({NAME})==(\S+)")
ENTRY = re.compile(rf"({NAME})==([^\s;\\]+)\s*(?:;\s*(.*?))?\s*$")


def canonical(name):
    """The normalised form of a distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(text):
    """The non-comment lines of a requirements file, without inline comments."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def short_pins(text, where):
    """{name: version} of a short list, whose every line is `name==version`."""
    pins = {}
    for line in requirement_lines(text):
        match = PIN.fullmatch(line)
        if match is None:
            raise ValueError(f"{where}: {line!r} is not an exact pin name==version")
        name = canonical(match[1])
        if name in pins:
            raise ValueError(f"{where}: {name} is pinned twice")
        pins[name] = match[2]
    return pins


def short_names(text, where):
    """The names of a list of bare package names (binder/requirements.in)."""
    names = set()
    for line in requirement_lines(text):
        if re.fullmatch(NAME, line) is None:
            raise ValueError(f"{where}: {line!r} is not a bare package name")
        names.add(canonical(line))
    return names


@dataclass
class Locked:
    """One entry of a lock: `name==version ; marker`, its hashes, who needs it."""

    name: str
    version: str
    marker: str | None
    hashes: list = field(default_factory=list)
    via: set = field(default_factory=set)


def parse_lock(text, where):
    """The entries of a lock written by `uv pip compile --generate-hashes`."""
    entries = []
    logical = []  # (requirement text with its continuations, via lines)
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.startswith("#"):
            i += 1
            continue
        if line[0].isspace():
            raise ValueError(f"{where}:{i + 1}: indented line outside an entry")
        requirement = line
        while requirement.rstrip().endswith("\\"):
            i += 1
            requirement = requirement.rstrip()[:-1] + " " + lines[i].strip()
        i += 1
        via = []
        while i < len(lines) and lines[i][:1].isspace():
            via.append(lines[i].strip())
            i += 1
        logical.append((requirement, via))
    for requirement, via in logical:
        words = requirement.split()
        hashes = [w.removeprefix("--hash=") for w in words if w.startswith("--hash=")]
        spec = " ".join(w for w in words if not w.startswith("--hash="))
        match = ENTRY.fullmatch(spec)
        if match is None:
            raise ValueError(f"{where}: {spec!r} is not an exact pin")
        parents = set()
        for note in via:
            note = note.lstrip("#").strip()
            note = note.removeprefix("via").strip()
            if note:
                parents.add(note if note.startswith("-") else canonical(note))
        entries.append(
            Locked(canonical(match[1]), match[2], match[3], hashes, parents)
        )
    return entries


def by_name(entries):
    """{name: [entries]}: a universal lock may pin a package once per marker."""
    found = {}
    for entry in entries:
        found.setdefault(entry.name, []).append(entry)
    return found


def short_list_vs_lock(pins, entries, source):
    """How a short list and the lock made from it disagree, as sentences.

    `pins` maps names to versions (None for a bare name); `source` is how the
    lock's `# via` notes name the short list (`-r requirements.txt`). Empty
    when they agree: every pin is locked at its version, everything the lock
    says was asked for is in the short list, and every other entry is needed
    by a locked package.
    """
    problems = []
    locked = by_name(entries)
    for name, version in sorted(pins.items()):
        if name not in locked:
            problems.append(f"{name} is in {source[3:]} but not in the lock")
            continue
        for entry in locked[name]:
            if version is not None and entry.version != version:
                problems.append(
                    f"{name}: {source[3:]} pins {version}, the lock {entry.version}"
                )
            if source not in entry.via:
                problems.append(
                    f"{name}: the lock does not say {source[3:]} asks for it"
                )
    for entry in entries:
        if source in entry.via and entry.name not in pins:
            problems.append(f"{entry.name}: the lock says {source[3:]} asks for it")
        parents = {p for p in entry.via if not p.startswith("-")}
        if not entry.via:
            problems.append(f"{entry.name}: the lock does not say who needs it")
        for parent in sorted(parents - set(locked)):
            problems.append(f"{entry.name}: needed by {parent}, which is not locked")
    return problems


def subset_vs_lock(subset, entries, shared_only=False):
    """The entries of `subset` that the lock does not hold at the same version
    with the same hashes, as sentences (empty when they agree). With
    `shared_only`, only the packages that both lock (a second lock made with
    the first as constraints must agree with it on those)."""
    locked = {(e.name, e.version): e for e in entries}
    names = {e.name for e in entries}
    problems = []
    for entry in subset:
        if shared_only and entry.name not in names:
            continue
        twin = locked.get((entry.name, entry.version))
        if twin is None:
            versions = sorted(e.version for e in entries if e.name == entry.name)
            problems.append(
                f"{entry.name}=={entry.version}: the lock has "
                f"{', '.join(versions) or 'no such package'}"
            )
        elif sorted(twin.hashes) != sorted(entry.hashes):
            problems.append(
                f"{entry.name}=={entry.version}: other hashes than the lock's"
            )
    return problems
