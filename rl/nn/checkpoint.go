package nn

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"github.com/rlcontrol/rlcontrol/internal/atomicfile"
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
// so a model read back with ReadMLP predicts bit for bit the same.
func (m *MLP) WriteTo(w io.Writer) (int64, error) {
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

// ReadMLP reads a checkpoint written by WriteTo (or Save). It returns an
// error if the data is not a checkpoint, is truncated or corrupted (CRC
// mismatch), or describes an invalid model.
func ReadMLP(r io.Reader) (*MLP, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("nn: ReadMLP: %w", err)
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
	rd := bufio.NewReader(bytes.NewReader(body[len(checkpointMagic)+1:]))
	line, err := rd.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("%s: reading header: %w", fn, err)
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
	m, err := New(Config{In: h.In, Hidden: h.Hidden, Out: h.Out, Activation: act, Seed: h.Seed, OutputScale: h.OutputScale})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	if h.NumParams != m.nP {
		return nil, fmt.Errorf("%s: header says %d parameters, the architecture has %d", fn, h.NumParams, m.nP)
	}
	if err := h.Normalizer.check("ReadMLP", h.In, h.Out); err != nil {
		return nil, err
	}
	b := make([]byte, 8)
	for i := range m.theta {
		if _, err := io.ReadFull(rd, b); err != nil {
			return nil, fmt.Errorf("%s: parameter %d of %d: %w", fn, i, m.nP, err)
		}
		m.theta[i] = math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	if _, err := rd.ReadByte(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: trailing data after the parameters", fn)
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
	if err := atomicfile.Save(path, m); err != nil {
		return fmt.Errorf("nn: Save: %w", err)
	}
	return nil
}

// Load reads a checkpoint written by Save.
func Load(path string) (*MLP, error) {
	v, err := atomicfile.Load(path, nnDecode)
	if err != nil {
		return nil, fmt.Errorf("nn: Load: %w", err)
	}
	return v, nil
}
