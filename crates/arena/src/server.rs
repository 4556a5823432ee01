//! The accept loop: HTTP/1 connections served by hyper with the limits a public server needs
//! and `axum::serve` does not set — a header timeout (which also ends idle kept-alive
//! connections: hyper starts that clock whenever it waits for a request's head), a cap on open
//! connections per client address and in all, and graceful shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt;

use crate::config::Settings;

/// Open connections, per address and in all.
struct ConnectionCounts {
    per_address: Mutex<HashMap<IpAddr, usize>>,
    total: Mutex<usize>,
    /// `None` behind trusted proxies: every connection then comes from a proxy.
    max_per_address: Option<usize>,
    max_total: usize,
}

/// One admitted connection; dropping it gives its place back.
struct Admitted {
    counts: Arc<ConnectionCounts>,
    address: IpAddr,
}

impl ConnectionCounts {
    fn new(settings: &Settings) -> Arc<ConnectionCounts> {
        Arc::new(ConnectionCounts {
            per_address: Mutex::new(HashMap::new()),
            total: Mutex::new(0),
            max_per_address: (settings.trusted_proxies == 0)
                .then_some(settings.max_connections_per_address),
            max_total: settings.max_connections,
        })
    }

    /// A place for a new connection from `address`, if both caps allow it.
    fn admit(self: &Arc<Self>, address: IpAddr) -> Option<Admitted> {
        let mut total = self.total.lock().unwrap_or_else(|e| e.into_inner());
        if *total >= self.max_total {
            return None;
        }
        if let Some(max) = self.max_per_address {
            let mut map = self.per_address.lock().unwrap_or_else(|e| e.into_inner());
            let open = map.entry(address).or_insert(0);
            if *open >= max {
                return None;
            }
            *open += 1;
        }
        *total += 1;
        Some(Admitted {
            counts: self.clone(),
            address,
        })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let c = &self.counts;
        *c.total.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        if c.max_per_address.is_some() {
            let mut map = c.per_address.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(open) = map.get_mut(&self.address) {
                *open -= 1;
                if *open == 0 {
                    map.remove(&self.address);
                }
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets open connections
/// finish their current request.
pub async fn serve(
    router: Router,
    settings: &Settings,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let counts = ConnectionCounts::new(settings);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(settings.header_timeout_secs));
    // Dropping the receiver tells every connection to finish; the senders of `done` tell the
    // loop when they all have.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(stop_rx);
    });
    let (done_tx, done_rx) = tokio::sync::watch::channel(());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait for connections to close.
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop_tx.closed() => break,
        };
        let Some(admitted) = counts.admit(peer.ip()) else {
            tracing::debug!("connection from {peer} refused: too many open connections");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut request: hyper::Request<Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                request.map(axum::body::Body::new)
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let stop_tx = stop_tx.clone();
        let done_rx = done_rx.clone();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let mut stopping = pin!(stop_tx.closed());
            let mut stopped = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(e) = result {
                            tracing::debug!("connection from {peer}: {e}");
                        }
                        break;
                    }
                    _ = &mut stopping, if !stopped => {
                        stopped = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(admitted);
            drop(done_rx);
        });
    }
    drop(listener);
    drop(done_rx);
    done_tx.closed().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_capped_per_address_and_in_all() {
        let settings = Settings {
            max_connections_per_address: 2,
            max_connections: 3,
            ..Settings::default()
        };
        let counts = ConnectionCounts::new(&settings);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let first = counts.admit(a).expect("first");
        let _second = counts.admit(a).expect("second");
        assert!(counts.admit(a).is_none(), "a third from one address");
        let _third = counts.admit(b).expect("another address");
        assert!(counts.admit(b).is_none(), "over the total");
        drop(first);
        assert!(counts.admit(a).is_some(), "a place is given back on close");
        // Behind proxies the per-address cap is off (every connection is the proxy's).
        let proxied = ConnectionCounts::new(&Settings {
            trusted_proxies: 1,
            ..settings
        });
        let held: Vec<_> = (0..3).map(|_| proxied.admit(a).expect("proxied")).collect();
        assert!(proxied.admit(a).is_none());
        drop(held);
        assert_eq!(*proxied.total.lock().unwrap(), 0);
    }
}
