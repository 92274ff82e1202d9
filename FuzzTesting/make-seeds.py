#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets from Specs/vectors/*.json into corpus/<Target>/.
Each seed is the target's selector byte followed by a valid input, so fuzzing starts from
inputs that get past the first checks."""
import hashlib, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
vectors = os.path.join(here, "..", "Specs", "vectors")
out = os.path.join(here, "corpus")

def load(name):
    with open(os.path.join(vectors, name)) as f:
        return json.load(f)

def unhex(s):
    return bytes.fromhex(s[2:] if s.startswith("0x") else s)

def seed(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

# Selectors follow CanonicalChecks.typeNames.
TX, BLOCK, HEADER, COMMIT, ACCOUNT, UNSIGNED, COMMITSIG = 0, 1, 2, 3, 4, 5, 6
txs = load("transactions.json")["vectors"]
for v in txs:
    seed("FuzzCanonical", bytes([TX]) + unhex(v["encoding"]))
    seed("FuzzCanonical", bytes([UNSIGNED]) + unhex(v["unsigned_encoding"]))
    seed("FuzzCrypto", bytes([0]) + unhex(v["signature"]) + unhex(v["signing_hash"]))
    seed("FuzzCrypto", bytes([1]) + v["sender"].encode())
    seed("FuzzCrypto", bytes([2]) + v["id"].encode())
    seed("FuzzCrypto", bytes([3]) + v["signature"].encode())
for text in ["1500", "0", "1.5cairn", " 2 CAIRN ", "0.000000000000000001cairn"]:
    seed("FuzzCrypto", bytes([4]) + text.encode())
blocks = load("blocks.json")
for v in blocks["blocks"]:
    seed("FuzzCanonical", bytes([BLOCK]) + unhex(v["encoding"]))
for v in blocks["headers"]:
    seed("FuzzCanonical", bytes([HEADER]) + unhex(v["encoding"]))
for v in blocks["commits"]:
    seed("FuzzCanonical", bytes([COMMIT]) + unhex(v["encoding"]))
for v in load("state.json")["account_values"]:
    seed("FuzzCanonical", bytes([ACCOUNT]) + unhex(v["encoding"]))
for v in load("genesis.json")["vectors"]:
    text = v["json"] if isinstance(v["json"], str) else json.dumps(v["json"])
    seed("FuzzGenesis", text.encode())
# Merkle: an empty proof, an absence proof, an inclusion proof with a few siblings (self-rooted).
z = bytes(32)
key = hashlib.sha256(b"key").digest()
seed("FuzzMerkle", bytes([4]) + key)
seed("FuzzMerkle", bytes([4 | 2 | 8]) + key + z + hashlib.sha256(b"other").digest() + z + z + hashlib.sha256(b"s").digest() * 3)
seed("FuzzMerkle", bytes([1 | 2 | 4 | 16]) + key + hashlib.sha256(b"v").digest() + z + z + z + hashlib.sha256(b"s").digest() * 5)
seed("FuzzMerkle", bytes([0]) + key * 8)
# Deep proofs (flag bit 5): depth 256 (the deepest valid) and 257, absence and inclusion.
s = hashlib.sha256(b"s").digest()
for flags in [4 | 32 | (2 << 6), 4 | 32 | (3 << 6), 1 | 2 | 4 | 16 | 32 | (2 << 6), 4 | 2 | 8 | 32 | (3 << 6)]:
    seed("FuzzMerkle", bytes([flags]) + key + hashlib.sha256(b"v").digest() + hashlib.sha256(b"o").digest() + z + z + s)
# JSON-RPC bodies, as a client sends them.
for body in [
    '{"jsonrpc":"2.0","method":"chain_height","params":[],"id":1}',
    '[{"jsonrpc":"2.0","method":"a","id":"x"},{"jsonrpc":"2.0","method":"b"}]',
    '{"jsonrpc":"2.0","method":"rpc_discover","id":null}',
    '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\ud83d\\ude00\\n"],"b":{"c":{}}}',
    '-0.0', '123456789012345678901234567890', '"\\/"',
]:
    seed("FuzzJSON", body.encode())
print("seeds written to", out)
