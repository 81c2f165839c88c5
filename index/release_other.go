//go:build !linux

package index

import "errors"

// dropPages is not done off Linux: the pages stay resident until the kernel
// reclaims them.
func dropPages([]byte) error { return errors.ErrUnsupported }
