#!/usr/bin/env python3
"""Generate the time zone tables of src/time/ from the tz database.

Writes three files:
  src/time/zones.rs          IANA name -> POSIX TZ rule (the TZif footer): the
                             rule in force today, all that live routing needs.
  src/time/zones_history.rs  the transitions since WINDOW_START that today's
                             rule does not reproduce (feature `tz-history`):
                             the simulation replays past leads.
  tests/data/tz_samples.txt  (zone, instant, offset) samples computed by
                             Python's zoneinfo, which the Rust test
                             tests/time_history.rs compares against.

The history is kept small: zones with identical histories share one copy; a
transition is one u32 word (minutes since the previous one << 6 | index into a
table of offsets); and only the stretch before the point from which today's
rule agrees with tzdata is stored, so zones whose rule has not changed since
WINDOW_START (most of the world, the US and the EU included) store nothing.

Usage: scripts/gen-zones.py [ZONEINFO_DIR]
The zone files come from ZONEINFO_DIR, else /usr/share/zoneinfo, else the
`tzdata` PyPI package, which is installed into target/gen-zones-py (with the
registry's ordinary client, pip) only if neither is present. The output is
committed; nothing in the build runs this script.
"""

import datetime as dt
import importlib
import io
import os
import random
import shutil
import struct
import subprocess
import sys
import zoneinfo

SKIP_DIRS = {"posix", "right"}
SKIP_FILES = {"posixrules", "localtime", "Factory"}

# Transitions from this instant on are stored; before it, the offset in force
# at it applies. 2010 covers the last ten years and more: Moscow's 2011 and
# 2014 changes, Turkey's 2016 end of DST.
WINDOW_START = int(dt.datetime(2010, 1, 1, tzinfo=dt.timezone.utc).timestamp())
# Property samples are drawn from [WINDOW_START, SAMPLES_END).
SAMPLES_END = int(dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc).timestamp())
# Word layout shared with src/time/history.rs.
INDEX_BITS = 6
RULE_INDEX = (1 << INDEX_BITS) - 1  # "from here on, today's POSIX rule"
MAX_DELTA_MINUTES = (1 << (32 - INDEX_BITS)) - 1
RANDOM_SAMPLES = 12


def read_tzif(path):
    """(transitions, types, footer) of a TZif v2+ file, or None.

    transitions: [(utc_seconds, type_index)]; types: [utoff_seconds]."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if len(data) < 44 or data[:4] != b"TZif" or data[4:5] in (b"\0", b""):
        return None  # v1 files have no 64-bit data and no footer

    def counts(off):
        # isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
        return struct.unpack(">6l", data[off + 20 : off + 44])

    def body_size(c, time_size):
        isut, isstd, leap, timecnt, typecnt, charcnt = c
        return (
            timecnt * (time_size + 1)
            + typecnt * 6
            + charcnt
            + leap * (time_size + 4)
            + isstd
            + isut
        )

    off = 44 + body_size(counts(0), 4)
    if data[off : off + 4] != b"TZif":
        return None
    c = counts(off)
    _, _, _, timecnt, typecnt, _ = c
    body = off + 44
    times = struct.unpack(">%dq" % timecnt, data[body : body + 8 * timecnt])
    idx = data[body + 8 * timecnt : body + 9 * timecnt]
    types_at = body + 9 * timecnt
    types = [
        struct.unpack(">l", data[types_at + 6 * i : types_at + 6 * i + 4])[0]
        for i in range(typecnt)
    ]
    rest = data[body + body_size(c, 8) :]
    end = rest.find(b"\n", 1)
    if not rest.startswith(b"\n") or end < 0:
        return None
    try:
        footer = rest[1:end].decode("ascii")
    except UnicodeDecodeError:
        return None
    if not footer:
        return None
    return list(zip(times, idx)), types, footer


def footer_only_zone(footer, utoff):
    """A zoneinfo zone with no transitions: Python evaluates the POSIX rule
    alone at every instant, an implementation independent of src/time/tz.rs."""
    header = b"TZif2" + b"\0" * 15 + struct.pack(">6l", 0, 0, 0, 0, 1, 4)
    body = struct.pack(">lBB", utoff, 0, 0) + b"XXX\0"
    data = header + body + header + body + b"\n" + footer.encode("ascii") + b"\n"
    return zoneinfo.ZoneInfo.from_file(io.BytesIO(data))


def offset(zone, t):
    return int(dt.datetime.fromtimestamp(t, zone).utcoffset().total_seconds())


def real_changes(transitions, types, start):
    """[(t, offset)] from `start` on, dropping those that keep the offset
    (abbreviation or isdst changes only). Returns (offset at start, list)."""
    before = types[0] if types else 0
    for t, i in transitions:
        if t > start:
            break
        before = types[i]
    out, cur = [], before
    for t, i in transitions:
        if t <= start or types[i] == cur:
            continue
        cur = types[i]
        out.append((t, cur))
    return before, out


def agrees(rule, a, b, off):
    """Whether the rule gives `off` throughout [a, b). Sampled daily: no real
    DST period is shorter than a day."""
    if offset(rule, a) != off or offset(rule, b - 1) != off:
        return False
    return all(offset(rule, t) == off for t in range(a + 86_400, b, 86_400))


def history(tzif):
    """Points [(t, offset)] of a zone's stored history, the last one with
    offset None (today's rule from there on); None when today's rule agrees
    with tzdata from WINDOW_START on."""
    transitions, types, footer = tzif
    initial, changes = real_changes(transitions, types, WINDOW_START)
    # The footer is tzdata's word only after the file's last transition (which
    # may keep the offset: slim files end on the year a rule changed).
    end = max(transitions[-1][0] if transitions else WINDOW_START, WINDOW_START)
    if end == WINDOW_START:
        return None
    rule = footer_only_zone(footer, initial)
    # Walk back from `end` while the rule reproduces tzdata; it takes over at
    # `rule_from`. Between consecutive points tzdata's offset is constant.
    points = [(WINDOW_START, initial)] + changes
    bounds = sorted({t for t, _ in points} | {end})
    rule_from = end
    for start in reversed([t for t in bounds if t < end]):
        off = [o for t, o in points if t <= start][-1]
        if not agrees(rule, start, rule_from, off):
            break
        rule_from = start
    if rule_from == WINDOW_START:
        return None
    return [(t, o) for t, o in points if t < rule_from] + [(rule_from, None)]


def encode(points, offsets):
    words, prev = [], WINDOW_START
    for t, off in points:
        delta, rem = divmod(t - prev, 60)
        if rem or not 0 <= delta <= MAX_DELTA_MINUTES:
            raise ValueError("transition at %d does not fit a word" % t)
        if off is None:
            index = RULE_INDEX
        else:
            if off not in offsets:
                offsets.append(off)
            index = offsets.index(off)
            if index >= RULE_INDEX:
                raise ValueError("more than %d distinct offsets" % RULE_INDEX)
        words.append(delta << INDEX_BITS | index)
        prev = t
    return tuple(words)


def zone_root(argv):
    if len(argv) > 1:
        return argv[1], None
    if os.path.isdir("/usr/share/zoneinfo"):
        return "/usr/share/zoneinfo", None
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(here, "..", "target", "gen-zones-py")
    os.makedirs(target, exist_ok=True)
    sys.path.insert(0, target)
    try:
        import tzdata
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--target", target, "tzdata"],
            check=True,
        )
        importlib.invalidate_caches()
        import tzdata
    return os.path.join(os.path.dirname(tzdata.__file__), "zoneinfo"), tzdata.IANA_VERSION


def tzdata_version(root):
    for name in ("tzdata.zi", "+VERSION"):
        try:
            with open(os.path.join(root, name), encoding="ascii") as f:
                line = f.readline().strip()
        except OSError:
            continue
        if line.startswith("# version "):
            return line[len("# version ") :]
        if line:
            return line
    return "unknown"


def rust_str(s):
    if any(not 0x20 <= ord(ch) < 0x7F for ch in s):
        raise ValueError("unexpected character in %r" % s)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(path, text):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)


def rustfmt(path):
    exe = shutil.which("rustfmt")
    if exe is None:
        print("warning: rustfmt not found; run cargo fmt", file=sys.stderr)
        return
    subprocess.run([exe, "--edition", "2021", path], check=True)


def samples(tzif, stored, rng):
    """Instants worth checking: random ones, and both sides of real changes in
    [WINDOW_START, SAMPLES_END), spread over the years: up to 8 changes where
    history is stored, 2 where today's rule alone should be right."""
    transitions, types, _ = tzif
    _, changes = real_changes(transitions, types, WINDOW_START)
    edges = [t for t, _ in changes if t < SAMPLES_END]
    keep = 8 if stored else 2
    if len(edges) > keep:
        edges = [edges[i * len(edges) // keep] for i in range(keep)]
    picks = {rng.randrange(WINDOW_START, SAMPLES_END) for _ in range(RANDOM_SAMPLES)}
    for t in edges:
        picks.update((t - 1, t))
    return sorted(picks)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root, version = zone_root(sys.argv)
    version = version or tzdata_version(root)
    source = "tzdata %s" % version

    zones = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        dirnames.sort()
        for fname in filenames:
            if rel_dir == "." and fname in SKIP_FILES:
                continue
            name = fname if rel_dir == "." else rel_dir + "/" + fname
            name = name.replace(os.sep, "/")
            tzif = read_tzif(os.path.join(dirpath, fname))
            if tzif:
                zones[name] = tzif

    # Byte-wise sort so Rust's str ordering (used by binary search) agrees.
    names = sorted(zones, key=lambda n: n.encode("utf-8"))

    # --- zones.rs: today's rules ---------------------------------------
    lines = [
        "// @generated by scripts/gen-zones.py from %s." % source,
        "// Do not edit by hand; rerun the script after a tzdata update.",
        "//",
        "// IANA zone name -> POSIX TZ rule from the TZif footer, sorted by name.",
        "",
        "pub(crate) static ZONES: &[(&str, &str)] = &[",
    ]
    for n in names:
        lines.append("    (%s, %s)," % (rust_str(n), rust_str(zones[n][2])))
    lines.append("];")
    zones_rs = os.path.join(here, "..", "src", "time", "zones.rs")
    write(zones_rs, "\n".join(lines) + "\n")
    rustfmt(zones_rs)

    # --- zones_history.rs: the past ------------------------------------
    offsets, words, starts, by_zone = [], [], {}, []
    cache = {}
    for i, n in enumerate(names):
        key = (tuple(zones[n][0]), tuple(zones[n][1]), zones[n][2])
        if key not in cache:
            points = history(zones[n])
            cache[key] = None if points is None else encode(points, offsets)
        h = cache[key]
        if h is None:
            continue
        if h not in starts:
            starts[h] = len(words)
            words.extend(h)
        by_zone.append((i, starts[h]))
    if len(words) > 0xFFFF or len(names) > 0xFFFF:
        raise ValueError("history tables outgrew u16 indexes")
    data_bytes = 4 * len(offsets) + 4 * len(words) + 4 * len(by_zone)
    lines = [
        "// @generated by scripts/gen-zones.py from %s." % source,
        "// Do not edit by hand; rerun the script after a tzdata update.",
        "//",
        "// %d zones (%d distinct histories), %d words, %d offsets: %d bytes."
        % (len(by_zone), len(starts), len(words), len(offsets), data_bytes),
        "// The layout is described in src/time/history.rs.",
        "",
        "/// %s." % dt.datetime.fromtimestamp(WINDOW_START, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "pub(crate) const WINDOW_START: i64 = %d;" % WINDOW_START,
        "pub(crate) const INDEX_BITS: u32 = %d;" % INDEX_BITS,
        "",
        "/// Offsets in seconds east of UTC.",
        "pub(crate) static OFFSETS: [i32; %d] = [%s];"
        % (len(offsets), ", ".join(str(o) for o in offsets)),
        "",
        "/// (index in `ZONES`, start of its history in `WORDS`), by zone index.",
        "pub(crate) static ZONE_HISTORY: [(u16, u16); %d] = [%s];"
        % (len(by_zone), ", ".join("(%d, %d)" % p for p in by_zone)),
        "",
        "pub(crate) static WORDS: [u32; %d] = [%s];"
        % (len(words), ", ".join(str(w) for w in words)),
    ]
    history_rs = os.path.join(here, "..", "src", "time", "zones_history.rs")
    write(history_rs, "\n".join(lines) + "\n")
    rustfmt(history_rs)

    # --- tests/data/tz_samples.txt: the reference -----------------------
    rng = random.Random(20260101)
    out = [
        "# Reference offsets from Python's zoneinfo, %s; written by" % source,
        "# scripts/gen-zones.py, read by tests/time_history.rs.",
        "# `@ name...` starts a group of zones with identical data; then one",
        "# `instant offset` per line (seconds since the epoch, seconds east of UTC).",
    ]
    groups = {}
    for n in names:
        groups.setdefault((tuple(zones[n][0]), tuple(zones[n][1]), zones[n][2]), []).append(n)
    for key, group in groups.items():
        reference = zoneinfo.ZoneInfo.from_file(open(os.path.join(root, group[0]), "rb"))
        out.append("@ " + " ".join(group))
        out += ["%d %d" % (t, offset(reference, t)) for t in samples(zones[group[0]], cache[key] is not None, rng)]
    write(os.path.join(here, "..", "tests", "data", "tz_samples.txt"), "\n".join(out) + "\n")

    print(
        "wrote %d zones; history: %d zones, %d distinct, %d words, %d offsets, %d bytes"
        % (len(names), len(by_zone), len(starts), len(words), len(offsets), data_bytes),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
