#!/usr/bin/env python3
"""The responder side of Noise_XXpsk0_25519_ChaChaPoly_SHA256, played by the PyPI package
`noiseprotocol` (import name `noise`), for NoiseTests' interop test.

Usage: noise_responder.py STATIC_PRIVATE_HEX PSK_HEX PROLOGUE_HEX

One JSON object per line on stdin and stdout, every byte string in hex:
  in  {"message": m1}                 out {"payload": p1, "message": m2}  (m2 carries RESPONDER_PAYLOAD)
  in  {"message": m3}                 out {"payload": p3, "handshake_hash": h, "remote_static": s}
  in  {"transport": c}  (repeatable)  out {"plaintext": p, "transport": c'}  (c' encrypts p reversed)
Errors go to stderr with a non-zero exit status.
"""
import json
import sys

from noise.connection import Keypair, NoiseConnection

RESPONDER_PAYLOAD = b"hello from noiseprotocol"


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    static, psk, prologue = (bytes.fromhex(arg) for arg in sys.argv[1:])
    noise = NoiseConnection.from_name(b"Noise_XXpsk0_25519_ChaChaPoly_SHA256")
    noise.set_as_responder()
    noise.set_keypair_from_private_bytes(Keypair.STATIC, static)
    noise.set_psks(psk=psk)
    noise.set_prologue(prologue)
    noise.start_handshake()

    def reply(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    step = 0
    for line in sys.stdin:
        request = json.loads(line)
        if step == 0:
            payload = noise.read_message(bytes.fromhex(request["message"]))
            reply({"payload": payload.hex(), "message": noise.write_message(RESPONDER_PAYLOAD).hex()})
        elif step == 1:
            # noiseprotocol drops its handshake state when the handshake ends; keep a reference.
            handshake = noise.noise_protocol.handshake_state
            payload = noise.read_message(bytes.fromhex(request["message"]))
            if not noise.handshake_finished:
                print("handshake not finished after message 3", file=sys.stderr)
                return 1
            remote = handshake.rs.public_bytes
            reply({"payload": payload.hex(), "handshake_hash": noise.get_handshake_hash().hex(),
                   "remote_static": remote.hex()})
        else:
            plaintext = noise.decrypt(bytes.fromhex(request["transport"]))
            reply({"plaintext": plaintext.hex(), "transport": noise.encrypt(plaintext[::-1]).hex()})
        step += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
