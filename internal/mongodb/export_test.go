package mongodb

import "context"

// SetMergeFault makes RunMerge ask f before each step (tests cut a merge off
// midway with it).
func (s *Store) SetMergeFault(f func(step string) error) { s.mergeFault = f }

// ReleaseKey and ClaimKey expose the key store to tests.
func (s *Store) ReleaseKey(key, ref string) { s.releaseKey(context.Background(), key, ref) }
func (s *Store) ClaimKey(key, ref string) error {
	return s.claimKey(context.Background(), key, ref)
}
