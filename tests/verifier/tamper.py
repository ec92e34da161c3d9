#!/usr/bin/env python3
"""Makes tampered copies of a good bundle and checks that verify_bundle.py accepts the
good one and rejects each copy, naming the problem (exit status 1). Then forges one under
a fresh key (forge.py): it checks out against its own key, so without a key the reader
holds its origin is not established (exit 3), and with the genuine key it fails.

    python3 tamper.py GOOD-BUNDLE.zip WORK-DIR
"""

import base64
import json
import os
import subprocess
import sys
import zipfile

import forge

HERE = os.path.dirname(os.path.abspath(__file__))


def rewrite(src, dst, change=lambda name, data: data, add=()):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in add:
            zout.writestr(name, data)


def run(path, *args):
    r = subprocess.run([sys.executable, os.path.join(HERE, "verify_bundle.py"), path, *args],
                       capture_output=True, text=True)
    return r.returncode, r.stdout.strip()


def main(good, work):
    code, out = run(good)
    # Without a key the reader holds, a good bundle checks out but its origin is not
    # established (3); these copies test what the checks catch, whatever the key.
    if code not in (0, 3):
        print("the good bundle was refused: " + out)
        return 1
    with zipfile.ZipFile(good) as z:
        names = z.namelist()
        manifest = json.loads(z.read("manifest.json"))
    events = sorted(n for n in names if n.startswith("events/"))
    first = events[0]

    def edit_event(name, data):
        if name != first:
            return data
        e = json.loads(data)
        e["recorded_at"] = "2020-01-01T00:00:00.000000Z"
        return json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def drop_from_manifest(name, data):
        if name == first:
            return None
        if name == "manifest.json":
            m = dict(manifest)
            m["events"] = [e for e in manifest["events"] if e.get("file") != first]
            return json.dumps(m, indent=2).encode()
        return data

    def change_checkpoint(name, data):
        if name != "checkpoint.txt":
            return data
        lines = data.decode().split("\n")
        lines[1] = str(int(lines[1]) + 1)
        return "\n".join(lines).encode()

    def forge_signature(name, data):
        # One bit of the Ed25519 signature itself (after the 4-byte key id) flipped.
        if name != "checkpoint.txt":
            return data
        text = data.decode()
        head, sig = text.rstrip("\n").rsplit(" ", 1)
        blob = bytearray(base64.b64decode(sig))
        blob[10] ^= 1
        return (head + " " + base64.b64encode(bytes(blob)).decode() + "\n").encode()

    def swap_pdf(name, data):
        return b"%PDF-1.7 a different pack" if name == "evidence.pdf" else data

    other = events[1] if len(events) > 1 else first

    def swap_events(name, data):
        # Two events' files exchanged: each now holds the other's content.
        if name == first:
            return zipfile.ZipFile(good).read(other)
        if name == other:
            return zipfile.ZipFile(good).read(first)
        return data

    attached = sorted(n for n in names if n.startswith("attachments/"))

    def swap_attachment(name, data):
        # An attached file replaced by another with a plausible name and type.
        if attached and name == attached[0]:
            return data[:-1] + bytes([data[-1] ^ 1])
        return data

    cases = [
        ("a swapped attachment", swap_attachment, (), "swapped or changed"),
        ("an edited event", edit_event, (), "does not match its leaf hash"),
        ("a removed event", lambda n, d: None if n == first else d, (), "missing from the bundle"),
        ("an event removed from the manifest too", drop_from_manifest, (), "not the manifest the log signed"),
        ("swapped event files", swap_events, (), "does not match its leaf hash"),
        ("a changed checkpoint", change_checkpoint, (), "checkpoint.txt"),
        ("a forged signature", forge_signature, (), "checkpoint.txt"),
        ("an added file", lambda n, d: d, (("events/000000999999.json", b"{}"),), "does not list"),
        ("a swapped evidence pack", swap_pdf, (), "evidence.pdf is not the one the manifest names"),
        ("a second copy under the same name", lambda n, d: d, ((first, b"{}"),), "twice"),
    ]
    if not attached:
        cases = cases[1:]
    failures = 0
    for i, (what, change, add, says) in enumerate(cases):
        path = os.path.join(work, "tampered-%d.zip" % i)
        rewrite(good, path, change, add)
        code, out = run(path)
        if code != 1 or says not in out:
            print("NOT CAUGHT: %s: exit %d: %s" % (what, code, out))
            failures += 1
        else:
            print("caught: %s: %s" % (what, out))
    forged = os.path.join(work, "forged.zip")
    forge.forge(good, forged, rewrite="They never contacted me")
    genuine = next(l for l in zipfile.ZipFile(good).read("vkey.txt").decode().splitlines() if l)
    for args, want, says in (((), 3, "origin not established"),
                             (("--vkey", genuine), 1, "not the one you trust")):
        code, out = run(forged, *args)
        if code != want or says not in out:
            print("NOT CAUGHT: a bundle forged under a fresh key %s: exit %d: %s" % (args, code, out))
            failures += 1
        else:
            print("caught: a bundle forged under a fresh key %s: exit %d: %s" % (args[:1], code, out.splitlines()[0]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
