//! `KUBECTL_WID_TIMINGS`: phase times on stderr (`1`), and each rule's own time too (`rules`).
//! Used by `scripts/bench` and for profiling; silent and free when the variable is unset.

use std::time::Instant;

const VAR: &str = "KUBECTL_WID_TIMINGS";

/// Prints the time since the previous lap (or since it was made) at each [`Timer::lap`].
pub struct Timer(Option<Instant>);

impl Timer {
    pub fn from_env() -> Self {
        Self(std::env::var_os(VAR).map(|_| Instant::now()))
    }

    pub fn lap(&mut self, phase: &str) {
        if let Some(start) = &mut self.0 {
            eprintln!(
                "timing {phase:<12} {:8.1} ms",
                start.elapsed().as_secs_f64() * 1e3
            );
            *start = Instant::now();
        }
    }
}

/// Whether each rule's time is wanted (`KUBECTL_WID_TIMINGS=rules`).
pub fn per_rule() -> bool {
    std::env::var_os(VAR).is_some_and(|v| v == "rules")
}
