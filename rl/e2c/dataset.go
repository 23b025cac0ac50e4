package e2c

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"

	"github.com/rlcontrol/rlcontrol/internal/atomicfile"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Dataset holds image transitions (x_t, u_t, x_{t+1}) of one system, with
// the true states kept for evaluation (the model never sees them).
//
// Each image is Frames grayscale frames of Width×Height pixels, row-major,
// frame after frame (the newest last), values in [0, 1].
type Dataset struct {
	// Name says which system made the data ("planar", "pendulum").
	Name string
	// Width, Height and Frames give the image layout.
	Width, Height, Frames int
	// X, U and XNext are the transitions: N images, N actions, N images.
	X, U, XNext [][]float64
	// State and StateNext are the true states behind X and XNext.
	State, StateNext [][]float64
}

// Pixels returns Width·Height·Frames, the length of one image.
func (d *Dataset) Pixels() int { return d.Width * d.Height * d.Frames }

// Len returns the number of transitions.
func (d *Dataset) Len() int { return len(d.X) }

// datasetMagic opens every dataset file.
const datasetMagic = "rlcontrol-e2c-dataset\n"

// ErrDatasetFile is the error (wrapped, with the details) for a file that
// is not a dataset Save wrote: wrong magic, bad header, truncated or too
// long, or a checksum that does not match.
var ErrDatasetFile = errors.New("e2c: bad dataset file")

// datasetHeader is the JSON header of a dataset file.
type datasetHeader struct {
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Frames int    `json:"frames"`
	N      int    `json:"n"`
	Action int    `json:"action"`
	State  int    `json:"state"` // 0: no states stored
}

// Save writes d to path, through a temporary file and a rename
// (internal/atomicfile), so that path never holds half a dataset. The
// format is compact and little-endian:
//
//	"rlcontrol-e2c-dataset\n"
//	uint32 length of the JSON header, the header {name, width, height, frames, n, action, state}
//	X, XNext: n·width·height·frames float32 each
//	U: n·action float64; State, StateNext: n·state float64 each
//	uint32 CRC-32 (IEEE) of everything before it
//
// Pixels are stored as float32: LoadDataset gives back
// float64(float32(v)), which is v itself for the datasets PlanarData and
// PendulumData make (they round their pixels so), and within a relative
// 6·10⁻⁸ otherwise. Actions and states are stored exactly. d must pass
// Check.
func (d *Dataset) Save(path string) error {
	if err := d.Check(); err != nil {
		return fmt.Errorf("e2c: Dataset.Save %s: %w", path, err)
	}
	data, err := d.marshal()
	if err != nil {
		return fmt.Errorf("e2c: Dataset.Save %s: %w", path, err)
	}
	return atomicfile.Write(path, data)
}

// marshal encodes a checked dataset in the format of Save.
func (d *Dataset) marshal() ([]byte, error) {
	n := d.Len()
	h := datasetHeader{Name: d.Name, Width: d.Width, Height: d.Height, Frames: d.Frames, N: n, Action: len(d.U[0])}
	if len(d.State) > 0 {
		h.State = len(d.State[0])
	}
	if h.Action > 1024 || h.State > 1024 {
		return nil, fmt.Errorf("actions of length %d and states of length %d, the format allows up to 1024", h.Action, h.State)
	}
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	size := len(datasetMagic) + 4 + len(js) + 2*n*d.Pixels()*4 + n*(h.Action+2*h.State)*8 + 4
	if size > atomicfile.MaxLoad {
		return nil, fmt.Errorf("the file would have %d bytes, more than LoadDataset reads (%d)", size, atomicfile.MaxLoad)
	}
	b := make([]byte, 0, size)
	b = append(b, datasetMagic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(js)))
	b = append(b, js...)
	for _, rows := range [][][]float64{d.X, d.XNext} {
		for _, row := range rows {
			for _, v := range row {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(v)))
			}
		}
	}
	for _, rows := range [][][]float64{d.U, d.State, d.StateNext} {
		for _, row := range rows {
			for _, v := range row {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
			}
		}
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)), nil
}

// LoadDataset reads a dataset Save wrote. A file that is not one (see
// ErrDatasetFile), is truncated, or whose contents fail Check is an error
// naming the file and the problem.
func LoadDataset(path string) (*Dataset, error) {
	return atomicfile.Load(path, unmarshalDataset)
}

// unmarshalDataset decodes the format of Save.
func unmarshalDataset(b []byte) (*Dataset, error) {
	bad := func(format string, args ...any) (*Dataset, error) {
		return nil, fmt.Errorf("%w: %s", ErrDatasetFile, fmt.Sprintf(format, args...))
	}
	m := len(datasetMagic)
	if len(b) < m+4 || string(b[:m]) != datasetMagic {
		return bad("not a dataset file (%d bytes, no %q at the start)", len(b), datasetMagic)
	}
	hl := int(binary.LittleEndian.Uint32(b[m:]))
	if hl > len(b)-m-4 {
		return bad("truncated: the header needs %d bytes, the file has %d after the magic", hl, len(b)-m-4)
	}
	var h datasetHeader
	if err := json.Unmarshal(b[m+4:m+4+hl], &h); err != nil {
		return bad("header: %v", err)
	}
	if h.Width < 1 || h.Height < 1 || h.Width > system.MaxImageSide || h.Height > system.MaxImageSide ||
		h.Frames < 1 || h.Frames > 16 || h.N < 1 || h.Action < 1 || h.Action > 1024 || h.State < 0 || h.State > 1024 {
		return bad("header %+v out of range", h)
	}
	pixels, err := limits.Elements("e2c: LoadDataset", "n×width×height×frames", h.N, h.Width, h.Height, h.Frames)
	if err != nil {
		return bad("header %+v: %v", h, err)
	}
	if _, err := limits.Elements("e2c: LoadDataset", "n×(action+2·state)", h.N, h.Action+2*h.State); err != nil {
		return bad("header %+v: %v", h, err)
	}
	want := m + 4 + hl + 2*pixels*4 + h.N*(h.Action+2*h.State)*8 + 4
	if len(b) < want {
		return bad("truncated: %d bytes, the header (%d transitions of %d×%d×%d) promises %d", len(b), h.N, h.Width, h.Height, h.Frames, want)
	}
	if len(b) > want {
		return bad("%d bytes, the header (%d transitions of %d×%d×%d) promises %d", len(b), h.N, h.Width, h.Height, h.Frames, want)
	}
	if got, sum := binary.LittleEndian.Uint32(b[want-4:]), crc32.ChecksumIEEE(b[:want-4]); got != sum {
		return bad("checksum %08x, the contents give %08x (the file is corrupted)", got, sum)
	}
	d := &Dataset{Name: h.Name, Width: h.Width, Height: h.Height, Frames: h.Frames}
	P := d.Pixels()
	off := m + 4 + hl
	float32s := func() [][]float64 {
		rows := rowsOf(h.N, P)
		for _, row := range rows {
			for k := range row {
				row[k] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[off:])))
				off += 4
			}
		}
		return rows
	}
	float64s := func(k int) [][]float64 {
		if k == 0 {
			return nil
		}
		rows := rowsOf(h.N, k)
		for _, row := range rows {
			for j := range row {
				row[j] = math.Float64frombits(binary.LittleEndian.Uint64(b[off:]))
				off += 8
			}
		}
		return rows
	}
	d.X = float32s()
	d.XNext = float32s()
	d.U = float64s(h.Action)
	d.State = float64s(h.State)
	d.StateNext = float64s(h.State)
	if err := d.Check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDatasetFile, err)
	}
	return d, nil
}

// Cached returns the dataset stored at dir/name if that file holds a valid
// one, and otherwise calls generate, saves its dataset there (creating dir)
// and returns it. A file that exists but is not valid (truncated, say) is
// replaced. name must be a plain file name and should say everything the
// data depend on (system, settings, n, seed), since Cached does not look
// inside: e.g. "planar-n10000-seed1.e2cdata".
func Cached(dir, name string, generate func() (*Dataset, error)) (*Dataset, error) {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return nil, fmt.Errorf("e2c: Cached: name = %q, want a plain file name", name)
	}
	if generate == nil {
		return nil, errors.New("e2c: Cached: nil generate function")
	}
	path := filepath.Join(dir, name)
	if d, err := LoadDataset(path); err == nil {
		return d, nil
	}
	d, err := generate()
	if err != nil {
		return nil, fmt.Errorf("e2c: Cached %s: %w", path, err)
	}
	if nilcheck.IsNil(d) {
		return nil, fmt.Errorf("e2c: Cached %s: generate returned a nil dataset", path)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("e2c: Cached: %w", err)
	}
	if err := d.Save(path); err != nil {
		return nil, fmt.Errorf("e2c: Cached: %w", err)
	}
	return d, nil
}
