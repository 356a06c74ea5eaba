//! Invariants shared by the fuzz targets: every span a loader or a rule produces lies inside the
//! text it points into and starts and ends on UTF-8 character boundaries.
#![allow(dead_code)]

use std::ops::Range;

use kubectl_wid::input::Node;
use kubectl_wid::input::load::{Inputs, LoadedFile};
use kubectl_wid::input::terraform::{Body, Expr, ExprKind, Part};
use kubectl_wid::rules::Finding;

pub fn check_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} outside the text (len {})",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} not on char boundaries"
    );
}

pub fn check_node(text: &str, node: &Node) {
    check_span(text, &node.span(), "node");
    for item in node.items() {
        check_node(text, item);
    }
    for e in node.entries() {
        check_node(text, &e.key);
        check_node(text, &e.value);
    }
}

fn check_expr(text: &str, e: &Expr) {
    check_span(text, &e.span, "hcl expr");
    match &e.kind {
        ExprKind::Template { parts, .. } => {
            for p in parts {
                match p {
                    Part::Literal { span, .. } | Part::Directive { span } => {
                        check_span(text, span, "hcl template part")
                    }
                    Part::Interpolation(e) => check_expr(text, e),
                }
            }
        }
        ExprKind::List(items) => items.iter().for_each(|i| check_expr(text, i)),
        ExprKind::Map(entries) => {
            for m in entries {
                check_span(text, &m.key_span, "hcl map key");
                check_expr(text, &m.value);
            }
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| check_expr(text, a)),
        _ => {}
    }
}

pub fn check_body(text: &str, body: &Body) {
    for a in &body.attributes {
        check_span(text, &a.key_span, "hcl attribute key");
        check_expr(text, &a.value);
    }
    for b in &body.blocks {
        check_span(text, &b.span, "hcl block");
        check_span(text, &b.ident_span, "hcl block ident");
        for l in &b.labels {
            check_span(text, &l.span, "hcl label");
        }
        check_body(text, &b.body);
    }
}

/// Every node, problem and Terraform span of a loaded file.
pub fn check_loaded(f: &LoadedFile) {
    let text = f.source.text.as_str();
    for d in &f.parsed.documents {
        check_node(text, &d.root);
    }
    for p in &f.parsed.problems {
        check_span(text, &p.span, "problem");
    }
    if let Some(at) = f.template_at {
        assert!(
            at <= text.len() && text.is_char_boundary(at),
            "template_at {at}"
        );
    }
    if let Some(tf) = &f.terraform {
        check_body(text, &tf.body);
        if let Some(e) = &tf.error {
            assert!(
                e.offset <= text.len() && text.is_char_boundary(e.offset),
                "tf error {}",
                e.offset
            );
        }
    }
    // Diagnostics turn offsets into line/column; that must work for every offset a span can hold.
    let _ = f.source.position(text.len());
}

/// Findings point into the file they name, and so do their related locations.
pub fn check_findings(inputs: &Inputs, findings: &[Finding]) {
    for f in findings {
        let file = &inputs.files[f.file.0];
        check_span(&file.source.text, &f.span, "finding");
        let _ = file.source.position(f.span.start);
        let _ = file.source.position(f.span.end);
    }
}
