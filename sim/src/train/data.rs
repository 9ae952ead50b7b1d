//! Data sets for training: CSV (features, label last; a header line allowed), IDX (the
//! MNIST format, gzipped or not), and the named sets (`digits`, `iris`, `fashion-mnist`)
//! with their fixed train/test splits. Features are scaled to [-1, 1] by the training set's
//! largest magnitude per feature, so that they fit the input words.

use std::path::{Path, PathBuf};

/// Labelled samples: `features[i]` has `dim` values, `labels[i] < classes`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub name: String,
    pub features: Vec<Vec<f64>>,
    pub labels: Vec<usize>,
    pub classes: usize,
}

/// A training set and a test set.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub train: Dataset,
    pub test: Dataset,
}

/// A data error, naming the file and where in it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct DataError {
    pub origin: String,
    pub message: String,
}

fn err(origin: &str, message: impl Into<String>) -> DataError {
    DataError {
        origin: origin.to_string(),
        message: message.into(),
    }
}

/// The data sets `--data` names, and where Fashion-MNIST is installed.
pub const NAMED: [&str; 3] = ["digits", "iris", "fashion-mnist"];
pub const FASHION_MNIST_DIR: &str = "/usr/share/datasets/fashion-mnist";

impl Dataset {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn dim(&self) -> usize {
        self.features.first().map_or(0, Vec::len)
    }

    /// The first `n` samples.
    pub fn take(&self, n: usize) -> Dataset {
        Dataset {
            name: self.name.clone(),
            features: self.features.iter().take(n).cloned().collect(),
            labels: self.labels.iter().take(n).copied().collect(),
            classes: self.classes,
        }
    }

    fn select(&self, keep: impl Fn(usize) -> bool) -> Dataset {
        let idx: Vec<usize> = (0..self.len()).filter(|&i| keep(i)).collect();
        Dataset {
            name: self.name.clone(),
            features: idx.iter().map(|&i| self.features[i].clone()).collect(),
            labels: idx.iter().map(|&i| self.labels[i]).collect(),
            classes: self.classes,
        }
    }

    /// The last `fraction` of the samples for test, the rest for training.
    pub fn split_tail(self, fraction: f64) -> Result<Split, DataError> {
        if !(fraction > 0.0 && fraction < 1.0) {
            return Err(err(
                &self.name,
                format!("the test fraction must be in (0, 1), found {fraction}"),
            ));
        }
        let n_test = ((self.len() as f64) * fraction).round() as usize;
        let n_train = self.len() - n_test;
        if n_test == 0 || n_train == 0 {
            return Err(err(
                &self.name,
                format!("{} samples cannot be split {fraction} for test", self.len()),
            ));
        }
        Ok(Split {
            train: self.select(|i| i < n_train),
            test: self.select(|i| i >= n_train),
        })
    }
}

impl Split {
    /// Scale every feature to [-1, 1] by its largest magnitude in the training set (the
    /// same factors apply to the test set, clamped).
    pub fn scaled(self) -> Split {
        self.scaled_by(false)
    }

    /// Scaled for `model`: an image input (`input.shape`) by one factor for all its pixels,
    /// since a convolution's kernel sees every position alike; other inputs per feature.
    pub fn scaled_for(self, model: &super::Model) -> Split {
        self.scaled_by(model.input.shape.is_some())
    }

    fn scaled_by(mut self, one_factor: bool) -> Split {
        let dim = self.train.dim();
        let mut peak = vec![0f64; dim];
        for f in &self.train.features {
            for (p, v) in peak.iter_mut().zip(f) {
                *p = p.max(v.abs());
            }
        }
        if one_factor {
            let top = peak.iter().cloned().fold(0.0, f64::max);
            peak.iter_mut().for_each(|p| *p = top);
        }
        for set in [&mut self.train, &mut self.test] {
            for f in set.features.iter_mut() {
                for (v, p) in f.iter_mut().zip(&peak) {
                    *v = if *p > 0.0 {
                        (*v / p).clamp(-1.0, 1.0)
                    } else {
                        0.0
                    };
                }
            }
        }
        self
    }

    /// A named set with its fixed split, or a file with the last `test_fraction` for test.
    pub fn load(spec: &str, test_fraction: f64) -> Result<Split, DataError> {
        match spec {
            "digits" => {
                let all = parse_csv(DIGITS, "digits (data/digits.csv.gz)")?;
                Ok(Split {
                    train: all.select(|i| i < 1437),
                    test: all.select(|i| i >= 1437),
                })
            }
            "iris" => {
                let all = parse_csv(IRIS, "iris (data/iris.csv)")?;
                Ok(Split {
                    train: all.select(|i| i % 5 != 4),
                    test: all.select(|i| i % 5 == 4),
                })
            }
            "fashion-mnist" => {
                let dir = Path::new(FASHION_MNIST_DIR);
                let file = |stem: &str| find_idx(dir, stem);
                let train = load_idx_pair(
                    &file("train-images-idx3-ubyte")?,
                    &file("train-labels-idx1-ubyte")?,
                )?;
                let test = load_idx_pair(
                    &file("t10k-images-idx3-ubyte")?,
                    &file("t10k-labels-idx1-ubyte")?,
                )?;
                Ok(Split {
                    train: Dataset {
                        name: "fashion-mnist".into(),
                        ..train
                    },
                    test: Dataset {
                        name: "fashion-mnist".into(),
                        ..test
                    },
                })
            }
            path => load_path(Path::new(path))?.split_tail(test_fraction),
        }
    }
}

// The small sets are built in, so that the binary trains them from any directory.
const DIGITS: &[u8] = include_bytes!("../../../data/digits.csv.gz");
const IRIS: &[u8] = include_bytes!("../../../data/iris.csv");

fn find_idx(dir: &Path, stem: &str) -> Result<PathBuf, DataError> {
    for name in [format!("{stem}.gz"), stem.to_string()] {
        let p = dir.join(name);
        if p.is_file() {
            return Ok(p);
        }
    }
    Err(err(
        &dir.join(stem).display().to_string(),
        "Fashion-MNIST not found: install it with `apt-get install dataset-fashion-mnist` (Debian), or pass --data a file",
    ))
}

/// Bytes of a file, gunzipped when it is gzip.
fn read_bytes(path: &Path) -> Result<Vec<u8>, DataError> {
    let origin = path.display().to_string();
    let raw = crate::files::read_bytes(path, crate::files::InputLimit::Dataset)
        .map_err(|e| err(&origin, e.problem))?;
    gunzip(raw, &origin)
}

fn gunzip(raw: Vec<u8>, origin: &str) -> Result<Vec<u8>, DataError> {
    if raw.starts_with(&[0x1f, 0x8b]) {
        crate::files::read_capped(
            flate2::read::GzDecoder::new(&raw[..]),
            crate::files::InputLimit::Dataset,
            origin,
        )
        .map_err(|e| err(origin, format!("not a valid gzip file: {}", e.problem)))
    } else {
        Ok(raw)
    }
}

/// A CSV file, or an IDX images file whose labels sit next to it (`*-images-*` and
/// `*-labels-*`).
pub fn load_path(path: &Path) -> Result<Dataset, DataError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.contains("idx3") || name.contains("images") {
        let labels = PathBuf::from(
            path.display()
                .to_string()
                .replace("images", "labels")
                .replace("idx3", "idx1"),
        );
        return load_idx_pair(path, &labels);
    }
    load_csv(path)
}

/// Features and a label per row, the label last; a first line that does not parse as
/// numbers is a header. Labels are whole numbers from 0.
pub fn load_csv(path: &Path) -> Result<Dataset, DataError> {
    parse_csv(&read_bytes(path)?, &path.display().to_string())
}

/// [`load_csv`] of bytes (gzipped or not); `origin` names them in errors.
pub fn parse_csv(bytes: &[u8], origin: &str) -> Result<Dataset, DataError> {
    let bytes = gunzip(bytes.to_vec(), origin)?;
    let text = String::from_utf8(bytes).map_err(|_| err(origin, "not UTF-8 text"))?;
    let mut features = Vec::new();
    let mut labels = Vec::new();
    let mut width = None;
    for (k, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let values: Result<Vec<f64>, _> = cells.iter().map(|c| c.parse::<f64>()).collect();
        let Ok(values) = values else {
            if k == 0 {
                continue; // a header
            }
            let bad = cells
                .iter()
                .find(|c| c.parse::<f64>().is_err())
                .unwrap_or(&"");
            return Err(err(
                origin,
                format!("line {}: `{bad}` is not a number", k + 1),
            ));
        };
        if values.len() < 2 {
            return Err(err(
                origin,
                format!(
                    "line {}: a row needs at least one feature and a label",
                    k + 1
                ),
            ));
        }
        match width {
            None => width = Some(values.len()),
            Some(w) if w != values.len() => {
                return Err(err(
                    origin,
                    format!(
                        "line {}: {} columns, the rows above have {w}",
                        k + 1,
                        values.len()
                    ),
                ))
            }
            _ => {}
        }
        let label = *values.last().expect("two values at least");
        let whole = label >= 0.0 && label.fract() == 0.0 && label < 1e6;
        if !(whole && values.iter().all(|v| v.is_finite())) {
            return Err(err(
                origin,
                format!(
                    "line {}: the label (last column) must be a whole number from 0, found {label}",
                    k + 1
                ),
            ));
        }
        labels.push(label as usize);
        features.push(values[..values.len() - 1].to_vec());
    }
    if labels.is_empty() {
        return Err(err(origin, "no rows"));
    }
    let classes = labels.iter().max().map_or(0, |m| m + 1);
    Ok(Dataset {
        name: origin.to_string(),
        features,
        labels,
        classes,
    })
}

/// An IDX file: magic (0, 0, type 0x08 = u8, dimensions), the dimensions (big endian u32),
/// then the data.
fn idx(path: &Path) -> Result<(Vec<usize>, Vec<u8>), DataError> {
    parse_idx(&read_bytes(path)?, &path.display().to_string())
}

/// [`idx`] of bytes (gunzipped): the dimensions and the data; `origin` names them in errors.
pub fn parse_idx(b: &[u8], origin: &str) -> Result<(Vec<usize>, Vec<u8>), DataError> {
    if b.len() < 4 || b[0] != 0 || b[1] != 0 || b[2] != 0x08 {
        return Err(err(
            origin,
            "not an IDX file of unsigned bytes (magic 0x0000 08 nn)",
        ));
    }
    let n = b[3] as usize;
    let header = 4 + 4 * n;
    if n == 0 || b.len() < header {
        return Err(err(origin, "truncated IDX header"));
    }
    let dims: Vec<usize> = (0..n)
        .map(|k| u32::from_be_bytes(b[4 + 4 * k..8 + 4 * k].try_into().expect("4 bytes")) as usize)
        .collect();
    let total = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    match total {
        Some(t) if header.checked_add(t) == Some(b.len()) => Ok((dims, b[header..].to_vec())),
        Some(t) => Err(err(
            origin,
            format!(
                "truncated IDX file: dimensions {dims:?} need {t} bytes of data, found {}",
                b.len() - header
            ),
        )),
        None => Err(err(origin, format!("IDX dimensions {dims:?} overflow"))),
    }
}

/// Images (N x rows x cols) and their labels (N).
pub fn load_idx_pair(images: &Path, labels: &Path) -> Result<Dataset, DataError> {
    let images_idx = idx(images)?;
    let labels_idx = idx(labels)?;
    idx_dataset(
        images_idx,
        labels_idx,
        &images.display().to_string(),
        &labels.display().to_string(),
    )
}

/// [`load_idx_pair`] of the two files as [`parse_idx`] returns them.
pub fn idx_dataset(
    (dims, pixels): (Vec<usize>, Vec<u8>),
    (ldims, lab): (Vec<usize>, Vec<u8>),
    origin: &str,
    labels_origin: &str,
) -> Result<Dataset, DataError> {
    let origin = origin.to_string();
    if dims.len() < 2 || ldims.len() != 1 || ldims[0] != dims[0] {
        return Err(err(
            &origin,
            format!("images {dims:?} and labels {ldims:?} ({labels_origin}) do not match"),
        ));
    }
    let dim = dims[1..].iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    let Some(dim) = dim.filter(|&d| d > 0) else {
        return Err(err(
            &origin,
            format!("images {dims:?}: an image needs 1 pixel or more, and few enough to count"),
        ));
    };
    Ok(Dataset {
        name: origin,
        features: pixels
            .chunks(dim)
            .map(|c| c.iter().map(|&p| p as f64).collect())
            .collect(),
        labels: lab.iter().map(|&l| l as usize).collect(),
        classes: lab.iter().map(|&l| l as usize + 1).max().unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn named_sets_have_their_fixed_splits() {
        let d = Split::load("digits", 0.2).unwrap();
        assert_eq!(
            (d.train.len(), d.test.len(), d.train.dim(), d.train.classes),
            (1437, 360, 64, 10)
        );
        let i = Split::load("iris", 0.2).unwrap();
        assert_eq!(
            (i.train.len(), i.test.len(), i.train.dim(), i.train.classes),
            (120, 30, 4, 3)
        );
        for c in 0..3 {
            assert_eq!(i.test.labels.iter().filter(|&&l| l == c).count(), 10);
        }
        let s = d.clone().scaled();
        assert!(s
            .train
            .features
            .iter()
            .flatten()
            .all(|v| (0.0..=1.0).contains(v)));
        // An image is scaled by one factor (digits' pixels run 0..=16), features by their own.
        let conv = crate::train::Model::from_toml_str(
            "name = \"c\"\ninput = { shape = [8, 8, 1] }\nloss = \"softmax_cross_entropy\"\n\
             [[layers]]\ntype = \"dense\"\nout = 10\n\
             [training]\nlr = 0.1\nepochs = 1\ncrs_every = 1\n",
            "c.toml",
        )
        .unwrap();
        let img = d.clone().scaled_for(&conv);
        for (a, b) in img
            .train
            .features
            .iter()
            .flatten()
            .zip(d.train.features.iter().flatten())
        {
            assert_eq!(*a, b / 16.0);
        }
        assert_ne!(s.train.features, img.train.features);
    }

    #[test]
    fn bad_files_name_the_line_and_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| write(&dir, name, bytes);
        let e = load_csv(&write("ragged.csv", b"1,2,0\n3,4,5,1\n")).unwrap_err();
        assert!(
            e.to_string()
                .contains("line 2: 4 columns, the rows above have 3"),
            "{e}"
        );
        let e = load_csv(&write("label.csv", b"1,2,0\n3,4,-1\n")).unwrap_err();
        assert!(
            e.to_string().contains("line 2") && e.to_string().contains("label"),
            "{e}"
        );
        let e = load_csv(&write("text.csv", b"a,b,c\n1,x,0\n")).unwrap_err();
        assert!(e.to_string().contains("line 2: `x` is not a number"), "{e}");
        let mut idx3 = vec![0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2];
        idx3.extend([1, 2, 3, 4, 5, 6, 7]); // one byte short of 2 x 2 x 2
        let e = idx(&write("t-images-idx3-ubyte", &idx3)).unwrap_err();
        assert!(e.to_string().contains("truncated IDX file"), "{e}");
        idx3.push(8);
        let imgs = write("ok-images-idx3-ubyte", &idx3);
        write("ok-labels-idx1-ubyte", &[0, 0, 8, 1, 0, 0, 0, 2, 1, 0]);
        let d = load_path(&imgs).unwrap();
        assert_eq!(
            (d.len(), d.dim(), d.labels.clone(), d.classes),
            (2, 4, vec![1, 0], 2)
        );
        let e = Split::load("/nonexistent/x.csv", 0.2).unwrap_err();
        assert!(
            e.to_string().contains("/nonexistent/x.csv: cannot read"),
            "{e}"
        );
    }
}
