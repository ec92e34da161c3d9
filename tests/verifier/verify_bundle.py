#!/usr/bin/env python3
"""An independent checker for Boundary evidence bundles, written from
docs/bundle-format.md alone: Python's standard library, the `openssl` command (3.0 or
later) for Ed25519 signatures and RFC 3161 tokens, and tlog.py beside it.

    python3 verify_bundle.py BUNDLE.zip [--vkey KEY] [--against CHECKPOINT]
                             [--receipt RECEIPT.json] [--tsa-cert TSA.pem]

Prints "FAILED: <what is wrong>" and exits 1 when a check fails. When every check passes
it exits 0 ("ok: ...") only if the bundle is anchored to something the reader holds: the
log's key (--vkey), or a checkpoint (--against) or an entry's receipt (--receipt) signed
by it, which is checked against the bundle as the format document's last section says.
Otherwise it prints the key the bundle carries, says its origin is not established, and
exits 3. The timestamp is checked against the authority's certificate the reader gives
(--tsa-cert), or else against the one the bundle carries, and says which.

Everything printed passes through printable(): text from the bundle cannot move the
cursor, erase a line or reorder what follows.
"""

import argparse
import base64
import hashlib
import json
import re
import sys
import zipfile

from tlog import (Bad, cert_names, consistency_ok, inclusion_ok, leaf_hash, open_note,
                  parse_vkey, timestamp_time)

FORMAT = "boundary-bundle/2"
FORMAT_1 = "boundary-bundle/1"
OUTSIDE = "outside the period asked for"
ACCESS_RECORDS = "a record of who looked at the case in Boundary, with their address: left out unless asked for"
NO_REASON_GIVEN = "withheld by the person who exported the case"


def shown_reason(reason):
    """Boundary's own wordings as they are; what the exporter typed, labelled and quoted."""
    if reason in (OUTSIDE, ACCESS_RECORDS, NO_REASON_GIVEN):
        return reason
    return 'the exporter\'s reason: "%s"' % reason
NOT_ESTABLISHED = 3
KNOWN = {"README.txt", "evidence.pdf", "manifest.json", "manifest.sig", "checkpoint.txt", "vkey.txt"}
MAX_FILE = 256 * 1024 * 1024


# C0 and C1 controls, DEL, the line and paragraph separators and the bidirectional
# marks, overrides and isolates (docs/bundle-format.md, "Printing what a bundle says").
HIDDEN = (set(range(0x00, 0x20)) | set(range(0x7F, 0xA0)) | {0x061C, 0x200E, 0x200F}
          | set(range(0x2028, 0x202F)) | set(range(0x2066, 0x206A))
          # What shows nothing, or a space that is not one: text with it can pass for other text.
          | {0x00A0, 0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x202F, 0x205F,
             0x3000, 0x3164, 0xFEFF, 0xFFA0}
          | set(range(0x2000, 0x200E)) | set(range(0x2060, 0x2065)))


def printable(text):
    return "".join("\\u{%x}" % ord(c) if ord(c) in HIDDEN else c for c in str(text))


def say(line):
    print(printable(line))


def day(raw, what):
    if raw is None:
        return None
    if not isinstance(raw, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        raise Bad("%s is not a date" % what)
    return raw


def period_words(start, end):
    if start and end:
        return "contacts from %s to %s" % (start, end)
    if start:
        return "contacts on or after %s" % start
    if end:
        return "contacts on or before %s" % end
    return "every contact"


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


def check(path, trusted=None, tsa_cert=None):
    files = read_files(path)
    carried = text_of(files, "vkey.txt").strip()
    if trusted is not None and trusted.strip() != carried:
        raise Bad("the bundle's verifier key is not the one you trust")
    name, key_id, public = parse_vkey(carried)

    manifest_bytes = files.get("manifest.json")
    if manifest_bytes is None:
        raise Bad("manifest.json is missing from the bundle")
    manifest = json.loads(manifest_bytes)
    fmt = manifest.get("format")
    if fmt == FORMAT:
        if not isinstance(manifest.get("period"), dict):
            raise Bad("manifest.json does not say what period was asked for")
        start = day(manifest["period"].get("from"), "the manifest's period's start")
        end = day(manifest["period"].get("to"), "the manifest's period's end")
        if start and end and start > end:
            raise Bad("the manifest's period ends before it starts")
        period = (start, end)
    elif fmt == FORMAT_1:
        if "period" in manifest:
            raise Bad("manifest.json is in the format %s, which has no period" % FORMAT_1)
        period = None
    else:
        raise Bad("manifest.json is not in the format %s (or %s)" % (FORMAT, FORMAT_1))
    case, size = manifest["case"], manifest["tree_size"]
    statement = "%s\ncase %s\ntree %d\nmanifest %s\n" % (
        fmt, case, size, hashlib.sha256(manifest_bytes).hexdigest())
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
        if period is not None:
            outside = reason == OUTSIDE and not has_file
            on = e.get("occurred_on")
            if outside and on is None:
                raise Bad("event %d is withheld as %r but the manifest does not say when its contact was" % (seq, OUTSIDE))
            if on is not None and not outside:
                raise Bad("event %d gives the day of a contact but is not withheld as %r" % (seq, OUTSIDE))
            if on is not None:
                day(on, "the day of event %d's contact" % seq)
                start, end = period
                if (start is None or on >= start) and (end is None or on <= end):
                    raise Bad("event %d is withheld as %r, but its contact on %s lies inside the period (%s): it was left out deliberately"
                              % (seq, OUTSIDE, on, period_words(start, end)))
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
    files_checked, withheld_files = 0, []
    for a in manifest.get("attachments", []):
        digest = a["sha256"]
        if digest not in recorded:
            raise Bad("the manifest lists attachment %s twice, or one no event records" % digest)
        recorded.discard(digest)
        reason = a.get("withheld")
        if "file" not in a and reason is not None and reason.strip():
            withheld_files.append((digest, reason))
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
        # The carried certificate was put there by whoever made the bundle: the time is
        # the authority's word only when checked against the certificate the reader holds.
        cert = tsa_cert if tsa_cert is not None else pem
        subject, issuer = cert_names(cert)
        try:
            when = timestamp_time(sbody.encode(), token, cert)
        except Bad as e:
            if tsa_cert is None:
                raise
            raise Bad("the timestamp was not made by the authority whose certificate you trust (%s): %s" % (subject, e))
        stamped = {"size": stamp["tree_size"], "time": when, "subject": subject,
                   "issuer": issuer, "trusted": tsa_cert is not None}
        listed.update({"timestamp/checkpoint.txt", "timestamp/token.tsr", "timestamp/tsa.pem"})
    extra = sorted(set(files) - listed)
    if extra:
        raise Bad("the bundle holds %s, which the manifest does not list" % extra[0])
    return {
        "case": case, "checked": checked, "files": files_checked, "withheld": withheld,
        "withheld_files": withheld_files, "size": size, "origin": name,
        "stamped": stamped, "receipts": len(manifest.get("receipts", [])),
        "linked": linked, "leaves": leaves, "key": (name, key_id, public), "vkey": carried,
        "format": fmt, "period": None if period is None else period_words(*period),
    }


def check_held(result, note, receipt=None):
    """A checkpoint the reader holds — alone, or on an entry's receipt — against a bundle
    that checked out: it must be signed by the bundle's key and be one the bundle links,
    and a receipt's entry must be in the bundle with the receipt's leaf hash."""
    name, key_id, public = result["key"]
    body = open_note(note, "the checkpoint you hold", name, key_id, public)
    lines = body.split("\n")
    if len(lines) < 4 or lines[0] != name or not re.fullmatch(r"[0-9]+", lines[1]):
        raise Bad("the checkpoint you hold is not this log's")
    held, held_root = int(lines[1]), base64.b64decode(lines[2], validate=True)
    if held > result["size"]:
        raise Bad("the checkpoint you hold is newer than this bundle")
    if held not in result["linked"]:
        raise Bad("this bundle carries no proof for a log of %d events, so it says nothing either way" % held)
    if result["linked"][held] != held_root:
        raise Bad("the log was rewritten: the checkpoint you hold and the bundle sign different logs of %d events" % held)
    if receipt is None:
        return "the log of %d events you hold grew, unchanged, into the bundle's log of %d" % (held, result["size"])
    seq = receipt["seq"]
    if not 0 < seq <= held or receipt["leaf_index"] != seq - 1:
        raise Bad("the receipt does not hang together")
    leaf = result["leaves"].get(seq)
    if leaf is None:
        raise Bad("event %d, which the receipt names, is not in this bundle" % seq)
    if leaf.hex() != receipt["leaf_hash"].strip().lower():
        raise Bad("event %d in the bundle is not the entry the receipt names: it was changed" % seq)
    return "the receipt's entry is event %d of the bundle, unchanged, and the log grew from its checkpoint" % seq


def read_text(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise SystemExit("cannot read the %s %s: %s" % (what, path, e))


def report(r, anchors):
    established = bool(anchors)
    counts = "case %s: %d events and %d attached files" % (r["case"], r["checked"], r["files"])
    tail = "; %d withheld, each still proved in place" % len(r["withheld"]) if r["withheld"] else ""
    if established:
        say("ok: %s checked against the signed checkpoint of %s (%d events)%s" % (counts, r["origin"], r["size"], tail))
    else:
        say("origin not established: %s check out against a checkpoint signed by the key the bundle carries, under the name %s (%d events)%s"
            % (counts, r["origin"], r["size"], tail))
    by_reason = {}
    for seq, reason in r["withheld"]:
        by_reason.setdefault(reason, []).append(str(seq))
    for reason, seqs in by_reason.items():
        say("withheld: %s %s: %s" % ("event" if len(seqs) == 1 else "events", ", ".join(seqs), shown_reason(reason)))
    for digest, reason in r["withheld_files"]:
        say("withheld: attached file %s: %s" % (digest, shown_reason(reason)))
    if r["period"] is not None:
        say("period: %s; each event withheld as %s is dated outside it" % (r["period"], OUTSIDE))
    else:
        say("period: not recorded in this bundle (format %s), so events withheld as %s cannot be checked" % (r["format"], OUTSIDE))
    st = r["stamped"]
    if st:
        if st["trusted"]:
            say("timestamp: the log of %d events existed by %s, by the token of the timestamping authority whose certificate you gave (subject %s, issuer %s)"
                % (st["size"], st["time"], st["subject"], st["issuer"]))
        else:
            say("timestamp: the log of %d events existed by %s according to a token checked against the certificate the bundle carries (subject %s, issuer %s), not one you trust: pass the authority's own certificate with --tsa-cert"
                % (st["size"], st["time"], st["subject"], st["issuer"]))
    if r["receipts"]:
        say("receipts: the log grew, unchanged, from each of the %d checkpoints on the entries' receipts" % r["receipts"])
    for _, line in anchors:
        if line:
            say("held: " + line)
    say("key: " + r["vkey"])
    if established:
        say("origin: established, by %s" % " and ".join(how for how, _ in anchors))
    else:
        say("origin: not established: the bundle was checked with the key it carries, and anyone can make a key under any log's name. "
            "Compare the key above with one obtained separately (from the practice, a receipt, an earlier pack), then pass it with --vkey, "
            "or pass a checkpoint (--against) or receipt (--receipt) you hold")
    return 0 if established else NOT_ESTABLISHED


def main(argv):
    parser = argparse.ArgumentParser(
        usage="python3 verify_bundle.py BUNDLE.zip [--vkey KEY] [--against CHECKPOINT] [--receipt RECEIPT.json] [--tsa-cert TSA.pem]")
    parser.add_argument("bundle")
    parser.add_argument("--vkey")
    parser.add_argument("--against")
    parser.add_argument("--receipt")
    parser.add_argument("--tsa-cert")
    args = parser.parse_args(argv)
    tsa_cert = read_text(args.tsa_cert, "TSA certificate").encode() if args.tsa_cert else None
    against = read_text(args.against, "checkpoint") if args.against else None
    receipt = json.loads(read_text(args.receipt, "receipt")) if args.receipt else None
    try:
        r = check(args.bundle, args.vkey, tsa_cert)
        anchors = []
        if args.vkey is not None:
            anchors.append(("the key you gave (--vkey)", None))
        if against is not None:
            anchors.append(("the checkpoint you hold (--against)", check_held(r, against)))
        if receipt is not None:
            anchors.append(("the receipt you hold (--receipt)", check_held(r, receipt["checkpoint"], receipt)))
    except (Bad, ValueError, KeyError, TypeError) as e:
        say("FAILED: %s" % e)
        return 1
    return report(r, anchors)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
