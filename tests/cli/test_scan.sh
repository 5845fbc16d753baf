# SPDX-License-Identifier: Apache-2.0
# wxforensic scan: inventory, three hashes, accounts, read-only evidence, refusal of an output
# inside the evidence, detection of a change between the two hashings, .ab and iTunes layouts.
. "$top_srcdir/tests/cli/lib.sh"

DEMO="$top_srcdir/fixtures/android/demo"
TRUTH="$top_srcdir/fixtures/android/demo.truth.json"

# --- the demo Android extraction ---
if [ -d "$DEMO" ]; then
	before=$(snapshot "$DEMO")
	"$WXF" scan --json "$DEMO" > "$TMPD/scan.json" 2> "$TMPD/scan.err"
	is "$?" 0 "scan of the demo extraction exits 0"
	after=$(snapshot "$DEMO")
	is "$after" "$before" "every evidence byte, size and mtime unchanged after scan"
	python3 - "$TMPD/scan.json" "$TRUTH" "$DEMO" > "$TMPD/py.out" <<'PY'
import hashlib, json, os, sys
inv = json.load(open(sys.argv[1])); truth = json.load(open(sys.argv[2])); root = sys.argv[3]
# bundle paths start with the evidence root's own name ("demo/..."), whatever its spelling
items = {i["path"].split("/", 1)[1] if "/" in i["path"] else "": i for i in inv["items"]}
def check(cond, name):
    print(("ok" if cond else "not ok") + " - " + name)
acct = [a for a in inv["accounts"] if a["platform"] == "android"]
check(len(acct) == 1 and acct[0]["id"] == truth["account_dir"], "one Android account, folder md5(mm+uin)")
check(acct and acct[0]["uin"] == str(truth["uin"]), "uin proven from shared_prefs")
db = items.get(truth["db_path"])
check(db is not None and db["kind"] == "sqlite-encrypted" and db["encrypted"], "EnMicroMsg.db listed as encrypted")
check(db is not None and "EnMicroMsg" in (db["role"] or ""), "EnMicroMsg.db has its WeChat role")
for suffix, kind in (("shared_prefs/system_config_prefs.xml", "shared-prefs"),
                     ("shared_prefs/auth_info_key_prefs.xml", "shared-prefs"),
                     ("MicroMsg/systemInfo.cfg", "java-serialized"),
                     ("MicroMsg/CompatibleInfo.cfg", "java-serialized")):
    hit = [v for k, v in items.items() if k.endswith(suffix)]
    check(len(hit) == 1 and hit[0]["kind"] == kind, suffix + " recognised as " + kind)
bad = 0
for rel, it in items.items():
    p = os.path.join(root, rel)
    if not os.path.isfile(p) or os.path.islink(p):
        continue
    data = open(p, "rb").read()
    h = it["before"]
    if (h["md5"], h["sha1"], h["sha256"]) != (hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest()):
        bad += 1
    if it["after"] != h or it["changed"]:
        bad += 1
nfiles = sum(len(f) for _, _, f in os.walk(root))
check(bad == 0 and len(items) == nfiles, "all %d files have MD5/SHA-1/SHA-256 equal to Python's hashlib, before and after" % nfiles)
PY
	while read -r line; do case "$line" in ok*) pass "${line#ok - }";; *) fail "${line#not ok - }";; esac; done < "$TMPD/py.out"
	"$WXF" scan "$DEMO" > "$TMPD/scan.txt" 2>&1
	ok 'grep -q "SHA-256:" "$TMPD/scan.txt" && grep -q "ENCRYPTED" "$TMPD/scan.txt"' "human-readable table shows hashes and encryption"
else
	fail "fixture $DEMO missing"
fi

# --- refusal of an output directory inside the evidence ---
mkdir -p "$TMPD/ev/MicroMsg" && printf 'hello' > "$TMPD/ev/MicroMsg/a.txt"
"$WXF" scan -q -o "$TMPD/ev/out" "$TMPD/ev" > /dev/null 2> "$TMPD/err"
is "$?" 2 "-o inside the evidence is refused with exit 2"
ok '[ ! -e "$TMPD/ev/out" ]' "nothing was created inside the evidence"
ok 'grep -q "refusing to write into the evidence" "$TMPD/err"' "refusal is explained"
ln -s "$TMPD/ev" "$TMPD/evlink"
"$WXF" scan -q -o "$TMPD/evlink/out2" "$TMPD/ev" > /dev/null 2>&1
is "$?" 2 "-o reaching the evidence through a symlink is refused"

# --- audit log and inventory with -o ---
"$WXF" scan -q -o "$TMPD/out" "$TMPD/ev" > "$TMPD/o.txt" 2>&1
is "$?" 0 "scan -o outside the evidence works"
ok '[ -s "$TMPD/out/inventory.json" ] && [ -s "$TMPD/out/audit.jsonl" ]' "inventory.json and audit.jsonl written"
python3 - "$TMPD/out/audit.jsonl" <<'PY' && pass "audit log is hash-chained JSON Lines" || fail "audit log is hash-chained JSON Lines"
import hashlib, json, sys
prev = "0" * 64
for line in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    o = json.loads(line)
    assert o["prev"] == prev, "chain"
    assert {"time", "action", "tool", "seq"} <= set(o)
    prev = hashlib.sha256(line).hexdigest()
PY

# --- a file modified between the first and the final hashing ---
( sleep 1; printf 'tampered' >> "$TMPD/ev/MicroMsg/a.txt" ) &
WXF_DEBUG_SLEEP_BEFORE_REHASH=2500 "$WXF" scan -q "$TMPD/ev" > "$TMPD/t.txt" 2> "$TMPD/t.err"
rc=$?
wait
is "$rc" 1 "evidence changed during the run gives exit 1"
ok 'grep -q "EVIDENCE CHANGED" "$TMPD/t.err" && grep -q "INTEGRITY FAILURE" "$TMPD/t.err"' "the change is reported loudly, naming the file"
ok 'grep -q "CHANGED" "$TMPD/t.txt"' "the table marks the file as changed"

# --- Android adb backup (.ab) made with Python's zlib + tarfile ---
python3 - "$TMPD" <<'PY'
import io, sys, tarfile, zlib, hashlib
d = sys.argv[1]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    def add(name, data):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000
        t.addfile(ti, io.BytesIO(data))
    acct = hashlib.md5(b"mm1737182234").hexdigest()
    add("apps/com.tencent.mm/sp/system_config_prefs.xml",
        b"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n<int name=\"default_uin\" value=\"1737182234\" />\n</map>\n")
    add("apps/com.tencent.mm/r/MicroMsg/%s/EnMicroMsg.db" % acct, bytes((i * 7919 + 13) % 251 for i in range(4096)) )
    add("apps/com.tencent.mm/r/MicroMsg/" + "x" * 150 + "/long.txt", b"long name via pax")
    add("../../escape.txt", b"evil")
    ti = tarfile.TarInfo("apps/com.tencent.mm/r/link"); ti.type = tarfile.SYMTYPE; ti.linkname = "/etc/passwd"; t.addfile(ti)
raw = buf.getvalue()
open(d + "/plain.ab", "wb").write(b"ANDROID BACKUP\n5\n1\nnone\n" + zlib.compress(raw))
open(d + "/raw.ab", "wb").write(b"ANDROID BACKUP\n1\n0\nnone\n" + raw)
open(d + "/enc.ab", "wb").write(b"ANDROID BACKUP\n5\n1\nAES-256\n" + b"AB" * 32 + b"\n" + b"CD" * 32 + b"\n10000\n" + b"EF" * 16 + b"\n" + b"00" * 96 + b"\n" + b"\x17" * 512)
open(d + "/trunc.ab", "wb").write(b"ANDROID BACKUP\n5\n1\nnone\n" + zlib.compress(raw)[:700])
open(d + "/member.sha256", "w").write(hashlib.sha256(bytes((i * 7919 + 13) % 251 for i in range(4096))).hexdigest())
PY
"$WXF" scan --json --no-magic "$TMPD/plain.ab" > "$TMPD/ab.json" 2>/dev/null
is "$?" 0 "compressed .ab is scanned"
python3 - "$TMPD/ab.json" "$(cat "$TMPD/member.sha256")" <<'PY' && pass ".ab members listed and hashed while streaming; account proven; unsafe names refused; links recorded" || fail ".ab members listed and hashed while streaming"
import json, sys
inv = json.load(open(sys.argv[1]))
m = {i["member"]: i for i in inv["items"] if i["member"]}
db = [v for k, v in m.items() if k.endswith("EnMicroMsg.db")][0]
assert db["before"]["sha256"] == sys.argv[2]
assert db["kind"] == "sqlite-encrypted", db["kind"]
assert any(k.endswith("/long.txt") and len(k) > 150 for k in m)
assert not any(".." in k for k in m)
assert any("refused" in (i["note"] or "") for i in inv["items"])
assert any(i["kind"] == "symlink" for i in inv["items"])
assert inv["accounts"][0]["uin"] == "1737182234"
PY
"$WXF" scan --json --no-magic "$TMPD/raw.ab" > "$TMPD/raw.json" 2>/dev/null
ok 'grep -q "EnMicroMsg.db" "$TMPD/raw.json"' "uncompressed .ab (version 1) is scanned"
"$WXF" scan --no-magic "$TMPD/enc.ab" > "$TMPD/enc.txt" 2>&1
ok 'grep -q "password-encrypted" "$TMPD/enc.txt"' "encrypted .ab is named as such with a clear message"
"$WXF" scan --no-magic "$TMPD/trunc.ab" > "$TMPD/trunc.txt" 2>&1
rc=$?
ok '[ $rc -eq 0 ] && grep -q "truncated" "$TMPD/trunc.txt"' "truncated .ab: warning, partial inventory, no crash"

# --- decompression bomb: 1 GiB of zeros in one tar member, about 1 MiB compressed ---
python3 - "$TMPD" <<'PY'
import sys, zlib
d = sys.argv[1]
hdr = bytearray(512); hdr[0:9] = b"bomb.bin\0"; hdr[100:108] = b"0000644\0"
hdr[124:136] = b"%011o\0" % (1 << 30); hdr[136:148] = b"00000000000\0"; hdr[156:157] = b"0"; hdr[257:263] = b"ustar\0"; hdr[263:265] = b"00"
hdr[148:156] = b" " * 8; hdr[148:156] = b"%06o\0 " % sum(hdr)
c = zlib.compressobj(9)
with open(d + "/bomb.ab", "wb") as f:
    f.write(b"ANDROID BACKUP\n5\n1\nnone\n" + c.compress(bytes(hdr)))
    z = bytes(1 << 20)
    for _ in range(1024):
        f.write(c.compress(z))
    f.write(c.flush())
PY
"$WXF" scan --no-magic "$TMPD/bomb.ab" > "$TMPD/bomb.txt" 2>&1
rc=$?
ok '[ $rc -eq 0 ] && grep -q "decompression bomb" "$TMPD/bomb.txt"' "zlib bomb in a .ab refused with a clear warning, no crash"
rm -f "$TMPD/bomb.ab"

# --- password-encrypted .ab (AOSP scheme) and MIUI .bak, made with Python + cryptography ---
python3 - "$TMPD" <<'PY'
import hashlib, io, os, sys, tarfile, zlib
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives import padding
d = sys.argv[1]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    data = "微信 secret member".encode()
    ti = tarfile.TarInfo("apps/com.tencent.mm/r/MicroMsg/secret.txt"); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
payload = zlib.compress(buf.getvalue())
def enc(key, iv, data):
    p = padding.PKCS7(128).padder(); data = p.update(data) + p.finalize()
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor(); return e.update(data) + e.finalize()
def java_utf8(b):   # signed Java chars, UTF-8 encoded (AOSP makeKeyChecksum, version >= 2)
    out = bytearray()
    for x in b:
        out += bytes([x]) if x < 0x80 else chr(0xFF00 | x).encode("utf-8")
    return bytes(out)
rng = hashlib.sha256(b"wxforensic .ab fixture").digest() * 8
user_salt, ck_salt, user_iv, mk, mk_iv = rng[0:64], rng[64:128], rng[128:144], rng[144:176], rng[176:192]
rounds = 10000
ukey = hashlib.pbkdf2_hmac("sha1", b"s3cret-pass", user_salt, rounds, 32)
ck = hashlib.pbkdf2_hmac("sha1", java_utf8(mk), ck_salt, rounds, 32)
blob = bytes([16]) + mk_iv + bytes([32]) + mk + bytes([32]) + ck
hdr = b"ANDROID BACKUP\n5\n1\nAES-256\n" + b"\n".join(x.hex().upper().encode() for x in (user_salt, ck_salt)) + \
      b"\n%d\n" % rounds + user_iv.hex().upper().encode() + b"\n" + enc(ukey, user_iv, blob).hex().upper().encode() + b"\n"
open(d + "/enc5.ab", "wb").write(hdr + enc(mk, mk_iv, payload))
label = "com.tencent.mm 微信".encode()
open(d + "/wechat.bak", "wb").write(b"MIUI BACKUP\n2\n" + label + b"\n-1\n0\nANDROID BACKUP\n5\n0\nnone\n" + buf.getvalue())
open(d + "/member2.sha256", "w").write(hashlib.sha256("微信 secret member".encode()).hexdigest())
PY
"$WXF" scan --json --no-magic --backup-password s3cret-pass "$TMPD/enc5.ab" > "$TMPD/enc5.json" 2>/dev/null
is "$?" 0 "encrypted .ab opens with the right password"
ok 'grep -q "$(cat "$TMPD/member2.sha256")" "$TMPD/enc5.json"' "member of the encrypted .ab hashed through AES-256-CBC + zlib + tar"
"$WXF" scan --no-magic --backup-password wrong "$TMPD/enc5.ab" > "$TMPD/enc5w.txt" 2>&1
ok 'grep -q "wrong backup password" "$TMPD/enc5w.txt"' "wrong password: clear message (checksum mismatch)"
"$WXF" scan --json --no-magic "$TMPD/wechat.bak" > "$TMPD/miui.json" 2>/dev/null
ok 'grep -q "$(cat "$TMPD/member2.sha256")" "$TMPD/miui.json"' "MIUI .bak: header read line by line, embedded .ab streamed"

# --- iTunes/Finder backup: Manifest.db maps fileIDs to WeChat paths ---
python3 - "$TMPD/itunes" <<'PY'
import hashlib, os, sqlite3, sys
d = sys.argv[1]; os.makedirs(d)
db = sqlite3.connect(os.path.join(d, "Manifest.db"))
db.execute("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)")
dom = "AppDomain-com.tencent.xin"
for rel in ("Documents/57afd0237934cda01feecbee3168a6b2/DB/MM.sqlite", "Documents/LoginInfo2.dat"):
    fid = hashlib.sha1((dom + "-" + rel).encode()).hexdigest()
    db.execute("INSERT INTO Files VALUES (?,?,?,1,NULL)", (fid, dom, rel))
    os.makedirs(os.path.join(d, fid[:2]), exist_ok=True)
    sq = sqlite3.connect(os.path.join(d, fid[:2], fid)); sq.execute("CREATE TABLE t(x)"); sq.commit(); sq.close()
db.commit(); db.close()
PY
before=$(snapshot "$TMPD/itunes")
"$WXF" scan --json --no-magic "$TMPD/itunes" > "$TMPD/it.json" 2>/dev/null
is "$?" 0 "iTunes backup folder is scanned"
ok 'grep -q "iOS message database (MM.sqlite)" "$TMPD/it.json" && grep -q "57afd0237934cda01feecbee3168a6b2" "$TMPD/it.json"' "backup blobs mapped to WeChat roles and the iOS account md5(wxid)"
is "$(snapshot "$TMPD/itunes")" "$before" "Manifest.db opened immutable: no -wal/-shm written into the backup"

# --- usage errors and unreadable evidence ---
"$WXF" scan > /dev/null 2>&1
is "$?" 2 "scan without evidence is a usage error (2)"
"$WXF" scan "$TMPD/does-not-exist" > /dev/null 2>&1
is "$?" 3 "missing evidence gives exit 3"
"$WXF" scan --bogus x > /dev/null 2>&1
is "$?" 2 "unknown option gives exit 2"
done_testing
