//! Input layer: discovery, loading and span-exact documents.

pub mod cluster;
pub mod fast_yaml;
pub mod limits;
pub mod load;
pub mod node;
pub mod redact;
pub mod resolve;
pub mod source;
pub mod terraform;
pub mod yaml;

pub use node::{Entry, Node, Scalar, ScalarKind, Style, Value};
pub use source::{Encoding, FileId, Position, SourceFile};
