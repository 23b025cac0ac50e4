package plotting

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
)

// Image is a grayscale image: W×H intensities in [0, 1], row-major with row
// 0 at the top (Pix[r*W+c]), 0 black and 1 white. This is the layout of the
// rendered observations of Embed to Control.
type Image struct {
	// Title is drawn above the image; may be empty.
	Title string
	// W and H are the width and height in pixels, both positive.
	W, H int
	// Pix holds W*H values in [0, 1].
	Pix []float64
}

// maxImageSide bounds W and H of an Image.
const maxImageSide = 1 << 14

// ImageGrid lays out grayscale images on a grid with cols columns (cols <= 0
// picks a near-square grid), each with its title, square pixels and no axes:
// for example observations and their reconstructions. It fails, naming the
// image and pixel, if there are no images, a size does not match len(Pix),
// or a value is NaN or outside [0, 1].
func ImageGrid(title string, cols int, images ...Image) (*Figure, error) {
	const fn = "ImageGrid"
	n := len(images)
	if n == 0 {
		return nil, fmt.Errorf("plotting: %s: no images", fn)
	}
	for i, im := range images {
		name := seriesName("image", i, im.Title)
		if im.W <= 0 || im.H <= 0 || im.W > maxImageSide || im.H > maxImageSide {
			return nil, fmt.Errorf("plotting: %s: %s has size %d×%d; want 1 to %d pixels a side", fn, name, im.W, im.H, maxImageSide)
		}
		if len(im.Pix) != im.W*im.H {
			return nil, fmt.Errorf("plotting: %s: %s is %d×%d = %d pixels but has %d values", fn, name, im.W, im.H, im.W*im.H, len(im.Pix))
		}
		for k, v := range im.Pix {
			if !(v >= 0 && v <= 1) {
				return nil, fmt.Errorf("plotting: %s: %s Pix[%d] (row %d, column %d) is %v; want a value in [0, 1]", fn, name, k, k/im.W, k%im.W, v)
			}
		}
	}
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols

	f := newFigure(title, rows, cols)
	f.titleAbove = true
	for i, im := range images {
		pn := newPanel()
		p := pn.plot
		p.Title.Text = im.Title
		p.HideAxes()
		p.X.Padding, p.Y.Padding = 0, 0
		p.Add(plotter.NewImage(upscale(im, i), 0, 0, float64(im.W), float64(im.H)))
		w, h := float64(im.W), float64(im.H)
		pn.addLine([]float64{0, w, w, 0, 0}, []float64{0, 0, h, h, 0}, -1, "", color.Gray{Y: 0x90})
		pn.lines[len(pn.lines)-1].scale = 0.3 // a hairline frame
		pn.equalAspect, pn.shrink = true, true
		pn.smallTitle = true
		f.panels[i] = pn
	}
	return f.WithStyle(f.style), nil
}

// upscale converts im to an 8-bit gray image, enlarged about
// 256/max(W, H) times with nearest-neighbour sampling so that pixels stay
// crisp when a viewer scales the image smoothly.
//
// The i-th image of a figure gets i extra columns (a sub-pixel change once
// drawn): fpdf orders the images of a PDF by width and breaks ties in map
// order, so equal widths would make PDF output vary from run to run.
func upscale(im Image, i int) *image.Gray {
	k := max(1, 256/max(im.W, im.H))
	w, h := im.W*k+i, im.H*k
	out := image.NewGray(image.Rect(0, 0, w, h))
	for r := range h {
		row := out.Pix[r*out.Stride:]
		src := im.Pix[(r/k)*im.W:]
		for c := range w {
			row[c] = uint8(math.Round(src[c*im.W/w] * 255))
		}
	}
	return out
}
