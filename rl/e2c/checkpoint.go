package e2c

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/internal/atomicfile"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"
)

// checkpointMagic starts every model or trainer checkpoint.
const checkpointMagic = "rlcontrol-e2c"

// ckptHeader is the JSON line of a checkpoint. JSON writes float64 values
// in the shortest form that parses back to the same bits.
type ckptHeader struct {
	Version          int     `json:"version"`
	Width            int     `json:"width"`
	Height           int     `json:"height"`
	Frames           int     `json:"frames"`
	Latent           int     `json:"latent"`
	Action           int     `json:"action"`
	EncoderHidden    []int   `json:"encoder_hidden"`
	DecoderHidden    []int   `json:"decoder_hidden"`
	TransitionHidden []int   `json:"transition_hidden"`
	Kind             string  `json:"kind"`
	Lambda           float64 `json:"lambda"`
	Beta             float64 `json:"beta,omitempty"` // absent (0) in older checkpoints: 1
	Seed             uint64  `json:"seed"`
	NumParams        int     `json:"num_params"`
	// Trainer state (Trainer is false in a model checkpoint).
	Trainer    bool   `json:"trainer"`
	Step       int    `json:"step"`
	RNG        []byte `json:"rng,omitempty"`
	Pos        int    `json:"pos"`
	PermLen    int    `json:"perm_len"`
	HistoryLen int    `json:"history_len"`
}

// encode writes the checkpoint: the magic line, the JSON header line, the
// float64 blocks little-endian, and the CRC-32 (IEEE) of all of it.
func encode(h ckptHeader, blocks ...[]float64) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(checkpointMagic + "\n")
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	buf.Write(js)
	buf.WriteByte('\n')
	b := make([]byte, 8)
	for _, blk := range blocks {
		for _, v := range blk {
			binary.LittleEndian.PutUint64(b, math.Float64bits(v))
			buf.Write(b)
		}
	}
	buf.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(buf.Bytes())))
	return buf.Bytes(), nil
}

// header returns the checkpoint header of m.
func (m *Model) header() ckptHeader {
	c := m.cfg
	return ckptHeader{Version: 1, Width: c.Width, Height: c.Height, Frames: c.Frames, Latent: c.Latent, Action: c.Action,
		EncoderHidden: c.EncoderHidden, DecoderHidden: c.DecoderHidden, TransitionHidden: c.TransitionHidden,
		Kind: c.Kind.String(), Lambda: c.Lambda, Beta: c.Beta, Seed: c.Seed, NumParams: m.off[3]}
}

// WriteTo writes a checkpoint of the model (configuration and θ) to w; a
// model read back with ReadModel computes bit for bit the same.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	if err := m.check("WriteTo"); err != nil {
		return 0, err
	}
	if nilcheck.IsNil(w) {
		return 0, fmt.Errorf("e2c: WriteTo: w is nil")
	}
	data, err := encode(m.header(), m.Params())
	if err != nil {
		return 0, fmt.Errorf("e2c: WriteTo: %w", err)
	}
	n, err := w.Write(data)
	return int64(n), err
}

// Save writes a model checkpoint to path atomically (never a partial
// file).
func (m *Model) Save(path string) error {
	if err := m.check("Save"); err != nil {
		return err
	}
	if err := atomicfile.Save(path, m); err != nil {
		return fmt.Errorf("e2c: Save: %w", err)
	}
	return nil
}

// WriteTo writes a checkpoint of the trainer: the model, Adam's moments,
// the step, the random stream's state, the epoch order and the loss
// history.
func (t *Trainer) WriteTo(w io.Writer) (int64, error) {
	if t == nil || t.Model == nil {
		return 0, fmt.Errorf("e2c: Trainer.WriteTo: nil Trainer")
	}
	if nilcheck.IsNil(w) {
		return 0, fmt.Errorf("e2c: Trainer.WriteTo: w is nil")
	}
	h := t.Model.header()
	rng, err := t.pcg.MarshalBinary()
	if err != nil {
		return 0, fmt.Errorf("e2c: Trainer.WriteTo: %w", err)
	}
	h.Trainer, h.Step, h.RNG, h.Pos, h.PermLen, h.HistoryLen = true, t.step, rng, t.pos, len(t.perm), len(t.History)
	perm := make([]float64, len(t.perm))
	for i, p := range t.perm {
		perm[i] = float64(p)
	}
	hist := make([]float64, 0, 5*len(t.History))
	for _, l := range t.History {
		hist = append(hist, l.Total, l.Rec, l.Pred, l.KLPrior, l.Trans)
	}
	data, err := encode(h, t.Model.Params(), t.mom, t.vel, perm, hist)
	if err != nil {
		return 0, fmt.Errorf("e2c: Trainer.WriteTo: %w", err)
	}
	n, err := w.Write(data)
	return int64(n), err
}

// Save writes a trainer checkpoint to path atomically; LoadTrainer resumes
// from it.
func (t *Trainer) Save(path string) error {
	if t == nil || t.Model == nil {
		return fmt.Errorf("e2c: Trainer.Save: nil Trainer")
	}
	if err := atomicfile.Save(path, t); err != nil {
		return fmt.Errorf("e2c: Trainer.Save: %w", err)
	}
	return nil
}

// maxCheckpointBytes bounds what the readers accept.
const maxCheckpointBytes = 8*limits.MaxElements + 1<<30

// decode parses a model or trainer checkpoint. It checks the magic line,
// the CRC, the header and every declared size against the bytes present
// before allocating.
func decode(data []byte) (*Trainer, ckptHeader, error) {
	var h ckptHeader
	if !bytes.HasPrefix(data, []byte(checkpointMagic+"\n")) {
		return nil, h, fmt.Errorf("not an E2C checkpoint (no %q header)", checkpointMagic)
	}
	if len(data) < len(checkpointMagic)+1+4 {
		return nil, h, fmt.Errorf("truncated checkpoint")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, h, fmt.Errorf("checksum mismatch: the checkpoint is truncated or corrupted")
	}
	line, payload, ok := bytes.Cut(body[len(checkpointMagic)+1:], []byte("\n"))
	if !ok {
		return nil, h, fmt.Errorf("header: no end of line")
	}
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, h, fmt.Errorf("header: %w", err)
	}
	if h.Version != 1 {
		return nil, h, fmt.Errorf("checkpoint version %d, this code reads version 1", h.Version)
	}
	kind, err := parseKind(h.Kind)
	if err != nil {
		return nil, h, err
	}
	cfg := Config{Width: h.Width, Height: h.Height, Frames: h.Frames, Latent: h.Latent, Action: h.Action,
		EncoderHidden: h.EncoderHidden, DecoderHidden: h.DecoderHidden, TransitionHidden: h.TransitionHidden,
		Kind: kind, Lambda: h.Lambda, Beta: h.Beta, Seed: h.Seed}
	if h.EncoderHidden == nil || h.DecoderHidden == nil || h.TransitionHidden == nil {
		return nil, h, fmt.Errorf("header: missing hidden layer sizes")
	}
	if _, err := cfg.WithDefaults(); err != nil {
		return nil, h, err
	}
	want := 8 * h.NumParams
	if h.Trainer {
		if h.PermLen < 0 || h.HistoryLen < 0 || h.PermLen > limits.MaxElements || h.HistoryLen > limits.MaxElements/5 {
			return nil, h, fmt.Errorf("header: bad trainer sizes (perm %d, history %d)", h.PermLen, h.HistoryLen)
		}
		want = 8 * (3*h.NumParams + h.PermLen + 5*h.HistoryLen)
	}
	if h.NumParams < 1 || h.NumParams > limits.MaxElements || len(payload) != want {
		return nil, h, fmt.Errorf("the header declares %d bytes of numbers, the checkpoint holds %d: truncated or mismatched", want, len(payload))
	}
	m, err := New(cfg)
	if err != nil {
		return nil, h, err
	}
	if m.NumParams() != h.NumParams {
		return nil, h, fmt.Errorf("the header says %d parameters, the architecture has %d", h.NumParams, m.NumParams())
	}
	read := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(payload[8*i:]))
		}
		payload = payload[8*n:]
		return v
	}
	if err := m.SetParams(read(h.NumParams)); err != nil {
		return nil, h, err
	}
	t := &Trainer{Model: m}
	if !h.Trainer {
		return t, h, nil
	}
	t.mom, t.vel = read(h.NumParams), read(h.NumParams)
	t.step, t.pos = h.Step, h.Pos
	t.pcg = &rand.PCG{}
	if err := t.pcg.UnmarshalBinary(h.RNG); err != nil {
		return nil, h, fmt.Errorf("random stream state: %w", err)
	}
	t.rng = rand.New(t.pcg)
	for _, p := range read(h.PermLen) {
		if p < 0 || p >= float64(h.PermLen) || p != math.Trunc(p) {
			return nil, h, fmt.Errorf("epoch order holds %v, want an index below %d", p, h.PermLen)
		}
		t.perm = append(t.perm, int(p))
	}
	if t.pos < 0 || t.pos > len(t.perm) || t.step < 0 {
		return nil, h, fmt.Errorf("header: bad step %d or position %d", t.step, t.pos)
	}
	hist := read(5 * h.HistoryLen)
	for i := 0; i < h.HistoryLen; i++ {
		r := hist[5*i:]
		t.History = append(t.History, Losses{r[0], r[1], r[2], r[3], r[4]})
	}
	return t, h, nil
}

// ReadModel reads a model checkpoint (or the model of a trainer
// checkpoint). It returns an error if r is nil or the data is not a
// checkpoint, is truncated or corrupted, or describes an invalid model.
func ReadModel(r io.Reader) (*Model, error) {
	if nilcheck.IsNil(r) {
		return nil, fmt.Errorf("e2c: ReadModel: r is nil")
	}
	data, err := io.ReadAll(io.LimitReader(r, maxCheckpointBytes+1))
	if err != nil {
		return nil, fmt.Errorf("e2c: ReadModel: %w", err)
	}
	return decodeModel(data)
}

func decodeModel(data []byte) (*Model, error) {
	t, _, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("e2c: ReadModel: %w", err)
	}
	return t.Model, nil
}

func decodeTrainer(data []byte) (*Trainer, error) {
	t, h, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("e2c: LoadTrainer: %w", err)
	}
	if !h.Trainer {
		return nil, fmt.Errorf("e2c: LoadTrainer: a model checkpoint, not a trainer's (no optimiser state to resume)")
	}
	return t, nil
}

// LoadModel reads a model (or trainer) checkpoint from path.
func LoadModel(path string) (*Model, error) {
	m, err := atomicfile.Load(path, decodeModel)
	if err != nil {
		return nil, fmt.Errorf("e2c: LoadModel: %w", err)
	}
	return m, nil
}

// LoadTrainer reads a trainer checkpoint written by Trainer.Save (or by
// Train's periodic checkpoints) to resume training.
func LoadTrainer(path string) (*Trainer, error) {
	t, err := atomicfile.Load(path, decodeTrainer)
	if err != nil {
		return nil, fmt.Errorf("e2c: LoadTrainer: %w", err)
	}
	return t, nil
}
