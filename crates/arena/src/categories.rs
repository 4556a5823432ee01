//! Categories of a battle, from its prompts: the language (zh / en / other, detected with
//! whatlang), and whether it is about coding, about math, a long query, multi-turn. Also the
//! language tag of a text for its `lang` attribute (so Chinese text is drawn with Chinese, not
//! Japanese, glyph forms whatever the page's language).

use whatlang::{Lang, Script};

/// Prompts longer than this many characters (all turns together) are a "long query".
pub const LONG_QUERY_CHARS: usize = 500;

/// The category tags of a battle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Categories {
    /// "zh", "en" or "other".
    pub language: &'static str,
    pub coding: bool,
    pub math: bool,
    pub long_query: bool,
    pub multi_turn: bool,
}

impl Categories {
    /// The tags as words: the language, then each category that applies.
    pub fn tags(&self) -> Vec<&'static str> {
        let mut tags = vec![self.language];
        for (on, tag) in [
            (self.coding, "coding"),
            (self.math, "math"),
            (self.long_query, "long query"),
            (self.multi_turn, "multi-turn"),
        ] {
            if on {
                tags.push(tag);
            }
        }
        tags
    }
}

/// Characters written differently in Traditional and Simplified Chinese (common words only).
const TRADITIONAL: &str =
    "們個這來說對會時為學國經點還開關體與應現後當發麼問題樣語誰們讓幾種東車長門見電話書寫買賣";
const SIMPLIFIED: &str =
    "们个这来说对会时为学国经点还开关体与应现后当发么问题样语谁们让几种东车长门见电话书写买卖";

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}')
}

/// The language of `text` as a BCP 47 tag for a `lang` attribute: "en", "zh-Hans" or "zh-Hant"
/// when clear, else `None` (the page's language applies).
pub fn lang_tag(text: &str) -> Option<&'static str> {
    let sample: String = text.chars().take(2000).collect();
    let han = sample.chars().filter(|c| is_han(*c)).count();
    let kana = sample.chars().filter(|c| is_kana(*c)).count();
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    if han >= 4 && kana == 0 && han * 4 >= letters {
        let trad = sample.chars().filter(|c| TRADITIONAL.contains(*c)).count();
        let simp = sample.chars().filter(|c| SIMPLIFIED.contains(*c)).count();
        return Some(if trad > simp { "zh-Hant" } else { "zh-Hans" });
    }
    let info = whatlang::detect(&sample)?;
    (info.lang() == Lang::Eng && info.script() == Script::Latin && info.is_reliable())
        .then_some("en")
}

fn looks_like_code(text: &str) -> bool {
    const WORDS: [&str; 16] = [
        "```",
        "def ",
        "fn ",
        "function",
        "class ",
        "import ",
        "#include",
        "console.",
        "println",
        "printf",
        "SELECT ",
        "python",
        "javascript",
        "rust",
        "代码",
        "程式",
    ];
    WORDS.iter().any(|w| text.contains(w))
        || text
            .lines()
            .filter(|l| l.trim_end().ends_with(['{', ';']))
            .count()
            >= 2
}

fn looks_like_math(text: &str) -> bool {
    const WORDS: [&str; 14] = [
        "$",
        "\\frac",
        "\\int",
        "equation",
        "integral",
        "derivative",
        "theorem",
        "prove",
        "solve",
        "probability",
        "方程",
        "证明",
        "證明",
        "积分",
    ];
    let lower = text.to_lowercase();
    WORDS.iter().any(|w| lower.contains(w))
        || lower
            .split(|c: char| c.is_whitespace())
            .filter(|t| {
                t.chars().any(|c| c.is_ascii_digit()) && t.contains(['+', '*', '/', '=', '^'])
            })
            .count()
            >= 1
}

/// The categories of a battle with these user turns.
pub fn categorize(prompts: &[String]) -> Categories {
    let all = prompts.join("\n");
    let language = match lang_tag(&all) {
        Some("en") => "en",
        Some(_) => "zh",
        None => match whatlang::detect(&all) {
            Some(info) if info.lang() == Lang::Cmn => "zh",
            Some(info) if info.lang() == Lang::Eng => "en",
            Some(info) if info.is_reliable() => "other",
            // Too short to tell: plain ASCII words are taken as English.
            _ if all
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| c.is_ascii()) =>
            {
                "en"
            }
            _ => "other",
        },
    };
    Categories {
        language,
        coding: looks_like_code(&all),
        math: looks_like_math(&all),
        long_query: all.chars().count() > LONG_QUERY_CHARS,
        multi_turn: prompts.len() > 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn languages_and_scripts() {
        assert_eq!(
            lang_tag("What is the capital of France? Tell me about its history."),
            Some("en")
        );
        assert_eq!(
            lang_tag("请用简单的语言解释一下什么是机器学习，以及它们的应用。"),
            Some("zh-Hans")
        );
        assert_eq!(
            lang_tag("請用簡單的語言解釋一下什麼是機器學習，以及它們的應用。"),
            Some("zh-Hant")
        );
        assert_eq!(
            lang_tag("日本語の文章はひらがなとカタカナを含みます。"),
            None
        );
        assert_eq!(
            categorize(&p(&[
                "Bonjour, ça va très bien aujourd'hui, merci beaucoup à vous."
            ]))
            .language,
            "other"
        );
    }

    #[test]
    fn category_tags() {
        let c = categorize(&p(&[
            "Write a Python function that sorts a list.",
            "Now in Rust?",
        ]));
        assert_eq!(c.tags(), ["en", "coding", "multi-turn"]);
        let c = categorize(&p(&["解方程 x^2 - 4 = 0"]));
        assert_eq!((c.language, c.math, c.coding), ("zh", true, false));
        let c = categorize(&p(&[&"Tell me a long story about a cat. ".repeat(20)]));
        assert_eq!(c.tags(), ["en", "long query"]);
        assert!(categorize(&p(&["Name a colour."])).tags() == ["en"]);
    }
}
