package mongodb

// SetMergeFault makes RunMerge ask f before each step (tests cut a merge off
// midway with it).
func (s *Store) SetMergeFault(f func(step string) error) { s.mergeFault = f }
