//! Model layer: typed views of objects and the cross-file identity index.

pub mod aws;
pub mod azure_identity;
pub mod gcp;
pub mod index;
pub mod live;
pub mod object;
pub mod pod;
pub mod values;

pub use index::{DocumentRef, Model, Views};
pub use object::{Object, ObjectId};
pub use pod::{Container, PodTemplate, ServiceAccountRef};
