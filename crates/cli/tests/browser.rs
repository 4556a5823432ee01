//! End-to-end in a real headless Chromium (Debian `chromium` + `chromium-driver`, driven with
//! fantoccini): the README's main command (`versus serve`, no configuration, no network), a
//! person starts a battle, watches both answers stream in, votes, sees the names, and the
//! leaderboard changes. Ignored by default, since it needs Chromium; `.ci/run` installs Chromium
//! and runs it with `cargo test -p versus-cli --test browser -- --ignored`.
//!
//! A second test loads the race page (`/race`): the gap chart is drawn, the latest snapshot's
//! two leaders (computed here with the race crate) are named, and its GET form works.
//!
//! With `VERSUS_SCREENSHOTS=DIR` they save the battle, leaderboard and race pages as PNG files
//! there (the ones in docs/screenshots/ come from these tests).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;
use versus_race::gap::{self, Every};
use versus_race::history::History;
use versus_race::options::GapOptions;
use versus_race::registry::Registry;

const BIN: &str = env!("CARGO_BIN_EXE_versus");
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_server(db: &Path) -> (Killed, String) {
    start_server_with(db, None)
}

fn start_server_with(db: &Path, config: Option<&Path>) -> (Killed, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--port", "0", "--log", "warn", "--db"])
        .arg(db);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("versus: arena listening on ") {
                let _ = tx.send(addr.to_string());
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("versus serve did not start");
    (Killed(child), base)
}

/// A bundled prompt whose 24 recorded answers contain no identity word, so the vote is
/// anonymous and counts (a random prompt would make the leaderboard check depend on luck).
fn clean_prompt() -> i64 {
    let set = versus_arena::recorded::RecordedSet::builtin().unwrap();
    (0..set.prompts.len())
        .find(|&i| {
            set.prompts[i].text.len() < 160
                && set.models.iter().all(|(m, _)| {
                    set.answer(m, i).is_some_and(|a| {
                        versus_arena::text::identity_word([a, set.prompts[i].text.as_str()])
                            .is_none()
                    })
                })
        })
        .map(|i| set.prompts[i].id)
        .expect("a clean prompt")
}

async fn wait_until<F, Fut>(what: &str, timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The browser tests are `#[ignore]`d by default (they need Debian's Chromium); run with
/// `--ignored` they fail, never skip, when it is missing.
fn require_chromium() {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "the browser end-to-end test needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver; .ci/run does)"
    );
}

/// Starts chromedriver on a free port (stopped when the guard drops).
fn start_driver() -> (Killed, u16) {
    let port = free_port();
    let driver = Killed(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    (driver, port)
}

/// A headless Chromium session through the chromedriver on `port`, with a window of this size.
async fn chromium(port: u16, window: (u32, u32)) -> fantoccini::Client {
    browser(port, window, false, "en-US,en").await
}

/// A phone or desktop session (see [`browser_with`]) in the light colour scheme.
async fn browser(
    port: u16,
    window: (u32, u32),
    phone: bool,
    accept_language: &str,
) -> fantoccini::Client {
    browser_with(port, window, phone, accept_language, false).await
}

/// A headless Chromium session: a desktop window of this size, or a phone of this size
/// (Chromium's mobile emulation: touch, device pixel ratio 3), sending this Accept-Language,
/// with `prefers-color-scheme: dark` when `dark`.
async fn browser_with(
    port: u16,
    window: (u32, u32),
    phone: bool,
    accept_language: &str,
    dark: bool,
) -> fantoccini::Client {
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut caps = serde_json::Map::new();
    let mut options = json!({"binary": CHROMIUM, "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", format!("--window-size={},{}", window.0, window.1), "--hide-scrollbars"],
        "prefs": {"intl.accept_languages": accept_language}});
    if dark && let Some(args) = options["args"].as_array_mut() {
        args.push(json!("--force-dark-mode"));
    }
    if phone {
        options["mobileEmulation"] = json!({"deviceMetrics": {"width": window.0, "height": window.1, "pixelRatio": 3.0, "touch": true}});
    }
    caps.insert("goog:chromeOptions".into(), options);
    let started = Instant::now();
    loop {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(c) => return c,
            Err(e) => {
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "chromedriver: {e}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// Saves a screenshot in `$VERSUS_SCREENSHOTS` when that is set.
fn save_shot(name: &str, png: Vec<u8>) {
    if let Some(d) = std::env::var_os("VERSUS_SCREENSHOTS").map(PathBuf::from) {
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(name), png).unwrap();
    }
}

#[test]
#[ignore = "needs chromium and chromedriver; .ci/run runs it with --ignored"]
fn a_person_battles_votes_and_sees_the_leaderboard_change() {
    require_chromium();
    let dir = std::env::temp_dir().join(format!("versus-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let prompt_id = clean_prompt();
    let model_names: Vec<String> = versus_arena::recorded::RecordedSet::builtin()
        .unwrap()
        .models
        .iter()
        .map(|(m, _)| m.clone())
        .collect();
    let (_server, base) = start_server(&dir.join("arena.db"));
    let (_driver, port) = start_driver();

    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let c = chromium(port, (1280, 1000)).await;

            // Before any vote there are no ratings.
            c.goto(&format!("{base}/leaderboard")).await.unwrap();
            let s = c.source().await.unwrap();
            assert!(
                s.contains("id=\"no-ratings\"") && s.contains("No vote counts yet"),
                "{s}"
            );

            // A battle: a bundled prompt, two anonymous answers streaming side by side.
            c.goto(&format!("{base}/?prompt_id={prompt_id}"))
                .await
                .unwrap();
            c.find(Locator::Id("start"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let vote_visible = "return !document.querySelector('#vote').hidden";
            wait_until("both answers", Duration::from_secs(30), || async {
                c.execute(vote_visible, vec![]).await.unwrap() == json!(true)
            })
            .await;
            let a = c
                .find(Locator::Css("#turns-a .answer"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let b = c
                .find(Locator::Css("#turns-b .answer"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(a.len() > 20 && b.len() > 20, "answers: {a:?} / {b:?}");
            let url = c.current_url().await.unwrap();
            assert!(url.path().starts_with("/battle/"), "{url}");
            // No model name anywhere on the page before the vote.
            let page = c.source().await.unwrap();
            for m in &model_names {
                assert!(
                    !page.contains(m.as_str()),
                    "the page shows {m} before the vote"
                );
            }
            assert_eq!(
                c.find(Locator::Id("name-a"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap(),
                ""
            );
            c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
            save_shot("battle.png", c.screenshot().await.unwrap());

            // The vote reveals the names.
            c.find(Locator::Css("#vote button[data-winner='tie']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_until("the names", Duration::from_secs(10), || async {
                !c.find(Locator::Id("name-a"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
                    .is_empty()
            })
            .await;
            let name_a = c
                .find(Locator::Id("name-a"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let name_b = c
                .find(Locator::Id("name-b"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                model_names.contains(&name_a) && model_names.contains(&name_b) && name_a != name_b,
                "{name_a} / {name_b}"
            );
            assert!(
                c.find(Locator::Id("notice"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
                    .contains("Thanks")
            );
            c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
            save_shot("battle-voted.png", c.screenshot().await.unwrap());

            // The leaderboard now lists the two models (recomputed in the background), as
            // provisional: one vote is fewer than the minimum.
            wait_until("the leaderboard", Duration::from_secs(20), || async {
                c.goto(&format!("{base}/leaderboard")).await.unwrap();
                let s = c.source().await.unwrap();
                s.contains(&name_a) && s.contains(&name_b) && s.contains("id=\"provisional\"")
            })
            .await;
            save_shot("leaderboard-first-vote.png", c.screenshot().await.unwrap());

            // A new battle starts from the button.
            c.goto(&format!(
                "{base}/battle/{}",
                url.path().trim_start_matches("/battle/")
            ))
            .await
            .unwrap();
            wait_until("the revealed battle", Duration::from_secs(10), || async {
                c.find(Locator::Id("name-a"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
                    == name_a
            })
            .await;
            c.close().await.unwrap();
        });
}

#[test]
#[ignore = "needs chromium and chromedriver; .ci/run runs it with --ignored"]
fn the_race_page_draws_the_gap_and_names_the_leaders() {
    require_chromium();
    let dir = std::env::temp_dir().join(format!("versus-browser-race-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // What `versus race gap` (all defaults: United States vs China, every snapshot) says.
    let registry = Registry::shipped().unwrap();
    let history = History::shipped().unwrap();
    let report = |options: GapOptions| {
        gap::gap(&registry, &history, &options.query(&registry).unwrap()).unwrap()
    };
    let by_snapshot = report(GapOptions::default());
    let monthly = report(GapOptions {
        every: Every::Month,
        ..GapOptions::default()
    });
    let last = by_snapshot.points.last().unwrap().clone();
    let (_server, base) = start_server(&dir.join("arena.db"));
    let (_driver, port) = start_driver();

    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        // Tall enough for the whole chart in the screenshot.
        let c = chromium(port, (1280, 1500)).await;
        // From the battle page's header to the race page.
        c.goto(&format!("{base}/")).await.unwrap();
        c.find(Locator::LinkText("Race")).await.unwrap().click().await.unwrap();
        let chart_drawn = "const s = document.querySelector('#chart svg'); return s !== null && s.getBoundingClientRect().width > 400 && s.querySelectorAll('polyline').length >= 2 && s.querySelectorAll('circle').length > 10";
        wait_until("the gap chart", Duration::from_secs(30), || async { c.execute(chart_drawn, vec![]).await.unwrap() == json!(true) }).await;
        assert_eq!(c.current_url().await.unwrap().path(), "/race");
        // The latest snapshot's two leaders, as the race crate computes them.
        let a = c.find(Locator::Css("#latest .leader-a")).await.unwrap().text().await.unwrap();
        let b = c.find(Locator::Css("#latest .leader-b")).await.unwrap().text().await.unwrap();
        assert_eq!((a.as_str(), b.as_str()), (last.a.name.as_str(), last.b.name.as_str()));
        let latest = c.find(Locator::Id("latest")).await.unwrap().text().await.unwrap();
        assert!(latest.contains(&format!("Gap {:.1} points", last.gap)) && latest.contains(&last.snapshot.to_string()), "{latest}");
        let rows = "return document.querySelectorAll('#points tbody tr').length";
        assert_eq!(c.execute(rows, vec![]).await.unwrap(), json!(by_snapshot.points.len()));
        // Column headers in words with units, and a tooltip (<title>) on every chart point.
        let headers = c.execute("return [...document.querySelectorAll('#points thead th')].map((t) => t.textContent)", vec![]).await.unwrap();
        let headers: Vec<&str> = headers.as_array().unwrap().iter().filter_map(|h| h.as_str()).collect();
        assert!(headers.contains(&"Gap (rating points)") && !headers.iter().any(|h| h.contains('_')), "{headers:?}");
        let tips = c.execute("return [...document.querySelectorAll('#chart svg g > title')].map((t) => t.textContent)", vec![]).await.unwrap();
        let tips = tips.as_array().unwrap();
        assert_eq!(tips.len(), 3 * by_snapshot.points.len(), "one tooltip per marker");
        assert!(tips.iter().any(|t| t.as_str().unwrap().contains(last.a.name.as_str())), "{:?}", &tips[..3]);
        c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        save_shot("race.png", c.screenshot().await.unwrap());

        // The form asks again by month: a GET with the command's option names.
        c.find(Locator::Css("select[name=every]")).await.unwrap().select_by_value("month").await.unwrap();
        c.find(Locator::Css(".race-form button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_until("the monthly view", Duration::from_secs(30), || async {
            c.current_url().await.unwrap().query().is_some_and(|q| q.contains("every=month")) && c.execute(chart_drawn, vec![]).await.unwrap() == json!(true)
        })
        .await;
        assert_eq!(c.execute(rows, vec![]).await.unwrap(), json!(monthly.points.len()));
        let month_last = monthly.points.last().unwrap();
        assert_eq!(c.find(Locator::Css("#latest .leader-a")).await.unwrap().text().await.unwrap(), month_last.a.name);
        c.close().await.unwrap();
    });
}

/// Models of the fixture set (models.csv with their public facts).
const FIXTURE_MODELS: [&str; 4] = ["model-one", "model-two", "model-three", "model-four"];

/// The answer to prompt 1: a table and math first (so they show while the rest streams), then
/// a code block with a 300-character line, then a long tail of text.
fn rich_answer(k: usize) -> String {
    let long_line = format!(
        "values = [{}]",
        (0..60)
            .map(|i| format!("{i:03}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    format!(
        "## Answer {k}\n\n| Language | Typing | Year | Notes |\n|---|---|---|---|\n| Rust | static | 2015 | ownership |\n| Python | dynamic | 1991 | batteries included |\n\nEnergy is $E = mc^2$ and\n\n$$\\int_0^1 x^2\\,dx = \\frac{{1}}{{3}}$$\n\n```python\n{long_line}\nprint(sum(values))\n```\n\n{}",
        "This paragraph is here so that the answer keeps streaming for a few seconds. ".repeat(30)
    )
}

/// Model output and a prompt that try to run script: none of it may run or become markup.
const XSS: &str = "<script>window.__xss = 1</script>\n\n<img src=x onerror=\"window.__xss = 2\">\n\n[click me](javascript:window.__xss=3) <iframe src=\"javascript:window.__xss=4\"></iframe> <a href=\"javascript:window.__xss=5\">link</a>";

/// A recorded set for the browser tests and an arena configuration that serves it, in `dir`.
fn rich_fixture(dir: &Path) -> PathBuf {
    let set = dir.join("rich-set");
    std::fs::create_dir_all(&set).unwrap();
    let prompts = [
        (
            1,
            "Compare two languages in a table, give a formula, and show a long line of code."
                .to_string(),
        ),
        (2, format!("Please repeat this: {XSS}")),
        (3, "Name a colour.".to_string()),
        (4, "Name a fruit.".to_string()),
    ];
    let mut p = String::new();
    let mut a = String::new();
    for (id, text) in &prompts {
        p.push_str(&format!("{}\n", json!({"prompt_id": id, "prompt": text})));
        for (k, m) in FIXTURE_MODELS.iter().enumerate() {
            let answer = match id {
                1 => rich_answer(k),
                2 => format!("Sure: {XSS}"),
                _ => format!("Answer number {k}: **blue**."),
            };
            a.push_str(&format!(
                "{}\n",
                json!({"prompt_id": id, "model": m, "answer": answer})
            ));
        }
    }
    std::fs::write(set.join("prompts.jsonl"), p).unwrap();
    std::fs::write(set.join("answers.jsonl"), a).unwrap();
    std::fs::write(
        set.join("models.csv"),
        "model,organization,country,license,open_weights\nmodel-one,Org One,United States,Apache-2.0,true\nmodel-two,Org Two,China,Proprietary,false\nmodel-three,Org Three,France,MIT,true\nmodel-four,Org Four,China,Proprietary,false\n",
    )
    .unwrap();
    let config = dir.join("arena.toml");
    std::fs::write(
        &config,
        format!(
            "[arena]\nstream_chunk_chars = 24\nstream_chunk_ms = 40\nstream_max_ms = 6000\nleaderboard_delay_ms = 10\nbattles_per_minute = 6000\nbattle_burst = 1000\nvotes_per_minute = 6000\nvote_burst = 1000\n\n[[recorded]]\nname = \"rich\"\npath = \"{}\"\n",
            set.display()
        ),
    )
    .unwrap();
    config
}

/// A JSON number as f64 (panics, naming `what`, on anything else).
fn num(v: &serde_json::Value, what: &str) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{what}: {v}"))
}

/// Starts the battle for prompt `prompt_id` and waits until both answers are complete. Returns
/// whether a rendered table and MathML were seen in pane A while it was still streaming.
async fn run_battle(c: &fantoccini::Client, base: &str, prompt_id: i64) -> bool {
    c.goto(&format!("{base}/?prompt_id={prompt_id}"))
        .await
        .unwrap();
    c.find(Locator::Id("start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let probe = "const a = document.querySelector('#turns-a .answer'); return [a !== null && a.querySelector('table') !== null && a.querySelector('math') !== null, !document.querySelector('#vote').hidden]";
    let started = Instant::now();
    let mut seen_streaming = false;
    loop {
        let v = c.execute(probe, vec![]).await.unwrap();
        let (rendered, done) = (v[0] == json!(true), v[1] == json!(true));
        if rendered && !done {
            seen_streaming = true;
        }
        if done {
            return seen_streaming;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the answers never completed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Layout figures of the battle page: [pane A width, pane B width, scrollWidth, innerWidth,
/// the code block's scrollWidth, its clientWidth].
const LAYOUT: &str = "const w = (s) => document.querySelector(s).getBoundingClientRect().width; const pre = document.querySelector('#turns-a pre'); return [w('#pane-a'), w('#pane-b'), document.documentElement.scrollWidth, window.innerWidth, pre.scrollWidth, pre.clientWidth]";

/// For each vote button after scrolling it into view: inside the viewport?
const BUTTONS_IN_VIEW: &str = "return [...document.querySelectorAll('#vote button')].map((b) => { b.scrollIntoView({block: 'nearest', inline: 'nearest'}); const r = b.getBoundingClientRect(); return r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight; })";

#[test]
#[ignore = "needs chromium and chromedriver; .ci/run runs it with --ignored"]
fn fair_panes_rendered_answers_and_no_script_at_phone_and_desktop_widths() {
    require_chromium();
    let dir = std::env::temp_dir().join(format!("versus-browser-panes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = rich_fixture(&dir);
    let (_server, base) = start_server_with(&dir.join("arena.db"), Some(&config));
    let (_driver, port) = start_driver();
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        for (width, height, phone) in [(390u32, 844u32, true), (1280, 800, false)] {
            let c = browser(port, (width, height), phone, "en-US,en").await;
            let streamed = run_battle(&c, &base, 1).await;
            assert!(streamed, "{width}px: no rendered table and MathML while streaming");
            // And after: a real <table> and <math> in both panes, no raw fence or dollar.
            for side in ["a", "b"] {
                let q = format!("const a = document.querySelector('#turns-{side} .answer'); return [a.querySelectorAll('table').length, a.querySelectorAll('math').length, a.querySelectorAll('pre.code').length, a.textContent.includes('```'), a.textContent.includes('$$'), a.querySelectorAll('button.copy').length]");
                let v = c.execute(&q, vec![]).await.unwrap();
                assert_eq!(v, json!([1, 2, 1, false, false, 1]), "{width}px pane {side}");
            }
            let v = c.execute(LAYOUT, vec![]).await.unwrap();
            let (pa, pb, sw, iw, pre_sw, pre_cw) = (num(&v[0], "pane a"), num(&v[1], "pane b"), num(&v[2], "scrollWidth"), num(&v[3], "innerWidth"), num(&v[4], "pre scrollWidth"), num(&v[5], "pre clientWidth"));
            eprintln!("{width}px: panes {pa:.1} / {pb:.1} px, scrollWidth {sw} (viewport {iw}), code block {pre_sw} in {pre_cw} px");
            assert!((pa - pb).abs() <= 1.0, "{width}px: panes {pa} vs {pb}");
            assert!(sw <= f64::from(width) && iw == f64::from(width), "{width}px: the page is {sw} px wide in a {iw} px viewport");
            assert!(pre_sw > pre_cw && pre_cw < pa, "{width}px: the long code line must scroll inside its block");
            if phone {
                // Stacked: B below A, same width.
                let stacked = c.execute("return document.querySelector('#pane-b').getBoundingClientRect().top >= document.querySelector('#pane-a').getBoundingClientRect().bottom", vec![]).await.unwrap();
                assert_eq!(stacked, json!(true));
            }
            // The vote bar stays reachable: on screen at the top of the page (sticky), and each
            // button inside the viewport once scrolled to.
            c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
            let bar = c.execute("const r = document.querySelector('#vote').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight + 0.5", vec![]).await.unwrap();
            assert_eq!(bar, json!(true), "{width}px: the vote bar is off-screen");
            let inside = c.execute(BUTTONS_IN_VIEW, vec![]).await.unwrap();
            assert_eq!(inside, json!([true, true, true, true]), "{width}px");
            let keys = c.execute("return [...document.querySelectorAll('#vote kbd')].map((k) => k.textContent).join('')", vec![]).await.unwrap();
            assert_eq!(keys, json!("ABTX"));
            c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
            save_shot(&format!("battle-{width}-en.png"), c.screenshot().await.unwrap());
            // Vote with the key shown on the button; the names and facts appear.
            c.execute("document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 't', bubbles: true}))", vec![]).await.unwrap();
            wait_until("the names", Duration::from_secs(10), || async {
                c.execute("return document.querySelector('#name-a').textContent !== '' && !document.querySelector('#facts-b').hidden && document.querySelector('#facts-b [data-fact=organization]').textContent.startsWith('Org ')", vec![]).await.unwrap() == json!(true)
            })
            .await;
            let name_a = c.find(Locator::Id("name-a")).await.unwrap().text().await.unwrap();
            assert!(FIXTURE_MODELS.contains(&name_a.as_str()), "{name_a}");
            let licence = c.find(Locator::Css("#facts-a [data-fact=license]")).await.unwrap().text().await.unwrap();
            assert!(["Apache-2.0", "Proprietary", "MIT"].contains(&licence.as_str()), "{licence}");
            c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
            save_shot(&format!("battle-{width}-en-voted.png"), c.screenshot().await.unwrap());
            // "New battle" is one key away.
            c.execute("document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'n', bubbles: true}))", vec![]).await.unwrap();
            wait_until("a new battle page", Duration::from_secs(10), || async {
                c.current_url().await.unwrap().path() == "/"
            })
            .await;
            c.close().await.unwrap();
        }

        // Script in a prompt and in the answers: shown as text, never run, never markup.
        let c = browser(port, (1280, 800), false, "en").await;
        let _ = run_battle(&c, &base, 2).await;
        let check = "return [window.__xss === undefined, document.querySelectorAll('script').length, document.querySelectorAll('#arena img, #arena iframe, #arena a[href^=\"javascript\" i]').length, document.querySelector('#turns-a .user').textContent.includes('<script>window.__xss = 1</script>'), document.querySelector('#turns-a .answer').textContent.includes('<img src=x onerror=')]";
        assert_eq!(c.execute(check, vec![]).await.unwrap(), json!([true, 1, 0, true, true]));
        c.find(Locator::Css("#vote button[data-winner='model_a']")).await.unwrap().click().await.unwrap();
        wait_until("the names", Duration::from_secs(10), || async {
            !c.find(Locator::Id("name-a")).await.unwrap().text().await.unwrap().is_empty()
        })
        .await;
        // The reloaded page (server-rendered answers) is as clean.
        c.refresh().await.unwrap();
        wait_until("the revealed battle", Duration::from_secs(10), || async {
            !c.find(Locator::Id("name-a")).await.unwrap().text().await.unwrap().is_empty()
        })
        .await;
        assert_eq!(c.execute(check, vec![]).await.unwrap(), json!([true, 1, 0, true, true]));

        // Three votes: the leaderboard is a table of provisional models with the reason in words,
        // never the rating engine's command-line error.
        wait_until("the provisional table", Duration::from_secs(20), || async {
            c.goto(&format!("{base}/leaderboard")).await.unwrap();
            c.source().await.unwrap().contains("3 counted votes")
        })
        .await;
        // Every model met in the three votes (two to four of them) is listed, none rated.
        let rows = c.execute("return [...document.querySelectorAll('#provisional tbody tr')].map((r) => r.textContent)", vec![]).await.unwrap();
        let rows = rows.as_array().unwrap();
        assert!((2..=4).contains(&rows.len()), "{rows:?}");
        assert!(rows.iter().all(|r| r.as_str().unwrap().contains("(provisional)")), "{rows:?}");
        assert!(c.find(Locator::Id("ranked")).await.is_err());
        let page = c.source().await.unwrap();
        assert!(page.contains("3 counted votes") && page.contains("of the 5 votes needed") && page.contains("(provisional)"), "{page}");
        assert!(!page.contains("disconnected") && !page.contains("--exclude"), "{page}");
        let sw = c.execute("return document.documentElement.scrollWidth <= window.innerWidth", vec![]).await.unwrap();
        assert_eq!(sw, json!(true));
        save_shot("leaderboard-provisional-en.png", c.screenshot().await.unwrap());
        // The name filter hides the other models' rows; a header button sorts and says so.
        let visible = "return [...document.querySelectorAll('#provisional tbody tr')].filter((r) => !r.hidden).map((r) => r.cells[0].textContent)";
        let first = rows[0].as_str().unwrap().to_string();
        let wanted: String = first.split(" (").next().unwrap().chars().take(40).collect();
        c.find(Locator::Id("board-search")).await.unwrap().send_keys(&wanted).await.unwrap();
        let shown = c.execute(visible, vec![]).await.unwrap();
        let shown = shown.as_array().unwrap();
        assert!(!shown.is_empty() && shown.len() <= rows.len(), "{shown:?}");
        assert!(shown.iter().all(|r| r.as_str().unwrap().to_lowercase().contains(&wanted.to_lowercase())), "{shown:?}");
        c.find(Locator::Id("board-search")).await.unwrap().clear().await.unwrap();
        c.execute("document.getElementById('board-search').dispatchEvent(new Event('input'))", vec![]).await.unwrap();
        assert_eq!(c.execute(visible, vec![]).await.unwrap().as_array().unwrap().len(), rows.len());
        c.find(Locator::Css("#provisional th button.sort")).await.unwrap().click().await.unwrap();
        let sorted = c.execute("return document.querySelector('#provisional th').getAttribute('aria-sort')", vec![]).await.unwrap();
        assert_eq!(sorted, json!("ascending"));
        let names = c.execute(visible, vec![]).await.unwrap();
        let names: Vec<String> = names.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert_eq!(names.len(), rows.len());
        c.close().await.unwrap();
    });
}

#[test]
#[ignore = "needs chromium and chromedriver; .ci/run runs it with --ignored"]
fn chinese_from_accept_language_and_the_switch_remembers_a_choice() {
    require_chromium();
    let dir = std::env::temp_dir().join(format!("versus-browser-zh-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = rich_fixture(&dir);
    let (_server, base) = start_server_with(&dir.join("arena.db"), Some(&config));
    let (_driver, port) = start_driver();
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let ui = "return [document.documentElement.lang, document.querySelector('#start').textContent, document.querySelector('#prompt').placeholder, document.querySelector('label[for=prompt]').textContent]";
        for (width, phone) in [(390u32, true), (1280, false)] {
            let c = browser(port, (width, if phone { 844 } else { 800 }), phone, "zh-TW,zh;q=0.9,en;q=0.5").await;
            c.goto(&format!("{base}/?prompt_id=1")).await.unwrap();
            let v = c.execute(ui, vec![]).await.unwrap();
            assert_eq!(v, json!(["zh-Hant", "開始對戰", "", "來自錄製問題集的問題（唯讀）"]), "{width}px");
            let _ = run_battle(&c, &base, 1).await;
            let v = c.execute(LAYOUT, vec![]).await.unwrap();
            assert!((num(&v[0], "a") - num(&v[1], "b")).abs() <= 1.0 && num(&v[2], "sw") <= f64::from(width), "{width}px: {v}");
            c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
            save_shot(&format!("battle-{width}-zh-Hant.png"), c.screenshot().await.unwrap());
            if !phone {
                // The switch: Simplified Chinese, remembered in a cookie across pages.
                c.find(Locator::Css("nav.langs a[lang='zh-Hans']")).await.unwrap().click().await.unwrap();
                wait_until("the Simplified page", Duration::from_secs(10), || async {
                    c.execute("return document.documentElement.lang", vec![]).await.unwrap() == json!("zh-Hans")
                })
                .await;
                let start = c.execute("return document.querySelector('#start') && document.querySelector('#start').textContent", vec![]).await.unwrap();
                let nav = c.find(Locator::Css("header nav a[href='/leaderboard']")).await.unwrap().text().await.unwrap();
                assert!(start == json!("开始对战") || start == json!(null), "{start}");
                assert_eq!(nav, "排行榜");
                c.goto(&format!("{base}/leaderboard")).await.unwrap();
                let v = c.execute("return [document.documentElement.lang, document.querySelector('h1').textContent]", vec![]).await.unwrap();
                assert_eq!(v, json!(["zh-Hans", "排行榜（风格控制）"]));
                save_shot("leaderboard-zh-Hans.png", c.screenshot().await.unwrap());
                // And back to English.
                c.find(Locator::Css("nav.langs a[lang='en']")).await.unwrap().click().await.unwrap();
                wait_until("the English page", Duration::from_secs(10), || async {
                    c.execute("return document.documentElement.lang", vec![]).await.unwrap() == json!("en")
                })
                .await;
                assert!(c.source().await.unwrap().contains("Leaderboard"));
            }
            c.close().await.unwrap();
        }
    });
}

#[test]
#[ignore = "needs chromium, chromedriver and axe-core; .ci/run runs it with --ignored"]
fn the_stop_button_ends_the_answers_and_category_boards_have_a_selector() {
    require_chromium();
    let dir = std::env::temp_dir().join(format!("versus-browser-stop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = rich_fixture(&dir);
    let (_server, base) = start_server_with(&dir.join("arena.db"), Some(&config));
    let (_driver, port) = start_driver();
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let runs = [
            (1280u32, 800u32, false, "en-US,en", "en", "Both answers have ended (stopped where you stopped them). Which one is better?", "Leaderboard: Coding (style control)"),
            (390, 844, true, "zh-CN,zh;q=0.9", "zh-Hans", "两个回答都已结束（在你停止的位置截止）。哪一个更好？", "排行榜：编程（风格控制）"),
        ];
        for (width, height, phone, accept, tag, stopped, heading) in runs {
            let c = browser(port, (width, height), phone, accept).await;
            // Prompt 1's answers stream for about 4 s; stop both once each shows its code block
            // (which makes the battle a coding one), before the paragraphs that follow it.
            c.goto(&format!("{base}/?prompt_id=1")).await.unwrap();
            c.find(Locator::Id("start")).await.unwrap().click().await.unwrap();
            let streaming = "const a = document.querySelector('#turns-a .answer'), b = document.querySelector('#turns-b .answer'); return !document.querySelector('#stop').hidden && document.querySelector('#vote').hidden && a !== null && b !== null && a.querySelector('pre.code') !== null && b.querySelector('pre.code') !== null";
            wait_until("the stop bar while streaming", Duration::from_secs(20), || async {
                c.execute(streaming, vec![]).await.unwrap() == json!(true)
            })
            .await;
            save_shot(&format!("battle-stop-{width}-{tag}.png"), c.screenshot().await.unwrap());
            c.find(Locator::Css("#stop button[data-side='both']")).await.unwrap().click().await.unwrap();
            wait_until("the vote bar after the stop", Duration::from_secs(10), || async {
                c.execute("return !document.querySelector('#vote').hidden", vec![]).await.unwrap() == json!(true)
            })
            .await;
            // The stop bar is gone, the notice is the catalogue's, and the answers are partial:
            // the full answer repeats its last paragraph 30 times.
            let v = c.execute("const n = (s) => document.querySelector('#turns-' + s + ' .answer').textContent.split('This paragraph is here').length - 1; return [document.querySelector('#stop').hidden, document.querySelector('#notice').textContent, n('a'), n('b')]", vec![]).await.unwrap();
            assert_eq!(v[0], json!(true), "{width}px: {v}");
            assert_eq!(v[1], json!(stopped), "{width}px: {v}");
            assert!(num(&v[2], "a") < 30.0 && num(&v[3], "b") < 30.0, "{width}px: the answers were not stopped: {v}");
            let sw = c.execute("return document.documentElement.scrollWidth <= window.innerWidth", vec![]).await.unwrap();
            assert_eq!(sw, json!(true), "{width}px");
            c.find(Locator::Css("#vote button[data-winner='model_a']")).await.unwrap().click().await.unwrap();
            wait_until("the names", Duration::from_secs(10), || async {
                !c.find(Locator::Id("name-a")).await.unwrap().text().await.unwrap().is_empty()
            })
            .await;
            // The answers hold code blocks: the battle is on the coding board, reached by the
            // selector; the overall link and the current category are marked.
            c.goto(&format!("{base}/leaderboard")).await.unwrap();
            c.find(Locator::Css("nav.categories a[href='/leaderboard?category=coding']")).await.unwrap().click().await.unwrap();
            wait_until("the coding board", Duration::from_secs(10), || async {
                c.current_url().await.unwrap().query() == Some("category=coding")
            })
            .await;
            let v = c.execute("return [document.documentElement.lang, document.querySelector('h1').textContent, document.querySelector('nav.categories a[aria-current]').getAttribute('href'), document.querySelectorAll('nav.categories a').length, document.querySelector('#board-updated').textContent.includes('UTC'), document.documentElement.scrollWidth <= window.innerWidth]", vec![]).await.unwrap();
            assert_eq!(v, json!([tag, heading, "/leaderboard?category=coding", 7, true, true]), "{width}px");
            let listed = c.execute("return document.querySelectorAll('#provisional tbody tr, #ranked tbody tr').length", vec![]).await.unwrap();
            assert!(num(&listed, "rows") >= 2.0, "{width}px: the coding board lists no model: {listed}");
            save_shot(&format!("leaderboard-coding-{width}-{tag}.png"), c.screenshot().await.unwrap());
            c.close().await.unwrap();
        }
        // Enough votes (short answers, through the API) for a ranked table: each ranked model's
        // interval is drawn as a bar under its numbers, inside the cell.
        versus_arena::state::install_crypto_provider();
        let http = reqwest::Client::new();
        let post = |path: String, body: serde_json::Value| {
            let http = http.clone();
            async move {
                let r = http.post(path).header("content-type", "application/json").header("cookie", format!("versus_voter={:032x}", 9)).body(body.to_string()).send().await.unwrap();
                let text = r.text().await.unwrap();
                serde_json::from_str::<serde_json::Value>(&text).unwrap_or(serde_json::Value::Null)
            }
        };
        for k in 0..60 {
            let b = post(format!("{base}/api/battles"), json!({"prompt_id": 3 + k % 2})).await;
            let (id, token) = (b["id"].as_str().unwrap().to_string(), b["vote_token"].as_str().unwrap().to_string());
            let winner = ["model_a", "model_b", "tie"][k % 3];
            wait_until("a votable battle", Duration::from_secs(20), || {
                let post = &post;
                let (id, token) = (id.clone(), token.clone());
                let base = base.clone();
                async move { post(format!("{base}/api/battles/{id}/vote"), json!({"winner": winner, "vote_token": token})).await.get("winner").is_some() }
            })
            .await;
        }
        let c = browser(port, (1280, 900), false, "en").await;
        wait_until("a ranked table", Duration::from_secs(20), || async {
            c.goto(&format!("{base}/leaderboard")).await.unwrap();
            c.find(Locator::Id("ranked")).await.is_ok()
        })
        .await;
        let bars = "return [...document.querySelectorAll('#ranked tbody tr')].map((r) => { const cell = r.querySelector('td.ci').getBoundingClientRect(), bar = r.querySelector('td.ci .ci-bar'), range = bar && bar.querySelector('.ci-range').getBoundingClientRect(), dot = bar && bar.querySelector('.ci-dot').getBoundingClientRect(); return bar !== null && bar.getAttribute('aria-hidden') === 'true' && range.width > 0 && range.left >= cell.left && range.right <= cell.right + 0.5 && dot.left + 4 >= range.left - 0.5 && dot.left + 4 <= range.right + 0.5; })";
        let v = c.execute(bars, vec![]).await.unwrap();
        let v = v.as_array().unwrap();
        assert!(v.len() >= 2 && v.iter().all(|x| *x == json!(true)), "interval bars: {v:?}");
        save_shot("leaderboard-ranked-1280-en.png", c.screenshot().await.unwrap());
        let violations = axe_violations(&c, &axe_source()).await;
        assert!(violations.is_empty(), "axe on the ranked board: {violations:?}");
        c.close().await.unwrap();
    });
}

#[test]
#[ignore = "needs chromium and chromedriver; .ci/run runs it with --ignored"]
fn side_by_side_from_the_battle_page_tab_shows_the_chosen_names_and_counts_nothing() {
    require_chromium();
    let dir = std::env::temp_dir().join(format!("versus-browser-named-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = rich_fixture(&dir);
    let (_server, base) = start_server_with(&dir.join("arena.db"), Some(&config));
    let (_driver, port) = start_driver();
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let runs = [
            (1280u32, 800u32, false, "en-US,en", "en", "Side by side", "Thanks! Side-by-side votes are kept apart and not ranked."),
            (390, 844, true, "zh-CN,zh;q=0.9", "zh-Hans", "并排对比", "感谢投票！并排对比的投票单独保存，不计入排名。"),
        ];
        for (width, height, phone, accept, tag, tab, thanks) in runs {
            let c = browser(port, (width, height), phone, accept).await;
            c.goto(&format!("{base}/?prompt_id=3")).await.unwrap();
            // The tab on the battle page.
            c.find(Locator::Css("nav.modes a[href='/?mode=named']")).await.unwrap().click().await.unwrap();
            wait_until("the side-by-side page", Duration::from_secs(10), || async {
                c.current_url().await.unwrap().query() == Some("mode=named")
            })
            .await;
            let v = c.execute("return [document.documentElement.lang, document.querySelector('nav.modes a[aria-current]').textContent, document.querySelectorAll('#pick-a option').length, document.querySelectorAll('#pick-b option').length]", vec![]).await.unwrap();
            assert_eq!(v, json!([tag, tab, 4, 4]), "{width}px");
            c.execute("document.querySelector('#pick-a').value = 'model-three'; document.querySelector('#pick-b').value = 'model-one';", vec![]).await.unwrap();
            save_shot(&format!("side-by-side-{width}-{tag}.png"), c.screenshot().await.unwrap());
            c.find(Locator::Id("start")).await.unwrap().click().await.unwrap();
            // The names show at once, before the vote.
            wait_until("the chosen names", Duration::from_secs(10), || async {
                c.execute("return [document.querySelector('#name-a').textContent, document.querySelector('#name-b').textContent]", vec![]).await.unwrap() == json!(["model-three", "model-one"])
            })
            .await;
            wait_until("the vote bar", Duration::from_secs(20), || async {
                c.execute("return !document.querySelector('#vote').hidden", vec![]).await.unwrap() == json!(true)
            })
            .await;
            c.find(Locator::Css("#vote button[data-winner='model_b']")).await.unwrap().click().await.unwrap();
            wait_until("the thanks", Duration::from_secs(10), || async {
                c.execute("return document.querySelector('#notice').textContent", vec![]).await.unwrap() == json!(thanks)
            })
            .await;
            let sw = c.execute("return document.documentElement.scrollWidth <= window.innerWidth", vec![]).await.unwrap();
            assert_eq!(sw, json!(true), "{width}px");
            save_shot(&format!("side-by-side-{width}-{tag}-voted.png"), c.screenshot().await.unwrap());
            c.close().await.unwrap();
        }
        // Two side-by-side votes: the anonymous board has none.
        versus_arena::state::install_crypto_provider();
        let text = reqwest::get(format!("{base}/api/leaderboard")).await.unwrap().text().await.unwrap();
        let board: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(board["counted_votes"], json!(0), "{board}");
    });
}

/// axe-core's browser build: `$VERSUS_AXE_JS`, else where `.ci/run` installs it from npm.
fn axe_source() -> String {
    let path = std::env::var_os("VERSUS_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/versus-npm/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is needed at {} ({e}); .ci/run installs it with npm (or set VERSUS_AXE_JS)",
            path.display()
        )
    })
}

/// The serious and critical axe-core violations of the page shown (WebDriver scripts are not
/// subject to the page's Content-Security-Policy, so axe is injected as the test's own script).
async fn axe_violations(c: &fantoccini::Client, axe: &str) -> Vec<serde_json::Value> {
    c.execute(&format!("{axe}\n;return typeof window.axe;"), vec![])
        .await
        .unwrap();
    let run = "const done = arguments[arguments.length - 1]; window.axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.html)})))).catch((e) => done([{error: String(e)}]))";
    let v = c.execute_async(run, vec![]).await.unwrap();
    v.as_array().cloned().unwrap_or_else(|| panic!("axe: {v}"))
}

#[test]
#[ignore = "needs chromium, chromedriver and axe-core; .ci/run runs it with --ignored"]
fn no_serious_accessibility_violations_in_english_and_chinese() {
    require_chromium();
    let axe = axe_source();
    let dir = std::env::temp_dir().join(format!("versus-browser-axe-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = rich_fixture(&dir);
    let (_server, base) = start_server_with(&dir.join("arena.db"), Some(&config));
    let (_driver, port) = start_driver();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let mut report = Vec::new();
            for (lang, dark) in [("en", false), ("zh-CN", false), ("en", true)] {
                let c = browser_with(port, (1280, 900), false, lang, dark).await;
                let scheme = c
                    .execute(
                        "return matchMedia('(prefers-color-scheme: dark)').matches",
                        vec![],
                    )
                    .await
                    .unwrap();
                assert_eq!(scheme, json!(dark));
                let lang = if dark { "en (dark)" } else { lang };
                c.update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                    Some(Duration::from_secs(120)),
                    None,
                    None,
                ))
                .await
                .unwrap();
                // A battle with rendered answers (table, math, code with its copy button).
                let _ = run_battle(&c, &base, 1).await;
                let mut pages = vec![("battle".to_string(), axe_violations(&c, &axe).await)];
                c.find(Locator::Css("#vote button[data-winner='model_b']"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
                wait_until("the leaderboard vote", Duration::from_secs(10), || async {
                    !c.find(Locator::Id("name-a"))
                        .await
                        .unwrap()
                        .text()
                        .await
                        .unwrap()
                        .is_empty()
                })
                .await;
                pages.push((
                    "battle after the vote".to_string(),
                    axe_violations(&c, &axe).await,
                ));
                for path in [
                    "/leaderboard",
                    "/leaderboard?category=coding",
                    "/?mode=named",
                    "/race",
                    "/value",
                    "/compute",
                ] {
                    c.goto(&format!("{base}{path}")).await.unwrap();
                    pages.push((path.to_string(), axe_violations(&c, &axe).await));
                }
                for (page, violations) in pages {
                    eprintln!("axe {lang} {page}: {} serious/critical", violations.len());
                    if !violations.is_empty() {
                        report.push(format!(
                            "{lang} {page}: {}",
                            serde_json::to_string_pretty(&violations).unwrap()
                        ));
                    }
                }
                c.close().await.unwrap();
            }
            assert!(report.is_empty(), "{}", report.join("\n"));
        });
}
