"""Writes storage.json from Specs/depin/storage.md §3, §5 and §6.1 alone: an independent model in
Python (hashlib), so the Swift tests that read the file check the node against a second implementation.
Run: python3 Specs/vectors/storage.py"""
import hashlib, json
H=lambda b: hashlib.sha256(b).digest()
def varint(n):
    out=bytearray()
    while True:
        b=n&0x7f; n>>=7
        if n: out.append(b|0x80)
        else: out.append(b); return bytes(out)
def enc_bytes(b): return varint(len(b))+b
def data(size, mul=7, add=3): return bytes(((i*mul+add)&0xff) for i in range(size))
def chunks(d, cs):
    out=[]
    for s in range(0,len(d),cs):
        p=d[s:s+cs]; out.append(p+bytes(cs-len(p)))
    return out
def mth(leaves):
    if len(leaves)==1: return leaves[0]
    k=1
    while k*2<len(leaves): k*=2
    return H(b'\x01'+mth(leaves[:k])+mth(leaves[k:]))
def path(leaves, m):
    n=len(leaves)
    if n==1: return []
    k=1
    while k*2<n: k*=2
    if m<k: return path(leaves[:k],m)+[mth(leaves[k:])]
    return path(leaves[k:],m-k)+[mth(leaves[:k])]
trees=[]
for size,cs in [(1,32),(32,32),(33,32),(100,32),(1000,64),(4101,64),(3000,1024)]:
    d=data(size); ch=chunks(d,cs); leaves=[H(b'\x00'+c) for c in ch]; n=len(leaves)
    trees.append({"size":size,"chunk_size":cs,"data_multiplier":7,"data_addend":3,"chunk_count":n,
        "root":"0x"+mth(leaves).hex(),
        "paths":[{"index":i,"leaf":"0x"+leaves[i].hex(),"path":["0x"+h.hex() for h in path(leaves,i)]} for i in sorted(set([0,n//2,n-1]))]})
chal=[]
for k,(deal,period,n,c) in enumerate([(1,0,16,3),(7,5,1048576,5),(42,1000,3,8),(18446744073709551615,2,1000003,5)]):
    seed=H(("storage vector seed %d"%k).encode())
    idx=[int.from_bytes(H(b"cairn/storage/challenge/v1"+seed+deal.to_bytes(8,'big')+period.to_bytes(8,'big')+j.to_bytes(8,'big'))[:8],'big')%n for j in range(c)]
    chal.append({"seed":"0x"+seed.hex(),"deal":str(deal),"period":period,"chunk_count":n,"challenges":c,"indices":idx})
# proof digest
d=data(1000); ch=chunks(d,64); leaves=[H(b'\x00'+c) for c in ch]
answers=[(ch[i], path(leaves,i)) for i in [3,15,0]]
enc_answers=varint(len(answers))+b''.join(enc_bytes(c)+varint(len(p))+b''.join(p) for c,p in answers)
chain="cairn-vectors"; deal=3; period=2
pre=enc_bytes(b"cairn/storage/proof/v1")+enc_bytes(chain.encode())+varint(deal)+varint(period)+enc_answers
proof={"chain_id":chain,"deal":deal,"period":period,"chunk_size":64,"size":1000,"indices":[3,15,0],
       "answers_encoding":"0x"+enc_answers.hex(),"digest":"0x"+H(pre).hex()}
json.dump({"trees":trees,"challenges":chal,"proof_digest":proof},open(__import__('os').path.join(__import__('os').path.dirname(__file__) or '.', 'storage.json'),'w'),indent=2, sort_keys=True)
print(len(trees), chal[0]["indices"], proof["digest"])
