#!/usr/bin/env python3
"""Forges a Boundary evidence bundle the way an attacker without the log's key would
(issue 18): a fresh Ed25519 key given the genuine log's name, an entry rewritten, the
Merkle tree, proofs, checkpoint and manifest rebuilt and signed again. Such a bundle is
internally consistent; only a key the reader holds can tell it from the genuine one.
Also makes the hand-made bundles the tests need: withholding reasons with control
characters in them, a period moved over an omission.

    python3 forge.py GOOD.zip OUT.zip [--rewrite TEXT] [--reason SEQ TEXT]...
                     [--period FROM TO] [--seed HEX]

Prints the forged bundle's verifier key. `--reason` withholds event SEQ for TEXT (Python
escapes such as \\x1b are understood); `--period` sets the signed period ("-" is open).
Standard library and the `openssl` command only.
"""

import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

from tlog import leaf_hash, node_hash, sha256

# PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410).
PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    """RFC 9162 section 2.1.1."""
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    """RFC 9162 section 2.1.3.1: the inclusion proof of leaf m, leaf level first."""
    if len(leaves) == 1:
        return []
    k = split(len(leaves))
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


class Key:
    """A fresh Ed25519 key, held by openssl."""

    def __init__(self, seed, name):
        self.dir = tempfile.mkdtemp()
        self.der = os.path.join(self.dir, "key.der")
        with open(self.der, "wb") as f:
            f.write(PKCS8_PREFIX + seed)
        pub = subprocess.run(["openssl", "pkey", "-inform", "DER", "-in", self.der, "-pubout",
                              "-outform", "DER"], capture_output=True, check=True).stdout
        self.public = pub[-32:]
        self.name = name
        self.key_id = sha256(name.encode() + b"\n\x01" + self.public)[:4]

    def vkey(self):
        return "%s+%s+%s" % (self.name, self.key_id.hex(),
                             base64.b64encode(b"\x01" + self.public).decode())

    def sign(self, text):
        msg = os.path.join(self.dir, "msg")
        with open(msg, "wb") as f:
            f.write(text.encode())
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", self.der, "-keyform", "DER",
                              "-rawin", "-in", msg], capture_output=True, check=True).stdout
        blob = base64.b64encode(self.key_id + sig).decode()
        return "%s\n\u2014 %s %s\n" % (text, self.name, blob)


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def forge(good, out, rewrite=None, reasons=(), period=None, seed=None):
    with zipfile.ZipFile(good) as z:
        files = {n: z.read(n) for n in z.namelist() if not n.endswith("/")}
    manifest = json.loads(files["manifest.json"])
    name = files["vkey.txt"].decode().strip().split("+")[0]
    key = Key(seed or os.urandom(32), name)
    size = manifest["tree_size"]
    # The rest of the log is not in the bundle: any leaves will do, the key is the forger's.
    leaves = [sha256(b"forged %d" % i) for i in range(size)]
    for e in manifest["events"]:
        leaves[e["leaf_index"]] = bytes.fromhex(e["leaf_hash"])
    if rewrite is not None:
        for e in manifest["events"]:
            if "file" not in e:
                continue
            event = json.loads(files[e["file"]])
            if event["type"] != "entry_logged":
                continue
            event["body"]["contact"]["what_happened"] = rewrite
            files[e["file"]] = canonical(event)
            e["leaf_hash"] = leaf_hash(files[e["file"]]).hex()
            leaves[e["leaf_index"]] = bytes.fromhex(e["leaf_hash"])
            break
    for seq, reason in reasons:
        for e in manifest["events"]:
            if e["seq"] == seq:
                files.pop(e.pop("file", None), None)
                e["withheld"] = reason
    if period is not None:
        manifest["period"] = {"from": period[0], "to": period[1]}
    for e in manifest["events"]:
        e["proof"] = [p.hex() for p in path(e["leaf_index"], leaves)]
    # A forger could sign receipt and timestamp checkpoints too; leaving them out is simpler
    # and no verifier requires them.
    manifest.pop("receipts", None)
    manifest.pop("timestamp", None)
    for n in ("timestamp/checkpoint.txt", "timestamp/token.tsr", "timestamp/tsa.pem"):
        files.pop(n, None)
    root = mth(leaves)
    files["checkpoint.txt"] = key.sign("%s\n%d\n%s\n" % (name, size, base64.b64encode(root).decode())).encode()
    files["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    statement = "%s\ncase %s\ntree %d\nmanifest %s\n" % (
        manifest["format"], manifest["case"], size, hashlib.sha256(files["manifest.json"]).hexdigest())
    files["manifest.sig"] = key.sign(statement).encode()
    files["vkey.txt"] = (key.vkey() + "\n").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            z.writestr(n, data)
    return key.vkey()


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("good")
    parser.add_argument("out")
    parser.add_argument("--rewrite")
    parser.add_argument("--reason", nargs=2, action="append", default=[], metavar=("SEQ", "TEXT"))
    parser.add_argument("--period", nargs=2, metavar=("FROM", "TO"))
    parser.add_argument("--seed")
    args = parser.parse_args(argv)
    unescape = lambda s: s.encode("latin-1", "backslashreplace").decode("unicode_escape")
    reasons = [(int(seq), unescape(text)) for seq, text in args.reason]
    period = None if args.period is None else tuple(None if d == "-" else d for d in args.period)
    seed = bytes.fromhex(args.seed) if args.seed else None
    print(forge(args.good, args.out, args.rewrite, reasons, period, seed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
