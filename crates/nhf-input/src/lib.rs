//! What the playground reads from its users, kept apart from the engine (`nhf-core`): text and
//! bytes in, checked values or a message naming the problem out, with no model or target code.
//!
//! - [`expr`]: the expression language of a typed log-density in x and y — lexer, parser,
//!   printer, and a compiled program giving the value, exact gradient and Hessian.
//! - [`sample_file`]: the reader of a user's 2D samples (CSV or whitespace-separated text, or a
//!   NumPy `.npy` array), with a message naming the line and the problem for every refusal.

pub mod expr;
pub mod sample_file;
