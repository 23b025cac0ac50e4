package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"

	"github.com/rlcontrol/rlcontrol/internal/atomicfile"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
)

// checkpointMagic starts every checkpoint.
const checkpointMagic = "rlcontrol-nn-mlp"

// nnHeader is the JSON line of a checkpoint. JSON writes float64 values in
// the shortest form that parses back to the same bits, so the normaliser
// round-trips exactly.
type nnHeader struct {
	Version     int        `json:"version"`
	In          int        `json:"in"`
	Hidden      []int      `json:"hidden"`
	Out         int        `json:"out"`
	Activation  string     `json:"activation"`
	Seed        uint64     `json:"seed"`
	OutputScale float64    `json:"output_scale"`
	NumParams   int        `json:"num_params"`
	Normalized  bool       `json:"normalized"`
	Normalizer  Normalizer `json:"normalizer"`
}

// WriteTo writes a checkpoint of the model to w and returns the number of
// bytes written. The format is
//
//	"rlcontrol-nn-mlp\n"
//	one line of JSON: version, configuration, normaliser
//	θ as NumParams little-endian float64 values
//	CRC-32 (IEEE) of everything before it, little-endian uint32
//
// so a model read back with ReadMLP predicts bit for bit the same. It
// returns an error if m or w is nil.
func (m *MLP) WriteTo(w io.Writer) (int64, error) {
	if err := m.check("WriteTo"); err != nil {
		return 0, err
	}
	if nilcheck.IsNil(w) {
		return 0, fmt.Errorf("nn: WriteTo: w is nil")
	}
	m.mu.Lock()
	h := nnHeader{Version: 1, In: m.cfg.In, Hidden: m.cfg.Hidden, Out: m.cfg.Out,
		Activation: m.cfg.Activation.String(), Seed: m.cfg.Seed, OutputScale: m.cfg.OutputScale,
		NumParams: m.nP, Normalized: m.normSet, Normalizer: m.norm.clone()}
	theta := append([]float64(nil), m.theta...)
	m.mu.Unlock()

	var buf bytes.Buffer
	buf.WriteString(checkpointMagic + "\n")
	js, err := json.Marshal(h)
	if err != nil {
		return 0, fmt.Errorf("nn: WriteTo: %w", err)
	}
	buf.Write(js)
	buf.WriteByte('\n')
	b := make([]byte, 8)
	for _, v := range theta {
		binary.LittleEndian.PutUint64(b, math.Float64bits(v))
		buf.Write(b)
	}
	buf.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(buf.Bytes())))
	n, err := w.Write(buf.Bytes())
	if err != nil {
		return int64(n), fmt.Errorf("nn: WriteTo: %w", err)
	}
	return int64(n), nil
}

// maxCheckpointBytes is the most ReadMLP reads: θ of at most
// limits.MaxElements values (1 GiB) and a header of up to 1 GiB.
const maxCheckpointBytes = 8*limits.MaxElements + 1<<30

// ReadMLP reads a checkpoint written by WriteTo (or Save). It returns an
// error if r is nil, the data is not a checkpoint, is truncated or
// corrupted (CRC mismatch), is longer than 2 GiB, or describes an invalid
// model: a bad configuration, a layer or θ over limits.MaxElements values,
// a parameter count that disagrees with the architecture or with the bytes
// present, or a non-finite parameter or normaliser entry. Every declared
// size is checked against the bytes present before anything of that size
// is allocated.
func ReadMLP(r io.Reader) (*MLP, error) {
	if nilcheck.IsNil(r) {
		return nil, fmt.Errorf("nn: ReadMLP: r is nil")
	}
	data, err := io.ReadAll(io.LimitReader(r, maxCheckpointBytes+1))
	if err != nil {
		return nil, fmt.Errorf("nn: ReadMLP: %w", err)
	}
	if len(data) > maxCheckpointBytes {
		return nil, fmt.Errorf("nn: ReadMLP: more than %d bytes: not a checkpoint of a model within limits.MaxElements", maxCheckpointBytes)
	}
	return nnDecode(data)
}

func nnDecode(data []byte) (*MLP, error) {
	const fn = "nn: ReadMLP"
	if !bytes.HasPrefix(data, []byte(checkpointMagic+"\n")) {
		return nil, fmt.Errorf("%s: not an MLP checkpoint (no %q header)", fn, checkpointMagic)
	}
	if len(data) < 4 {
		return nil, fmt.Errorf("%s: truncated checkpoint", fn)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%s: checksum mismatch: the checkpoint is truncated or corrupted", fn)
	}
	line, params, ok := bytes.Cut(body[len(checkpointMagic)+1:], []byte("\n"))
	if !ok {
		return nil, fmt.Errorf("%s: reading header: no end of line", fn)
	}
	var h nnHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, fmt.Errorf("%s: header: %w", fn, err)
	}
	if h.Version != 1 {
		return nil, fmt.Errorf("%s: checkpoint version %d, this code reads version 1", fn, h.Version)
	}
	act, err := parseActivation(h.Activation)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	if h.Hidden == nil {
		h.Hidden = []int{}
	}
	// Sizes first, against the bytes present, before New allocates θ.
	cfg, err := Config{In: h.In, Hidden: h.Hidden, Out: h.Out, Activation: act, Seed: h.Seed, OutputScale: h.OutputScale}.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	nP, err := cfg.numParams()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	if h.NumParams != nP {
		return nil, fmt.Errorf("%s: header says %d parameters, the architecture has %d", fn, h.NumParams, nP)
	}
	switch {
	case len(params) < 8*nP:
		return nil, fmt.Errorf("%s: the header declares %d parameters (%d bytes) but the checkpoint holds %d bytes of them", fn, nP, 8*nP, len(params))
	case len(params) > 8*nP:
		return nil, fmt.Errorf("%s: trailing data after the parameters: %d bytes, the header declares %d (%d parameters)", fn, len(params), 8*nP, nP)
	}
	if err := h.Normalizer.check("ReadMLP", h.In, h.Out); err != nil {
		return nil, err
	}
	m, err := New(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	for i := range m.theta {
		m.theta[i] = math.Float64frombits(binary.LittleEndian.Uint64(params[8*i:]))
	}
	if err := nnFiniteVec("ReadMLP", "parameters", m.theta); err != nil {
		return nil, err
	}
	m.norm, m.normSet = h.Normalizer.clone(), h.Normalized
	return m, nil
}

// Save writes a checkpoint (see WriteTo) to path atomically: it writes a
// temporary file in the same directory, syncs it and renames it over path,
// so path holds either the old or the new checkpoint, never a partial one.
func (m *MLP) Save(path string) error {
	if err := m.check("Save"); err != nil {
		return err
	}
	if err := atomicfile.Save(path, m); err != nil {
		return fmt.Errorf("nn: Save: %w", err)
	}
	return nil
}

// Load reads a checkpoint written by Save; it returns ReadMLP's errors,
// naming the file.
func Load(path string) (*MLP, error) {
	v, err := atomicfile.Load(path, nnDecode)
	if err != nil {
		return nil, fmt.Errorf("nn: Load: %w", err)
	}
	return v, nil
}
