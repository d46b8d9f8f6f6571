/* Mach-O constants from <mach-o/loader.h>, <mach-o/fat.h>, <mach/machine.h>
 * and <kern/cs_blobs.h> (private to lib/macho). */
#ifndef SR_MACHO_CONSTS_H
#define SR_MACHO_CONSTS_H

#define MH_MAGIC    0xfeedfaceu
#define MH_MAGIC_64 0xfeedfacfu
#define MH_CIGAM    0xcefaedfeu
#define MH_CIGAM_64 0xcffaedfeu
#define FAT_MAGIC    0xcafebabeu
#define FAT_MAGIC_64 0xcafebabfu

#define CPU_SUBTYPE_MASK 0xff000000u

#define LC_REQ_DYLD 0x80000000u
#define LC_SEGMENT            0x1u
#define LC_SYMTAB             0x2u
#define LC_UNIXTHREAD         0x5u
#define LC_DYSYMTAB           0xbu
#define LC_LOAD_DYLIB         0xcu
#define LC_ID_DYLIB           0xdu
#define LC_LOAD_DYLINKER      0xeu
#define LC_ID_DYLINKER        0xfu
#define LC_LOAD_WEAK_DYLIB    (0x18u | LC_REQ_DYLD)
#define LC_SEGMENT_64         0x19u
#define LC_UUID               0x1bu
#define LC_RPATH              (0x1cu | LC_REQ_DYLD)
#define LC_CODE_SIGNATURE     0x1du
#define LC_REEXPORT_DYLIB     (0x1fu | LC_REQ_DYLD)
#define LC_LAZY_LOAD_DYLIB    0x20u
#define LC_ENCRYPTION_INFO    0x21u
#define LC_LOAD_UPWARD_DYLIB  (0x23u | LC_REQ_DYLD)
#define LC_VERSION_MIN_MACOSX   0x24u
#define LC_VERSION_MIN_IPHONEOS 0x25u
#define LC_MAIN               (0x28u | LC_REQ_DYLD)
#define LC_ENCRYPTION_INFO_64 0x2cu
#define LC_VERSION_MIN_TVOS     0x2fu
#define LC_VERSION_MIN_WATCHOS  0x30u
#define LC_BUILD_VERSION      0x32u

#define PLATFORM_MACOS   1u
#define PLATFORM_IOS     2u
#define PLATFORM_TVOS    3u
#define PLATFORM_WATCHOS 4u

#define VM_PROT_READ    0x1u
#define VM_PROT_WRITE   0x2u
#define VM_PROT_EXECUTE 0x4u

#define SECTION_TYPE 0xffu
#define S_ZEROFILL 0x1u
#define S_GB_ZEROFILL 0xcu
#define S_THREAD_LOCAL_ZEROFILL 0x12u

/* Code signing blobs: always big-endian. */
#define CSMAGIC_EMBEDDED_SIGNATURE 0xfade0cc0u
#define CSMAGIC_CODEDIRECTORY      0xfade0c02u
#define CSSLOT_CODEDIRECTORY       0u
#define CS_ADHOC 0x2u

#endif
