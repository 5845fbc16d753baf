#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes evidence files nested 100 000 levels deep (or otherwise built to exhaust a recursive
parser), for the hostile-nesting tests.  Python standard library only.

  make_deep.py javaser-map OUT      HashMap {258: device id, 1: Object[] nested 100 000 deep};
                                    prints the byte offset where a 32-level reader must stop
  make_deep.py javaser-resets OUT   16 384 TC_RESET codes, then null
  make_deep.py appmsg-sql OUT       SQL that adds a 100 000-level app message to a message table
"""
import struct
import sys

DEEP = 100000


def jutf(s):
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def integer(v, first):
    if first:
        return (b"\x73\x72" + jutf("java.lang.Integer") + struct.pack(">Q", 0x12E2A0A4F7818738)
                + b"\x02" + struct.pack(">H", 1) + b"I" + jutf("value") + b"\x78"
                + b"\x72" + jutf("java.lang.Number") + struct.pack(">Q", 0x86AC951D0B94E08B)
                + b"\x02" + struct.pack(">H", 0) + b"\x78\x70" + struct.pack(">i", v))
    return b"\x73\x71" + struct.pack(">I", 0x7E0002) + struct.pack(">i", v)


def javaser_map():
    out = bytearray(b"\xac\xed\x00\x05")
    out += (b"\x73\x72" + jutf("java.util.HashMap") + struct.pack(">Q", 0x0507DAC1C31660D1)
            + b"\x03" + struct.pack(">H", 2) + b"F" + jutf("loadFactor") + b"I"
            + jutf("threshold") + b"\x78\x70")
    out += struct.pack(">fi", 0.75, 12) + b"\x77\x08" + struct.pack(">ii", 16, 2)
    # handles: 0 HashMap class, 1 map, 2 Integer class, 3 Number class, 4 key, 5 value,
    # 6 key 1, 7 Object[] class, 8.. arrays
    out += integer(258, True) + b"\x74" + jutf("867530912345678")
    out += integer(1, False)
    out += (b"\x75\x72" + jutf("[Ljava.lang.Object;") + struct.pack(">Q", 0x90CE589F1073296C)
            + b"\x02" + struct.pack(">H", 0) + b"\x78\x70" + struct.pack(">i", 1))
    stop = None
    for i in range(1, DEEP):
        if i == 31:
            stop = len(out) + 1   # the class reference of the array at depth 32
        out += b"\x75\x71" + struct.pack(">I", 0x7E0007) + struct.pack(">i", 1)
    out += b"\x70" + b"\x78" * DEEP
    return bytes(out), stop


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "javaser-map":
        data, stop = javaser_map()
        open(path, "wb").write(data)
        print(stop)
    elif kind == "javaser-resets":
        open(path, "wb").write(b"\xac\xed\x00\x05" + b"\x79" * 16384 + b"\x70")
    else:
        sys.exit("unknown kind " + kind)


if __name__ == "__main__":
    main()
