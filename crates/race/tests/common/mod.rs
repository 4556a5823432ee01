//! Helpers shared by the integration tests: where the public data are, and small independent
//! readers and country lists so expected values never come from the code under test.
#![allow(dead_code)]

use std::path::PathBuf;

/// Samples of the public data sets kept in the repository (`testdata/public`, laid out as the
/// full sets are; see `testdata/SOURCES.md`). The product never reads them; the tests do, to
/// recompute expected values independently of the code under test.
pub fn public_data() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/public"
    ))
}

/// The full public data sets, for the opt-in rebuild checks: the directory named by
/// `VERSUS_PUBLIC_DATA` (`.ci/run` sets it when the data sit next to the checkout).
pub fn full_public_data() -> PathBuf {
    let dir = std::env::var_os("VERSUS_PUBLIC_DATA")
        .map(PathBuf::from)
        .expect(
            "set VERSUS_PUBLIC_DATA to the directory of the full public data sets (shared/data)",
        );
    assert!(
        dir.is_dir(),
        "VERSUS_PUBLIC_DATA={} is not a directory",
        dir.display()
    );
    dir
}

/// The repository's data directory.
pub fn repo_data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data"))
}

/// Organisation → country for the organisations that lead either side, written out by hand
/// for the tests, independent of the registry and Epoch AI's table.
pub fn org_country(org: &str) -> Option<&'static str> {
    match org.trim() {
        "OpenAI" | "Google" | "Anthropic" | "Meta" | "xAI" | "Microsoft" | "NVIDIA" | "Nvidia"
        | "Amazon" | "Databricks" | "Nexusflow" | "NexusFlow" | "Reka AI" | "Snowflake" | "IBM"
        | "AI2" | "Ai2" | "Allen AI" => Some("US"),
        "Alibaba" | "DeepSeek" | "DeepSeek AI" | "01 AI" | "Zhipu" | "Zhipu AI" | "Z.ai"
        | "Moonshot" | "Moonshot AI" | "Tencent" | "Baidu" | "StepFun" | "MiniMax" | "Meituan"
        | "InternLM" | "Tsinghua" | "OpenChat" | "Ant Group" => Some("CN"),
        _ => None,
    }
}

/// Model key → country by key prefix, for LMArena's JSON (which names no organisation).
pub fn key_country(key: &str) -> Option<&'static str> {
    const US: [&str; 14] = [
        "gemini", "gpt", "chatgpt", "o1", "o3", "o4", "claude", "grok", "llama", "gemma", "amazon",
        "nova", "mai-", "nvidia",
    ];
    const CN: [&str; 16] = [
        "qwen", "deepseek", "glm", "kimi", "ernie", "hunyuan", "minimax", "step", "doubao",
        "longcat", "ling-", "ring-", "yi-", "qwq", "chatglm", "mimo",
    ];
    if US.iter().any(|p| key.starts_with(p)) {
        Some("US")
    } else if CN.iter().any(|p| key.starts_with(p)) {
        Some("CN")
    } else {
        None
    }
}

pub fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance
}

/// A tiny XML well-formedness check for the SVG the charts write: tags nest and close, quotes
/// in tags balance, and every `&` in text starts one of the five escapes the writer uses. Enough
/// to catch unescaped data text, without an XML crate.
pub fn xml_well_formed(xml: &str) -> Result<(), String> {
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
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            stack.push(name(tag));
        }
        rest = &rest[close + 1..];
    }
    if !rest.trim().is_empty() || !stack.is_empty() {
        return Err(format!(
            "unclosed elements {stack:?} or trailing text {rest:?}"
        ));
    }
    Ok(())
}
