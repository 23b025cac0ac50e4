package nn

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// FuzzReadMLP feeds ReadMLP arbitrary bytes, seeded with checkpoints that
// WriteTo wrote (with and without a normaliser, tanh and ReLU, linear and
// deep) and with crafted headers. With fix set the checksum is appended
// to data, so that mutations reach the parser behind it. ReadMLP must
// never panic, hang or allocate more than the data holds: it either
// returns an error or a model whose parameters fit in the data, whose
// parameters and normaliser are finite and valid, and which writes and
// reads back to itself.
func FuzzReadMLP(f *testing.F) {
	add := func(ckpt []byte) {
		f.Add(ckpt, false)
		f.Add(ckpt[:len(ckpt)-4], true)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, cfg := range []Config{
		{In: 1, Hidden: []int{}, Out: 1},
		{In: 2, Hidden: []int{3}, Out: 1, Seed: 1},
		{In: 3, Hidden: []int{4, 2}, Out: 2, Activation: ReLU, OutputScale: 0.1, Seed: 2},
	} {
		m := MustNew(cfg)
		if i > 0 {
			if err := m.SetNormalizer(randomNormalizer(rng, cfg.In, cfg.Out), false); err != nil {
				f.Fatal(err)
			}
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			f.Fatal(err)
		}
		add(b.Bytes())
	}
	add(craft(header(1, []int{1 << 13}, 1, 16385+16384), 2))
	add(craft(header(2, []int{}, 1, 3), 3))
	add(craft("{}", 0))
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix {
			// The full slice expression makes append copy: the fuzzer's
			// input stays as it was.
			data = binary.LittleEndian.AppendUint32(data[:len(data):len(data)], crc32.ChecksumIEEE(data))
		}
		m, err := ReadMLP(bytes.NewReader(data))
		if err != nil {
			if m != nil {
				t.Fatalf("ReadMLP returned a model and the error %v", err)
			}
			return
		}
		p := m.Params()
		if len(p) != m.NumParams() || 8*len(p) > len(data) {
			t.Fatalf("%d parameters (NumParams %d) from %d bytes", len(p), m.NumParams(), len(data))
		}
		for i, v := range p {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("θ[%d] = %v", i, v)
			}
		}
		cfg := m.Config()
		if err := m.Normalizer().check("fuzz", cfg.In, cfg.Out); err != nil {
			t.Fatal(err)
		}
		if _, err := cfg.WithDefaults(); err != nil {
			t.Fatalf("loaded an invalid config: %v", err)
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		again, err := ReadMLP(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("reading back what WriteTo wrote: %v", err)
		}
		if !reflect.DeepEqual(again.Params(), p) || !reflect.DeepEqual(again.Normalizer(), m.Normalizer()) || !reflect.DeepEqual(again.Config(), cfg) {
			t.Fatal("the model does not read back to itself")
		}
	})
}
