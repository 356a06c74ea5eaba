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
                "timing {phase:<12} {:8.1} ms {:7.1} MiB resident",
                start.elapsed().as_secs_f64() * 1e3,
                resident_mib()
            );
            *start = Instant::now();
        }
    }
}

/// Resident memory now (Linux `/proc/self/statm`; 0 elsewhere): memory first touched is the
/// dearest part of a run on small VMs, so each phase shows how much it added.
fn resident_mib() -> f64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

/// Whether each rule's time is wanted (`KUBECTL_WID_TIMINGS=rules`).
pub fn per_rule() -> bool {
    std::env::var_os(VAR).is_some_and(|v| v == "rules")
}
