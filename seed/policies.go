package seed

import (
	"fmt"
	"sync"

	"fuhua/internal/policy"
)

// policies parses policies.json once: the catalogue is read-only after that, and
// every assessment (the tech-SME pre-assessment on each demo profile among them)
// reads it.
var policies = sync.OnceValue(func() policy.Catalogue {
	var c policy.Catalogue
	load("policies.json", &c)
	if err := policy.Validate(c); err != nil {
		panic(fmt.Sprintf("seed: policies.json: %v", err)) // a broken data file fails every test at once
	}
	return c
})

// Policies returns the support-programme catalogue (政策匹配): every programme in
// every version, each with its source and the date it was read. Callers must not
// modify it.
func Policies() policy.Catalogue { return policies() }
