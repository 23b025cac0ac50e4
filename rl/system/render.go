package system

import (
	"fmt"
	"math"
)

// Small anti-aliased rasteriser for the renderers. Coordinates are in
// pixels with (0, 0) the top-left corner of the image and pixel (row i,
// column j) centred at (j+0.5, i+0.5). A pixel's coverage by a shape is
// approximated by clamp(0.5 − d, 0, 1), with d the signed distance in pixels
// from the pixel centre to the shape's edge (negative inside): exact for a
// straight edge crossing the pixel, one pixel of soft edge overall.

// MaxImageSide bounds the width and height accepted by the renderers.
const MaxImageSide = 4096

// checkImage checks a width×height image buffer.
func checkImage(sys string, img []float64, width, height int) error {
	if width <= 0 || height <= 0 || width > MaxImageSide || height > MaxImageSide {
		return fmt.Errorf("%s: Render: image size %d×%d, want width and height in [1, %d]", sys, width, height, MaxImageSide)
	}
	if len(img) != width*height {
		return fmt.Errorf("%s: Render: img has length %d, want width*height = %d×%d = %d", sys, len(img), width, height, width*height)
	}
	return nil
}

// coverage maps a signed distance to the edge (pixels, negative inside) to
// the fraction of the pixel covered.
func coverage(d float64) float64 {
	return math.Min(1, math.Max(0, 0.5-d))
}

// paint blends value over img[k] with opacity a.
func paint(img []float64, k int, value, a float64) {
	if a > 0 {
		img[k] = img[k]*(1-a) + value*a
	}
}

// box returns the pixel index range [lo, hi) of rows or columns whose
// centres may lie within [a, b], clipped to [0, size).
func box(a, b float64, size int) (lo, hi int) {
	return clampIndex(math.Floor(a-1), size), clampIndex(math.Ceil(b+1), size)
}

// clampIndex converts v to an int clamped to [0, size] before the
// conversion, so that huge, infinite and NaN (as 0) coordinates stay in
// range on every platform.
func clampIndex(v float64, size int) int {
	switch {
	case !(v > 0):
		return 0
	case v >= float64(size):
		return size
	}
	return int(v)
}

// drawSegment paints a thick segment with round caps from (x0, y0) to
// (x1, y1) of half-thickness hw pixels in shade value.
func drawSegment(img []float64, width, height int, x0, y0, x1, y1, hw, value float64) {
	dx, dy := x1-x0, y1-y0
	len2 := dx*dx + dy*dy
	j0, j1 := box(math.Min(x0, x1)-hw, math.Max(x0, x1)+hw, width)
	i0, i1 := box(math.Min(y0, y1)-hw, math.Max(y0, y1)+hw, height)
	for i := i0; i < i1; i++ {
		py := float64(i) + 0.5
		for j := j0; j < j1; j++ {
			px := float64(j) + 0.5
			t := 0.0
			if len2 > 0 {
				t = math.Min(1, math.Max(0, ((px-x0)*dx+(py-y0)*dy)/len2))
			}
			ex, ey := px-(x0+t*dx), py-(y0+t*dy)
			paint(img, i*width+j, value, coverage(math.Hypot(ex, ey)-hw))
		}
	}
}

// drawEllipse paints a filled axis-aligned ellipse centred at (cx, cy) with
// radii rx, ry pixels in shade value. For rx = ry it is a disc and the
// coverage is exact in the sense above; otherwise the distance to the edge
// is approximated through the geometric-mean radius.
func drawEllipse(img []float64, width, height int, cx, cy, rx, ry, value float64) {
	if !(rx > 0 && ry > 0) {
		return
	}
	rm := math.Sqrt(rx * ry)
	j0, j1 := box(cx-rx, cx+rx, width)
	i0, i1 := box(cy-ry, cy+ry, height)
	for i := i0; i < i1; i++ {
		ny := (float64(i) + 0.5 - cy) / ry
		for j := j0; j < j1; j++ {
			nx := (float64(j) + 0.5 - cx) / rx
			paint(img, i*width+j, value, coverage((math.Hypot(nx, ny)-1)*rm))
		}
	}
}
