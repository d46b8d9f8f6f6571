// Independent oracle for tests/cli/test_pclntab_oracle.py: lists the
// function names of an ELF Go binary with the standard library's debug/elf
// and debug/gosym, and prints them in the format of tests/unit/pclntab_driver:
//
//	layout=1.20 ptrsize=8 quantum=1 nfunc=N
//	name…
//
// The table is located without any scanning: the .gopclntab or
// .data.rel.ro.gopclntab section, else the runtime.pcheader (Go 1.16+) or
// runtime.pclntab symbol up to runtime.epclntab from .symtab.
//
// debug/gosym of Go 1.19 knows magics up to 0xfffffff0; the Go 1.20 layout
// (0xfffffff1) lays out the header, function table and names the same way,
// so such a table is read with its magic rewritten to 0xfffffff0.
package main

import (
	"debug/elf"
	"debug/gosym"
	"encoding/binary"
	"fmt"
	"os"
)

func table(f *elf.File) ([]byte, error) {
	for _, name := range []string{".gopclntab", ".data.rel.ro.gopclntab"} {
		if s := f.Section(name); s != nil {
			return s.Data()
		}
	}
	syms, err := f.Symbols()
	if err != nil {
		return nil, err
	}
	var start, end uint64
	for _, s := range syms {
		switch s.Name {
		case "runtime.pcheader":
			start = s.Value
		case "runtime.pclntab":
			if start == 0 {
				start = s.Value
			}
		case "runtime.epclntab":
			end = s.Value
		}
	}
	if start == 0 || end <= start {
		return nil, fmt.Errorf("no pclntab section or symbols")
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && start >= p.Vaddr && end <= p.Vaddr+p.Filesz {
			b := make([]byte, end-start)
			_, err := p.ReadAt(b, int64(start-p.Vaddr))
			return b, err
		}
	}
	return nil, fmt.Errorf("pclntab symbols outside the file")
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pclntab_oracle ELF")
		os.Exit(2)
	}
	f, err := elf.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	data, err := table(f)
	if err != nil || len(data) < 16 {
		fmt.Fprintln(os.Stderr, "pclntab_oracle:", os.Args[1], err)
		os.Exit(1)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if data[0] == 0xff {
		order = binary.BigEndian
	}
	layouts := map[uint32]string{0xfffffffb: "1.2", 0xfffffffa: "1.16", 0xfffffff0: "1.18", 0xfffffff1: "1.20"}
	magic := order.Uint32(data)
	layout, ok := layouts[magic]
	if !ok {
		fmt.Fprintf(os.Stderr, "pclntab_oracle: unknown magic %#x\n", magic)
		os.Exit(1)
	}
	if magic == 0xfffffff1 {
		order.PutUint32(data, 0xfffffff0)
	}
	var text uint64
	if s := f.Section(".text"); s != nil {
		text = s.Addr
	}
	t, err := gosym.NewTable(nil, gosym.NewLineTable(data, text))
	if err != nil || len(t.Funcs) == 0 {
		fmt.Fprintln(os.Stderr, "pclntab_oracle: debug/gosym read no functions:", err)
		os.Exit(1)
	}
	fmt.Printf("layout=%s ptrsize=%d quantum=%d nfunc=%d\n", layout, data[7], data[6], len(t.Funcs))
	for _, fn := range t.Funcs {
		fmt.Println(fn.Name)
	}
}
