//! Format detection: extension first, then content, because `.json` is used both for battle
//! logs (an array), pair counts (an object) and, in practice, JSONL.

use std::path::Path;

use crate::Format;

/// Detect a file's format from its extension and its first bytes (`head`; 64 KiB is plenty).
///
/// `.csv`/`.tsv`→CSV, `.jsonl`/`.ndjson`→JSONL, `.parquet`/`.pq`→Parquet. Otherwise (including
/// `.json`), by content: `PAR1` magic → Parquet; first non-space byte `[` → battle-log JSON;
/// `{` → pair counts when the first key is `models`/`X`/`Y` or the first value is a section
/// object starting with `data`/`n`, else JSONL; anything else → CSV (battle-log JSON for a
/// `.json` file, so an empty or garbled `.json` gets a JSON error message).
pub fn detect_format(path: &Path, head: &[u8]) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "tsv" => return Format::Csv,
        "jsonl" | "ndjson" => return Format::Jsonl,
        "parquet" | "pq" => return Format::Parquet,
        _ => {}
    }
    if head.starts_with(b"PAR1") {
        return Format::Parquet;
    }
    let body = head
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(head);
    let mut p = Peek { b: body, i: 0 };
    match p.skip_ws() {
        Some(b'[') => Format::BattleLogJson,
        Some(b'{') => {
            p.i += 1;
            match p.key() {
                Some(k) if k == b"models" || k == b"X" || k == b"Y" => Format::PairCounts,
                Some(_) => {
                    // A section file: {"All": {"data": …, "n": …}, …}
                    if p.skip_ws() == Some(b':') {
                        p.i += 1;
                        if p.skip_ws() == Some(b'{') {
                            p.i += 1;
                            if let Some(k) = p.key()
                                && (k == b"data" || k == b"n")
                            {
                                return Format::PairCounts;
                            }
                        }
                    }
                    Format::Jsonl
                }
                None => Format::Jsonl,
            }
        }
        // A `.json` that is neither: let the JSON reader say what is wrong with it.
        _ if ext == "json" => Format::BattleLogJson,
        _ => Format::Csv,
    }
}

struct Peek<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Peek<'a> {
    fn skip_ws(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.i) {
            if c.is_ascii_whitespace() {
                self.i += 1;
            } else {
                return Some(c);
            }
        }
        None
    }

    /// A JSON object key (raw bytes between the quotes; escapes left as they are).
    fn key(&mut self) -> Option<&'a [u8]> {
        if self.skip_ws()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let mut j = start;
        while let Some(&c) = self.b.get(j) {
            match c {
                b'\\' => j += 2,
                b'"' => {
                    self.i = j + 1;
                    return self.b.get(start..j);
                }
                _ => j += 1,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_extension_and_content() {
        let p = Path::new;
        assert_eq!(detect_format(p("a.csv"), b"[1]"), Format::Csv);
        assert_eq!(detect_format(p("a.JSONL"), b""), Format::Jsonl);
        assert_eq!(detect_format(p("a.parquet"), b""), Format::Parquet);
        assert_eq!(detect_format(p("a.bin"), b"PAR1\0\0"), Format::Parquet);
        assert_eq!(
            detect_format(p("a.json"), b"  \n[{\"model_a\":1}"),
            Format::BattleLogJson
        );
        assert_eq!(
            detect_format(p("a.json"), b"{\"models\": [\"x\"]"),
            Format::PairCounts
        );
        assert_eq!(
            detect_format(p("a.json"), b"{\"Problem Solving\": {\"data\": {\"models\""),
            Format::PairCounts
        );
        assert_eq!(
            detect_format(p("a.json"), b"{\"model_a\": \"x\"}\n{"),
            Format::Jsonl
        );
        assert_eq!(
            detect_format(p("a.txt"), b"model_a,model_b,winner\n"),
            Format::Csv
        );
        assert_eq!(detect_format(p("a.json"), b""), Format::BattleLogJson);
    }
}
