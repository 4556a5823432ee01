//! Categories of a battle, from its prompts and answers: the language (zh / en / other, from
//! the prompts, detected with whatlang), and whether it is about coding (the prompts, or code
//! in an answer), about math (the prompts, or display math in an answer), a long query,
//! multi-turn. They are stored with each battle (space-separated tags, [`Categories::stored`]),
//! give the per-category boards, and are exported as LMArena's `language` and `category_tag`
//! fields so `versus rank --category`/`--language` give the same boards. The rules are written
//! out in docs/arena.md ("Categories"). Also the language tag of a text for its `lang`
//! attribute (so Chinese text is drawn with Chinese, not Japanese, glyph forms whatever the
//! page's language).

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

/// The boards besides the overall one, in the order the leaderboard's selector lists them:
/// (id in `?category=` and in the stored tags, how `versus rank` selects the same votes from
/// an export).
pub const BOARDS: [(&str, BoardFilter); 6] = [
    ("coding", BoardFilter::Category("coding")),
    ("math", BoardFilter::Category("math")),
    ("long_query", BoardFilter::Category("long_query")),
    ("multi_turn", BoardFilter::Category("multi_turn")),
    ("zh", BoardFilter::Language("Chinese")),
    ("en", BoardFilter::Language("English")),
];

/// How `versus rank` picks a board's votes from an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoardFilter {
    /// `--category NAME`: a `true` flag in `category_tag`.
    Category(&'static str),
    /// `--language NAME`: the `language` field.
    Language(&'static str),
}

/// The key under which the export's `category_tag` holds the flags (versioned like LMArena's
/// `math_v0.1`, so a change of rules gets a new key).
pub const CATEGORY_TAG_KEY: &str = "versus_v1";

/// The flag categories, as stored and exported.
pub const FLAGS: [&str; 4] = ["coding", "math", "long_query", "multi_turn"];

/// LMArena's name of a language tag ("English", "Chinese", "other"), for the export.
pub fn language_name(tag: &str) -> &'static str {
    match tag {
        "en" => "English",
        "zh" => "Chinese",
        _ => "other",
    }
}

impl Categories {
    /// The tags as words: the language, then each category that applies.
    pub fn tags(&self) -> Vec<&'static str> {
        let mut tags = vec![self.language];
        for (on, tag) in [self.coding, self.math, self.long_query, self.multi_turn]
            .into_iter()
            .zip(FLAGS)
        {
            if on {
                tags.push(tag);
            }
        }
        tags
    }

    /// The stored form: the tags separated by spaces, e.g. `"en coding multi_turn"`.
    pub fn stored(&self) -> String {
        self.tags().join(" ")
    }
}

/// Whether a stored tag list (space-separated) holds `tag`; the empty list (battles stored
/// before the tags existed) holds none.
pub fn has_tag(stored: &str, tag: &str) -> bool {
    stored.split_ascii_whitespace().any(|t| t == tag)
}

/// The boards of [`BOARDS`] a battle with these stored tags belongs to: bit `i` for
/// `BOARDS[i]`.
pub fn board_mask(stored: &str) -> u8 {
    let mut mask = 0;
    for (i, (id, filter)) in BOARDS.iter().enumerate() {
        let on = match filter {
            BoardFilter::Category(_) => has_tag(stored, id),
            BoardFilter::Language(_) => stored_language(stored) == Some(*id),
        };
        if on {
            mask |= 1 << i;
        }
    }
    mask
}

/// The index in [`BOARDS`] of a `?category=` value (`None`: no such board).
pub fn board_index(id: &str) -> Option<usize> {
    BOARDS.iter().position(|(b, _)| *b == id)
}

/// The language tag of a stored tag list (`None` for battles stored before the tags existed).
pub fn stored_language(stored: &str) -> Option<&str> {
    stored
        .split_ascii_whitespace()
        .next()
        .filter(|t| matches!(*t, "en" | "zh" | "other"))
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

/// Code in an answer: a fenced block (``` or ~~~), or two or more lines ending in `{` or `;`.
/// Stricter than the prompt rule, since answers name languages and "functions" in prose.
fn answer_has_code(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("```") || l.starts_with("~~~")
    }) || text
        .lines()
        .filter(|l| l.trim_end().ends_with(['{', ';']))
        .count()
        >= 2
}

/// Math in an answer: display math (`$$…$$` or `\[…\]`) or a LaTeX fraction, integral or sum.
fn answer_has_math(text: &str) -> bool {
    ["$$", "\\[", "\\frac", "\\int", "\\sum"]
        .iter()
        .any(|w| text.contains(w))
}

/// The categories of a battle with these user turns and these answers (both sides, any turn):
/// the prompt rules of [`categorize`], and coding or math also when an answer has code or
/// display math.
pub fn categorize_battle<'a>(
    prompts: &[String],
    answers: impl IntoIterator<Item = &'a str>,
) -> Categories {
    let mut c = categorize(prompts);
    for a in answers {
        c.coding |= answer_has_code(a);
        c.math |= answer_has_math(a);
    }
    c
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
        assert_eq!(c.tags(), ["en", "coding", "multi_turn"]);
        assert_eq!(c.stored(), "en coding multi_turn");
        assert!(has_tag(&c.stored(), "multi_turn") && !has_tag(&c.stored(), "math"));
        assert_eq!(stored_language(&c.stored()), Some("en"));
        assert_eq!(stored_language(""), None);
        let c = categorize(&p(&["解方程 x^2 - 4 = 0"]));
        assert_eq!((c.language, c.math, c.coding), ("zh", true, false));
        let c = categorize(&p(&[&"Tell me a long story about a cat. ".repeat(20)]));
        assert_eq!(c.tags(), ["en", "long_query"]);
        assert!(categorize(&p(&["Name a colour."])).tags() == ["en"]);
    }

    #[test]
    fn answers_add_coding_and_math() {
        let prompt = p(&["How do I reverse a list?"]);
        assert_eq!(categorize(&prompt).tags(), ["en"]);
        // Code in one answer makes it a coding battle.
        let c = categorize_battle(
            &prompt,
            ["Use `reversed`.", "In Python:\n\n```python\nxs[::-1]\n```"],
        );
        assert_eq!(c.tags(), ["en", "coding"]);
        // Prose naming a language or a function is not code.
        let c = categorize_battle(&prompt, ["Python has a function for it: reversed."; 2]);
        assert_eq!(c.tags(), ["en"]);
        // Display math in an answer makes it a math battle.
        let c = categorize_battle(
            &p(&["What is the area under a curve?"]),
            ["It is $$\\int_a^b f(x)\\,dx$$.", "The integral."],
        );
        assert!(c.math && !c.coding);
        let c = categorize_battle(
            &p(&["Write a poem about rain."]),
            ["Rain falls; $5 an hour"],
        );
        assert_eq!(c.tags(), ["en"]);
        // Chinese prompts: zh, whatever the answers' language.
        let c = categorize_battle(&p(&["用中文写一首关于春天的短诗。"]), ["Spring poem"; 2]);
        assert_eq!(c.language, "zh");
    }
}
