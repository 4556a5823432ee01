//! The native module of the `versus` Python package (`versus._versus`). It only converts: Arrow
//! streams (or plain columns) in, through versus-battles' Arrow reader, the leaderboard of
//! versus-leaderboard out, as the JSON `versus rank --output json` prints. The Python layer
//! (`python/versus`) turns that into a DataFrame.
//!
//! Built with the `python` feature only (maturin sets it): without it this crate is empty, so
//! `cargo test --workspace` does not compile or link pyo3.

#[cfg(feature = "python")]
mod python;
