package index

import "syscall"

// dropPages tells the kernel the process no longer needs the pages of b, a
// read-only mapping of a file: they leave its resident set, and a later read
// maps them again from the page cache or the file.
func dropPages(b []byte) error { return syscall.Madvise(b, syscall.MADV_DONTNEED) }
