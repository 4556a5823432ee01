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
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--log", "warn", "--db"])
        .arg(db)
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
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": CHROMIUM, "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", format!("--window-size={},{}", window.0, window.1), "--hide-scrollbars"]}),
    );
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

            // Before any vote there is no leaderboard.
            c.goto(&format!("{base}/leaderboard")).await.unwrap();
            assert!(c.source().await.unwrap().contains("No leaderboard yet"));

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

            // The leaderboard now ranks the two models (recomputed in the background).
            wait_until("the leaderboard", Duration::from_secs(20), || async {
                c.goto(&format!("{base}/leaderboard")).await.unwrap();
                let s = c.source().await.unwrap();
                s.contains(&name_a) && s.contains(&name_b) && s.contains("<svg")
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
