//! What the arena computes from answer text: LMArena's markdown counts and token counts (style
//! control), the identity-word filter (anonymity), and the dedup key of a prompt (HTML escaping is the
//! template engine's).
//!
//! Rules follow METHODS.md §2.10 (FastChat's `add_markdown_info.py` and `clean_battle_data.py`).

use serde_json::json;

/// Markdown element counts of one text, as `add_markdown_info.py` counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkdownCounts {
    /// `^#{k}\s` for k = 1..6 (multiline).
    pub headers: [u32; 6],
    /// `^\s*\d+\.\s`.
    pub ordered: u32,
    /// `^\s*[-*+]\s`.
    pub unordered: u32,
    /// `\*\*[^*\n]+\*\*`.
    pub bold_star: u32,
    /// `__[^_\n]+__`.
    pub bold_under: u32,
}

impl MarkdownCounts {
    pub fn add(&mut self, o: &MarkdownCounts) {
        for (a, b) in self.headers.iter_mut().zip(o.headers) {
            *a += b;
        }
        self.ordered += o.ordered;
        self.unordered += o.unordered;
        self.bold_star += o.bold_star;
        self.bold_under += o.bold_under;
    }
    pub fn header_total(&self) -> u32 {
        self.headers.iter().sum()
    }
    pub fn list_total(&self) -> u32 {
        self.ordered + self.unordered
    }
    pub fn bold_total(&self) -> u32 {
        self.bold_star + self.bold_under
    }
}

/// Removes fenced code blocks: every match of ```` ```[^`]*``` ```` (FastChat removes them before
/// counting, so `#` comments in code are not headers).
pub fn strip_code_blocks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let Some(start) = rest.find("```") else {
            out.push_str(rest);
            return out;
        };
        // A block is ``` then no backtick at all, then ```.
        let inner = &rest[start + 3..];
        match inner.find('`') {
            Some(end) if inner[end..].starts_with("```") => {
                out.push_str(&rest[..start]);
                rest = &inner[end + 3..];
            }
            _ => {
                // No block starts here: keep one backtick and look again after it.
                out.push_str(&rest[..start + 1]);
                rest = &rest[start + 1..];
            }
        }
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Counts markdown elements of `text` (code blocks are removed first).
pub fn markdown_counts(text: &str) -> MarkdownCounts {
    let text = strip_code_blocks(text);
    let mut c = MarkdownCounts::default();
    let lines: Vec<&str> = text.split('\n').collect();
    let n = lines.len();
    for (i, line) in lines.iter().enumerate() {
        // Python's `\s` after the marker also matches the newline ending the line.
        let followed_by_space = |rest: &str| rest.chars().next().map_or(i + 1 < n, is_space);
        // Headers: exactly k '#' at the very start of the line, then whitespace.
        let hashes = line.chars().take_while(|&ch| ch == '#').count();
        if (1..=6).contains(&hashes) && followed_by_space(&line[hashes..]) {
            c.headers[hashes - 1] += 1;
        }
        // Lists: optional leading whitespace, then `\d+.` or one of -*+, then whitespace.
        let body = line.trim_start_matches(is_space);
        let digits = body.chars().take_while(|ch| ch.is_ascii_digit()).count();
        if digits > 0 && body[digits..].starts_with('.') && followed_by_space(&body[digits + 1..]) {
            c.ordered += 1;
        } else if let Some(first) = body.chars().next()
            && matches!(first, '-' | '*' | '+')
            && followed_by_space(&body[1..])
        {
            c.unordered += 1;
        }
    }
    c.bold_star = count_delimited(&text, b'*');
    c.bold_under = count_delimited(&text, b'_');
    c
}

/// Non-overlapping matches of `DD[^D\n]+DD` for a delimiter byte D, scanning left to right.
fn count_delimited(text: &str, d: u8) -> u32 {
    let b = text.as_bytes();
    let mut i = 0;
    let mut count = 0;
    while i + 1 < b.len() {
        if b[i] == d && b[i + 1] == d {
            let mut j = i + 2;
            while j < b.len() && b[j] != d && b[j] != b'\n' {
                j += 1;
            }
            if j > i + 2 && j + 1 < b.len() && b[j] == d && b[j + 1] == d {
                count += 1;
                i = j + 2;
                continue;
            }
        }
        i += 1;
    }
    count
}

/// An approximation of a GPT tokenizer's count (LMArena uses tiktoken's `gpt-3.5-turbo`, which
/// versus does not ship): a run of letters is one token per 6 characters (at least one), digits
/// come in groups of up to 3, every other non-space character is one token, and every CJK
/// character is one token. Style control uses normalised differences of counts, so a consistent
/// approximation serves; exported counts are labelled as this estimate in the docs.
pub fn token_count(text: &str) -> u32 {
    let mut tokens = 0u32;
    let mut letters = 0u32;
    let mut digits = 0u32;
    let flush = |letters: &mut u32, digits: &mut u32, tokens: &mut u32| {
        if *letters > 0 {
            *tokens += (*letters).div_ceil(6);
            *letters = 0;
        }
        if *digits > 0 {
            *tokens += (*digits).div_ceil(3);
            *digits = 0;
        }
    };
    for ch in text.chars() {
        if is_cjk(ch) {
            flush(&mut letters, &mut digits, &mut tokens);
            tokens += 1;
        } else if ch.is_alphabetic() {
            if digits > 0 {
                flush(&mut letters, &mut digits, &mut tokens);
            }
            letters += 1;
        } else if ch.is_ascii_digit() {
            if letters > 0 {
                flush(&mut letters, &mut digits, &mut tokens);
            }
            digits += 1;
        } else {
            flush(&mut letters, &mut digits, &mut tokens);
            if !ch.is_whitespace() {
                tokens += 1;
            }
        }
    }
    flush(&mut letters, &mut digits, &mut tokens);
    tokens
}

fn is_cjk(ch: char) -> bool {
    matches!(ch as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// FastChat's identity words: a conversation containing one (lower-cased substring match, all
/// turns, both sides) may reveal who answered, so the battle is kept but marked non-anonymous.
pub const IDENTITY_WORDS: &[&str] = &[
    "vicuna",
    "lmsys",
    "koala",
    "uc berkeley",
    "open assistant",
    "laion",
    "chatglm",
    "chatgpt",
    "gpt-4",
    "openai",
    "anthropic",
    "claude",
    "bard",
    "palm",
    "lamda",
    "google",
    "gemini",
    "llama",
    "qianwan",
    "qwen",
    "alibaba",
    "mistral",
    "zhipu",
    "keg lab",
    "01.ai",
    "ai2",
    "tülu",
    "tulu",
    "deepseek",
    "hermes",
    "cohere",
    "dbrx",
    "databricks",
];

/// Unfinished-answer markers FastChat also drops on.
const UNFINISHED: &[&str] = &["▌", "<span class=\"cursor\">"];

/// The first identity word (or unfinished marker) found in any of `texts`.
pub fn identity_word<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    for t in texts {
        let lower = t.to_lowercase();
        if let Some(w) = IDENTITY_WORDS.iter().find(|w| lower.contains(*w)) {
            return Some(w);
        }
        if let Some(w) = UNFINISHED.iter().find(|w| lower.contains(*w)) {
            return Some(w);
        }
    }
    None
}

/// The dedup key of a conversation: its user turns joined, first 10,000 characters (as
/// FastChat's `deduplication.py`), whitespace trimmed.
pub fn prompt_key<'a>(user_turns: impl IntoIterator<Item = &'a str>) -> String {
    let joined: String = user_turns
        .into_iter()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n");
    joined.chars().take(10_000).collect()
}

/// Style numbers of one side of a battle: all assistant turns.
pub fn side_counts<'a>(answers: impl IntoIterator<Item = &'a str>) -> (u32, MarkdownCounts) {
    let mut tokens = 0;
    let mut md = MarkdownCounts::default();
    for a in answers {
        tokens += token_count(a);
        md.add(&markdown_counts(a));
    }
    (tokens, md)
}

/// LMArena's `conv_metadata` object for a battle.
pub fn conv_metadata(
    user_tokens: u32,
    a: (u32, MarkdownCounts),
    b: (u32, MarkdownCounts),
    turns: usize,
) -> serde_json::Value {
    let side = |md: &MarkdownCounts| {
        (
            json!({"h1": md.headers[0], "h2": md.headers[1], "h3": md.headers[2], "h4": md.headers[3], "h5": md.headers[4], "h6": md.headers[5]}),
            json!({"ordered": md.ordered, "unordered": md.unordered}),
            json!({"**": md.bold_star, "__": md.bold_under}),
        )
    };
    let (ha, la, ba) = side(&a.1);
    let (hb, lb, bb) = side(&b.1);
    json!({
        "sum_user_tokens": user_tokens,
        "sum_assistant_a_tokens": a.0,
        "sum_assistant_b_tokens": b.0,
        "context_a_tokens": user_tokens + a.0,
        "context_b_tokens": user_tokens + b.0,
        "turns": turns,
        "header_count_a": ha, "list_count_a": la, "bold_count_a": ba,
        "header_count_b": hb, "list_count_b": lb, "bold_count_b": bb,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_counts_follow_fastchat() {
        let t = "# Title\n## Sub\n#NoSpace\n####### seven\n1. one\n  2. two\n- a\n* b\n+ c\n-no\n**bold** and __under__ and **not\nclosed**\n```\n# code comment\n- code list\n```\n";
        let c = markdown_counts(t);
        assert_eq!(c.headers, [1, 1, 0, 0, 0, 0]);
        assert_eq!(c.ordered, 2);
        assert_eq!(c.unordered, 3);
        assert_eq!(c.bold_star, 1);
        assert_eq!(c.bold_under, 1);
        assert_eq!(count_delimited("****", b'*'), 0);
        assert_eq!(count_delimited("**a** **b**", b'*'), 2);
        assert_eq!(strip_code_blocks("a```x```b``c"), "ab``c");
    }

    #[test]
    fn identity_and_tokens() {
        assert_eq!(
            identity_word(["Hello", "I am ChatGPT, made by OpenAI"]),
            Some("chatgpt")
        );
        assert_eq!(identity_word(["The weather is nice"]), None);
        assert!(token_count("Hello, world! 12345") >= 5);
        assert_eq!(token_count(""), 0);
    }
}
