//! Rules about Terraform inputs as Terraform reads them, before any cloud semantics.

pub mod terraform_syntax_error;
