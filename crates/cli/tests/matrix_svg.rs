//! `versus matrix --output svg`: the heat map drawn through versus-charts is well-formed XML
//! and holds one cell per ordered model pair, with the win fraction the JSON output reports.

mod common;

use std::path::PathBuf;

use common::versus;

/// A small vote file: four models, one of them (`<d&e>`) with markup in its name, one pair
/// (`a`, `<d&e>`) that never met, and ties that the win fraction leaves out.
fn votes(name: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("versus-cli-matrix-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut csv = String::from("tstamp,model_a,model_b,winner\n");
    let rows = [
        ("a", "b", "model_a", 3),
        ("b", "a", "model_a", 1),
        ("a", "c", "model_b", 2),
        ("a", "c", "tie", 2),
        ("b", "c", "model_a", 2),
        ("c", "b", "model_a", 2),
        ("b", "<d&e>", "model_a", 1),
        ("<d&e>", "c", "model_a", 1),
        ("c", "<d&e>", "model_a", 1),
        ("<d&e>", "b", "model_a", 1),
    ];
    let mut t = 1_700_000_000;
    for (a, b, winner, times) in rows {
        for _ in 0..times {
            csv.push_str(&format!("{t},\"{a}\",\"{b}\",{winner}\n"));
            t += 60;
        }
    }
    let path = dir.join("battles.csv");
    std::fs::write(&path, csv).expect("write votes");
    let text = path.to_str().expect("path").to_string();
    (dir, text)
}

/// The text as the SVG writer must write it, escapes written out here by hand (askama's numeric
/// entities) so the expectation does not come from the code under test.
fn as_svg_text(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// A small XML well-formedness check: tags nest and close, quotes in tags balance, and every
/// `&` starts one of the five escapes the writer uses.
fn xml_well_formed(xml: &str) -> Result<(), String> {
    let entity_ok = |text: &str| {
        text.match_indices('&').all(|(i, _)| {
            ["&#38;", "&#60;", "&#62;", "&#34;", "&#39;"]
                .iter()
                .any(|e| text[i..].starts_with(e))
        })
    };
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if text.contains('>') || !entity_ok(text) {
            return Err(format!("bad text before a tag: {text:?}"));
        }
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        if tag.contains('<') || !tag.matches('"').count().is_multiple_of(2) || !entity_ok(tag) {
            return Err(format!("bad tag: <{tag}>"));
        }
        let name = |t: &str| t.split_whitespace().next().unwrap_or("").to_string();
        if let Some(closing) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open_name) if open_name == name(closing) => {}
                other => return Err(format!("</{closing}> closes {other:?}")),
            }
        } else if !tag.ends_with('/') {
            stack.push(name(tag));
        }
        rest = &rest[close + 1..];
    }
    if !rest.trim().is_empty() || !stack.is_empty() {
        return Err(format!("unclosed {stack:?} or trailing text {rest:?}"));
    }
    Ok(())
}

#[test]
fn heat_map_is_well_formed_with_one_cell_per_pair_and_its_value() {
    let (dir, file) = votes("cells");
    let json: serde_json::Value = serde_json::from_str(&versus(&["matrix", &file])).expect("json");
    let svg = versus(&["matrix", &file, "--output", "svg"]);
    if let Err(problem) = xml_well_formed(&svg) {
        panic!("SVG is not well-formed: {problem}\n{svg}");
    }
    assert!(svg.starts_with("<svg"));
    let models: Vec<&str> = json["models"]
        .as_array()
        .expect("models")
        .iter()
        .map(|m| m.as_str().expect("name"))
        .collect();
    assert_eq!(models.len(), 4);
    assert_eq!(
        svg.matches("<g><title>").count(),
        models.len() * models.len()
    );
    for (i, row) in models.iter().enumerate() {
        for (j, column) in models.iter().enumerate() {
            let battles = json["battles"][i][j].as_f64().expect("count");
            let (what, text) = match json["win_fraction"][i][j].as_f64() {
                Some(f) => {
                    let percent = format!("{:.0}", f * 100.0);
                    (format!("{percent}% won"), Some(percent))
                }
                None => ("never met".to_string(), None),
            };
            let title = format!(
                "<g><title>{} vs {}: {what} ({battles} battles)</title>",
                as_svg_text(row),
                as_svg_text(column)
            );
            let start = svg
                .find(&title)
                .unwrap_or_else(|| panic!("no cell {title}"));
            let cell = &svg[start..start + svg[start..].find("</g>").expect("closed group")];
            assert_eq!(cell.matches("<rect").count(), 1, "{cell}");
            match text {
                Some(percent) => assert!(cell.contains(&format!(">{percent}</text>")), "{cell}"),
                None => assert!(!cell.contains("<text"), "{cell}"),
            }
        }
    }
    // The pair that never met and a decided one, checked against the votes themselves.
    assert!(svg.contains("<title>a vs &#60;d&#38;e&#62;: never met (0 battles)</title>"));
    assert!(svg.contains("<title>a vs b: 75% won (4 battles)</title>"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn heat_map_top_and_output_file() {
    let (dir, file) = votes("top");
    let out = dir.join("matrix.svg");
    let out_text = out.to_str().expect("path").to_string();
    assert_eq!(
        versus(&[
            "matrix", &file, "--output", "svg", "--top", "2", "-o", &out_text
        ]),
        ""
    );
    let svg = std::fs::read_to_string(&out).expect("written SVG");
    xml_well_formed(&svg).expect("well-formed");
    assert_eq!(svg.matches("<g><title>").count(), 4);
    std::fs::remove_dir_all(dir).ok();
}
