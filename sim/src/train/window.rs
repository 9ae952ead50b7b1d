//! A layer's windows over its input: which input words each output position sees.
//!
//! Feature maps are stored height, width, channel (channel fastest), so the taps of one
//! kernel row at one position are one contiguous run of the input. A convolution layer is
//! its unrolled matrix (kernel * kernel * in channels rows, out channels columns) applied at
//! every output position to that position's window; a dense layer is the one window that
//! is the whole input (a 1 x 1 map with as many channels as inputs).

use serde::{Deserialize, Serialize};

/// A feature map's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    pub height: usize,
    pub width: usize,
    pub channels: usize,
}

impl Shape {
    pub fn flat(n: usize) -> Shape {
        Shape {
            height: 1,
            width: 1,
            channels: n,
        }
    }

    pub fn len(&self) -> usize {
        self.height * self.width * self.channels
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `len` words at `input` of the feature map are taps `tap..tap + len` of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub tap: usize,
    pub input: usize,
    pub len: usize,
}

/// The windows of one layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub input: Shape,
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
}

impl Window {
    /// The dense layer's one window: every input.
    pub fn dense(inputs: usize) -> Window {
        Window {
            input: Shape::flat(inputs),
            kernel: 1,
            stride: 1,
            padding: 0,
        }
    }

    /// Output positions along one axis of `n` inputs; None when the kernel does not fit.
    fn along(&self, n: usize) -> Option<usize> {
        let span = n + 2 * self.padding;
        (self.kernel >= 1 && self.stride >= 1 && span >= self.kernel)
            .then(|| (span - self.kernel) / self.stride + 1)
    }

    /// Output rows and columns; None when the kernel does not fit the padded input.
    pub fn output_size(&self) -> Option<(usize, usize)> {
        Some((
            self.along(self.input.height)?,
            self.along(self.input.width)?,
        ))
    }

    /// Output positions (the window loop's length).
    pub fn positions(&self) -> usize {
        self.output_size().map_or(0, |(h, w)| h * w)
    }

    /// Words in one window: the unrolled matrix's rows without the bias row.
    pub fn taps(&self) -> usize {
        self.kernel * self.kernel * self.input.channels
    }

    /// The window is the input itself (a dense layer): nothing to gather.
    pub fn is_whole_input(&self) -> bool {
        self.positions() == 1 && self.taps() == self.input.len() && self.padding == 0
    }

    /// The contiguous runs of input words in the window at `position` (row-major over the
    /// output); taps outside the input (padding) are in no run and read as 0.
    pub fn runs(&self, position: usize) -> Vec<Run> {
        let (_, out_w) = self.output_size().expect("a window that fits");
        let (oy, ox) = (position / out_w, position % out_w);
        let (k, c, pad) = (self.kernel, self.input.channels, self.padding as isize);
        let (h, w) = (self.input.height as isize, self.input.width as isize);
        let x0 = (ox * self.stride) as isize - pad;
        let kx_lo = (-x0).clamp(0, k as isize) as usize;
        let kx_hi = (w - x0).clamp(0, k as isize) as usize;
        let mut runs = Vec::new();
        for ky in 0..k {
            let iy = (oy * self.stride + ky) as isize - pad;
            if iy < 0 || iy >= h || kx_lo >= kx_hi {
                continue;
            }
            let ix = (x0 + kx_lo as isize) as usize;
            runs.push(Run {
                tap: (ky * k + kx_lo) * c,
                input: (iy as usize * self.input.width + ix) * c,
                len: (kx_hi - kx_lo) * c,
            });
        }
        runs
    }

    /// The window at `position` of `input` (zeros where it overhangs the input).
    pub fn gather<T: Copy + Default>(&self, input: &[T], position: usize) -> Vec<T> {
        let mut v = vec![T::default(); self.taps()];
        for r in self.runs(position) {
            v[r.tap..r.tap + r.len].copy_from_slice(&input[r.input..r.input + r.len]);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The runs against the definition: tap (ky, kx, ch) at output (oy, ox) reads input
    /// (oy s + ky - p, ox s + kx - p, ch) when that is inside the map.
    fn by_definition(wdw: &Window, input: &[i32], position: usize) -> Vec<i32> {
        let (_, out_w) = wdw.output_size().unwrap();
        let (oy, ox) = (position / out_w, position % out_w);
        let s = wdw.input;
        let mut v = Vec::new();
        for ky in 0..wdw.kernel {
            for kx in 0..wdw.kernel {
                for ch in 0..s.channels {
                    let iy = (oy * wdw.stride + ky) as isize - wdw.padding as isize;
                    let ix = (ox * wdw.stride + kx) as isize - wdw.padding as isize;
                    let inside =
                        (0..s.height as isize).contains(&iy) && (0..s.width as isize).contains(&ix);
                    v.push(if inside {
                        input[(iy as usize * s.width + ix as usize) * s.channels + ch]
                    } else {
                        0
                    });
                }
            }
        }
        v
    }

    proptest! {
        #[test]
        fn windows_gather_the_taps_of_the_definition(
            height in 1usize..7, width in 1usize..7, channels in 1usize..4,
            kernel in 1usize..5, stride in 1usize..4, padding in 0usize..3,
        ) {
            let wdw = Window { input: Shape { height, width, channels }, kernel, stride, padding };
            let input: Vec<i32> = (1..=wdw.input.len() as i32).collect();
            match wdw.output_size() {
                None => prop_assert!(height + 2 * padding < kernel || width + 2 * padding < kernel),
                Some((oh, ow)) => {
                    prop_assert_eq!(oh, (height + 2 * padding - kernel) / stride + 1);
                    prop_assert_eq!(ow, (width + 2 * padding - kernel) / stride + 1);
                    for p in 0..wdw.positions() {
                        prop_assert_eq!(wdw.gather(&input, p), by_definition(&wdw, &input, p));
                    }
                }
            }
        }
    }

    #[test]
    fn a_dense_layer_is_one_window_over_the_whole_input() {
        let w = Window::dense(65);
        assert_eq!((w.positions(), w.taps()), (1, 65));
        assert!(w.is_whole_input());
        assert_eq!(
            w.runs(0),
            vec![Run {
                tap: 0,
                input: 0,
                len: 65
            }]
        );
        let conv = Window {
            input: Shape {
                height: 8,
                width: 8,
                channels: 1,
            },
            kernel: 3,
            stride: 2,
            padding: 1,
        };
        assert_eq!((conv.output_size(), conv.taps()), (Some((4, 4)), 9));
        assert!(!conv.is_whole_input());
        // The corner window overhangs the top row and the left column.
        assert_eq!(
            conv.runs(0),
            vec![
                Run {
                    tap: 4,
                    input: 0,
                    len: 2
                },
                Run {
                    tap: 7,
                    input: 8,
                    len: 2
                }
            ]
        );
    }
}
