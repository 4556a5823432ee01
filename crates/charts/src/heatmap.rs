//! A heat map: a square table of values between 0 and 1 (row against column), one coloured
//! cell each, with the labels of the rows at the left and of the columns above, turned.
//! Used by `versus matrix --output svg` for the win fractions of every pair of models.

use crate::font::{text_width, wrap};
use crate::scene::{Anchor, Color, Fill, Scene, Stroke, TextStyle};

/// Side of a cell in pixels.
const CELL: f64 = 22.0;
const MARGIN: f64 = 10.0;
const LABEL_SIZE: f64 = 11.0;
const VALUE_SIZE: f64 = 9.0;
const TITLE_SIZE: f64 = 14.0;
const NOTE_LINE: f64 = 14.0;
/// Column labels are turned this far (degrees, counter-clockwise) to fit narrow columns.
const COLUMN_LABEL_TURN: f64 = 60.0;
/// Cells without a value.
const EMPTY: Color = Color::hex(0xe0e0e0);
const NOTE_TEXT: Color = Color::hex(0x555555);

/// One cell: its value in 0..=1 (`None`: nothing to show, drawn grey), the text written in it
/// and the tooltip of the cell.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatCell {
    pub value: Option<f64>,
    pub text: String,
    pub title: Option<String>,
}

/// A square heat map: `cells[row][column]`, rows and columns both in `labels` order.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatMap {
    pub title: String,
    pub labels: Vec<String>,
    pub cells: Vec<Vec<HeatCell>>,
    /// Lines under the table (what a cell means, where the data come from); wrapped to the width.
    pub notes: Vec<String>,
}

/// Diverging colour around 0.5: white at 0.5, blue toward 1, red toward 0.
pub fn diverging_color(value: f64) -> Color {
    let t = ((value - 0.5) * 2.0).clamp(-1.0, 1.0);
    let channel = |v: f64| v.round().clamp(0.0, 255.0) as u8;
    if t >= 0.0 {
        Color {
            r: channel(255.0 * (1.0 - t)),
            g: channel(255.0 * (1.0 - 0.6 * t)),
            b: 255,
        }
    } else {
        Color {
            r: 255,
            g: channel(255.0 * (1.0 + 0.6 * t)),
            b: channel(255.0 * (1.0 + t)),
        }
    }
}

impl HeatMap {
    /// The heat map as a scene: title, turned column labels, row labels, the cells (each a
    /// group titled with its tooltip) and the notes.
    pub fn scene(&self) -> Scene {
        let n = self.labels.len();
        let label_width = self
            .labels
            .iter()
            .map(|l| text_width(l, LABEL_SIZE, false))
            .fold(text_width("model", LABEL_SIZE, false), f64::max);
        let left = MARGIN + label_width + 4.0;
        // Height taken by the turned column labels above the table.
        let column_labels = label_width * COLUMN_LABEL_TURN.to_radians().sin() + LABEL_SIZE;
        let top = MARGIN + TITLE_SIZE + 12.0 + column_labels;
        let grid = CELL * n as f64;
        let width = (left + grid + MARGIN + label_width * 0.5)
            // Browsers' bold face runs wider than the layout's estimate: leave room.
            .max(2.0 * MARGIN + 1.1 * text_width(&self.title, TITLE_SIZE, true));
        let notes: Vec<String> = self
            .notes
            .iter()
            .flat_map(|line| wrap(line, width - 2.0 * MARGIN, LABEL_SIZE))
            .collect();
        let height = top + grid + 16.0 + notes.len() as f64 * NOTE_LINE + MARGIN;

        let mut scene = Scene::new(width, height, self.title.clone());
        scene.text(
            (MARGIN, MARGIN + TITLE_SIZE),
            self.title.clone(),
            TextStyle::new(TITLE_SIZE).bold(),
        );
        for (i, label) in self.labels.iter().enumerate() {
            let offset = CELL * i as f64;
            scene.text(
                (left - 4.0, top + offset + CELL * 0.7),
                label.clone(),
                TextStyle::new(LABEL_SIZE).anchor(Anchor::End),
            );
            scene.text(
                (left + offset + CELL * 0.7, top - 4.0),
                label.clone(),
                TextStyle::new(LABEL_SIZE).rotate(-COLUMN_LABEL_TURN),
            );
        }
        for (i, row) in self.cells.iter().enumerate().take(n) {
            for (j, cell) in row.iter().enumerate().take(n) {
                let (x, y) = (left + CELL * j as f64, top + CELL * i as f64);
                scene.group(cell.title.clone(), |s| draw_cell(s, (x, y), cell));
            }
        }
        for (k, line) in notes.into_iter().enumerate() {
            scene.text(
                (MARGIN, top + grid + 24.0 + k as f64 * NOTE_LINE),
                line,
                TextStyle::new(LABEL_SIZE).color(NOTE_TEXT),
            );
        }
        scene
    }
}

/// One cell at its top-left corner: the coloured square and its text.
fn draw_cell(scene: &mut Scene, (x, y): (f64, f64), cell: &HeatCell) {
    let color = cell.value.map_or(EMPTY, diverging_color);
    scene.rect(
        x,
        y,
        CELL,
        CELL,
        Some(Fill::new(color)),
        Some(Stroke::new(Color::WHITE, 1.0)),
    );
    if !cell.text.is_empty() {
        scene.text(
            (x + CELL / 2.0, y + CELL * 0.68),
            cell.text.clone(),
            TextStyle::new(VALUE_SIZE).anchor(Anchor::Middle),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::Shape;

    fn map() -> HeatMap {
        let cell = |value: Option<f64>, title: &str| HeatCell {
            value,
            text: value.map_or(String::new(), |v| format!("{:.0}", v * 100.0)),
            title: Some(title.to_string()),
        };
        HeatMap {
            title: "Wins".into(),
            labels: vec!["a<b".into(), "c".into()],
            cells: vec![
                vec![cell(None, "a<b vs a<b"), cell(Some(0.75), "a<b vs c")],
                vec![cell(Some(0.25), "c vs a<b"), cell(None, "c vs c")],
            ],
            notes: vec!["Cells: % won.".into()],
        }
    }

    #[test]
    fn one_titled_group_per_cell_and_escaped_labels() {
        let scene = map().scene();
        let groups = scene
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Group { .. }))
            .count();
        assert_eq!(groups, 4);
        let svg = scene.to_svg();
        assert!(svg.contains("<g><title>a&#60;b vs c</title>"));
        assert!(svg.contains(">75</text>") && svg.contains(">25</text>"));
        assert!(!svg.contains("a<b"));
        let png = scene.to_png(1.0).unwrap_or_default();
        assert_eq!(png.get(..8), Some(&crate::PNG_SIGNATURE[..]));
    }

    #[test]
    fn colours_diverge_around_one_half() {
        assert_eq!(diverging_color(0.5), Color::WHITE);
        assert_eq!(diverging_color(1.0), Color::hex(0x0066ff));
        assert_eq!(diverging_color(0.0), Color::hex(0xff6600));
    }
}
