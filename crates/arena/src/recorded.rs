//! Recorded backends: real answers of real models to a fixed prompt set.
//!
//! The built-in set is AlpacaEval's 805 prompts answered by 24 models
//! (`data/answers-alpacaeval/`, embedded compressed in the binary). Other sets can be loaded from
//! a directory with the same files.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
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

/// Why a recorded set cannot be loaded, or a recorded model cannot be configured.
#[derive(Debug, thiserror::Error)]
pub enum RecordedError {
    #[error("{path}: {source}", path = .path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("recorded set {set}: reading {file}: {source}")]
    Read {
        set: String,
        file: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("recorded set {set}: {file} line {line}: {source} (expected {expected})")]
    Line {
        set: String,
        file: &'static str,
        line: usize,
        expected: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "recorded set {set}: prompts line {line}: prompt_id {id} repeated (expected each id once)"
    )]
    RepeatedPromptId { set: String, line: usize, id: i64 },
    #[error(
        "recorded set {set}: answers line {line}: unknown prompt_id {id} (expected an id of the prompts file)"
    )]
    UnknownPromptId { set: String, line: usize, id: i64 },
    #[error(
        "recorded set {set}: models.csv: {source} (expected a header with model and optional organization, country, license, open_weights, release_date, input_usd_per_mtok, output_usd_per_mtok)"
    )]
    ModelsCsv {
        set: String,
        #[source]
        source: csv::Error,
    },
    #[error("recorded set {set}: no answers")]
    NoAnswers { set: String },
    /// The set embedded in the binary failed to load (a build problem, not the user's).
    #[error("the built-in recorded set: {0}")]
    Builtin(#[source] Arc<RecordedError>),
    #[error(
        "recorded set {set:?} is not built in (only {BUILTIN_SET:?} is): expected a [[recorded]] entry with name = {set:?} and path = \"<its directory>\""
    )]
    NotBuiltIn { set: String },
    #[error("model {model:?}: recorded set {set:?} is not loaded (expected one of: {loaded})")]
    UnknownSet {
        model: String,
        set: String,
        loaded: String,
    },
    #[error("model {model:?}: the recorded set {set:?} has no answers of {source_model:?}")]
    UnknownModel {
        model: String,
        set: String,
        source_model: String,
    },
}

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

impl ModelLine {
    /// The model name and its metadata; blank cells are unknown, as are unparsable prices and
    /// open_weights values other than true/yes/1 or false/no/0.
    fn into_meta(self) -> (String, ModelMeta) {
        let price = |s: Option<String>| nonempty(s).and_then(|v| v.parse::<f64>().ok());
        let meta = ModelMeta {
            organization: nonempty(self.organization),
            country: nonempty(self.country),
            license: nonempty(self.license),
            open_weights: nonempty(self.open_weights).and_then(|v| {
                match v.to_ascii_lowercase().as_str() {
                    "true" | "yes" | "1" => Some(true),
                    "false" | "no" | "0" => Some(false),
                    _ => None,
                }
            }),
            release_date: nonempty(self.release_date),
            input_price: price(self.input_usd_per_mtok),
            output_price: price(self.output_usd_per_mtok),
        };
        (self.model, meta)
    }
}

impl RecordedSet {
    /// The built-in AlpacaEval set, decompressed once per process.
    pub fn builtin() -> Result<Arc<RecordedSet>, RecordedError> {
        static SET: OnceLock<Result<Arc<RecordedSet>, Arc<RecordedError>>> = OnceLock::new();
        SET.get_or_init(|| {
            let prompts = flate2::read::GzDecoder::new(BUILTIN_PROMPTS);
            let answers = flate2::read::GzDecoder::new(BUILTIN_ANSWERS);
            RecordedSet::from_readers(BUILTIN_SET, prompts, answers, Some(BUILTIN_MODELS))
                .map(Arc::new)
                .map_err(Arc::new)
        })
        .clone()
        .map_err(RecordedError::Builtin)
    }

    /// A set from a directory: `prompts.jsonl[.gz]`, `answers.jsonl[.gz]`, optional `models.csv`.
    pub fn from_dir(name: &str, dir: &Path) -> Result<RecordedSet, RecordedError> {
        let open_file = |path: PathBuf| match std::fs::File::open(&path) {
            Ok(f) => Ok(f),
            Err(source) => Err(RecordedError::Open { path, source }),
        };
        let open = |stem: &str| -> Result<Box<dyn Read>, RecordedError> {
            let gz = dir.join(format!("{stem}.jsonl.gz"));
            if gz.exists() {
                let f = open_file(gz)?;
                Ok(Box::new(flate2::read::GzDecoder::new(f)))
            } else {
                Ok(Box::new(open_file(dir.join(format!("{stem}.jsonl")))?))
            }
        };
        let models_path = dir.join("models.csv");
        let models = if models_path.exists() {
            match std::fs::read_to_string(&models_path) {
                Ok(text) => Some(text),
                Err(source) => {
                    return Err(RecordedError::Open {
                        path: models_path,
                        source,
                    });
                }
            }
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
    ) -> Result<RecordedSet, RecordedError> {
        let mut set = RecordedSet {
            name: name.to_string(),
            prompts: Vec::new(),
            by_text: HashMap::new(),
            by_id: HashMap::new(),
            models: Vec::new(),
            answers: HashMap::new(),
        };
        set.read_prompts(prompts)?;
        if let Some(csv_text) = models_csv {
            set.read_models_csv(csv_text)?;
        }
        set.read_answers(answers)?;
        set.models.retain(|(m, _)| set.answers.contains_key(m));
        if set.models.is_empty() {
            return Err(RecordedError::NoAnswers {
                set: name.to_string(),
            });
        }
        Ok(set)
    }

    /// Loads the prompts file (JSON lines of `{prompt_id, prompt}`), indexing each prompt by id
    /// and by trimmed text; ids must be unique.
    fn read_prompts(&mut self, prompts: impl Read) -> Result<(), RecordedError> {
        for (n, line) in BufReader::new(prompts).lines().enumerate() {
            let line = line.map_err(|source| RecordedError::Read {
                set: self.name.clone(),
                file: "prompts",
                source,
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let p: PromptLine =
                serde_json::from_str(&line).map_err(|source| RecordedError::Line {
                    set: self.name.clone(),
                    file: "prompts",
                    line: n + 1,
                    expected: r#"{"prompt_id": <integer>, "prompt": <text>}"#,
                    source,
                })?;
            let idx = self.prompts.len();
            if self.by_id.insert(p.prompt_id, idx).is_some() {
                return Err(RecordedError::RepeatedPromptId {
                    set: self.name.clone(),
                    line: n + 1,
                    id: p.prompt_id,
                });
            }
            self.by_text
                .entry(p.prompt.trim().to_string())
                .or_insert(idx);
            self.prompts.push(Prompt {
                id: p.prompt_id,
                text: p.prompt,
            });
        }
        Ok(())
    }

    /// Loads models.csv: the models in its order, with their metadata.
    fn read_models_csv(&mut self, csv_text: &str) -> Result<(), RecordedError> {
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        for row in reader.deserialize::<ModelLine>() {
            let m = row.map_err(|source| RecordedError::ModelsCsv {
                set: self.name.clone(),
                source,
            })?;
            let (model, meta) = m.into_meta();
            self.models.push((model, meta));
        }
        Ok(())
    }

    /// Loads the answers file (JSON lines of `{prompt_id, model, answer}`); a model missing from
    /// models.csv is added without metadata.
    fn read_answers(&mut self, answers: impl Read) -> Result<(), RecordedError> {
        let n_prompts = self.prompts.len();
        let mut line = String::new();
        let mut reader = BufReader::new(answers);
        let mut n = 0usize;
        loop {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .map_err(|source| RecordedError::Read {
                    set: self.name.clone(),
                    file: "answers",
                    source,
                })?;
            if read == 0 {
                break;
            }
            n += 1;
            if line.trim().is_empty() {
                continue;
            }
            let a: AnswerLine =
                serde_json::from_str(&line).map_err(|source| RecordedError::Line {
                    set: self.name.clone(),
                    file: "answers",
                    line: n,
                    expected: r#"{"prompt_id": <integer>, "model": <text>, "answer": <text>}"#,
                    source,
                })?;
            let Some(&idx) = self.by_id.get(&a.prompt_id) else {
                return Err(RecordedError::UnknownPromptId {
                    set: self.name.clone(),
                    line: n,
                    id: a.prompt_id,
                });
            };
            if !self.answers.contains_key(&a.model)
                && !self.models.iter().any(|(m, _)| *m == a.model)
            {
                self.models.push((a.model.clone(), ModelMeta::default()));
            }
            let slots = self
                .answers
                .entry(a.model)
                .or_insert_with(|| vec![None; n_prompts]);
            // An empty recorded answer is no answer.
            if !a.answer.trim().is_empty() {
                slots[idx] = Some(a.answer.into_boxed_str());
            }
        }
        Ok(())
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

    fn load(prompts: &str, answers: &str) -> Result<RecordedSet, RecordedError> {
        RecordedSet::from_readers("t", prompts.as_bytes(), answers.as_bytes(), None)
    }

    #[test]
    fn a_bad_line_names_the_set_the_file_the_line_and_the_expected_shape() {
        let prompts = "{\"prompt_id\": 1, \"prompt\": \"Hi\"}\n";
        let e = load(prompts, "{\"prompt_id\": 1}\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("recorded set t: answers line 1: missing field"),
            "{e}"
        );
        assert!(
            e.ends_with(
                r#"(expected {"prompt_id": <integer>, "model": <text>, "answer": <text>})"#
            ),
            "{e}"
        );
        let e = load(
            prompts,
            "{\"prompt_id\": 2, \"model\": \"m\", \"answer\": \"a\"}\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "recorded set t: answers line 1: unknown prompt_id 2 (expected an id of the prompts file)"
        );
        let e = load(&format!("{prompts}{prompts}"), "").unwrap_err();
        assert!(matches!(
            e,
            RecordedError::RepeatedPromptId { line: 2, id: 1, .. }
        ));
        assert_eq!(
            load(prompts, "").unwrap_err().to_string(),
            "recorded set t: no answers"
        );
    }

    #[test]
    fn a_missing_directory_names_the_file() {
        let dir = std::env::temp_dir().join("versus-arena-no-such-set");
        let e = RecordedSet::from_dir("x", &dir).unwrap_err().to_string();
        assert!(
            e.contains("versus-arena-no-such-set/prompts.jsonl: "),
            "{e}"
        );
    }
}
