//! End-to-end in a real headless Chromium (Debian `chromium` + `chromium-driver`, driven with
//! fantoccini): the README's main command (`versus serve`, no configuration, no network), a
//! person starts a battle, watches both answers stream in, votes, sees the names, and the
//! leaderboard changes. Skips with a message when Chromium is absent (`.ci/run` installs it).
//!
//! With `VERSUS_SCREENSHOTS=DIR` it saves the battle and leaderboard pages as PNG files there
//! (the ones in docs/screenshots/ come from this test).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

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
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
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
    let base = rx.recv_timeout(Duration::from_secs(60)).expect("versus serve did not start");
    (Killed(child), base)
}

/// A bundled prompt whose 24 recorded answers contain no identity word, so the vote is
/// anonymous and counts (a random prompt would make the leaderboard check depend on luck).
fn clean_prompt() -> i64 {
    let set = versus_arena::recorded::RecordedSet::builtin().unwrap();
    (0..set.prompts.len())
        .find(|&i| {
            set.prompts[i].text.len() < 160
                && set.models.iter().all(|(m, _)| set.answer(m, i).is_some_and(|a| versus_arena::text::identity_word([a, set.prompts[i].text.as_str()]).is_none()))
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

#[test]
fn a_person_battles_votes_and_sees_the_leaderboard_change() {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        eprintln!("SKIPPED: browser end-to-end test needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver; .ci/run does)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("versus-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let shots: Option<PathBuf> = std::env::var_os("VERSUS_SCREENSHOTS").map(PathBuf::from);
    let prompt_id = clean_prompt();
    let model_names: Vec<String> = versus_arena::recorded::RecordedSet::builtin().unwrap().models.iter().map(|(m, _)| m.clone()).collect();
    let (_server, base) = start_server(&dir.join("arena.db"));
    let port = free_port();
    let _driver = Killed(Command::new(CHROMEDRIVER).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap());

    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let webdriver = format!("http://127.0.0.1:{port}");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"binary": CHROMIUM, "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--window-size=1280,1000", "--hide-scrollbars"]}),
        );
        let mut client = None;
        let started = Instant::now();
        while client.is_none() {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new()).capabilities(caps.clone()).connect(&webdriver).await {
                Ok(c) => client = Some(c),
                Err(e) => {
                    assert!(started.elapsed() < Duration::from_secs(30), "chromedriver: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        let c = client.unwrap();
        let shot = |name: &'static str, png: Vec<u8>| {
            if let Some(d) = &shots {
                std::fs::create_dir_all(d).unwrap();
                std::fs::write(d.join(name), png).unwrap();
            }
        };

        // Before any vote there is no leaderboard.
        c.goto(&format!("{base}/leaderboard")).await.unwrap();
        assert!(c.source().await.unwrap().contains("No leaderboard yet"));

        // A battle: a bundled prompt, two anonymous answers streaming side by side.
        c.goto(&format!("{base}/?prompt_id={prompt_id}")).await.unwrap();
        c.find(Locator::Id("start")).await.unwrap().click().await.unwrap();
        let vote_visible = "return !document.querySelector('#vote').hidden";
        wait_until("both answers", Duration::from_secs(30), || async { c.execute(vote_visible, vec![]).await.unwrap() == json!(true) }).await;
        let a = c.find(Locator::Css("#turns-a .answer")).await.unwrap().text().await.unwrap();
        let b = c.find(Locator::Css("#turns-b .answer")).await.unwrap().text().await.unwrap();
        assert!(a.len() > 20 && b.len() > 20, "answers: {a:?} / {b:?}");
        let url = c.current_url().await.unwrap();
        assert!(url.path().starts_with("/battle/"), "{url}");
        // No model name anywhere on the page before the vote.
        let page = c.source().await.unwrap();
        for m in &model_names {
            assert!(!page.contains(m.as_str()), "the page shows {m} before the vote");
        }
        assert_eq!(c.find(Locator::Id("name-a")).await.unwrap().text().await.unwrap(), "");
        c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        shot("battle.png", c.screenshot().await.unwrap());

        // The vote reveals the names.
        c.find(Locator::Css("#vote button[data-winner='tie']")).await.unwrap().click().await.unwrap();
        wait_until("the names", Duration::from_secs(10), || async { !c.find(Locator::Id("name-a")).await.unwrap().text().await.unwrap().is_empty() }).await;
        let name_a = c.find(Locator::Id("name-a")).await.unwrap().text().await.unwrap();
        let name_b = c.find(Locator::Id("name-b")).await.unwrap().text().await.unwrap();
        assert!(model_names.contains(&name_a) && model_names.contains(&name_b) && name_a != name_b, "{name_a} / {name_b}");
        assert!(c.find(Locator::Id("notice")).await.unwrap().text().await.unwrap().contains("Thanks"));
        c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
        shot("battle-voted.png", c.screenshot().await.unwrap());

        // The leaderboard now ranks the two models (recomputed in the background).
        wait_until("the leaderboard", Duration::from_secs(20), || async {
            c.goto(&format!("{base}/leaderboard")).await.unwrap();
            let s = c.source().await.unwrap();
            s.contains(&name_a) && s.contains(&name_b) && s.contains("<svg")
        })
        .await;
        shot("leaderboard-first-vote.png", c.screenshot().await.unwrap());

        // A new battle starts from the button.
        c.goto(&format!("{base}/battle/{}", url.path().trim_start_matches("/battle/"))).await.unwrap();
        wait_until("the revealed battle", Duration::from_secs(10), || async {
            c.find(Locator::Id("name-a")).await.unwrap().text().await.unwrap() == name_a
        })
        .await;
        c.close().await.unwrap();
    });
}
