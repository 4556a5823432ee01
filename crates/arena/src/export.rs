//! Exports of the voted battles: LMArena's battle-log JSON (what `clean_battle_*.json` holds),
//! the same records as JSONL, and a flat CSV. `versus rank` reads each back.
//!
//! Every voted battle is exported, including those that do not count on the leaderboard, with
//! the fields that tell `versus rank` to leave them out as the arena does: `anony: false` for a
//! conversation that revealed a model's identity, and `dedup_tag: {"sampled": false}` for a
//! prompt over the repetition cap (the CSV has an `anony` column and a `dedup_sampled` column,
//! filter with `--where dedup_sampled=true`).
//!
//! Each battle's stored category tags go out as LMArena's fields: `language` ("English",
//! "Chinese", "other") and `category_tag: {"versus_v1": {"coding": …, "math": …, "long_query":
//! …, "multi_turn": …}}` (the CSV holds the same JSON text in its `category_tag` column), so
//! `versus rank --category coding` or `--language Chinese` on an export gives the arena's
//! board of that category. Battles stored before the tags existed have neither (an empty
//! `language`, no `category_tag`): they are on the overall board only, there as here.

use versus_store::BattleRecord;

use crate::backend::ChatMessage;
use crate::categories::{CATEGORY_TAG_KEY, FLAGS, has_tag, language_name, stored_language};

/// The export's `language` of stored tags ("" for untagged battles).
fn language_field(stored: &str) -> &'static str {
    stored_language(stored).map_or("", language_name)
}

/// The export's `category_tag` of stored tags (`None` for untagged battles).
fn category_tag(stored: &str) -> Option<serde_json::Value> {
    stored_language(stored)?;
    let flags: serde_json::Map<String, serde_json::Value> = FLAGS
        .iter()
        .map(|f| (f.to_string(), serde_json::Value::Bool(has_tag(stored, f))))
        .collect();
    Some(serde_json::json!({ CATEGORY_TAG_KEY: flags }))
}

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// LMArena battle-log JSON: one array.
    Json,
    /// One battle-log object per line.
    Jsonl,
    /// Flat CSV with style columns.
    Csv,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" | "battle-log" | "lmarena" => Some(ExportFormat::Json),
            "jsonl" | "ndjson" => Some(ExportFormat::Jsonl),
            "csv" => Some(ExportFormat::Csv),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::Jsonl => "application/x-ndjson",
            ExportFormat::Csv => "text/csv",
        }
    }
}

/// LMArena's winner label.
fn winner_label(w: &str) -> &str {
    match w {
        "both_bad" => "tie (bothbad)",
        other => other,
    }
}

/// One battle in LMArena's battle-log shape.
pub fn battle_log_entry(rec: &BattleRecord) -> serde_json::Value {
    let vote = rec.vote.as_ref();
    let conv = |s: &str| serde_json::from_str::<Vec<ChatMessage>>(s).unwrap_or_default();
    let meta: serde_json::Value =
        serde_json::from_str(&rec.conv_metadata).unwrap_or_else(|_| serde_json::json!({}));
    let counted = vote.is_some_and(|v| v.counted);
    let mut entry = serde_json::json!({
        "question_id": rec.id,
        "model_a": rec.model_a,
        "model_b": rec.model_b,
        "winner": vote.map(|v| winner_label(&v.winner)).unwrap_or(""),
        "judge": format!("arena_user_{}", vote.map(|v| v.voter.as_str()).unwrap_or(&rec.voter)),
        "conversation_a": conv(&rec.conversation_a),
        "conversation_b": conv(&rec.conversation_b),
        "turn": rec.turns,
        "anony": rec.anony,
        "language": language_field(&rec.categories),
        "tstamp": vote.map(|v| v.voted_ms as f64 / 1000.0).unwrap_or(rec.created_ms as f64 / 1000.0),
        "conv_metadata": meta,
        "dedup_tag": {"high_freq": !counted, "sampled": counted},
        "prompt_origin": rec.origin.as_str(),
        "prompt_id": rec.prompt_id,
        "created_tstamp": rec.created_ms as f64 / 1000.0,
    });
    if let (Some(tag), Some(map)) = (category_tag(&rec.categories), entry.as_object_mut()) {
        map.insert("category_tag".into(), tag);
    }
    entry
}

/// Why an export could not be written (only the CSV writer can fail).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the CSV export: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing the CSV export: {0}")]
    Flush(#[source] std::io::Error),
    #[error("the CSV export is not UTF-8: {0}")]
    Utf8(#[from] std::string::FromUtf8Error),
}

/// Renders voted battles (in vote order) in `format`.
pub fn render(records: &[BattleRecord], format: ExportFormat) -> Result<String, ExportError> {
    let voted = records.iter().filter(|r| r.vote.is_some());
    match format {
        ExportFormat::Json => {
            let mut s = String::from("[");
            for (i, r) in voted.enumerate() {
                s.push_str(if i == 0 { "\n" } else { ",\n" });
                s.push_str(&battle_log_entry(r).to_string());
            }
            s.push_str("\n]\n");
            Ok(s)
        }
        ExportFormat::Jsonl => {
            let mut s = String::new();
            for r in voted {
                s.push_str(&battle_log_entry(r).to_string());
                s.push('\n');
            }
            Ok(s)
        }
        ExportFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "question_id",
                "model_a",
                "model_b",
                "winner",
                "tstamp",
                "judge",
                "anony",
                "dedup_sampled",
                "turn",
                "prompt_origin",
                "sum_assistant_tokens_a",
                "sum_assistant_tokens_b",
                "header_count_a",
                "header_count_b",
                "list_count_a",
                "list_count_b",
                "bold_count_a",
                "bold_count_b",
                "language",
                "category_tag",
            ])?;
            for (r, v) in records
                .iter()
                .filter_map(|r| r.vote.as_ref().map(|v| (r, v)))
            {
                let n = |x: f64| format!("{x}");
                w.write_record([
                    r.id.clone(),
                    r.model_a.clone(),
                    r.model_b.clone(),
                    winner_label(&v.winner).to_string(),
                    format!("{}", v.voted_ms as f64 / 1000.0),
                    format!("arena_user_{}", v.voter),
                    r.anony.to_string(),
                    v.counted.to_string(),
                    r.turns.to_string(),
                    r.origin.as_str().to_string(),
                    n(r.style.tokens[0]),
                    n(r.style.tokens[1]),
                    n(r.style.header[0]),
                    n(r.style.header[1]),
                    n(r.style.list[0]),
                    n(r.style.list[1]),
                    n(r.style.bold[0]),
                    n(r.style.bold[1]),
                    language_field(&r.categories).to_string(),
                    category_tag(&r.categories).map_or(String::new(), |t| t.to_string()),
                ])?;
            }
            let bytes = w
                .into_inner()
                .map_err(|e| ExportError::Flush(e.into_error()))?;
            Ok(String::from_utf8(bytes)?)
        }
    }
}
