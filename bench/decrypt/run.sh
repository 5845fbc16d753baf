#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Decryption throughput benchmark (make bench-decrypt; not part of make check).
#   1. a >= 1 GB win3 database (bench/decrypt/gen_win3_big.py, independent of our code)
#   2. wxforensic decrypt (decrypt + HMAC verify, both cores, no hashing) -> MB/s
#   3. openssl speed -evp aes-256-cbc and sha1 at 4 KiB blocks, -multi NCPU -> the libcrypto
#      ceiling for AES-CBC + HMAC-SHA1 on this machine; ratio = ours / ceiling (goal >= 0.6)
#   4. sqlcipher_export of the same file with the sqlcipher CLI -> ratio (goal >= 3x faster)
# usage: run.sh WXFORENSIC WORKDIR [MEGABYTES]
set -eu
wxf=$1; work=$2; mb=${3:-1100}
here=$(cd "$(dirname "$0")" && pwd)
ncpu=$(nproc)
mkdir -p "$work"
db="$work/bench-win3.db"
if [ ! -f "$db.key" ] || [ ! -f "$db" ]; then
	echo "generating a ${mb} MB win3 database..."
	python3 "$here/gen_win3_big.py" "$db" "$mb" > "$db.key"
fi
key=$(cat "$db.key")
size=$(stat -c %s "$db")
cat "$db" > /dev/null
rm -f "$work/out.db"
t0=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o "$work/cpu.txt" "$wxf" decrypt "$db" -o "$work/out.db" --key "$key" --profile win3 --no-crosscheck --no-hash --jobs "$ncpu" -q > "$work/decrypt.txt"
t1=$(date +%s.%N)
ours=$(echo "$size $t0 $t1" | awk '{ printf "%.1f", $1 / ($3 - $2) / 1e6 }')
cpu=$(awk '{ print $1 + $2 }' "$work/cpu.txt")
grep pages: "$work/decrypt.txt"
speed() { openssl speed -seconds 3 -bytes 4096 $2 -evp "$1" 2>/dev/null | awk 'toupper($1) == toupper("'"$1"'") { v=$NF } END { sub("k","",v); print v * 1000 }'; }
aes=$(speed aes-256-cbc -decrypt)
sha=$(speed sha1 "")
one=$(echo "$aes $sha" | awk '{ printf "%.1f", 1 / (1 / $1 + 1 / $2) / 1e6 }')
ceil=$(echo "$one $ncpu" | awk '{ printf "%.1f", $1 * $2 }')
echo "file:                 $size bytes"
echo "wxforensic decrypt:   $ours MB/s (decrypt + HMAC-SHA1 verify + write, $ncpu threads)"
echo "openssl, one core:    aes-256-cbc decrypt $(echo $aes | awk '{ printf "%.1f", $1 / 1e6 }') MB/s, sha1 $(echo $sha | awk '{ printf "%.1f", $1 / 1e6 }') MB/s (4 KiB blocks)"
echo "libcrypto ceiling:    $one MB/s per core for AES-CBC + HMAC-SHA1 together, $ceil MB/s on $ncpu cores"
echo "ratio to ceiling:     $(echo "$ours $ceil" | awk '{ printf "%.2f", $1 / $2 }') wall-clock (goal >= 0.6)"
echo "CPU efficiency:       $(echo "$size $cpu $one" | awk '{ printf "%.1f MB per CPU-second, %.2f of the one-core ceiling", $1 / $2 / 1e6, $1 / $2 / 1e6 / $3 }') (user+sys; robust to other load)"
echo "machine load:         $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average, $ncpu CPUs)"
if command -v sqlcipher > /dev/null 2>&1; then
	rm -f "$work/export.db"
	t0=$(date +%s.%N)
	printf "PRAGMA key=\"x'%s'\";\n" "$(python3 -c "import hashlib;d=open('$db','rb').read(16);print(hashlib.pbkdf2_hmac('sha1',bytes.fromhex('$key'),d,64000,32).hex()+d.hex())")" > "$work/export.sql"
	printf "PRAGMA cipher_page_size=4096;\nATTACH DATABASE '%s' AS p KEY '';\nSELECT sqlcipher_export('p');\nDETACH DATABASE p;\n" "$work/export.db" >> "$work/export.sql"
	sqlcipher "$db" < "$work/export.sql" > /dev/null
	t1=$(date +%s.%N)
	exp=$(echo "$size $t0 $t1" | awk '{ printf "%.1f", $1 / ($3 - $2) / 1e6 }')
	echo "sqlcipher_export:     $exp MB/s (logical copy, one thread)"
	echo "speed-up vs export:   $(echo "$ours $exp" | awk '{ printf "%.1f", $1 / $2 }')x (goal >= 3x)"
fi
