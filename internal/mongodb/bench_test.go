package mongodb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"fuhua/internal/dbtest"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// fill loads n demo profiles straight into the collections (with their change log
// and counter), as n writes through the store would leave them, but in bulk.
func fill(b *testing.B, s *mongodb.Store, n int) {
	b.Helper()
	ctx := context.Background()
	demo := seed.Demo(min(n, 5000))
	db := s.Database()
	start := time.Now()
	const batch = 1000
	for i := 0; i < n; i += batch {
		var docs, changes, seqs []any
		for j := i; j < min(i+batch, n); j++ {
			p := demo[j%len(demo)]
			p.ID = mongodb.NewID()
			p.CreditCode = ""
			p.Version, p.Seq = 1, int64(j+1)
			p.CreatedAt, p.UpdatedAt = time.Now().UTC(), time.Now().UTC()
			docs = append(docs, p)
			key := fmt.Sprintf("%020d", j+1)
			seqs = append(seqs, bson.D{{Key: "_id", Value: key}})
			changes = append(changes, bson.D{{Key: "_id", Value: key}, {Key: "kind", Value: string(p.Kind)}, {Key: "id", Value: p.ID}})
		}
		if _, err := db.Collection("profiles").InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Collection("changes").InsertMany(ctx, changes); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Collection("seqs").InsertMany(ctx, seqs); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Collection("counters").InsertOne(ctx, bson.D{{Key: "_id", Value: "profile_seq"}, {Key: "n", Value: int64(n)}}); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d profiles in %v", n, time.Since(start))
}

func percentile(ds []time.Duration, p float64) time.Duration {
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(float64(len(ds))*p))]
}

// BenchmarkFollowerPoll measures one follower poll against the embedded database
// at 10k and 100k profiles: read the counter, read the newest change by its
// sequence, fetch its profile — all _id lookups. For contrast it also times the
// obvious alternative, a range filter on the profiles' seq field, which the
// embedded backend answers by scanning every document.
func BenchmarkFollowerPoll(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := dbtest.Store(b)
			fill(b, s, n)
			ctx := context.Background()
			poll := func() {
				last, err := s.LastSeq(ctx)
				if err != nil {
					b.Fatal(err)
				}
				ref, ok, err := s.ChangeAt(ctx, last)
				if err != nil || !ok {
					b.Fatalf("change %d: %v %v", last, ok, err)
				}
				if _, err := s.GetProfile(ctx, ref.ID); err != nil {
					b.Fatal(err)
				}
			}
			var polls, scans []time.Duration
			for range 200 {
				t0 := time.Now()
				poll()
				polls = append(polls, time.Since(t0))
			}
			// Once, and allowed to fail: at 100k the scan outlasts the driver's
			// 30 s timeout, which is the point being made.
			t0 := time.Now()
			cnt, err := s.Database().Collection("profiles").CountDocuments(ctx, bson.D{{Key: "seq", Value: bson.D{{Key: "$gt", Value: int64(n - 1)}}}})
			scans = append(scans, time.Since(t0))
			if err != nil || cnt != 1 {
				b.Logf("range filter on seq: %d, %v after %v", cnt, err, time.Since(t0))
			}
			b.ResetTimer()
			for range b.N {
				poll()
			}
			b.StopTimer()
			b.ReportMetric(float64(percentile(polls, 0.5).Microseconds())/1000, "poll-p50-ms")
			b.ReportMetric(float64(percentile(polls, 0.99).Microseconds())/1000, "poll-p99-ms")
			b.ReportMetric(float64(percentile(scans, 0.5).Microseconds())/1000, "seq-range-p50-ms")
		})
	}
}

// BenchmarkFirstEdit times an edit of a profile that leaves its name alone (a
// change of tags), on profiles filed for the duplicate check as real ones are,
// in a database of 10k. It was named when a store remembered what it had
// filed, so the first edit after a start cost most; nothing is remembered now,
// and every edit is a first one.
func BenchmarkFirstEdit(b *testing.B) {
	s := dbtest.Store(b)
	ctx := context.Background()
	fill(b, s, 10_000)
	var ps []*profile.Profile
	for _, p := range seed.Demo(400) {
		if profile.DupChecked(p.Kind) {
			p.CreditCode = ""
			ps = append(ps, &p)
		}
	}
	if n, err := s.CreateProfiles(ctx, ps); err != nil || n != len(ps) {
		b.Fatalf("create: %d, %v", n, err)
	}
	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		p := ps[i%len(ps)]
		next := *p
		next.Tags = []string{fmt.Sprintf("标签%d", i)}
		start := time.Now()
		if err := s.UpdateProfile(ctx, &next, p.Version, p.CreditCode); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		*p = next
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(took, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(took, 0.99).Microseconds())/1000, "p99-ms")
}

// BenchmarkReleaseKey times releasing a key (a credit code, an introduction's
// pair) among n others, as many as a database of that size holds credit codes.
func BenchmarkReleaseKey(b *testing.B) {
	for _, n := range []int{1_000, 40_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := dbtest.Store(b)
			ctx := context.Background()
			docs := make([]any, n)
			for i := range docs {
				docs[i] = bson.D{{Key: "_id", Value: fmt.Sprintf("credit:%08d", i)}, {Key: "ref", Value: mongodb.NewID()}}
			}
			for i := 0; i < n; i += 1000 {
				if _, err := s.Database().Collection("keys").InsertMany(ctx, docs[i:min(i+1000, n)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := range b.N {
				key := fmt.Sprintf("pair:%d", i)
				if err := s.ClaimKey(key, "holder"); err != nil {
					b.Fatal(err)
				}
				s.ReleaseKey(key, "holder")
			}
		})
	}
}

// BenchmarkCreateFiled times creating a profile the duplicate check files (a
// startup with a credit code, as a manager enters one), in a database of 10k
// whose names are filed, so that some of a new name's variants are filed
// already and most are not.
func BenchmarkCreateFiled(b *testing.B) {
	s := dbtest.Store(b)
	ctx := context.Background()
	fill(b, s, 10_000)
	demo := seed.Demo(2000)
	var filed []*profile.Profile
	for i := range demo {
		if profile.DupChecked(demo[i].Kind) {
			demo[i].CreditCode = ""
			filed = append(filed, &demo[i])
		}
	}
	if n, err := s.CreateProfiles(ctx, filed); err != nil || n != len(filed) {
		b.Fatalf("create: %d, %v", n, err)
	}
	var took []time.Duration
	b.ResetTimer()
	for i := range b.N {
		first17 := fmt.Sprintf("91320999B%08d", i)
		check, _ := profile.CreditCodeCheck(first17)
		p := &profile.Profile{Kind: profile.Startup, Name: seed.DistinctFirmName(i), District: "yannan", CreditCode: first17 + string(check)}
		start := time.Now()
		if err := s.CreateProfile(ctx, p); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(took, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(took, 0.99).Microseconds())/1000, "p99-ms")
}
