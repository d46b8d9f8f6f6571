#!/usr/bin/env python3
"""Write small PE seeds for fuzz/corpus/pe/ (each 4 KiB):

  pe64-imports    PE32+ x64: KERNEL32.dll (a name and an ordinal), a
                  delay-load of app.dll, .data holding Go build info
  pe32-imports    the same as PE32 x86
  pe64-longnames  "/4" and "/16" section names through the COFF string table,
                  a CLR header (a .NET assembly)
  pe64-rich       a Rich header in the MS-DOS stub, a DLL, GUI subsystem

  python3 fuzz/craft_pe.py fuzz/corpus/pe"""
import os
import struct
import sys

LFANEW, IDATA_RVA, IDATA_OFF, DATA_RVA, DATA_OFF, STRTAB = 0x80, 0x2000, 0x400, 0x3000, 0xc00, 0xe00


def build(plus, longnames=False, clr=False, rich=False, dll=False, gui=False):
    b = bytearray(0x1000)

    def put(off, fmt, *v):
        struct.pack_into("<" + fmt, b, off, *v)

    def ro(rva):
        return rva - IDATA_RVA + IDATA_OFF

    w = "Q" if plus else "I"
    tw = 8 if plus else 4
    optsz = (112 if plus else 96) + 16 * 8
    opt = LFANEW + 24
    dirs = opt + (112 if plus else 96)
    b[0:2] = b"MZ"
    put(0x3c, "I", LFANEW)
    b[LFANEW:LFANEW + 4] = b"PE\0\0"
    put(LFANEW + 4, "HHIIIHH", 0x8664 if plus else 0x14c, 2, 0x5f000000,
        (STRTAB - 18) if longnames else 0, 1 if longnames else 0, optsz, 0x2022 if dll else 0x22)
    put(opt, "H", 0x20b if plus else 0x10b)
    put(opt + 16, "I", 0x1000)
    if plus:
        put(opt + 24, "Q", 0x140000000)
    else:
        put(opt + 28, "I", 0x400000)
    put(opt + 32, "II", 0x1000, 0x200)
    put(opt + 40, "HHHHHH", 6, 1, 0, 0, 6, 2)
    put(opt + 60, "I", 0x400)
    put(opt + 68, "HH", 2 if gui else 3, 0x4160)
    put(opt + (108 if plus else 92), "I", 16)
    st = opt + optsz
    names = [b"/4", b"/16"] if longnames else [b".idata", b".data"]
    put(st, "8sIIIIIIHHI", names[0], 0x800, IDATA_RVA, 0x800, IDATA_OFF, 0, 0, 0, 0, 0x40000040)
    put(st + 40, "8sIIIIIIHHI", names[1], 0x400, DATA_RVA, 0x200, DATA_OFF, 0, 0, 0, 0, 0xc0600040)
    if longnames:
        put(STRTAB, "I", 4 + 12 + 8)
        b[STRTAB + 4:STRTAB + 16] = b".debug_info\0"
        b[STRTAB + 16:STRTAB + 24] = b".symtab\0"
    # imports
    put(dirs + 8, "II", IDATA_RVA, 40)
    put(ro(IDATA_RVA), "IIIII", 0x2100, 0, 0, 0x2200, 0x2180)
    put(ro(0x2100), w, 0x2300)
    put(ro(0x2100 + tw), w, (1 << (tw * 8 - 1)) | 7)
    b[ro(0x2200):ro(0x2200) + 13] = b"KERNEL32.dll\0"
    put(ro(0x2300), "H", 0x168)
    b[ro(0x2302):ro(0x2302) + 12] = b"ExitProcess\0"
    # delay-load imports
    put(dirs + 13 * 8, "II", 0x2400, 64)
    put(ro(0x2400), "IIIII", 1, 0x2500, 0, 0, 0x2600)
    b[ro(0x2500):ro(0x2500) + 8] = b"app.dll\0"
    put(ro(0x2600), w, 0x2700)
    b[ro(0x2702):ro(0x2702) + 4] = b"Run\0"
    if clr:
        put(dirs + 14 * 8, "II", DATA_RVA + 0x100, 72)
        put(DATA_OFF + 0x100, "IHH", 72, 2, 5)
        put(DATA_OFF + 0x110, "I", 1)
    else:
        # Go build info (1.18+ layout) at the start of .data
        b[DATA_OFF:DATA_OFF + 14] = b"\xff Go buildinf:"
        b[DATA_OFF + 14] = tw
        b[DATA_OFF + 15] = 2
        b[DATA_OFF + 32] = 8
        b[DATA_OFF + 33:DATA_OFF + 41] = b"go1.21.0"
        mod = b"0\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6path\texample.com/x\n" \
              b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
        b[DATA_OFF + 41] = len(mod)
        b[DATA_OFF + 42:DATA_OFF + 42 + len(mod)] = mod
    if rich:
        key = 0x1234abcd
        words = [0x536e6144, 0, 0, 0, (0x0104 << 16) | 30795, 3, (0x0102 << 16) | 30795, 1]
        for i, v in enumerate(words):
            put(0x40 + 4 * i, "I", v ^ key if i == 0 or i >= 4 else key)
        b[0x60:0x64] = b"Rich"
        put(0x64, "I", key)
    return bytes(b)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "pe")
    os.makedirs(out, exist_ok=True)
    seeds = {
        "pe64-imports": build(True),
        "pe32-imports": build(False),
        "pe64-longnames": build(True, longnames=True, clr=True),
        "pe64-rich": build(True, rich=True, dll=True, gui=True),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
