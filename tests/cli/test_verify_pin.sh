# SPDX-License-Identifier: Apache-2.0
# A re-forged bundle: report.html edited, manifest.sha256 recomputed, the audit log's manifest
# record patched.  Plain `verify` cannot tell (the documented limit); `verify --expect` with the
# hash `case` printed refuses it; a bundle signed with `case --sign KEY` (Ed25519) refuses a
# forgery that keeps the signature, and `verify --signer` one re-signed with another key.  The
# signature also checks with the openssl command line alone.
. "$top_srcdir/tests/cli/lib.sh"

DEMO="$top_srcdir/fixtures/android/demo"
has() { grep -q -- "$1" "$2"; }
python3 -c 'import cryptography' 2> /dev/null || { skip "python3 cryptography missing"; done_testing; }
python3 - "$TMPD" <<'PY'
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
d = sys.argv[1]
for name in ("examiner", "forger"):
    k = ed25519.Ed25519PrivateKey.generate()
    open("%s/%s.pem" % (d, name), "wb").write(k.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    der = k.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    import hashlib
    open("%s/%s.fpr" % (d, name), "w").write(hashlib.sha256(der).hexdigest())
r = rsa.generate_private_key(public_exponent=65537, key_size=2048)
open(d + "/rsa.pem", "wb").write(r.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
PY
# Re-forges a bundle in place: an edited report, a recomputed manifest, the audit log's last
# (manifest) record patched; with a key, also a new signature and public key.
forge() { python3 - "$@" <<'PY'
import hashlib, json, os, sys
b = sys.argv[1]
key = sys.argv[2] if len(sys.argv) > 2 else None
rep = os.path.join(b, "report.html")
s = open(rep, encoding="utf-8").read().replace("</h1>", " (edited by a forger)</h1>", 1)
open(rep, "w", encoding="utf-8").write(s)
if key:
    from cryptography.hazmat.primitives import serialization
    k = serialization.load_pem_private_key(open(key, "rb").read(), None)
    open(os.path.join(b, "signing-key.pub.pem"), "wb").write(k.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
lines = []
for l in open(os.path.join(b, "manifest.sha256")).read().splitlines():
    h, p = l.split("  ", 1)
    lines.append("%s  %s" % (hashlib.sha256(open(os.path.join(b, p), "rb").read()).hexdigest(), p))
m = ("\n".join(lines) + "\n").encode()
open(os.path.join(b, "manifest.sha256"), "wb").write(m)
if key:
    open(os.path.join(b, "manifest.sha256.sig"), "wb").write(k.sign(m))
log = open(os.path.join(b, "audit.jsonl"), encoding="utf-8").read().splitlines()
rec = json.loads(log[-1])
rec["manifest_sha256"] = hashlib.sha256(m).hexdigest()
if key:
    rec["signer_sha256"] = hashlib.sha256(k.public_key().public_bytes(serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo)).hexdigest()
# the chain member stays last, as the tool writes it; the line before is untouched
rec["prev"] = rec.pop("prev")
log[-1] = json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
open(os.path.join(b, "audit.jsonl"), "w", encoding="utf-8").write("\n".join(log) + "\n")
PY
}

# ---------------------------------------------------------------- unsigned: --expect
(cd "$TMPD" && SOURCE_DATE_EPOCH=1780000000 "$WXF" case -q -o plain "$DEMO" > plain.stdout 2> /dev/null)
is "$?" 0 "case exits 0"
H=$(sed -n 's/^manifest.sha256 SHA-256: //p' "$TMPD/plain.stdout")
ok '[ ${#H} -eq 64 ]' "case printed the manifest hash"
"$WXF" verify --expect "$H" "$TMPD/plain" > "$TMPD/v0" 2>&1
is "$?" 0 "verify --expect with the printed hash: exit 0"
ok 'has "the SHA-256 expected (--expect)" "$TMPD/v0" && has "signature: none" "$TMPD/v0"' "...and says so; unsigned"
cp -r "$TMPD/plain" "$TMPD/forged"
forge "$TMPD/forged"
"$WXF" verify "$TMPD/forged" > "$TMPD/v1" 2>&1
is "$?" 0 "a re-forged bundle passes plain verify (what verify cannot prove, documented)"
"$WXF" verify --expect "$H" "$TMPD/forged" > "$TMPD/v2" 2>&1
is "$?" 1 "verify --expect refuses the re-forged bundle"
ok 'has "CHANGED  manifest.sha256: SHA-256 .*, expected $H: not the bundle recorded" "$TMPD/v2"' \
	"...naming the hash found and the one expected"
"$WXF" verify --expect "$(echo "$H" | tr a-f A-F)" "$TMPD/plain" > /dev/null 2>&1
is "$?" 0 "--expect takes upper-case hex too"
"$WXF" verify --expect 1234 "$TMPD/plain" > /dev/null 2> "$TMPD/v3"
is "$?" 2 "--expect with a malformed hash: usage error"
ok 'has "wants a SHA-256 (64 hex digits)" "$TMPD/v3"' "...with a message"

# ---------------------------------------------------------------- signed
(cd "$TMPD" && "$WXF" case -q --sign examiner.pem -o signed "$DEMO" > signed.stdout 2> /dev/null)
is "$?" 0 "case --sign exits 0"
FPR=$(cat "$TMPD/examiner.fpr")
ok 'has "signing key SHA-256: $FPR" "$TMPD/signed.stdout"' "case prints the signing key's fingerprint"
ok '[ "$(stat -c %s "$TMPD/signed/manifest.sha256.sig")" = 64 ] && grep -q "signing-key.pub.pem" "$TMPD/signed/manifest.sha256" &&
	! grep -q "manifest.sha256.sig" "$TMPD/signed/manifest.sha256"' \
	"the public key is listed in the manifest, the 64-byte signature is not"
ok 'has "$FPR" "$TMPD/signed/report.html"' "the report states the key's fingerprint"
ok 'tail -1 "$TMPD/signed/audit.jsonl" | grep -q "\"signer_sha256\":\"$FPR\""' "the audit log's last record names the key"
"$WXF" verify --signer "$FPR" "$TMPD/signed" > "$TMPD/s0" 2>&1
is "$?" 0 "verify --signer of the signed bundle: exit 0"
ok 'has "signature: manifest.sha256.sig verifies (Ed25519); signing key SHA-256 $FPR" "$TMPD/s0"' "...and says so"
if command -v openssl > /dev/null 2>&1; then
	ok '(cd "$TMPD/signed" && openssl pkeyutl -verify -pubin -inkey signing-key.pub.pem -rawin -in manifest.sha256 -sigfile manifest.sha256.sig > /dev/null 2>&1)' \
		"the signature checks with the openssl command line"
	ok '[ "$(openssl pkey -pubin -in "$TMPD/signed/signing-key.pub.pem" -outform DER | sha256sum | cut -c1-64)" = "$FPR" ]' \
		"the fingerprint is openssl's DER public key SHA-256"
else
	skip "openssl command line not installed"
fi
cp -r "$TMPD/signed" "$TMPD/sforged"
forge "$TMPD/sforged"
"$WXF" verify "$TMPD/sforged" > "$TMPD/s1" 2>&1
is "$?" 1 "a re-forged signed bundle (old signature kept) does not verify"
ok 'has "CHANGED  signature: manifest.sha256.sig does not verify" "$TMPD/s1"' "...the signature is named"
cp -r "$TMPD/signed" "$TMPD/resigned"
forge "$TMPD/resigned" "$TMPD/forger.pem"
"$WXF" verify "$TMPD/resigned" > "$TMPD/s2" 2>&1
is "$?" 0 "re-signed with the forger's key: plain verify cannot tell (documented)"
"$WXF" verify --signer "$FPR" "$TMPD/resigned" > "$TMPD/s3" 2>&1
is "$?" 1 "verify --signer with the examiner's fingerprint refuses it"
ok 'has "CHANGED  signing key: $(cat "$TMPD/forger.fpr"), expected $FPR" "$TMPD/s3"' "...naming both keys"
cp -r "$TMPD/signed" "$TMPD/nosig"
rm "$TMPD/nosig/manifest.sha256.sig"
"$WXF" verify "$TMPD/nosig" > "$TMPD/s4" 2>&1
is "$?" 1 "a signed bundle whose signature was removed does not verify"
ok 'has "carries a signing key but manifest.sha256.sig is missing" "$TMPD/s4"' "...and says so"

# ---------------------------------------------------------------- keys that cannot sign
for k in rsa.pem missing.pem; do
	(cd "$TMPD" && "$WXF" case -q --sign "$k" -o "bad-$k" "$DEMO" > /dev/null 2> "bad-$k.err")
	is "$?" 2 "case --sign $k: usage error before any work"
	ok 'has "not an unencrypted Ed25519 private key\|cannot read the key file" "$TMPD/bad-$k.err" && [ ! -e "$TMPD/bad-$k" ]' \
		"case --sign $k: says why, writes nothing"
done
done_testing
