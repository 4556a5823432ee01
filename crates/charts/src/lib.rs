//! versus-charts: a chart is a [`Scene`] — a list of rectangles, lines, polygons, circles and
//! text on a fixed canvas — written as SVG ([`Scene::to_svg`]) or rasterised to PNG
//! ([`Scene::to_png`]). One drawing code path serves both formats, so the SVG committed to the
//! docs and the PNG beside it cannot disagree.
//!
//! Why not a plotting or SVG-rendering crate: resvg with text cost about 115 CPU-seconds to
//! build cold here, against about 22 for tiny-skia + ab_glyph, and the race charts only need a
//! handful of primitives. Text is drawn with DejaVu Sans embedded in the binary, so PNG output
//! does not depend on the machine's fonts and is byte-for-byte deterministic.

mod axis;
mod font;
mod heatmap;
mod raster;
mod scene;
mod svg;

pub use axis::{Linear, Log10, format_number, log_ticks, nice_ticks};
pub use font::{FONT_FAMILY, text_width, wrap};
pub use heatmap::{HeatCell, HeatMap, diverging_color};
pub use scene::{Anchor, Color, Fill, Scene, Shape, Stroke, TextStyle};

/// What can go wrong turning a scene into a PNG.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot rasterise a {width}x{height} chart at scale {scale}")]
    Size { width: f64, height: f64, scale: f64 },
    #[error("the bundled font could not be read: {0}")]
    Font(String),
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// The eight bytes every PNG file starts with.
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
