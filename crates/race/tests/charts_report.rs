//! The charts (SVG and PNG from one scene) and the HTML report, built from the shipped data:
//! valid files with a title, axis labels, a legend and a source line, and every data text escaped.

mod common;

use common::xml_well_formed;
use versus_race::Date;
use versus_race::compute::{self, ComputeQuery, Measure};
use versus_race::gap::{self, Every, GapQuery, SnapshotSelection};
use versus_race::group::GroupBy;
use versus_race::history::History;
use versus_race::registry::Registry;
use versus_race::report::{self, ReportInput};
use versus_race::svg;
use versus_race::value::{self, PriceBound, ValueQuery};

fn check_svg(svg: &str, texts: &[&str]) {
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    if let Err(problem) = xml_well_formed(svg) {
        panic!("SVG is not well-formed: {problem}");
    }
    assert!(
        svg.contains("<title>") && svg.contains("font-weight=\"bold\""),
        "title"
    );
    for text in texts {
        assert!(svg.contains(text), "SVG lacks {text:?}");
    }
}

/// PNG signature, the IHDR width at the chart scale, and a size that means something was drawn.
fn check_png(png: &[u8], chart_width: f64) {
    assert_eq!(png[..8], versus_charts::PNG_SIGNATURE);
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
    assert_eq!(f64::from(width), chart_width * svg::PNG_SCALE);
    assert!(
        png.len() > 40_000,
        "suspiciously small PNG: {} bytes",
        png.len()
    );
}

fn us_china(registry: &Registry, every: Every) -> GapQuery {
    let by = GroupBy::Country;
    GapQuery {
        by,
        a: by.resolve("United States", registry).unwrap(),
        b: by.resolve("China", registry).unwrap(),
        every,
        selection: SnapshotSelection::overall(),
    }
}

#[test]
fn gap_chart_is_valid_svg_and_png() {
    let registry = Registry::shipped().unwrap();
    let history = History::shipped().unwrap();
    let report = gap::gap(&registry, &history, &us_china(&registry, Every::Month)).unwrap();
    let scene = svg::gap_scene(&report);
    let text = scene.to_svg();
    assert_eq!(text, svg::gap_chart(&report));
    let latest = report.points.last().unwrap();
    check_svg(
        &text,
        &[
            "Best United States vs best China model",
            "rating (Elo scale)",
            "gap (points)",
            "snapshot date",
            "best United States model (band: 95% interval)",
            "Source: LMArena leaderboards",
            &latest.a.name,
            &latest.b.name,
        ],
    );
    let png = svg::png(&scene).unwrap();
    check_png(&png, scene.width);
    assert_eq!(
        png,
        svg::png(&svg::gap_scene(&report)).unwrap(),
        "deterministic"
    );
}

#[test]
fn value_chart_is_valid_and_names_the_pair_and_frontier() {
    let registry = Registry::shipped().unwrap();
    let history = History::shipped().unwrap();
    let report = value::value(
        &registry,
        &history,
        &ValueQuery {
            by: GroupBy::Country,
            a: "United States".into(),
            b: "China".into(),
            price_bound: Some(PriceBound::FractionOfA(0.1)),
            selection: SnapshotSelection::overall(),
        },
    )
    .unwrap();
    let comparison = report.comparison.as_ref().unwrap();
    let scene = svg::value_scene(&report);
    let text = scene.to_svg();
    let mut expected = vec![
        "Rating vs API price on LMArena".to_string(),
        "blended API price, USD per million tokens".to_string(),
        "rating (Elo scale)".to_string(),
        "price-performance frontier".to_string(),
        "Source: LMArena leaderboard".to_string(),
        "price bound".to_string(),
        comparison.a_best.name.clone(),
        comparison.b_best.name.clone(),
    ];
    // Every frontier model is named.
    for key in &report.frontier {
        let model = report.models.iter().find(|m| &m.model == key).unwrap();
        expected.push(model.name.clone());
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    check_svg(&text, &expected);
    check_png(&svg::png(&scene).unwrap(), scene.width);

    // Model names are data: markup in one is escaped, never written raw.
    let mut hostile = report.clone();
    let victim = hostile
        .frontier
        .iter()
        .find(|k| **k != comparison.a_best.model && **k != comparison.b_best.model)
        .cloned()
        .unwrap();
    let model = hostile
        .models
        .iter_mut()
        .find(|m| m.model == victim)
        .unwrap();
    model.name = "<b>Evil</b> & \"Co\"".into();
    let text = svg::value_chart(&hostile);
    assert!(!text.contains("<b>Evil"));
    assert!(text.contains("&#60;b&#62;Evil&#60;/b&#62; &#38; &#34;Co&#34;"));
    xml_well_formed(&text).unwrap();
}

#[test]
fn compute_chart_is_valid_svg_and_png() {
    let clusters = compute::shipped_clusters().unwrap();
    let query = ComputeQuery {
        measure: Measure::Op16,
        standard_only: true,
    };
    let to = compute::latest_date(&clusters, query).unwrap();
    let dates = compute::period_ends(Date::parse("2018-01-01").unwrap(), to, true);
    let series = compute::series(&clusters, query, &dates).unwrap();
    let scene = svg::compute_scene(&series);
    let text = scene.to_svg();
    let last = series.points.last().unwrap();
    let us = last
        .shares
        .iter()
        .find(|s| s.country == "United States")
        .unwrap();
    check_svg(
        &text,
        &[
            "Share of recorded AI-cluster compute by country",
            "share of 16-bit OP/s",
            "100%",
            "2020",
            "Other",
            &format!("United States {:.1}%", us.share),
            "Coverage:",
        ],
    );
    check_png(&svg::png(&scene).unwrap(), scene.width);
}

#[test]
fn report_escapes_data_text_and_loads_nothing() {
    let history = History::shipped().unwrap();
    let mut models = Registry::shipped().unwrap().models().to_vec();
    let gemini = models.iter_mut().find(|m| m.key == "gemini-3-pro").unwrap();
    gemini.display_name = "Gemini <script>alert('x')</script> & \"3\"".into();
    let registry = Registry::from_models("test", models).unwrap();
    let clusters = compute::shipped_clusters().unwrap();
    let html = report::report_html(&ReportInput {
        registry: &registry,
        history: &history,
        clusters: &clusters,
        votes: None,
        votes_rounds: 0,
        votes_seed: 0,
        audit: None,
    })
    .unwrap();
    assert!(!html.contains("<script"), "raw markup from data");
    assert!(
        html.contains(
            "Gemini &#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; &#34;3&#34;"
        )
    );
    for id in [
        "gap-country",
        "gap-style",
        "gap-licence",
        "value",
        "compute",
        "votes",
        "caveats",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    assert!(html.contains("Not computed: no vote file was given."));
    // Each inline chart is well-formed on its own.
    let mut rest = html.as_str();
    let mut charts = 0;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").unwrap() + start + "</svg>".len();
        xml_well_formed(&rest[start..end]).unwrap();
        charts += 1;
        rest = &rest[end..];
    }
    assert_eq!(charts, 5);
}
