//! The bundled font: text measurement for layout (legend boxes, label placement, wrapping) and
//! glyph outlines for the PNG rasteriser. SVG names the same family first, so a browser with
//! DejaVu Sans shows the same metrics the layout assumed; others fall back to similar sans fonts.

use ab_glyph::{Font, FontRef, GlyphId};
use std::sync::OnceLock;

/// DejaVu Sans 2.37 (Bitstream Vera licence, see `assets/LICENSE-DejaVu.txt`).
static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The `font-family` written into SVG.
pub const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// Bold text is drawn by thickening the regular outlines in PNG; browsers use a real bold face,
/// about this much wider, so layout reserves the extra room.
const BOLD_WIDTH_FACTOR: f64 = 1.1;

pub(crate) fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

/// Glyphs of a one-line text at an em size: (glyph, x offset of its origin) and the advance width.
pub(crate) fn layout(font: &FontRef<'static>, text: &str, size: f64) -> (Vec<(GlyphId, f64)>, f64) {
    let scale = size / f64::from(font.units_per_em().unwrap_or(2048.0));
    let mut pen = 0.0;
    let mut previous: Option<GlyphId> = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(prev) = previous {
            pen += f64::from(font.kern_unscaled(prev, id)) * scale;
        }
        glyphs.push((id, pen));
        pen += f64::from(font.h_advance_unscaled(id)) * scale;
        previous = Some(id);
    }
    (glyphs, pen)
}

/// Width in pixels of a one-line text at an em size.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let width = match font() {
        Some(font) => layout(font, text, size).1,
        // Unreachable with the bundled font; an average advance keeps layout sane regardless.
        None => text.chars().count() as f64 * size * 0.6,
    };
    if bold {
        width * BOLD_WIDTH_FACTOR
    } else {
        width
    }
}

/// Greedy word wrap to lines no wider than `max_width` (a single over-long word gets its own line).
pub fn wrap(text: &str, max_width: f64, size: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(&candidate, size, false) > max_width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_loads_and_measures() {
        assert!(font().is_some());
        let narrow = text_width("iiii", 12.0, false);
        let wide = text_width("MMMM", 12.0, false);
        assert!(narrow > 5.0 && wide > 2.0 * narrow, "{narrow} {wide}");
        assert!((text_width("ab", 24.0, false) - 2.0 * text_width("ab", 12.0, false)).abs() < 1e-9);
    }

    #[test]
    fn wrap_respects_the_width() {
        let text = "one two three four five six seven eight nine ten";
        let lines = wrap(text, 80.0, 12.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        assert!(
            lines
                .iter()
                .all(|l| text_width(l, 12.0, false) <= 80.0 || !l.contains(' '))
        );
    }
}
