#!/usr/bin/env python3
"""An independent checker for Boundary evidence bundles, written from
docs/bundle-format.md alone: Python's standard library, and the `openssl` command
(3.0 or later) for Ed25519 signatures.

    python3 verify_bundle.py BUNDLE.zip [--vkey KEY] [--receipt RECEIPT.json]

Prints "ok: ..." and exits 0, or "FAILED: <what is wrong>" and exits 1. With --receipt,
also checks an entry's receipt against the bundle, as the format document's last
section says.
"""

import argparse

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

FORMAT = "boundary-bundle/1"
KNOWN = {"README.txt", "evidence.pdf", "manifest.json", "manifest.sig", "checkpoint.txt", "vkey.txt"}
MAX_FILE = 256 * 1024 * 1024


class Bad(Exception):
    pass


def sha256(b):
    return hashlib.sha256(b).digest()


def leaf_hash(b):
    return sha256(b"\x00" + b)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def parse_vkey(text):
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise Bad("vkey.txt is not NAME+KEYID+KEY")
    name, key_id, blob = parts
    raw = base64.b64decode(blob, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise Bad("vkey.txt does not hold an Ed25519 key")
    public = raw[1:]
    expected = sha256(name.encode() + b"\n\x01" + public)[:4].hex()
    if expected != key_id.lower():
        raise Bad("vkey.txt: the key id does not match the name and key")
    return name, bytes.fromhex(key_id), public


def ed25519_ok(public, message, signature):
    der = bytes.fromhex("302a300506032b6570032100") + public
    pem = "-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n"
    with tempfile.TemporaryDirectory() as d:
        paths = {n: os.path.join(d, n) for n in ("key.pem", "msg", "sig")}
        with open(paths["key.pem"], "w") as f:
            f.write(pem)
        with open(paths["msg"], "wb") as f:
            f.write(message)
        with open(paths["sig"], "wb") as f:
            f.write(signature)
        r = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["key.pem"],
             "-rawin", "-in", paths["msg"], "-sigfile", paths["sig"]],
            capture_output=True,
        )
        return r.returncode == 0


def open_note(note, what, name, key_id, public):
    """Returns the text of a signed note once its signature by the key is checked."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise Bad(what + " is not a signed note")
    text, sigs = note[: split + 1], note[split + 2:]
    for line in sigs.splitlines():
        if not line.startswith("\u2014 "):
            raise Bad(what + " has a malformed signature line")
        sig_name, _, b64 = line[2:].partition(" ")
        blob = base64.b64decode(b64, validate=True)
        if sig_name != name or blob[:4] != key_id:
            continue
        if len(blob) != 68 or not ed25519_ok(public, text.encode(), blob[4:]):
            raise Bad(what + ": the signature does not match")
        return text
    raise Bad(what + " is not signed by " + name)


def inclusion_ok(index, size, leaf, proof, root):
    """RFC 9162, section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn & 1 == 0:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def consistency_ok(first, second, first_root, second_root, proof):
    """RFC 9162, section 2.1.4.2."""
    if first > second or first == 0:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if fn & 1 == 0:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


def timestamp_time(body, token, pem):
    """Checks an RFC 3161 token over `body` with `openssl ts`; returns its time."""
    with tempfile.TemporaryDirectory() as d:
        paths = {n: os.path.join(d, n) for n in ("body", "token.tsr", "tsa.pem")}
        for n, data in (("body", body), ("token.tsr", token), ("tsa.pem", pem)):
            with open(paths[n], "wb") as f:
                f.write(data)
        r = subprocess.run(
            ["openssl", "ts", "-verify", "-data", paths["body"], "-in", paths["token.tsr"],
             "-token_in", "-CAfile", paths["tsa.pem"], "-partial_chain"],
            capture_output=True, text=True)
        if r.returncode != 0 or "Verification: OK" not in r.stdout:
            raise Bad("timestamp/token.tsr does not verify: " + (r.stdout + r.stderr).strip().splitlines()[-1])
        t = subprocess.run(["openssl", "ts", "-reply", "-in", paths["token.tsr"], "-token_in", "-text"],
                           capture_output=True, text=True)
        for line in t.stdout.splitlines():
            if line.startswith("Time stamp:"):
                return line.split(":", 1)[1].strip()
        return "(time not read)"


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def read_files(path):
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise Bad("the file is not a readable zip archive (%s)" % e)
    files = {}
    for info in z.infolist():
        if info.is_dir():
            continue
        if info.file_size > MAX_FILE:
            raise Bad(info.filename + " is too large")
        with z.open(info) as f:
            data = f.read(MAX_FILE + 1)
        if len(data) > MAX_FILE:
            raise Bad(info.filename + " is too large")
        if info.filename in files:
            raise Bad("the archive holds " + info.filename + " twice")
        files[info.filename] = data
    return files


def text_of(files, name):
    if name not in files:
        raise Bad(name + " is missing from the bundle")
    return files[name].decode("utf-8")


def check(path, trusted=None):
    files = read_files(path)
    carried = text_of(files, "vkey.txt").strip()
    if trusted is not None and trusted.strip() != carried:
        raise Bad("the bundle's verifier key is not the one you trust")
    name, key_id, public = parse_vkey(carried)

    manifest_bytes = files.get("manifest.json")
    if manifest_bytes is None:
        raise Bad("manifest.json is missing from the bundle")
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT:
        raise Bad("manifest.json is not in the format " + FORMAT)
    case, size = manifest["case"], manifest["tree_size"]
    statement = "%s\ncase %s\ntree %d\nmanifest %s\n" % (
        FORMAT, case, size, hashlib.sha256(manifest_bytes).hexdigest())
    if open_note(text_of(files, "manifest.sig"), "manifest.sig", name, key_id, public) != statement:
        raise Bad("manifest.json is not the manifest the log signed")

    for fname, key in (("README.txt", "readme_sha256"), ("evidence.pdf", "pdf_sha256")):
        signed = manifest.get(key)
        if fname in files and signed is None:
            raise Bad("the bundle holds %s, which the manifest does not list" % fname)
        if signed is not None:
            if fname not in files:
                raise Bad(fname + " is missing from the bundle")
            if hashlib.sha256(files[fname]).hexdigest() != signed:
                raise Bad(fname + " is not the one the manifest names (it was changed)")

    body = open_note(text_of(files, "checkpoint.txt"), "checkpoint.txt", name, key_id, public)
    lines = body.split("\n")
    if len(lines) < 4 or lines[0] != name or not re.fullmatch(r"[0-9]+", lines[1]):
        raise Bad("checkpoint.txt is not this log's checkpoint")
    if int(lines[1]) != size:
        raise Bad("the checkpoint's tree size is not the manifest's")
    root = base64.b64decode(lines[2], validate=True)

    linked = {size: root}
    last = 0
    for r in manifest.get("receipts", []):
        rbody = open_note(r["checkpoint"], "a receipt checkpoint", name, key_id, public)
        rlines = rbody.split("\n")
        if len(rlines) < 4 or rlines[0] != name or int(rlines[1]) != r["tree_size"] or r["tree_size"] <= last:
            raise Bad("the receipt checkpoint of %d events is not the one listed, or out of order" % r["tree_size"])
        last = r["tree_size"]
        rroot = base64.b64decode(rlines[2], validate=True)
        proof = [bytes.fromhex(p) for p in r["consistency"]]
        if not consistency_ok(r["tree_size"], size, rroot, root, proof):
            raise Bad("the log did not grow from the receipt checkpoint of %d events" % r["tree_size"])
        linked[r["tree_size"]] = rroot

    listed, checked, withheld, last = set(KNOWN), 0, [], 0
    recorded, leaves = set(), {}
    for e in manifest["events"]:
        seq = e["seq"]
        if seq <= last:
            raise Bad("event %d is out of order" % seq)
        last = seq
        if e["leaf_index"] != seq - 1:
            raise Bad("event %d has the wrong leaf index" % seq)
        leaf = bytes.fromhex(e["leaf_hash"])
        proof = [bytes.fromhex(p) for p in e["proof"]]
        if not inclusion_ok(e["leaf_index"], size, leaf, proof, root):
            raise Bad("event %d is not in the signed log" % seq)
        leaves[seq] = leaf
        has_file, reason = "file" in e, e.get("withheld")
        if reason is not None and not has_file and reason.strip():
            withheld.append((seq, reason))
            continue
        if not has_file or reason is not None:
            raise Bad("event %d must have either a file or a reason for withholding it" % seq)
        name_ = "events/%012d.json" % seq
        if e["file"] != name_:
            raise Bad("event %d's file must be %s" % (seq, name_))
        if name_ not in files:
            raise Bad("event %d: %s is missing from the bundle" % (seq, name_))
        content = files[name_]
        if leaf_hash(content) != leaf:
            raise Bad("event %d: %s does not match its leaf hash (it was edited)" % (seq, name_))
        event = json.loads(content)
        if canonical(event) != content:
            raise Bad("event %d: %s is not canonical JSON" % (seq, name_))
        if event.get("case") != case:
            raise Bad("event %d belongs to another case" % seq)
        if event.get("type") == "attachment_added":
            recorded.add(event["body"]["record"]["sha256"])
        listed.add(name_)
        checked += 1
    files_checked = 0
    for a in manifest.get("attachments", []):
        digest = a["sha256"]
        if digest not in recorded:
            raise Bad("the manifest lists attachment %s twice, or one no event records" % digest)
        recorded.discard(digest)
        reason = a.get("withheld")
        if "file" not in a and reason is not None and reason.strip():
            withheld.append(("file " + digest, reason))
            continue
        path_ = "attachments/" + digest
        if a.get("file") != path_ or reason is not None:
            raise Bad("attachment %s must have either its file or a reason for withholding it" % digest)
        if path_ not in files:
            raise Bad(path_ + " is missing from the bundle")
        if hashlib.sha256(files[path_]).hexdigest() != digest:
            raise Bad(path_ + " is not the file its event records (it was swapped or changed)")
        listed.add(path_)
        files_checked += 1
    if recorded:
        raise Bad("attachment %s is recorded by an event but the manifest does not account for it" % sorted(recorded)[0])
    stamp, stamped = manifest.get("timestamp"), None
    if stamp is not None:
        sbody = open_note(text_of(files, "timestamp/checkpoint.txt"), "timestamp/checkpoint.txt", name, key_id, public)
        slines = sbody.split("\n")
        if slines[0] != name or int(slines[1]) != stamp["tree_size"]:
            raise Bad("the timestamped checkpoint is not the one the manifest names")
        sroot = base64.b64decode(slines[2], validate=True)
        proof = [bytes.fromhex(p) for p in stamp["consistency"]]
        if not consistency_ok(stamp["tree_size"], size, sroot, root, proof):
            raise Bad("the log did not grow from the timestamped checkpoint")
        linked[stamp["tree_size"]] = sroot
        pem = files.get("timestamp/tsa.pem", b"")
        if hashlib.sha256(pem).hexdigest() != stamp["tsa_cert_sha256"]:
            raise Bad("timestamp/tsa.pem is not the certificate the manifest names")
        token = files.get("timestamp/token.tsr")
        if token is None:
            raise Bad("timestamp/token.tsr is missing from the bundle")
        when = timestamp_time(sbody.encode(), token, pem)
        stamped = "the log of %d events existed by %s" % (stamp["tree_size"], when)
        listed.update({"timestamp/checkpoint.txt", "timestamp/token.tsr", "timestamp/tsa.pem"})
    extra = sorted(set(files) - listed)
    if extra:
        raise Bad("the bundle holds %s, which the manifest does not list" % extra[0])
    return {
        "case": case, "checked": checked, "withheld": withheld, "size": size,
        "stamped": stamped, "receipts": len(manifest.get("receipts", [])),
        "linked": linked, "leaves": leaves, "key": (name, key_id, public),
    }


def check_receipt(result, receipt):
    """An entry's receipt against a bundle that checked out: its checkpoint must be one the
    bundle links, and its entry must be in the bundle with the receipt's leaf hash."""
    name, key_id, public = result["key"]
    body = open_note(receipt["checkpoint"], "the receipt's checkpoint", name, key_id, public)
    lines = body.split("\n")
    if len(lines) < 4 or lines[0] != name or not re.fullmatch(r"[0-9]+", lines[1]):
        raise Bad("the receipt's checkpoint is not this log's")
    held, held_root = int(lines[1]), base64.b64decode(lines[2], validate=True)
    if held > result["size"]:
        raise Bad("the receipt's checkpoint is newer than this bundle")
    if held not in result["linked"]:
        raise Bad("this bundle carries no proof for a log of %d events, so it says nothing either way" % held)
    if result["linked"][held] != held_root:
        raise Bad("the log was rewritten: the receipt and the bundle sign different logs of %d events" % held)
    seq = receipt["seq"]
    if not 0 < seq <= held or receipt["leaf_index"] != seq - 1:
        raise Bad("the receipt does not hang together")
    leaf = result["leaves"].get(seq)
    if leaf is None:
        raise Bad("event %d, which the receipt names, is not in this bundle" % seq)
    if leaf.hex() != receipt["leaf_hash"].strip().lower():
        raise Bad("event %d in the bundle is not the entry the receipt names: it was changed" % seq)
    return "the receipt's entry is event %d of the bundle, unchanged, and the log grew from its checkpoint" % seq


def main(argv):
    parser = argparse.ArgumentParser(
        usage="python3 verify_bundle.py BUNDLE.zip [--vkey KEY] [--receipt RECEIPT.json]")
    parser.add_argument("bundle")
    parser.add_argument("--vkey")
    parser.add_argument("--receipt")
    args = parser.parse_args(argv)
    try:
        r = check(args.bundle, args.vkey)
        held = None
        if args.receipt:
            with open(args.receipt, encoding="utf-8") as f:
                held = check_receipt(r, json.load(f))
    except (Bad, ValueError, KeyError, TypeError) as e:
        print("FAILED: %s" % e)
        return 1
    print("ok: case %s: %d events checked against a log of %d, %d withheld" % (
        r["case"], r["checked"], r["size"], len(r["withheld"])))
    for what, reason in r["withheld"]:
        print("withheld: %s: %s" % (what if isinstance(what, str) else "event %d" % what, reason))
    if r["stamped"]:
        print("timestamp: " + r["stamped"])
    if r["receipts"]:
        print("receipts: the log grew, unchanged, from each of the %d checkpoints on the entries' receipts" % r["receipts"])
    if held:
        print("held: " + held)
    if args.vkey is None:
        print("key: checked with the key the bundle carries; compare it with one you obtained separately, or pass --vkey")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
