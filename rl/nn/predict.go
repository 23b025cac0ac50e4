package nn

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
	"gonum.org/v1/gonum/mat"
)

// nnExecs are the model's compiled graphs, built on first use. Graphs are
// compiled per input shape; batches are padded to a power of two (see
// nnBucket) so a model compiles at most a few dozen of them.
type nnExecs struct {
	predict, jacobian, train *graph.Exec
}

const (
	// predictChunk is the largest batch one Predict graph call takes;
	// bigger batches are split into calls of this size.
	predictChunk = 4096
	// jacobianRows caps the rows of one Jacobian graph call, whose graph
	// replicates the batch Out() times: a call takes at most
	// max(1, min(1024, jacobianRows/Out())) points.
	jacobianRows = 16384
)

func (m *MLP) jacobianChunk() int {
	return max(1, min(1024, jacobianRows/m.cfg.Out))
}

// nnBucket returns the padded batch size for n rows: the next power of two.
func nnBucket(n int) int {
	b := 1
	for b < n {
		b *= 2
	}
	return b
}

func (m *MLP) predictExec() *graph.Exec {
	if m.execs.predict == nil {
		m.execs.predict = graph.MustNewExec(mlx.Backend(), func(theta, norm, x *graph.Node) *graph.Node {
			return m.forward(theta, norm, x)
		}).SetMaxCache(-1)
	}
	return m.execs.predict
}

// jacobianExec returns y [B, Out] and J [B, Out, In] with
// J[b][o][i] = ∂y_o/∂x_i at row b. It uses one reverse pass: the batch is
// replicated Out times, copy o is pushed through the network, and the
// gradient of Σ_o Σ_b y[o, b, o] with respect to the replicated input is,
// in copy o, row o of every point's Jacobian (points do not interact).
func (m *MLP) jacobianExec() *graph.Exec {
	if m.execs.jacobian == nil {
		in, out := m.cfg.In, m.cfg.Out
		m.execs.jacobian = graph.MustNewExec(mlx.Backend(), func(theta, norm, x *graph.Node) (*graph.Node, *graph.Node) {
			g := x.Graph()
			B := x.Shape().Dimensions[0]
			xr := graph.BroadcastPrefix(x, out)                        // [Out, B, In]
			yr := m.forward(theta, norm, graph.Reshape(xr, out*B, in)) // [Out*B, Out]
			yr = graph.Reshape(yr, out, B, out)
			eye := make([]float64, out*out)
			for o := 0; o < out; o++ {
				eye[o*out+o] = 1
			}
			sel := graph.Reshape(graph.Const(g, eye), out, 1, out)
			total := graph.ReduceAllSum(graph.Mul(yr, graph.BroadcastToDims(sel, out, B, out)))
			J := graph.Gradient(total, xr)[0]                                // [Out, B, In]
			y := graph.Squeeze(graph.SliceAxis(yr, 0, graph.AxisElem(0)), 0) // copy 0 holds y
			return y, graph.TransposeAllAxes(J, 1, 0, 2)
		}).SetMaxCache(-1)
	}
	return m.execs.jacobian
}

// Predict returns N(x) for each row of x, running one graph call per batch
// of up to 4096 rows (batches are padded to a power of two). A call costs
// about 0.2 ms however small the batch (64×64 network, pure-Go backend),
// so batch the points rather than calling Predict in a loop. An empty x
// gives an empty result. It returns an error if m is nil, a row's length
// is not In() or a value is not finite, the result would hold more than
// limits.MaxElements values (rows × Out), or an output overflows float64.
func (m *MLP) Predict(x [][]float64) ([][]float64, error) {
	if err := m.checkInput("Predict", x, false); err != nil {
		return nil, err
	}
	in, out := m.cfg.In, m.cfg.Out
	res := make([][]float64, len(x))
	flat := make([]float64, len(x)*out)
	for i := range res {
		res[i] = flat[i*out : (i+1)*out : (i+1)*out]
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	theta := tensors.FromFlatDataAndDimensions(m.theta, m.nP)
	nv := m.norm.vector()
	norm := tensors.FromFlatDataAndDimensions(nv, len(nv))
	exec := m.predictExec()
	for start := 0; start < len(x); start += predictChunk {
		rows := x[start:min(start+predictChunk, len(x))]
		xt := tensors.FromFlatDataAndDimensions(nnPad(rows, in), nnBucket(len(rows)), in)
		outs, err := exec.Call(theta, norm, xt)
		if err != nil {
			return nil, fmt.Errorf("nn: Predict: %w", err)
		}
		y, err := tensors.CopyFlatData[float64](outs[0])
		if err != nil {
			return nil, fmt.Errorf("nn: Predict: %w", err)
		}
		copy(flat[start*out:], y[:len(rows)*out])
	}
	if err := nnCheckOutput("Predict", 0, flat, out); err != nil {
		return nil, err
	}
	return res, nil
}

// MustPredict is Predict that panics on error, for notebooks: it panics
// where Predict returns an error.
func (m *MLP) MustPredict(x [][]float64) [][]float64 {
	y, err := m.Predict(x)
	if err != nil {
		panic(err)
	}
	return y
}

// Jacobian returns, for each row x_b of x, the Out()×In() Jacobian
// ∂N/∂x at x_b, by reverse-mode autodiff in one graph call per batch of up
// to 1024 rows (fewer when Out() > 16: the graph pushes Out() copies of
// the batch through the network, so its cost is about Out() forward and
// backward passes). Use it to linearise a learned dynamics model. It
// returns Linearize's errors.
func (m *MLP) Jacobian(x [][]float64) ([]*mat.Dense, error) {
	_, J, err := m.Linearize(x)
	return J, err
}

// Linearize returns both N(x_b) and the Jacobian ∂N/∂x at x_b for each
// row of x, from the same graph call:
//
//	N(x) ≈ y_b + J_b (x − x_b).
//
// It returns an error if m is nil, a row's length is not In() or a value
// is not finite, the Jacobians would hold more than limits.MaxElements
// values (rows × Out × In), or an output or a derivative overflows
// float64.
func (m *MLP) Linearize(x [][]float64) (y [][]float64, J []*mat.Dense, err error) {
	if err := m.checkInput("Linearize", x, true); err != nil {
		return nil, nil, err
	}
	in, out := m.cfg.In, m.cfg.Out
	y = make([][]float64, len(x))
	J = make([]*mat.Dense, len(x))
	m.mu.Lock()
	defer m.mu.Unlock()
	theta := tensors.FromFlatDataAndDimensions(m.theta, m.nP)
	nv := m.norm.vector()
	norm := tensors.FromFlatDataAndDimensions(nv, len(nv))
	exec := m.jacobianExec()
	chunk := m.jacobianChunk()
	for start := 0; start < len(x); start += chunk {
		rows := x[start:min(start+chunk, len(x))]
		xt := tensors.FromFlatDataAndDimensions(nnPad(rows, in), nnBucket(len(rows)), in)
		outs, err := exec.Call(theta, norm, xt)
		if err != nil {
			return nil, nil, fmt.Errorf("nn: Linearize: %w", err)
		}
		yv, err := tensors.CopyFlatData[float64](outs[0])
		if err != nil {
			return nil, nil, fmt.Errorf("nn: Linearize: %w", err)
		}
		jv, err := tensors.CopyFlatData[float64](outs[1])
		if err != nil {
			return nil, nil, fmt.Errorf("nn: Linearize: %w", err)
		}
		yv, jv = yv[:len(rows)*out], jv[:len(rows)*out*in]
		if err := nnCheckOutput("Linearize", start, yv, out); err != nil {
			return nil, nil, err
		}
		for k, v := range jv {
			if !finite(v) {
				b, o, i := k/(out*in), k%(out*in)/in, k%in
				return nil, nil, fmt.Errorf("nn: Linearize: J[%d].At(%d, %d) = %v is not finite: the network's derivative overflows float64 at x[%d]", start+b, o, i, v, start+b)
			}
		}
		for b := range rows {
			y[start+b] = yv[b*out : (b+1)*out : (b+1)*out]
			J[start+b] = mat.NewDense(out, in, jv[b*out*in:(b+1)*out*in:(b+1)*out*in])
		}
	}
	return y, J, nil
}

// nnPad flattens rows into a [nnBucket(len(rows)) × dim] row-major slice,
// the padding rows zero.
func nnPad(rows [][]float64, dim int) []float64 {
	buf := make([]float64, nnBucket(len(rows))*dim)
	for i, r := range rows {
		copy(buf[i*dim:], r)
	}
	return buf
}

// checkInput checks m and the rows x of a Predict or Linearize call, and
// that the result, rows × Out values (rows × Out × In with jacobian), is
// within limits.MaxElements.
func (m *MLP) checkInput(fn string, x [][]float64, jacobian bool) error {
	if err := m.check(fn); err != nil {
		return err
	}
	if err := nnCheckRows(fn, "x", x, m.cfg.In); err != nil {
		return err
	}
	var err error
	switch {
	case len(x) == 0:
		return nil
	case jacobian:
		err = limits.Check("", "rows × Out × In", len(x), m.cfg.Out, m.cfg.In)
	default:
		err = limits.Check("", "rows × Out", len(x), m.cfg.Out)
	}
	if err != nil { // limits' message starts ": rows × Out …" for what = ""
		return fmt.Errorf("nn: %s%w", fn, err)
	}
	return nil
}

// nnCheckOutput returns an error naming the first non-finite value of
// rows start, start+1, … of a result y, flat and row-major with rows of
// width dim: the network overflowed there.
func nnCheckOutput(fn string, start int, flat []float64, dim int) error {
	for i, v := range flat {
		if !finite(v) {
			r := start + i/dim
			return fmt.Errorf("nn: %s: y[%d][%d] = %v is not finite: the network overflows float64 at x[%d]", fn, r, i%dim, v, r)
		}
	}
	return nil
}

// nnCheckRows checks that every row of x has length dim and finite values.
func nnCheckRows(fn, what string, x [][]float64, dim int) error {
	for i, r := range x {
		if len(r) != dim {
			return fmt.Errorf("nn: %s: %s[%d] has length %d, want %d", fn, what, i, len(r), dim)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("nn: %s: %s[%d][%d] = %v is not finite", fn, what, i, j, v)
			}
		}
	}
	return nil
}

// nnFiniteVec checks that every value of v is finite.
func nnFiniteVec(fn, what string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("nn: %s: %s[%d] = %v is not finite", fn, what, i, x)
		}
	}
	return nil
}
