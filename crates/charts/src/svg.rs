//! SVG output: one element per shape, numbers with one decimal, every text escaped.

use crate::font::FONT_FAMILY;
use crate::scene::{Anchor, Fill, Scene, Shape, Stroke};
use std::fmt::Write as _;

/// Chart text (model and organisation names are data) for an XML text node or quoted attribute:
/// control characters XML 1.0 forbids become spaces, then the template engine's HTML escaper
/// (askama's, which is also valid XML) escapes the markup characters, so nothing is written
/// unescaped.
fn xml_text(text: &str) -> String {
    let allowed: String = text
        .chars()
        .map(|c| {
            if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let Ok(escaped) = askama::filters::escape(allowed.as_str(), askama::filters::Html);
    escaped.to_string()
}

/// A coordinate with one decimal and no "-0.0".
fn n(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 || !rounded.is_finite() {
        "0".to_string()
    } else if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

fn opacity(value: f64) -> String {
    let rounded = (value.clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
    format!("{rounded}")
}

fn fill_attrs(fill: Option<Fill>) -> String {
    match fill {
        None => " fill=\"none\"".to_string(),
        Some(f) if f.opacity < 1.0 => format!(
            " fill=\"{}\" fill-opacity=\"{}\"",
            f.color.css(),
            opacity(f.opacity)
        ),
        Some(f) => format!(" fill=\"{}\"", f.color.css()),
    }
}

fn stroke_attrs(stroke: Option<Stroke>) -> String {
    let Some(s) = stroke else {
        return String::new();
    };
    let mut out = format!(
        " stroke=\"{}\" stroke-width=\"{}\"",
        s.color.css(),
        n(s.width)
    );
    if s.opacity < 1.0 {
        let _ = write!(out, " stroke-opacity=\"{}\"", opacity(s.opacity));
    }
    if let Some((on, off)) = s.dash {
        let _ = write!(out, " stroke-dasharray=\"{} {}\"", n(on), n(off));
    }
    out
}

fn points(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|(x, y)| format!("{},{}", n(*x), n(*y)))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Scene {
    /// The scene as a standalone SVG document (also valid inline in HTML).
    pub fn to_svg(&self) -> String {
        write(self)
    }
}

fn write(scene: &Scene) -> String {
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\" role=\"img\">",
        w = n(scene.width),
        h = n(scene.height)
    );
    let _ = writeln!(svg, "<title>{}</title>", xml_text(&scene.title));
    let _ = writeln!(
        svg,
        "<rect width=\"100%\" height=\"100%\" fill=\"{}\"/>",
        scene.background.css()
    );
    for shape in &scene.shapes {
        write_shape(&mut svg, shape);
    }
    svg.push_str("</svg>\n");
    svg
}

/// One shape as SVG elements, a line each; a group nests its shapes in `<g>`.
fn write_shape(svg: &mut String, shape: &Shape) {
    match shape {
        Shape::Rect {
            x,
            y,
            width,
            height,
            fill,
            stroke,
        } => {
            let _ = writeln!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{}{}/>",
                n(*x),
                n(*y),
                n(*width),
                n(*height),
                fill_attrs(*fill),
                stroke_attrs(*stroke)
            );
        }
        Shape::Line { from, to, stroke } => {
            let _ = writeln!(
                svg,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}/>",
                n(from.0),
                n(from.1),
                n(to.0),
                n(to.1),
                stroke_attrs(Some(*stroke))
            );
        }
        Shape::Polyline { points: p, stroke } => {
            let _ = writeln!(
                svg,
                "<polyline points=\"{}\" fill=\"none\"{} stroke-linejoin=\"round\"/>",
                points(p),
                stroke_attrs(Some(*stroke))
            );
        }
        Shape::Polygon {
            points: p,
            fill,
            stroke,
        } => {
            let _ = writeln!(
                svg,
                "<polygon points=\"{}\"{}{}/>",
                points(p),
                fill_attrs(Some(*fill)),
                stroke_attrs(*stroke)
            );
        }
        Shape::Circle {
            center,
            radius,
            fill,
            stroke,
        } => {
            let _ = writeln!(
                svg,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{}{}/>",
                n(center.0),
                n(center.1),
                n(*radius),
                fill_attrs(*fill),
                stroke_attrs(*stroke)
            );
        }
        Shape::Text { at, text, style } => {
            let mut attrs = if style.rotate != 0.0 {
                format!(
                    "transform=\"translate({},{}) rotate({})\"",
                    n(at.0),
                    n(at.1),
                    n(style.rotate)
                )
            } else {
                format!("x=\"{}\" y=\"{}\"", n(at.0), n(at.1))
            };
            let _ = write!(attrs, " font-size=\"{}\"", n(style.size));
            match style.anchor {
                Anchor::Start => {}
                Anchor::Middle => attrs.push_str(" text-anchor=\"middle\""),
                Anchor::End => attrs.push_str(" text-anchor=\"end\""),
            }
            if style.bold {
                attrs.push_str(" font-weight=\"bold\"");
            }
            let _ = writeln!(
                svg,
                "<text {attrs} fill=\"{}\">{}</text>",
                style.color.css(),
                xml_text(text)
            );
        }
        Shape::Group { title, shapes } => {
            svg.push_str("<g>");
            if let Some(title) = title {
                let _ = write!(svg, "<title>{}</title>", xml_text(title));
            }
            svg.push('\n');
            for shape in shapes {
                write_shape(svg, shape);
            }
            svg.push_str("</g>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(
            xml_text("<a href=\"x\">&'\u{1}"),
            "&#60;a href=&#34;x&#34;&#62;&#38;&#39; "
        );
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(-0.04), "0");
        assert_eq!(n(12.3456), "12.3");
    }
}
