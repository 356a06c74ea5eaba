//! Connecting: kubeconfig (kubectl's rules: `--kubeconfig`, else `KUBECONFIG` with several
//! files merged, else `~/.kube/config`), contexts, and GET requests with a timeout whose
//! failures become one clear line. Only GET is ever sent.

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// A failed request, classified for the user.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RequestError {
    /// The server answered with a `Status` (401, 403, 404, 410, …).
    #[error("{message} ({code} {reason})")]
    Api {
        code: u16,
        reason: String,
        message: String,
    },
    /// No answer at all: connection refused, DNS, TLS, a reset connection.
    #[error("{0}")]
    Transport(String),
    #[error("no answer within {0:?} (--request-timeout)")]
    Timeout(Duration),
    /// Not a request failure: what was listed no longer fits in `--max-input-size`.
    #[error("{0}")]
    OverBudget(String),
}

impl RequestError {
    pub fn code(&self) -> Option<u16> {
        match self {
            RequestError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// 401/403: the credentials may not read this; a warning, the rest is still linted.
    pub fn is_denied(&self) -> bool {
        matches!(self.code(), Some(401 | 403))
    }
}

/// Where the kubeconfig comes from.
#[derive(Debug, Clone, Default)]
pub struct KubeconfigSource {
    pub path: Option<PathBuf>,
}

/// Reads the kubeconfig the way kubectl does. `Ok(None)`: there is none (then in-cluster
/// configuration is tried, as kubectl does inside a pod).
pub fn read_kubeconfig(src: &KubeconfigSource) -> Result<Option<Kubeconfig>, String> {
    if let Some(p) = &src.path {
        return Kubeconfig::read_from(p)
            .map(Some)
            .map_err(|e| format!("cannot read kubeconfig {}: {}", p.display(), one_line(&e)));
    }
    match Kubeconfig::from_env() {
        Ok(Some(k)) => return Ok(Some(k)),
        Ok(None) => {}
        Err(e) => return Err(format!("cannot read KUBECONFIG: {}", one_line(&e))),
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    match home.map(|h| h.join(".kube").join("config")) {
        Some(p) if p.exists() => Kubeconfig::read_from(&p)
            .map(Some)
            .map_err(|e| format!("cannot read kubeconfig {}: {}", p.display(), one_line(&e))),
        _ => Ok(None),
    }
}

/// The contexts to lint: every context (`--all-contexts`), the named one, or the current one.
pub fn contexts(kc: &Kubeconfig, context: Option<&str>, all: bool) -> Result<Vec<String>, String> {
    if all {
        let names: Vec<String> = kc.contexts.iter().map(|c| c.name.clone()).collect();
        if names.is_empty() {
            return Err("the kubeconfig has no contexts".into());
        }
        return Ok(names);
    }
    let name = match context {
        Some(c) => c.to_string(),
        None => kc
            .current_context
            .clone()
            .filter(|c| !c.is_empty())
            .ok_or("the kubeconfig has no current-context; pass --context")?,
    };
    if !kc.contexts.iter().any(|c| c.name == name) {
        return Err(format!("context `{name}` is not in the kubeconfig"));
    }
    Ok(vec![name])
}

/// A client for one context, with the request timeout applied to connect and read.
pub async fn client_for(
    kc: Option<&Kubeconfig>,
    context: &str,
    timeout: Option<Duration>,
) -> Result<(Client, Config), String> {
    let mut config = match kc {
        Some(kc) => {
            let options = KubeConfigOptions {
                context: Some(context.to_string()),
                cluster: None,
                user: None,
            };
            Config::from_custom_kubeconfig(kc.clone(), &options)
                .await
                .map_err(|e| format!("context `{context}`: {}", one_line(&e)))?
        }
        None => Config::incluster().map_err(|_| {
            "no kubeconfig found (set KUBECONFIG, pass --kubeconfig, or run inside a pod)"
                .to_string()
        })?,
    };
    if let Some(t) = timeout {
        config.connect_timeout = Some(t);
        config.read_timeout = Some(t);
        config.write_timeout = Some(t);
    }
    // Retries would hide a hanging or overloaded server behind minutes of waiting.
    config.default_retry = false;
    let client = Client::try_from(config.clone())
        .map_err(|e| format!("context `{context}`: {}", one_line(&e)))?;
    Ok((client, config))
}

/// GET `path` (path and query) and return the body. The only verb live mode uses.
pub async fn get(
    client: &Client,
    path: &str,
    timeout: Option<Duration>,
) -> Result<String, RequestError> {
    // No body is longer than `u64::MAX` bytes: the capped read always answers.
    get_capped(client, path, timeout, u64::MAX)
        .await
        .map(Option::unwrap_or_default)
}

/// GET `path` like [`get`], but stop reading once the body passes `cap` bytes: `Ok(None)`, and
/// the rest of the body is never held. Bounds a list page before it is parsed.
pub async fn get_capped(
    client: &Client,
    path: &str,
    timeout: Option<Duration>,
    cap: u64,
) -> Result<Option<String>, RequestError> {
    let request = http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| RequestError::Transport(e.to_string()))?;
    let call = async {
        let body = client.request_stream(request).await.map_err(classify)?;
        read_capped(body, cap).await
    };
    match timeout {
        Some(t) => tokio::time::timeout(t, call)
            .await
            .unwrap_or(Err(RequestError::Timeout(t))),
        None => call.await,
    }
}

async fn read_capped(
    body: impl futures::AsyncBufRead,
    cap: u64,
) -> Result<Option<String>, RequestError> {
    use futures::AsyncReadExt;
    let mut text = Vec::new();
    // One byte past the cap tells "exactly cap" from "more".
    let mut limited = std::pin::pin!(body.take(cap.saturating_add(1)));
    limited
        .read_to_end(&mut text)
        .await
        .map_err(|e| RequestError::Transport(format!("reading the answer: {e}")))?;
    if text.len() as u64 > cap {
        return Ok(None);
    }
    String::from_utf8(text)
        .map(Some)
        .map_err(|_| RequestError::Transport("the answer is not UTF-8".into()))
}

fn classify(e: kube::Error) -> RequestError {
    match e {
        kube::Error::Api(status) => RequestError::Api {
            code: status.code,
            reason: status.reason.clone(),
            message: status.message.clone(),
        },
        other => {
            let text = one_line(&other);
            if text.contains("elapsed") || text.to_ascii_lowercase().contains("timed out") {
                RequestError::Transport(format!("timed out ({text})"))
            } else {
                RequestError::Transport(text)
            }
        }
    }
}

/// The error chain as one line, innermost causes last, repeated texts dropped.
pub fn one_line(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ").replace('\n', " ")
}

/// `1s`, `500ms`, `2m`, `1h`, a bare number of seconds; `0` means no timeout (kubectl's rules).
pub fn parse_timeout(s: &str) -> Result<Option<Duration>, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration `{s}` (use e.g. 30s, 2m, 0 for none)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => {
            return Err(format!(
                "invalid duration `{s}` (use e.g. 30s, 2m, 0 for none)"
            ));
        }
    };
    Ok((secs > 0.0).then(|| Duration::from_secs_f64(secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_read_stops_past_the_cap() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let read = |body: &'static [u8], cap| rt.block_on(read_capped(body, cap));
        assert_eq!(
            read(b"{\"items\":[]}", 12).unwrap().as_deref(),
            Some("{\"items\":[]}")
        );
        assert_eq!(read(b"{\"items\":[]}", 11).unwrap(), None);
        assert_eq!(read(b"", 0).unwrap().as_deref(), Some(""));
        assert!(matches!(
            read(b"\xff\xfe", 10),
            Err(RequestError::Transport(_))
        ));
    }

    #[test]
    fn timeouts_parse_like_kubectl() {
        assert_eq!(parse_timeout("0"), Ok(None));
        assert_eq!(parse_timeout("5"), Ok(Some(Duration::from_secs(5))));
        assert_eq!(parse_timeout("1m"), Ok(Some(Duration::from_secs(60))));
        assert_eq!(parse_timeout("250ms"), Ok(Some(Duration::from_millis(250))));
        assert!(parse_timeout("soon").is_err());
        assert!(parse_timeout("5d").is_err());
    }
}
