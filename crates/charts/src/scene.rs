//! The scene: a canvas size, a title and the shapes drawn in order (later shapes on top).
//! Plain data: the writers (`svg`, `raster`) depend on it, never the other way round, so
//! [`Scene::to_svg`] and [`Scene::to_png`] are defined beside their writers.

/// An opaque sRGB colour; transparency is a separate opacity so SVG can say `fill-opacity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Color {
    pub const BLACK: Color = Color::hex(0x000000);
    pub const WHITE: Color = Color::hex(0xffffff);

    /// `Color::hex(0x1f5fa8)` is `#1f5fa8`.
    pub const fn hex(rgb: u32) -> Color {
        Color {
            r: ((rgb >> 16) & 0xff) as u8,
            g: ((rgb >> 8) & 0xff) as u8,
            b: (rgb & 0xff) as u8,
        }
    }

    /// `#rrggbb`.
    pub fn css(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// How an outline is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub color: Color,
    pub width: f64,
    pub opacity: f64,
    /// Dash and gap lengths; `None` draws a solid line.
    pub dash: Option<(f64, f64)>,
}

impl Stroke {
    pub fn new(color: Color, width: f64) -> Stroke {
        Stroke {
            color,
            width,
            opacity: 1.0,
            dash: None,
        }
    }

    pub fn opacity(mut self, opacity: f64) -> Stroke {
        self.opacity = opacity;
        self
    }

    pub fn dashed(mut self, on: f64, off: f64) -> Stroke {
        self.dash = Some((on, off));
        self
    }
}

/// How an area is filled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fill {
    pub color: Color,
    pub opacity: f64,
}

impl Fill {
    pub fn new(color: Color) -> Fill {
        Fill {
            color,
            opacity: 1.0,
        }
    }

    pub fn opacity(mut self, opacity: f64) -> Fill {
        self.opacity = opacity;
        self
    }
}

/// Which point of the text sits at its position (SVG's `text-anchor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// Size in pixels (the em size, as SVG's `font-size`), colour, anchor, weight and rotation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    pub size: f64,
    pub color: Color,
    pub anchor: Anchor,
    pub bold: bool,
    /// Degrees clockwise about the text's position (-90 reads bottom to top).
    pub rotate: f64,
}

impl TextStyle {
    pub fn new(size: f64) -> TextStyle {
        TextStyle {
            size,
            color: Color::hex(0x222222),
            anchor: Anchor::Start,
            bold: false,
            rotate: 0.0,
        }
    }

    pub fn color(mut self, color: Color) -> TextStyle {
        self.color = color;
        self
    }

    pub fn anchor(mut self, anchor: Anchor) -> TextStyle {
        self.anchor = anchor;
        self
    }

    pub fn bold(mut self) -> TextStyle {
        self.bold = true;
        self
    }

    pub fn rotate(mut self, degrees: f64) -> TextStyle {
        self.rotate = degrees;
        self
    }
}

/// One drawn element. Coordinates are canvas pixels, y down.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Rect {
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        fill: Option<Fill>,
        stroke: Option<Stroke>,
    },
    Line {
        from: (f64, f64),
        to: (f64, f64),
        stroke: Stroke,
    },
    Polyline {
        points: Vec<(f64, f64)>,
        stroke: Stroke,
    },
    Polygon {
        points: Vec<(f64, f64)>,
        fill: Fill,
        stroke: Option<Stroke>,
    },
    Circle {
        center: (f64, f64),
        radius: f64,
        fill: Option<Fill>,
        stroke: Option<Stroke>,
    },
    /// `at` is the anchor point on the baseline.
    Text {
        at: (f64, f64),
        text: String,
        style: TextStyle,
    },
    /// Shapes that belong together, with an optional title: a tooltip and an accessible name
    /// in SVG (`<g><title>…</title>…</g>`), nothing extra in PNG.
    Group {
        title: Option<String>,
        shapes: Vec<Shape>,
    },
}

/// A chart: canvas, title (SVG `<title>`, for screen readers and file browsers) and shapes.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub background: Color,
    pub shapes: Vec<Shape>,
}

impl Scene {
    pub fn new(width: f64, height: f64, title: impl Into<String>) -> Scene {
        Scene {
            width,
            height,
            title: title.into(),
            background: Color::WHITE,
            shapes: Vec::new(),
        }
    }

    pub fn rect(
        &mut self,
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        fill: Option<Fill>,
        stroke: Option<Stroke>,
    ) {
        self.shapes.push(Shape::Rect {
            x,
            y,
            width: width.max(0.0),
            height: height.max(0.0),
            fill,
            stroke,
        });
    }

    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), stroke: Stroke) {
        self.shapes.push(Shape::Line { from, to, stroke });
    }

    pub fn polyline(&mut self, points: Vec<(f64, f64)>, stroke: Stroke) {
        if points.len() >= 2 {
            self.shapes.push(Shape::Polyline { points, stroke });
        }
    }

    pub fn polygon(&mut self, points: Vec<(f64, f64)>, fill: Fill, stroke: Option<Stroke>) {
        if points.len() >= 3 {
            self.shapes.push(Shape::Polygon {
                points,
                fill,
                stroke,
            });
        }
    }

    pub fn circle(
        &mut self,
        center: (f64, f64),
        radius: f64,
        fill: Option<Fill>,
        stroke: Option<Stroke>,
    ) {
        self.shapes.push(Shape::Circle {
            center,
            radius,
            fill,
            stroke,
        });
    }

    pub fn text(&mut self, at: (f64, f64), text: impl Into<String>, style: TextStyle) {
        self.shapes.push(Shape::Text {
            at,
            text: text.into(),
            style,
        });
    }

    /// Draws with `draw` into a group titled `title` (see [`Shape::Group`]).
    pub fn group(&mut self, title: Option<String>, draw: impl FnOnce(&mut Scene)) {
        let mut inner = Scene::new(self.width, self.height, String::new());
        draw(&mut inner);
        self.shapes.push(Shape::Group {
            title,
            shapes: inner.shapes,
        });
    }
}
