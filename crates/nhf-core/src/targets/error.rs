//! The one error type of the target library: every refusal names what was wrong.

use std::fmt;

/// Why a target could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetError {
    /// An identifier that names no built-in target.
    UnknownId {
        /// The identifier asked for.
        id: String,
        /// Every identifier that would have worked.
        valid: Vec<String>,
    },
    /// A value that fails validation; `field` names where it sits (e.g. `components[2].cov`).
    Invalid {
        /// The JSON path or parameter name of the bad value.
        field: String,
        /// What is wrong with it, in words.
        problem: String,
    },
    /// Text that is not JSON at all (serde's message, with line and column).
    Json(String),
    /// A file that could not be read.
    Io {
        /// The path as given.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

impl TargetError {
    /// Shorthand for [`TargetError::Invalid`].
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownId { id, valid } => write!(
                f,
                "unknown target `{id}`; valid targets are {}, or a path to a custom mixture ending in .json",
                valid.join(", ")
            ),
            Self::Invalid { field, problem } => write!(f, "{field}: {problem}"),
            Self::Json(message) => write!(f, "invalid JSON: {message}"),
            Self::Io { path, message } => write!(f, "cannot read {path}: {message}"),
        }
    }
}

impl std::error::Error for TargetError {}
