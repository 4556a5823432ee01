//! Who is asking and how the shared pages and API answer them: the shared state handle, the
//! voter cookie, and the style-control switch of the leaderboard views. Used by both the JSON
//! API and the HTML pages, so neither imports the other.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use crate::state::{AppState, random_hex};

pub type Shared = Arc<AppState>;

const COOKIE: &str = "versus_voter";

/// Who is asking: a voter key (hashed cookie id, or hashed IP without a cookie), the hashed IP,
/// and a cookie to set when the client had none.
pub struct Client {
    pub voter: String,
    pub ip_key: String,
    pub new_cookie: Option<String>,
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    for h in headers.get_all(header::COOKIE) {
        let Ok(s) = h.to_str() else { continue };
        for part in s.split(';') {
            if let Some(v) = part.trim().strip_prefix("versus_voter=")
                && v.len() == 32
                && v.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return Some(v.to_ascii_lowercase());
            }
        }
    }
    None
}

/// Identifies the client; `issue_cookie` makes a voter cookie when there is none.
pub fn client(
    state: &AppState,
    headers: &HeaderMap,
    addr: SocketAddr,
    issue_cookie: bool,
) -> Client {
    let mut ip = addr.ip().to_string();
    if state.settings.trust_forwarded_for
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
        && !first.trim().is_empty()
    {
        ip = first.trim().to_string();
    }
    let ip_key = state.hash_key("ip", &ip);
    match cookie_value(headers) {
        Some(c) => Client {
            voter: state.hash_key("c", &c),
            ip_key,
            new_cookie: None,
        },
        None if issue_cookie => {
            let c = random_hex();
            Client {
                voter: state.hash_key("c", &c),
                ip_key,
                new_cookie: Some(c),
            }
        }
        None => Client {
            voter: ip_key.clone(),
            ip_key,
            new_cookie: None,
        },
    }
}

/// Adds `Set-Cookie` for a newly issued voter cookie.
pub fn with_cookie(mut response: Response, cookie: &Option<String>) -> Response {
    if let Some(c) = cookie
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{COOKIE}={c}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Whether a leaderboard view is style-controlled: `?style=0|false|no|off` turns it off, any
/// other value on, no value takes the arena's setting.
pub fn want_style(state: &AppState, q: &Option<String>) -> bool {
    match q.as_deref() {
        Some("0" | "false" | "no" | "off") => false,
        Some(_) => true,
        None => state.settings.style_control,
    }
}
