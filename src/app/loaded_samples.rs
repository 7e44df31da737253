//! A file of samples the user opened, as the settings hold it. Up to a million rows must not
//! be copied each time the settings are cloned (every frame's link, every training job), nor
//! compared row by row, nor written into the browser's storage or the status JSON: so the rows
//! are shared behind an [`Arc`], compared by their content hash, and never serialised with the
//! settings (model files carry them through [`crate::targets::sample_set::definition`]).

use std::sync::Arc;

use crate::targets::sample_file::content_hash;
use crate::targets::{SampleSetSpec, SampleSetTarget, TargetError};

/// The user's samples: the file's name, rows and box, and the rows' content hash.
#[derive(Clone, Debug)]
pub struct LoadedSamples {
    /// The file's name, its rows and the box the user set (if any).
    pub spec: Arc<SampleSetSpec>,
    /// [`content_hash`] of the rows: what links name them by.
    pub hash: String,
    /// The rows' robust-quantile box (computed once: it sorts every row).
    quantile_box: [f64; 4],
}

impl PartialEq for LoadedSamples {
    /// The same rows (by hash), file name and box.
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.spec.name == other.spec.name
            && self.spec.bounds == other.spec.bounds
    }
}

impl LoadedSamples {
    /// Wraps a file's rows, hashing them once.
    pub fn new(spec: SampleSetSpec) -> Self {
        let hash = content_hash(&spec.rows);
        let quantile_box = SampleSetTarget::default_box(&spec.rows);
        Self {
            spec: Arc::new(spec),
            hash,
            quantile_box,
        }
    }

    /// The same rows with another box (`None`: the robust-quantile one).
    pub fn with_box(&self, bounds: Option<[f64; 4]>) -> Self {
        let mut spec = (*self.spec).clone();
        spec.bounds = bounds;
        Self {
            spec: Arc::new(spec),
            ..self.clone()
        }
    }

    /// The target these samples define.
    pub fn target(&self) -> Result<SampleSetTarget, TargetError> {
        SampleSetTarget::new((*self.spec).clone())
    }

    /// The robust-quantile box of the rows (the box when the user has set none).
    pub fn quantile_box(&self) -> [f64; 4] {
        self.quantile_box
    }

    /// The box shown: the user's, or the robust-quantile one of the rows.
    pub fn bounds(&self) -> [f64; 4] {
        self.spec.bounds.unwrap_or(self.quantile_box)
    }
}
