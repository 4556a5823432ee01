//! Who is asking and how the shared pages and API answer them: the shared state handle, the
//! client's address (through trusted proxies only), the signed voter cookie, and the
//! style-control switch of the leaderboard views. Used by both the JSON API and the HTML
//! pages, so neither imports the other.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use crate::config::{ProxyHeader, Settings};
use crate::state::{AppState, constant_time_eq, random_hex};

pub type Shared = Arc<AppState>;

const COOKIE: &str = "versus_voter";

/// Who is asking: a voter key (hashed cookie id, or the hashed address without a valid
/// cookie), the hashed address, and a cookie to set when the client had no valid one.
pub struct Client {
    pub voter: String,
    pub ip_key: String,
    /// A newly issued (signed) cookie value, to be sent with `Set-Cookie`.
    pub new_cookie: Option<String>,
    /// The client reached us over HTTPS (through a trusted proxy): the cookie gets `Secure`.
    pub https: bool,
}

impl Client {
    /// The key rate limits of this client are counted under: its cookie's voter key, or its
    /// address when it came without a valid cookie (so discarding or forging cookies only
    /// ever lands in the address's bucket).
    pub fn limit_key(&self) -> &str {
        if self.new_cookie.is_some() {
            &self.ip_key
        } else {
            &self.voter
        }
    }
}

/// The `versus_voter` values the request carries (a client may send several).
fn cookie_values(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::COOKIE)
        .into_iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|s| s.split(';'))
        .filter_map(|part| part.trim().strip_prefix("versus_voter="))
}

/// A voter cookie is `ID.TAG`: 32 hex digits chosen by the server and the first 128 bits of
/// their HMAC-SHA256 under the database's secret (RFC 2104). A client cannot make a valid
/// one, so a fresh made-up cookie per request counts as no cookie at all.
pub fn sign_cookie(state: &AppState, id: &str) -> String {
    let tag = state.hash_key("voter-cookie", id);
    format!("{id}.{}", tag.rsplit(':').next().unwrap_or(""))
}

/// The id of a valid signed cookie.
fn verified_cookie_id<'a>(state: &AppState, value: &'a str) -> Option<&'a str> {
    let (id, _) = value.split_once('.')?;
    if id.len() != 32 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    constant_time_eq(sign_cookie(state, id).as_bytes(), value.as_bytes()).then_some(id)
}

/// The entries of a comma-separated proxy header, in order, over all its occurrences.
fn list_entries<'a>(headers: &'a HeaderMap, name: &str) -> Vec<&'a str> {
    headers
        .get_all(name)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect()
}

/// The entry the outermost trusted proxy wrote: the `trusted`-th from the right, or the
/// left-most when the list is shorter (then every entry came from a trusted proxy).
fn from_right<T: Copy>(entries: &[T], trusted: usize) -> Option<T> {
    let n = entries.len();
    if n == 0 {
        None
    } else {
        Some(entries[n.saturating_sub(trusted)])
    }
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:4711`,
/// `2001:db8::1`, optionally quoted (RFC 7239).
fn parse_address(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sock) = s.parse::<SocketAddr>() {
        return Some(sock.ip());
    }
    s.strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
}

/// A parameter (`for`, `proto`) of one RFC 7239 `Forwarded` element.
fn forwarded_param<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    element.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"'))
    })
}

/// The client's address and whether it used HTTPS, as the trusted proxies report them; the
/// socket's peer and plain HTTP without trusted proxies (forwarded headers are then the
/// client's own words and ignored).
pub fn client_address(
    settings: &Settings,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> (IpAddr, bool) {
    let trusted = settings.trusted_proxies;
    if trusted == 0 {
        return (peer.ip(), false);
    }
    let (address, proto) = match settings.proxy_header {
        ProxyHeader::XForwardedFor => {
            let entries = list_entries(headers, "x-forwarded-for");
            let address = from_right(&entries, trusted).and_then(parse_address);
            // Proxies set (or append to) X-Forwarded-Proto: the right-most is theirs.
            let protos = list_entries(headers, "x-forwarded-proto");
            (address, protos.last().copied())
        }
        ProxyHeader::Forwarded => {
            let elements = list_entries(headers, "forwarded");
            let element = from_right(&elements, trusted);
            (
                element
                    .and_then(|e| forwarded_param(e, "for"))
                    .and_then(parse_address),
                element.and_then(|e| forwarded_param(e, "proto")),
            )
        }
    };
    (
        address.unwrap_or(peer.ip()),
        proto.is_some_and(|p| p.eq_ignore_ascii_case("https")),
    )
}

/// Identifies the client; `issue_cookie` makes a signed voter cookie when it has no valid one.
pub fn client(
    state: &AppState,
    headers: &HeaderMap,
    addr: SocketAddr,
    issue_cookie: bool,
) -> Client {
    let (ip, https) = client_address(&state.settings, headers, addr);
    let ip_key = state.hash_key("ip", &ip.to_string());
    let valid = cookie_values(headers).find_map(|v| verified_cookie_id(state, v));
    match valid {
        Some(id) => Client {
            voter: state.hash_key("c", id),
            ip_key,
            new_cookie: None,
            https,
        },
        None if issue_cookie => {
            let id = random_hex();
            Client {
                voter: state.hash_key("c", &id),
                ip_key,
                new_cookie: Some(sign_cookie(state, &id)),
                https,
            }
        }
        None => Client {
            voter: ip_key.clone(),
            ip_key,
            new_cookie: None,
            https,
        },
    }
}

/// Adds `Set-Cookie` for a newly issued voter cookie (`Secure` when the client came over
/// HTTPS).
pub fn with_cookie(mut response: Response, who: &Client) -> Response {
    if let Some(c) = &who.new_cookie
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{COOKIE}={c}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
            if who.https { "; Secure" } else { "" }
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

#[derive(serde::Deserialize)]
pub(crate) struct BoardQuery {
    #[serde(default)]
    pub style: Option<String>,
    /// A category board ([`crate::categories::BOARDS`]); absent or empty: the overall board.
    #[serde(default)]
    pub category: Option<String>,
}

/// The snapshot a `?category=` asks for: the overall one when absent or empty, else the
/// category's (`Err` names the known categories).
pub(crate) async fn board_snapshot(
    state: &AppState,
    category: Option<&str>,
) -> Result<(Option<usize>, Arc<crate::board::Snapshot>), String> {
    match category.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok((None, state.leaderboard.snapshot())),
        Some(c) => match crate::categories::board_index(c) {
            Some(i) => Ok((Some(i), state.leaderboard.category_snapshot(i).await)),
            None => Err(format!(
                "unknown category {c:?}; expected one of: {}",
                crate::categories::BOARDS
                    .iter()
                    .map(|(id, _)| *id)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn settings(trusted: usize, header: ProxyHeader) -> Settings {
        Settings {
            trusted_proxies: trusted,
            proxy_header: header,
            ..Settings::default()
        }
    }

    const PEER: &str = "10.0.0.2:5000";

    fn address(s: &Settings, h: &HeaderMap) -> (String, bool) {
        let (ip, https) = client_address(s, h, PEER.parse().unwrap());
        (ip.to_string(), https)
    }

    #[test]
    fn without_trusted_proxies_forwarded_headers_are_ignored() {
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-proto", "https"),
            ("forwarded", "for=7.7.7.7;proto=https"),
        ]);
        for header in [ProxyHeader::XForwardedFor, ProxyHeader::Forwarded] {
            assert_eq!(
                address(&settings(0, header), &h),
                ("10.0.0.2".into(), false)
            );
        }
    }

    #[test]
    fn the_nth_entry_from_the_right_is_the_client() {
        // The client wrote "6.6.6.6"; the one trusted proxy appended the address it saw.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ]);
        let one = settings(1, ProxyHeader::XForwardedFor);
        assert_eq!(address(&one, &h), ("203.0.113.9".into(), true));
        // Two proxies: the first entry is what the outer one saw.
        let two = settings(2, ProxyHeader::XForwardedFor);
        assert_eq!(address(&two, &h).0, "6.6.6.6");
        // Repeated headers are one list, in order.
        let split = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "2.2.2.2, 3.3.3.3"),
        ]);
        assert_eq!(address(&two, &split).0, "2.2.2.2");
        // Fewer entries than proxies: the left-most, which a trusted proxy wrote.
        let short = headers(&[("x-forwarded-for", "198.51.100.4")]);
        assert_eq!(address(&two, &short).0, "198.51.100.4");
        // Nothing usable: the socket's peer.
        let junk = headers(&[("x-forwarded-for", "unknown")]);
        assert_eq!(address(&one, &junk), ("10.0.0.2".into(), false));
        assert_eq!(address(&one, &HeaderMap::new()).0, "10.0.0.2");
    }

    #[test]
    fn rfc_7239_forwarded_is_understood() {
        let h = headers(&[(
            "forwarded",
            "for=6.6.6.6;proto=http, for=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.2",
        )]);
        let one = settings(1, ProxyHeader::Forwarded);
        assert_eq!(address(&one, &h), ("2001:db8:cafe::17".into(), true));
        let two = settings(2, ProxyHeader::Forwarded);
        assert_eq!(address(&two, &h), ("6.6.6.6".into(), false));
        // An X-Forwarded-For the client added is not read when proxies write Forwarded.
        let xff = headers(&[("x-forwarded-for", "6.6.6.6")]);
        assert_eq!(address(&one, &xff).0, "10.0.0.2");
    }

    #[test]
    fn addresses_in_every_written_form() {
        for (text, ip) in [
            ("192.0.2.1", "192.0.2.1"),
            ("192.0.2.1:8080", "192.0.2.1"),
            ("\"[2001:db8::1]:4711\"", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
        ] {
            assert_eq!(
                parse_address(text).map(|a| a.to_string()).as_deref(),
                Some(ip)
            );
        }
        for bad in ["", "unknown", "_hidden", "[::1", "999.1.1.1"] {
            assert_eq!(parse_address(bad), None, "{bad}");
        }
    }
}
