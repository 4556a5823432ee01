//! The native module of the `versus` Python package (`versus._versus`). It only converts: Arrow
//! streams (or plain columns) in, through versus-battles' Arrow reader, the leaderboard of
//! versus-leaderboard out, as the JSON `versus rank --output json` prints. The Python layer
//! (`python/versus`) turns that into a DataFrame.
//!
//! The pyo3 layer is built with the `python` feature only (maturin sets it), so `cargo test
//! --workspace` does not compile or link pyo3; the race calls (`race`) are plain Rust and
//! tested there.

#[cfg(feature = "python")]
mod python;
pub mod race;
