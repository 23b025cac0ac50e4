package policy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"

	"github.com/rlcontrol/rlcontrol/internal/atomicfile"

	"github.com/rlcontrol/rlcontrol/rl/nn"
)

// checkpointMagic starts every policy or value checkpoint.
const checkpointMagic = "rlcontrol-policy"

// header is the JSON line of a checkpoint. encoding/json writes float64
// values in the shortest form that parses back to the same bits, so logσ
// round-trips exactly.
type header struct {
	Version int    `json:"version"`
	Kind    string `json:"kind"` // "gaussian" or "value"
	// InitStd is GaussianConfig.InitStd. Checkpoints written before it
	// existed hold InitLogStd instead, log InitStd, omitted when 0 (σ = 1,
	// the default then); initStd reads either.
	InitStd    float64   `json:"init_std,omitempty"`
	InitLogStd float64   `json:"init_log_std,omitempty"`
	LogStd     []float64 `json:"log_std,omitempty"`
}

// initStd returns the header's GaussianConfig.InitStd, from init_std or,
// in an older checkpoint, from init_log_std (absent: σ = 1).
func (h header) initStd() float64 {
	if h.InitStd != 0 {
		return h.InitStd
	}
	return math.Exp(h.InitLogStd)
}

// The checkpoint format is
//
//	"rlcontrol-policy\n"
//	one line of JSON: version, kind ("gaussian" or "value"), logσ
//	the network as an nn.MLP checkpoint (see nn.MLP.WriteTo)
//	CRC-32 (IEEE) of everything before it, little-endian uint32
//
// so a policy or value function read back computes bit for bit the same.
func writeCheckpoint(w io.Writer, h header, m *nn.MLP) (int64, error) {
	if nilcheck.IsNil(w) {
		return 0, fmt.Errorf("w is nil")
	}
	var buf bytes.Buffer
	buf.WriteString(checkpointMagic + "\n")
	js, err := json.Marshal(h)
	if err != nil {
		return 0, err
	}
	buf.Write(js)
	buf.WriteByte('\n')
	if _, err := m.WriteTo(&buf); err != nil {
		return 0, err
	}
	buf.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(buf.Bytes())))
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

// maxCheckpointBytes is the most ReadGaussian and ReadValue read: the
// network's checkpoint (at most 2 GiB, see nn.ReadMLP) and the policy's
// header.
const maxCheckpointBytes = 3 << 30

// readAll reads r, a checkpoint of at most maxCheckpointBytes.
func readAll(fn string, r io.Reader) ([]byte, error) {
	if nilcheck.IsNil(r) {
		return nil, fmt.Errorf("policy: %s: r is nil", fn)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxCheckpointBytes+1))
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", fn, err)
	}
	if len(data) > maxCheckpointBytes {
		return nil, fmt.Errorf("policy: %s: more than %d bytes: not a checkpoint of a model within limits.MaxElements", fn, maxCheckpointBytes)
	}
	return data, nil
}

func readCheckpoint(data []byte, kind string) (header, *nn.MLP, error) {
	var h header
	if !bytes.HasPrefix(data, []byte(checkpointMagic+"\n")) {
		return h, nil, fmt.Errorf("not a policy checkpoint (no %q header)", checkpointMagic)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return h, nil, fmt.Errorf("checksum mismatch: the checkpoint is truncated or corrupted")
	}
	rd := bufio.NewReader(bytes.NewReader(body[len(checkpointMagic)+1:]))
	line, err := rd.ReadBytes('\n')
	if err != nil {
		return h, nil, fmt.Errorf("reading header: %w", err)
	}
	if err := json.Unmarshal(line, &h); err != nil {
		return h, nil, fmt.Errorf("header: %w", err)
	}
	if h.Version != 1 {
		return h, nil, fmt.Errorf("checkpoint version %d, this code reads version 1", h.Version)
	}
	if h.Kind != kind {
		return h, nil, fmt.Errorf("checkpoint holds a %q, want a %q", h.Kind, kind)
	}
	m, err := nn.ReadMLP(rd)
	if err != nil {
		return h, nil, err
	}
	return h, m, nil
}

// WriteTo writes a checkpoint of the policy (architecture, θ) to w and
// returns the number of bytes written; ReadGaussian reads it back into a
// policy that acts bit for bit the same. It returns an error if g or w is
// nil.
func (g *Gaussian) WriteTo(w io.Writer) (int64, error) {
	if err := g.check("Gaussian.WriteTo"); err != nil {
		return 0, err
	}
	g.mu.Lock()
	theta := append([]float64(nil), g.theta...)
	g.mu.Unlock()
	m := g.mlp.Clone()
	if err := m.SetParams(theta[:g.nMLP]); err != nil {
		return 0, fmt.Errorf("policy: Gaussian.WriteTo: %w", err)
	}
	n, err := writeCheckpoint(w, header{Version: 1, Kind: "gaussian", InitStd: g.cfg.InitStd, LogStd: theta[g.nMLP:]}, m)
	if err != nil {
		return n, fmt.Errorf("policy: Gaussian.WriteTo: %w", err)
	}
	return n, nil
}

// ReadGaussian reads a policy checkpoint written by WriteTo or Save. It
// returns an error if r is nil, or the data is not a policy checkpoint, is
// longer than 3 GiB, is truncated or corrupted, or describes an invalid
// policy: the network's errors (see nn.ReadMLP, which checks every
// declared size against the bytes present before allocating), a log-std
// count other than ActDim, a logσ outside [−MaxAbsLogStd, MaxAbsLogStd],
// or an invalid InitStd.
func ReadGaussian(r io.Reader) (*Gaussian, error) {
	data, err := readAll("ReadGaussian", r)
	if err != nil {
		return nil, err
	}
	return decodeGaussian(data)
}

func decodeGaussian(data []byte) (*Gaussian, error) {
	if len(data) < len(checkpointMagic)+5 {
		return nil, fmt.Errorf("policy: ReadGaussian: truncated checkpoint")
	}
	h, m, err := readCheckpoint(data, "gaussian")
	if err != nil {
		return nil, fmt.Errorf("policy: ReadGaussian: %w", err)
	}
	mc := m.Config()
	if len(h.LogStd) != mc.Out {
		return nil, fmt.Errorf("policy: ReadGaussian: %d log-stds for %d actions", len(h.LogStd), mc.Out)
	}
	for i, l := range h.LogStd {
		if !logStdOK(l) {
			return nil, fmt.Errorf("policy: ReadGaussian: %w", logStdError(fmt.Sprintf("log_std[%d]", i), l))
		}
	}
	cfg, err := GaussianConfig{ObsDim: mc.In, ActDim: mc.Out, Hidden: mc.Hidden, Activation: mc.Activation,
		InitStd: h.initStd(), OutputScale: mc.OutputScale, Seed: mc.Seed}.WithDefaults()
	if err != nil {
		return nil, fmt.Errorf("policy: ReadGaussian: %w", err)
	}
	return fromMLP(cfg, m, h.LogStd), nil
}

// Save writes a checkpoint (see WriteTo) to path atomically.
func (g *Gaussian) Save(path string) error {
	if err := g.check("Save"); err != nil {
		return err
	}
	if err := atomicfile.Save(path, g); err != nil {
		return fmt.Errorf("policy: Save: %w", err)
	}
	return nil
}

// LoadGaussian reads a policy checkpoint written by Save.
func LoadGaussian(path string) (*Gaussian, error) {
	v, err := atomicfile.Load(path, decodeGaussian)
	if err != nil {
		return nil, fmt.Errorf("policy: LoadGaussian: %w", err)
	}
	return v, nil
}

// WriteTo writes a checkpoint of the value function (network and
// normaliser) to w; ReadValue reads it back into one that predicts bit for
// bit the same. It returns an error if v or w is nil.
func (v *Value) WriteTo(w io.Writer) (int64, error) {
	if err := v.check("Value.WriteTo"); err != nil {
		return 0, err
	}
	n, err := writeCheckpoint(w, header{Version: 1, Kind: "value"}, v.mlp)
	if err != nil {
		return n, fmt.Errorf("policy: Value.WriteTo: %w", err)
	}
	return n, nil
}

// ReadValue reads a value checkpoint written by WriteTo or Save. It
// returns ReadGaussian's errors that apply, and an error if the network
// does not have one output.
func ReadValue(r io.Reader) (*Value, error) {
	data, err := readAll("ReadValue", r)
	if err != nil {
		return nil, err
	}
	return decodeValue(data)
}

func decodeValue(data []byte) (*Value, error) {
	if len(data) < len(checkpointMagic)+5 {
		return nil, fmt.Errorf("policy: ReadValue: truncated checkpoint")
	}
	_, m, err := readCheckpoint(data, "value")
	if err != nil {
		return nil, fmt.Errorf("policy: ReadValue: %w", err)
	}
	if m.Out() != 1 {
		return nil, fmt.Errorf("policy: ReadValue: the network has %d outputs, want 1", m.Out())
	}
	return &Value{mlp: m}, nil
}

// Save writes a checkpoint (see WriteTo) to path atomically.
func (v *Value) Save(path string) error {
	if err := v.check("Save"); err != nil {
		return err
	}
	if err := atomicfile.Save(path, v); err != nil {
		return fmt.Errorf("policy: Save: %w", err)
	}
	return nil
}

// LoadValue reads a value checkpoint written by Save.
func LoadValue(path string) (*Value, error) {
	v, err := atomicfile.Load(path, decodeValue)
	if err != nil {
		return nil, fmt.Errorf("policy: LoadValue: %w", err)
	}
	return v, nil
}
