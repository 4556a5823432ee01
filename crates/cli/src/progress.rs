//! A progress bar on stderr for bootstrap work that takes over a second, shown only when
//! stderr is a terminal (never in pipes, logs or tests).

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Counts finished steps; a background thread draws the bar.
pub struct Progress {
    done: Arc<AtomicUsize>,
    finished: Arc<AtomicBool>,
    drawer: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts tracking `total` steps of `label`.
    pub fn start(label: &'static str, total: usize) -> Self {
        let done = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicBool::new(false));
        let drawer = (std::io::stderr().is_terminal() && total > 0).then(|| {
            let (done, finished) = (done.clone(), finished.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut drawn = false;
                while !finished.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    if started.elapsed() < Duration::from_secs(1) {
                        continue;
                    }
                    let n = done.load(Ordering::Relaxed).min(total);
                    let width = 30;
                    let filled = n * width / total;
                    eprint!(
                        "\r{label} [{}{}] {n}/{total} {:.0}s ",
                        "#".repeat(filled),
                        " ".repeat(width - filled),
                        started.elapsed().as_secs_f64()
                    );
                    let _ = std::io::stderr().flush();
                    drawn = true;
                }
                if drawn {
                    eprint!("\r{}\r", " ".repeat(60 + label.len()));
                }
            })
        });
        Self {
            done,
            finished,
            drawer,
        }
    }

    /// Marks one step done (callable from any thread).
    pub fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finished.store(true, Ordering::Relaxed);
        if let Some(handle) = self.drawer.take() {
            let _ = handle.join();
        }
    }
}
