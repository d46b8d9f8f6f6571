/* ELF constants we use, from the System V gABI and the GNU/Linux extensions.
 * Kept here (not <elf.h>) so that the parser builds anywhere and does not
 * depend on which machine numbers the host's libc headers know. */
#ifndef SR_ELF_CONSTS_H
#define SR_ELF_CONSTS_H

#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define EI_OSABI 7
#define EI_ABIVERSION 8

#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2

#define ET_NONE 0
#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3
#define ET_CORE 4

#define PN_XNUM 0xffffu
#define SHN_UNDEF 0u

/* st_info's low four bits: the symbol's type */
#define STT_OBJECT 1u
#define STT_SECTION 3u
#define STT_FILE 4u
#define STB_WEAK 2               /* st_info >> 4: a weak symbol */
#define SHN_XINDEX 0xffffu

#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_GNU_STACK 0x6474e551u
#define PT_GNU_RELRO 0x6474e552u
#define PF_X 1u
#define SHF_ALLOC 0x2u
#define PF_W 2u
#define PF_R 4u

#define SHT_NULL 0
#define SHT_PROGBITS 1
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_DYNAMIC 6
#define SHT_NOTE 7
#define SHT_NOBITS 8
#define SHT_DYNSYM 11
#define SHT_GNU_VERDEF 0x6ffffffdu
#define SHT_GNU_VERNEED 0x6ffffffeu
#define SHT_GNU_VERSYM 0x6fffffffu

#define DT_NULL 0
#define DT_NEEDED 1
#define DT_HASH 4
#define DT_STRTAB 5
#define DT_SYMTAB 6
#define DT_STRSZ 10
#define DT_SYMENT 11
#define DT_SONAME 14
#define DT_RPATH 15
#define DT_BIND_NOW 24
#define DT_RUNPATH 29
#define DT_FLAGS 30
#define DT_GNU_HASH 0x6ffffef5u
#define DT_VERSYM 0x6ffffff0u
#define DT_FLAGS_1 0x6ffffffbu
#define DT_VERDEF 0x6ffffffcu
#define DT_VERDEFNUM 0x6ffffffdu
#define DT_VERNEED 0x6ffffffeu
#define DT_VERNEEDNUM 0x6fffffffu

#define DF_BIND_NOW 0x8u
#define DF_1_NOW 0x1u
#define DF_1_PIE 0x08000000u

#define NT_GNU_ABI_TAG 1
#define NT_GNU_BUILD_ID 3
#define NT_GO_BUILD_ID 4

#define VER_FLG_BASE 0x1
#define VER_FLG_WEAK 0x2

#define EM_386 3
#define EM_MIPS 8
#define EM_PPC64 21
#define EM_ARM 40
#define EM_RISCV 243

#define EF_ARM_ABI_FLOAT_SOFT 0x200u
#define EF_ARM_ABI_FLOAT_HARD 0x400u

#endif
