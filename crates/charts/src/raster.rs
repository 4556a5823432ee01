//! PNG output: each shape filled or stroked with tiny-skia (anti-aliased), text as glyph
//! outlines of the bundled font filled like any other path. No system fonts, no randomness:
//! the same scene gives the same bytes.

use crate::font::{font, layout};
use crate::scene::{Anchor, Color, Fill, Scene, Shape, Stroke, TextStyle};
use crate::{Error, Result};
use ab_glyph::{Font, OutlineCurve};
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, Rect, Transform};

/// Largest side in device pixels; beyond this a caller has almost certainly passed a bad scale.
const MAX_SIDE: f64 = 16_384.0;
/// Stroke added around regular glyphs to make bold, as a fraction of the em size.
const BOLD_STROKE: f64 = 0.045;

fn paint(color: Color, opacity: f64) -> Paint<'static> {
    let mut paint = Paint::default();
    let alpha = (opacity.clamp(0.0, 1.0) * 255.0).round() as u8;
    paint.set_color_rgba8(color.r, color.g, color.b, alpha);
    paint.anti_alias = true;
    paint
}

fn sk_stroke(stroke: &Stroke, join: LineJoin) -> tiny_skia::Stroke {
    tiny_skia::Stroke {
        width: stroke.width as f32,
        line_cap: LineCap::Butt,
        line_join: join,
        dash: stroke
            .dash
            .and_then(|(on, off)| tiny_skia::StrokeDash::new(vec![on as f32, off as f32], 0.0)),
        ..tiny_skia::Stroke::default()
    }
}

fn open_path(points: &[(f64, f64)], close: bool) -> Option<Path> {
    let (first, rest) = points.split_first()?;
    let mut builder = PathBuilder::new();
    builder.move_to(first.0 as f32, first.1 as f32);
    for (x, y) in rest {
        builder.line_to(*x as f32, *y as f32);
    }
    if close {
        builder.close();
    }
    builder.finish()
}

struct Canvas {
    pixmap: Pixmap,
    base: Transform,
}

impl Canvas {
    fn fill(&mut self, path: &Path, fill: Fill) {
        self.pixmap.fill_path(
            path,
            &paint(fill.color, fill.opacity),
            FillRule::Winding,
            self.base,
            None,
        );
    }

    fn stroke(&mut self, path: &Path, stroke: &Stroke, join: LineJoin) {
        if stroke.width <= 0.0 {
            return;
        }
        self.pixmap.stroke_path(
            path,
            &paint(stroke.color, stroke.opacity),
            &sk_stroke(stroke, join),
            self.base,
            None,
        );
    }

    fn text(&mut self, at: (f64, f64), text: &str, style: &TextStyle) -> Result<()> {
        let font = font().ok_or_else(|| Error::Font("DejaVuSans.ttf does not parse".into()))?;
        let (glyphs, width) = layout(font, text, style.size);
        let dx = match style.anchor {
            Anchor::Start => 0.0,
            Anchor::Middle => -width / 2.0,
            Anchor::End => -width,
        };
        let scale = style.size / f64::from(font.units_per_em().unwrap_or(2048.0));
        let mut builder = PathBuilder::new();
        for (id, x0) in glyphs {
            let Some(outline) = font.outline(id) else {
                continue; // spaces and other blank glyphs
            };
            let map = |p: ab_glyph::Point| -> (f32, f32) {
                (
                    (dx + x0 + f64::from(p.x) * scale) as f32,
                    (-f64::from(p.y) * scale) as f32,
                )
            };
            let mut current: Option<(f32, f32)> = None;
            for curve in &outline.curves {
                let start = match curve {
                    OutlineCurve::Line(p0, _)
                    | OutlineCurve::Quad(p0, _, _)
                    | OutlineCurve::Cubic(p0, _, _, _) => map(*p0),
                };
                if current != Some(start) {
                    builder.move_to(start.0, start.1);
                }
                let end = match curve {
                    OutlineCurve::Line(_, p1) => {
                        let p1 = map(*p1);
                        builder.line_to(p1.0, p1.1);
                        p1
                    }
                    OutlineCurve::Quad(_, c, p2) => {
                        let (c, p2) = (map(*c), map(*p2));
                        builder.quad_to(c.0, c.1, p2.0, p2.1);
                        p2
                    }
                    OutlineCurve::Cubic(_, c1, c2, p3) => {
                        let (c1, c2, p3) = (map(*c1), map(*c2), map(*p3));
                        builder.cubic_to(c1.0, c1.1, c2.0, c2.1, p3.0, p3.1);
                        p3
                    }
                };
                current = Some(end);
            }
        }
        let Some(path) = builder.finish() else {
            return Ok(()); // blank text
        };
        let transform = self
            .base
            .pre_translate(at.0 as f32, at.1 as f32)
            .pre_rotate(style.rotate as f32);
        let ink = paint(style.color, 1.0);
        self.pixmap
            .fill_path(&path, &ink, FillRule::Winding, transform, None);
        if style.bold {
            let stroke = tiny_skia::Stroke {
                width: (style.size * BOLD_STROKE) as f32,
                line_join: LineJoin::Round,
                ..tiny_skia::Stroke::default()
            };
            self.pixmap
                .stroke_path(&path, &ink, &stroke, transform, None);
        }
        Ok(())
    }
}

impl Scene {
    /// The scene as PNG bytes, `scale` device pixels per canvas pixel (2 for sharp text on
    /// high-density screens and in documents).
    pub fn to_png(&self, scale: f64) -> Result<Vec<u8>> {
        png(self, scale)
    }
}

fn png(scene: &Scene, scale: f64) -> Result<Vec<u8>> {
    let (width, height) = (scene.width * scale, scene.height * scale);
    let size_error = || Error::Size {
        width: scene.width,
        height: scene.height,
        scale,
    };
    if !(width >= 1.0 && height >= 1.0 && width <= MAX_SIDE && height <= MAX_SIDE) {
        return Err(size_error());
    }
    let mut pixmap =
        Pixmap::new(width.round() as u32, height.round() as u32).ok_or_else(size_error)?;
    let bg = scene.background;
    pixmap.fill(tiny_skia::Color::from_rgba8(bg.r, bg.g, bg.b, 255));
    let mut canvas = Canvas {
        pixmap,
        base: Transform::from_scale(scale as f32, scale as f32),
    };
    for shape in &scene.shapes {
        draw(&mut canvas, shape)?;
    }
    canvas
        .pixmap
        .encode_png()
        .map_err(|e| Error::Png(e.to_string()))
}

/// Paints one shape (a group: its shapes in order).
fn draw(canvas: &mut Canvas, shape: &Shape) -> Result<()> {
    match shape {
        Shape::Rect {
            x,
            y,
            width,
            height,
            fill,
            stroke,
        } => {
            let Some(rect) = Rect::from_xywh(*x as f32, *y as f32, *width as f32, *height as f32)
            else {
                return Ok(());
            };
            let path = PathBuilder::from_rect(rect);
            if let Some(fill) = fill {
                canvas.fill(&path, *fill);
            }
            if let Some(stroke) = stroke {
                canvas.stroke(&path, stroke, LineJoin::Miter);
            }
        }
        Shape::Line { from, to, stroke } => {
            if let Some(path) = open_path(&[*from, *to], false) {
                canvas.stroke(&path, stroke, LineJoin::Miter);
            }
        }
        Shape::Polyline { points, stroke } => {
            if let Some(path) = open_path(points, false) {
                canvas.stroke(&path, stroke, LineJoin::Round);
            }
        }
        Shape::Polygon {
            points,
            fill,
            stroke,
        } => {
            if let Some(path) = open_path(points, true) {
                canvas.fill(&path, *fill);
                if let Some(stroke) = stroke {
                    canvas.stroke(&path, stroke, LineJoin::Miter);
                }
            }
        }
        Shape::Circle {
            center,
            radius,
            fill,
            stroke,
        } => {
            if let Some(path) =
                PathBuilder::from_circle(center.0 as f32, center.1 as f32, *radius as f32)
            {
                if let Some(fill) = fill {
                    canvas.fill(&path, *fill);
                }
                if let Some(stroke) = stroke {
                    canvas.stroke(&path, stroke, LineJoin::Miter);
                }
            }
        }
        Shape::Text { at, text, style } => canvas.text(*at, text, style)?,
        // A group's title is a tooltip in SVG; a picture has nothing to show it with.
        Shape::Group { title: _, shapes } => {
            for shape in shapes {
                draw(canvas, shape)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PNG_SIGNATURE;

    #[test]
    fn draws_text_and_shapes_deterministically() {
        let mut scene = Scene::new(120.0, 40.0, "t");
        scene.rect(
            2.0,
            2.0,
            30.0,
            20.0,
            Some(Fill::new(Color::hex(0x1f5fa8))),
            None,
        );
        scene.text((40.0, 25.0), "Hello", TextStyle::new(14.0).bold());
        let png = scene.to_png(2.0).unwrap();
        assert_eq!(png[..8], PNG_SIGNATURE);
        assert_eq!(png, scene.to_png(2.0).unwrap());
        // Text leaves ink: the picture differs from the one without it.
        scene.shapes.pop();
        assert_ne!(png, scene.to_png(2.0).unwrap());
        assert!(scene.to_png(0.0).is_err());
    }
}
