//! Recorded backends: real answers of real models to a fixed prompt set.
//!
//! The built-in set is AlpacaEval's 805 prompts answered by 24 models
//! (`data/answers-alpacaeval/`, embedded compressed in the binary). Other sets can be loaded from
//! a directory with the same files.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::model::ModelMeta;

/// Name of the built-in set.
pub const BUILTIN_SET: &str = "alpacaeval";

static BUILTIN_PROMPTS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/answers-alpacaeval/prompts.jsonl.gz"
));
static BUILTIN_ANSWERS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/answers-alpacaeval/answers.jsonl.gz"
));
static BUILTIN_MODELS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/answers-alpacaeval/models.csv"
));

/// One prompt of a set.
#[derive(Clone, Debug)]
pub struct Prompt {
    /// The set's own id.
    pub id: i64,
    pub text: String,
}

/// A prompt set with every model's recorded answers.
#[derive(Debug)]
pub struct RecordedSet {
    pub name: String,
    pub prompts: Vec<Prompt>,
    by_text: HashMap<String, usize>,
    by_id: HashMap<i64, usize>,
    /// Models in the order of models.csv (then of first answer), with their metadata.
    pub models: Vec<(String, ModelMeta)>,
    answers: HashMap<String, Vec<Option<Box<str>>>>,
}

#[derive(Deserialize)]
struct PromptLine {
    prompt_id: i64,
    prompt: String,
}

#[derive(Deserialize)]
struct AnswerLine {
    prompt_id: i64,
    model: String,
    answer: String,
}

#[derive(Deserialize)]
struct ModelLine {
    model: String,
    #[serde(default)]
    organization: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    open_weights: Option<String>,
    #[serde(default)]
    release_date: Option<String>,
    #[serde(default)]
    input_usd_per_mtok: Option<String>,
    #[serde(default)]
    output_usd_per_mtok: Option<String>,
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl RecordedSet {
    /// The built-in AlpacaEval set, decompressed once per process.
    pub fn builtin() -> Result<Arc<RecordedSet>, String> {
        static SET: OnceLock<Result<Arc<RecordedSet>, String>> = OnceLock::new();
        SET.get_or_init(|| {
            let prompts = flate2::read::GzDecoder::new(BUILTIN_PROMPTS);
            let answers = flate2::read::GzDecoder::new(BUILTIN_ANSWERS);
            RecordedSet::from_readers(BUILTIN_SET, prompts, answers, Some(BUILTIN_MODELS))
                .map(Arc::new)
        })
        .clone()
    }

    /// A set from a directory: `prompts.jsonl[.gz]`, `answers.jsonl[.gz]`, optional `models.csv`.
    pub fn from_dir(name: &str, dir: &Path) -> Result<RecordedSet, String> {
        let open = |stem: &str| -> Result<Box<dyn Read>, String> {
            let gz = dir.join(format!("{stem}.jsonl.gz"));
            let plain = dir.join(format!("{stem}.jsonl"));
            if gz.exists() {
                let f = std::fs::File::open(&gz).map_err(|e| format!("{}: {e}", gz.display()))?;
                Ok(Box::new(flate2::read::GzDecoder::new(f)))
            } else {
                let f =
                    std::fs::File::open(&plain).map_err(|e| format!("{}: {e}", plain.display()))?;
                Ok(Box::new(f))
            }
        };
        let models_path = dir.join("models.csv");
        let models = if models_path.exists() {
            Some(
                std::fs::read_to_string(&models_path)
                    .map_err(|e| format!("{}: {e}", models_path.display()))?,
            )
        } else {
            None
        };
        RecordedSet::from_readers(name, open("prompts")?, open("answers")?, models.as_deref())
    }

    pub fn from_readers(
        name: &str,
        prompts: impl Read,
        answers: impl Read,
        models_csv: Option<&str>,
    ) -> Result<RecordedSet, String> {
        let mut set = RecordedSet {
            name: name.to_string(),
            prompts: Vec::new(),
            by_text: HashMap::new(),
            by_id: HashMap::new(),
            models: Vec::new(),
            answers: HashMap::new(),
        };
        for (n, line) in BufReader::new(prompts).lines().enumerate() {
            let line = line.map_err(|e| format!("{name} prompts: {e}"))?;
            if line.trim().is_empty() {
                continue;
            }
            let p: PromptLine = serde_json::from_str(&line)
                .map_err(|e| format!("{name} prompts line {}: {e}", n + 1))?;
            let idx = set.prompts.len();
            if set.by_id.insert(p.prompt_id, idx).is_some() {
                return Err(format!(
                    "{name} prompts line {}: prompt_id {} repeated",
                    n + 1,
                    p.prompt_id
                ));
            }
            set.by_text
                .entry(p.prompt.trim().to_string())
                .or_insert(idx);
            set.prompts.push(Prompt {
                id: p.prompt_id,
                text: p.prompt,
            });
        }
        if let Some(csv_text) = models_csv {
            let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
            for row in reader.deserialize::<ModelLine>() {
                let m = row.map_err(|e| format!("{name} models.csv: {e}"))?;
                let price = |s: Option<String>| nonempty(s).and_then(|v| v.parse::<f64>().ok());
                let meta = ModelMeta {
                    organization: nonempty(m.organization),
                    country: nonempty(m.country),
                    license: nonempty(m.license),
                    open_weights: nonempty(m.open_weights).and_then(|v| {
                        match v.to_ascii_lowercase().as_str() {
                            "true" | "yes" | "1" => Some(true),
                            "false" | "no" | "0" => Some(false),
                            _ => None,
                        }
                    }),
                    release_date: nonempty(m.release_date),
                    input_price: price(m.input_usd_per_mtok),
                    output_price: price(m.output_usd_per_mtok),
                };
                set.models.push((m.model, meta));
            }
        }
        let n_prompts = set.prompts.len();
        let mut line = String::new();
        let mut reader = BufReader::new(answers);
        let mut n = 0usize;
        loop {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .map_err(|e| format!("{name} answers: {e}"))?;
            if read == 0 {
                break;
            }
            n += 1;
            if line.trim().is_empty() {
                continue;
            }
            let a: AnswerLine =
                serde_json::from_str(&line).map_err(|e| format!("{name} answers line {n}: {e}"))?;
            let Some(&idx) = set.by_id.get(&a.prompt_id) else {
                return Err(format!(
                    "{name} answers line {n}: unknown prompt_id {}",
                    a.prompt_id
                ));
            };
            if !set.answers.contains_key(&a.model) && !set.models.iter().any(|(m, _)| *m == a.model)
            {
                set.models.push((a.model.clone(), ModelMeta::default()));
            }
            let slots = set
                .answers
                .entry(a.model)
                .or_insert_with(|| vec![None; n_prompts]);
            // An empty recorded answer is no answer.
            if !a.answer.trim().is_empty() {
                slots[idx] = Some(a.answer.into_boxed_str());
            }
        }
        set.models.retain(|(m, _)| set.answers.contains_key(m));
        if set.models.is_empty() {
            return Err(format!("recorded set {name}: no answers"));
        }
        Ok(set)
    }

    /// Index of a prompt given by its text (exact match after trimming).
    pub fn prompt_index(&self, text: &str) -> Option<usize> {
        self.by_text.get(text.trim()).copied()
    }

    /// Index of a prompt given by the set's id.
    pub fn index_of_id(&self, id: i64) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    pub fn has_model(&self, model: &str) -> bool {
        self.answers.contains_key(model)
    }

    /// The recorded answer of `model` to prompt `idx`.
    pub fn answer(&self, model: &str, idx: usize) -> Option<&str> {
        self.answers.get(model)?.get(idx)?.as_deref()
    }
}

/// Splits an answer into the chunks a stream reveals: about `chars` characters each, cut after
/// whitespace where possible, and at most `max_chunks` of them.
pub fn chunks(text: &str, chars: usize, max_chunks: usize) -> Vec<&str> {
    let total = text.chars().count();
    let chars = chars.max(1).max(total.div_ceil(max_chunks.max(1)));
    let mut out = Vec::new();
    let mut start = 0;
    let mut count = 0;
    let mut last_space_end: Option<usize> = None;
    for (i, ch) in text.char_indices() {
        count += 1;
        let end = i + ch.len_utf8();
        if ch.is_whitespace() {
            last_space_end = Some(end);
        }
        if count >= chars {
            let cut = last_space_end.filter(|&e| e > start).unwrap_or(end);
            out.push(&text[start..cut]);
            count = text[cut..end].chars().count();
            start = cut;
            last_space_end = None;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_text() {
        let t = "The quick brown fox jumps over the lazy dog. Ünïcödé works too.";
        for size in [1, 5, 12, 100] {
            let c = chunks(t, size, 1000);
            assert_eq!(c.concat(), t);
        }
        assert!(chunks(t, 1, 4).len() <= 5);
        assert!(chunks("", 5, 10).is_empty());
    }

    #[test]
    fn builtin_set_loads() {
        let set = RecordedSet::builtin().unwrap();
        assert_eq!(set.prompts.len(), 805);
        assert_eq!(set.models.len(), 24);
        assert!(set.answer("gpt-4o-2024-05-13", 0).is_some());
        assert_eq!(
            set.models
                .iter()
                .find(|(m, _)| m == "gpt-4o-2024-05-13")
                .unwrap()
                .1
                .organization
                .as_deref(),
            Some("OpenAI")
        );
        assert_eq!(set.prompt_index(&set.prompts[3].text), Some(3));
    }
}
