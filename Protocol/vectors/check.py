#!/usr/bin/env python3
"""Checks the ideamesh conformance vectors with code independent of ideamesh's Swift code.

Usage: check.py [DIR]   (DIR: this directory by default)

Needs python3 with the PyPI packages `cryptography` (Ed25519, X25519, SHA-256) and
`noiseprotocol` (Noise, import name `noise`). Protobuf is encoded by hand below (a minimal proto3
writer for the messages the vectors use), so the vectors' bytes are checked against the field
values in the files, not against a generated encoder. Prints one line per file; exits non-zero on
the first mismatch.
"""
import base64
import hashlib
import json
import os
import sys

import warnings

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from noise.connection import Keypair, NoiseConnection


class Mismatch(Exception):
    pass


def expect(what, got, want):
    if got != want:
        raise Mismatch(f"{what}: computed {got!r}, file has {want!r}")


# --- proto3 binary encoding (https://protobuf.dev/programming-guides/encoding/) ---------------

def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value) if value else b""


def field_bytes(number, value):
    """Length-delimited (wire type 2); proto3 leaves out an empty singular field."""
    return varint(number << 3 | 2) + varint(len(value)) + value if value else b""


def field_message(number, encoded):
    """A set message field is written even when empty."""
    return varint(number << 3 | 2) + varint(len(encoded)) + encoded


def field_fixed64(number, value):
    return varint(number << 3 | 1) + value.to_bytes(8, "little") if value else b""


def string(number, text):
    return field_bytes(number, text.encode("utf-8"))


def op_ref(ref):
    return field_bytes(1, bytes.fromhex(ref.get("origin", ""))) + field_varint(2, ref["seq"])


def body(kind, fields):
    """ops.proto: the Op.body oneof, for the kinds the vectors use."""
    if kind == "idea_create":
        c = fields["content"]
        content = (string(1, c["title"]) + string(2, c["problem"]) + string(3, c["solution"])
                   + string(4, c["theme"]) + b"".join(field_bytes(5, t.encode()) for t in c["tags"]))
        return field_message(16, field_message(1, content))
    if kind == "support":
        return field_message(19, field_message(1, op_ref(fields["idea"])))
    if kind == "comment_add":
        return field_message(21, field_message(1, op_ref(fields["idea"])) + string(2, fields["text"]))
    raise Mismatch(f"check.py does not know body kind {kind}")


def blank_texts(kind, fields):
    """The skeleton's fields: the kind's erasable texts empty (Protocol/README.md, "Op format 2")."""
    if kind != "idea_create":
        raise Mismatch(f"check.py does not know the texts of body kind {kind}")
    c = dict(fields["content"], title="", problem="", solution="")
    return {"content": c}, [fields["content"][k] for k in ("title", "problem", "solution")]


def op_bytes(op):
    (kind, fields), = op["body"].items()
    return (field_bytes(1, bytes.fromhex(op["origin"])) + field_varint(2, op["seq"])
            + field_bytes(3, bytes.fromhex(op["prev"])) + field_fixed64(4, int(op["hlc"]))
            + string(5, op["author"]) + body(kind, fields))


def origin_head(head):
    return (field_bytes(1, bytes.fromhex(head["origin"])) + field_varint(2, head["seq"])
            + field_bytes(3, bytes.fromhex(head.get("head", ""))))


# --- identities ------------------------------------------------------------------------------

def base32(raw):
    return base64.b32encode(raw).decode().lower().rstrip("=")


def ed25519_public(seed_hex):
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return key, raw


def check_identity(where, v):
    key, public = ed25519_public(v["ed25519_seed"])
    expect(f"{where} ed25519_public_key", public.hex(), v["ed25519_public_key"])
    expect(f"{where} node_id", base32(public), v["node_id"])
    expect(f"{where} node_id_short", base32(public)[:10], v["node_id_short"])
    return key, public


def check_op(where, key, entry, prev):
    op = entry["op"]
    raw = op_bytes(op)
    expect(f"{where} op_bytes", raw.hex(), entry["op_bytes"])
    expect(f"{where} prev", op["prev"], prev.hex())
    expect(f"{where} hlc", int(op["hlc"]), op["hlc_millis"] << 16 | op["hlc_counter"])
    digest = hashlib.sha256(raw).digest()
    expect(f"{where} op_hash", digest.hex(), entry["op_hash"])
    signature = key.sign(raw)  # Ed25519 (RFC 8032) signatures are deterministic
    expect(f"{where} signature", signature.hex(), entry["signature"])
    key.public_key().verify(bytes.fromhex(entry["signature"]), raw)
    expect(f"{where} signed_op_bytes", (field_bytes(1, raw) + field_bytes(2, signature)).hex(), entry["signed_op_bytes"])
    origin = base32(bytes.fromhex(op["origin"]))
    expect(f"{where} op_id", f"{origin}-{op['seq']}", entry["op_id"])
    expect(f"{where} op_id_short", f"{origin[:10]}-{op['seq']}", entry["op_id_short"])
    return digest, field_bytes(1, raw) + field_bytes(2, signature)


def check_signed_op(v):
    key, _ = check_identity("signed-op", v)
    check_op("signed-op", key, v, b"")


def check_op_chain(v):
    key, _ = check_identity("op-chain", v)
    prev = b""
    signed = []
    for index, entry in enumerate(v["ops"]):
        expect(f"op-chain op {index} seq", entry["op"]["seq"], index + 1)
        prev, wire = check_op(f"op-chain op {index}", key, entry, prev)
        signed.append(wire)
    batch = b"".join(field_message(1, s) for s in signed)
    expect("op-chain batch_envelope", field_message(3, batch).hex(), v["batch_envelope"])


def check_sealed_op(v):
    key, _ = check_identity("sealed-op", v)
    op = v["op"]
    (kind, fields), = op["body"].items()
    skeleton_fields, texts = blank_texts(kind, fields)
    skeleton = body(kind, skeleton_fields)
    expect("sealed-op skeleton_bytes", skeleton.hex(), v["skeleton_bytes"])
    expect("sealed-op text values", [t["value"] for t in v["texts"]], texts)
    commitments, sealed = [], []
    for index, t in enumerate(v["texts"]):
        salt = bytes.fromhex(t["salt"])
        expect(f"sealed-op text {index} salt", salt, bytes(range(0xa0 + 16 * index, 0xb0 + 16 * index)) if t["value"] else b"")
        c = hashlib.sha256(salt + t["value"].encode("utf-8")).digest()
        expect(f"sealed-op text {index} commitment", c.hex(), t["commitment"])
        commitments.append(c)
        sealed.append(field_bytes(1, salt) + string(2, t["value"]))
    body_hash = hashlib.sha256(hashlib.sha256(skeleton).digest() + b"".join(commitments)).digest()
    expect("sealed-op body_hash", body_hash.hex(), v["body_hash"])
    header = (field_bytes(1, bytes.fromhex(op["origin"])) + field_varint(2, op["seq"])
              + field_bytes(3, bytes.fromhex(op["prev"])) + field_fixed64(4, int(op["hlc"]))
              + string(5, op["author"]) + field_bytes(6, body_hash))
    expect("sealed-op op_bytes", header.hex(), v["op_bytes"])
    expect("sealed-op op_hash", hashlib.sha256(header).hexdigest(), v["op_hash"])
    signature = key.sign(header)
    expect("sealed-op signature", signature.hex(), v["signature"])
    encoded = field_bytes(1, skeleton) + b"".join(field_message(2, s) for s in sealed)
    expect("sealed-op body_bytes", encoded.hex(), v["body_bytes"])
    expect("sealed-op signed_op_bytes", (field_bytes(1, header) + field_bytes(2, signature) + field_bytes(3, encoded)).hex(),
           v["signed_op_bytes"])
    # Erasing a text keeps only its commitment; the body still hashes to body_hash.
    slot = v["erased_slot"]
    sealed[slot] = field_bytes(3, commitments[slot])
    erased = field_bytes(1, skeleton) + b"".join(field_message(2, s) for s in sealed)
    expect("sealed-op erased_body_bytes", erased.hex(), v["erased_body_bytes"])
    expect("sealed-op erased_signed_op_bytes", (field_bytes(1, header) + field_bytes(2, signature) + field_bytes(3, erased)).hex(),
           v["erased_signed_op_bytes"])
    return "ok"


HELLO_FIELDS = {"protocol_version", "department", "heads", "listen_port", "max_protocol_version", "max_op_format"}


def check_hello(v):
    hello = v["hello"]
    unknown = set(hello) - HELLO_FIELDS
    if unknown:
        return f"skipped: check.py does not know Hello fields {sorted(unknown)} yet"
    origins = [h["origin"] for h in hello["heads"]]
    expect("hello heads order", origins, sorted(origins))
    encoded = (field_varint(1, hello["protocol_version"]) + string(2, hello["department"])
               + b"".join(field_message(3, origin_head(h)) for h in hello["heads"])
               + field_varint(4, hello["listen_port"])
               + field_varint(5, hello.get("max_protocol_version", 0))
               + field_varint(6, hello.get("max_op_format", 0)))
    envelope = field_message(1, encoded)
    expect("hello envelope_bytes", envelope.hex(), v["envelope_bytes"])
    expect("hello message_bytes", (len(envelope).to_bytes(4, "big") + envelope).hex(), v["message_bytes"])
    return "ok"


def check_have(v):
    for case in v["vectors"]:
        where = f"have ({case['name']})"
        pairs = sorted((bytes.fromhex(o["origin"]), o["seq"]) for o in case["origins"])
        data = b"".join(origin + seq.to_bytes(8, "big") for origin, seq in pairs)
        expect(f"{where} digest_input", data.hex(), case["digest_input"])
        digest = hashlib.sha256(data).digest()
        expect(f"{where} vector_digest", digest.hex(), case["vector_digest"])
        expect(f"{where} digest_have_envelope", field_message(2, field_bytes(2, digest)).hex(), case["digest_have_envelope"])
        heads = b"".join(field_message(1, origin_head({"origin": o.hex(), "seq": s})) for o, s in pairs)
        expect(f"{where} full_have_envelope", field_message(2, heads).hex(), case["full_have_envelope"])
        expect(f"{where} full_have_want_full_envelope", field_message(2, heads + field_varint(3, 1)).hex(),
               case["full_have_want_full_envelope"])
    example = next(c for c in v["vectors"] if "example" in c["name"])
    # The digest PROTOCOL.md §4 gives for its example.
    expect("have §4 example", example["vector_digest"], "cd49d184d092a928ee79a2a38acf835ef20ef4b8cf9fc8c661bfbbcac0152916")
    return "ok"


def check_noise(v):
    parties = {}
    for role in ("initiator", "responder"):
        p = v[role]
        key, public = check_identity(f"noise {role}", p)
        for kind in ("static", "ephemeral"):
            private = x25519.X25519PrivateKey.from_private_bytes(bytes.fromhex(p[f"{kind}_private"]))
            raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            expect(f"noise {role} {kind}_public", raw.hex(), p[f"{kind}_public"])
        conn = NoiseConnection.from_name(v["protocol_name"].encode())
        conn.set_as_initiator() if role == "initiator" else conn.set_as_responder()
        conn.set_keypair_from_private_bytes(Keypair.STATIC, bytes.fromhex(p["static_private"]))
        conn.set_keypair_from_private_bytes(Keypair.EPHEMERAL, bytes.fromhex(p["ephemeral_private"]))
        conn.set_psks(psk=bytes.fromhex(v["psk"]))
        conn.set_prologue(bytes.fromhex(v["prologue"]))
        conn.start_handshake()
        parties[role] = (conn, key, public, p)
    expect("noise prologue", bytes.fromhex(v["prologue"]).decode(), v["prologue_ascii"])
    expect("noise network_key_file", "ideamesh-network-key:" + v["psk"], v["network_key_file"])
    context = v["handshake_payload_context"].encode()
    for index, m in enumerate(v["messages"]):
        sender = m["sender"]
        receiver = "responder" if sender == "initiator" else "initiator"
        expect(f"noise message {index + 1} sender", sender, "initiator" if index % 2 == 0 else "responder")
        payload = bytes.fromhex(m["payload"])
        if index == 0:
            expect("noise message 1 payload", payload, b"")
        else:
            conn, key, public, p = parties[sender]
            f = m["payload_fields"]
            static_public = bytes.fromhex(p["static_public"])
            expect(f"noise message {index + 1} signed_bytes", (context + static_public).hex(), f["signed_bytes"])
            signature = key.sign(context + static_public)
            expect(f"noise message {index + 1} signature", signature.hex(), f["signature"])
            expect(f"noise message {index + 1} node_id", public.hex(), f["node_id"])
            encoded = field_bytes(1, public) + field_bytes(2, signature) + string(3, f["department"])
            expect(f"noise message {index + 1} payload", encoded.hex(), m["payload"])
            expect(f"noise message {index + 1} department", f["department"], p["department"])
        message = parties[sender][0].write_message(payload)
        expect(f"noise message {index + 1}", message.hex(), m["message"])
        expect(f"noise frame {index + 1}", (len(message).to_bytes(2, "big") + message).hex(), m["frame"])
        expect(f"noise message {index + 1} read", parties[receiver][0].read_message(message), payload)
    for role in ("initiator", "responder"):
        expect(f"noise {role} handshake_hash", parties[role][0].get_handshake_hash().hex(), v["handshake_hash"])
    for index, t in enumerate(v["transport"]):
        sender = t["sender"]
        receiver = "responder" if sender == "initiator" else "initiator"
        (kind, fields), = t["envelope"].items()
        if kind == "digest_request":
            envelope = field_message(7, field_varint(1, fields["token"]))
        elif kind == "goodbye":
            envelope = field_message(4, string(1, fields["reason"]))
        else:
            raise Mismatch(f"check.py does not know envelope kind {kind}")
        expect(f"noise transport {index} envelope_bytes", envelope.hex(), t["envelope_bytes"])
        plaintext = len(envelope).to_bytes(4, "big") + envelope
        expect(f"noise transport {index} plaintext", plaintext.hex(), t["plaintext"])
        sealed = parties[sender][0].encrypt(plaintext)
        expect(f"noise transport {index} message", sealed.hex(), t["message"])
        expect(f"noise transport {index} frame", (len(sealed).to_bytes(2, "big") + sealed).hex(), t["frame"])
        expect(f"noise transport {index} decrypts", parties[receiver][0].decrypt(sealed), plaintext)
    return "ok"


CHECKS = {
    "signed-op.json": check_signed_op,
    "op-chain.json": check_op_chain,
    "hello.json": check_hello,
    "have.json": check_have,
    "noise-handshake.json": check_noise,
    "sealed-op.json": check_sealed_op,
}


def main():
    # noiseprotocol warns that fixed ephemeral keys are for tests only: these are.
    warnings.filterwarnings("ignore", message="One of ephemeral keypairs is already set")
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    names = sorted(n for n in os.listdir(directory) if n.endswith(".json"))
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        print(f"check.py has no check for {unknown}", file=sys.stderr)
        return 1
    for name in names:
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            vector = json.load(f)
        try:
            result = CHECKS[name](vector) or "ok"
        except Mismatch as error:
            print(f"{name}: MISMATCH: {error}")
            return 1
        print(f"{name}: {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
