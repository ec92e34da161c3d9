"""The transparency-log primitives verify_bundle.py needs, from their standards alone:
RFC 9162 hashes and proofs, C2SP signed notes and vkeys with Ed25519, and RFC 3161 tokens
and certificates through the `openssl` command (3.0 or later). Nothing here knows about
bundles.
"""

import base64
import hashlib
import os
import subprocess
import tempfile


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


def cert_names(pem):
    """The certificate's subject and issuer, as RFC 2253/4514 names."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cert.pem")
        with open(path, "wb") as f:
            f.write(pem)
        r = subprocess.run(["openssl", "x509", "-in", path, "-noout", "-subject", "-issuer",
                            "-nameopt", "RFC2253"], capture_output=True, text=True)
        if r.returncode != 0:
            raise Bad("the TSA certificate cannot be read")
        names = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
        return names.get("subject", "?"), names.get("issuer", "?")


def timestamp_time(body, token, pem):
    """Checks an RFC 3161 token over `body` with `openssl ts`, signed by the certificate
    `pem`; returns its time."""
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
