//! The UI catalogues: every string of the arena's pages in English, Simplified Chinese and
//! Traditional Chinese, compiled in. A catalogue is a [`Ui`] value with one field per message,
//! so a message missing from a language is a compile error, not a blank on a page. Messages
//! with numbers name them as `{n}`-style placeholders, filled by [`fill`].
//!
//! The language is chosen by [`Lang::negotiate`] from a cookie value or `?lang=` (an explicit
//! choice) and else the `Accept-Language` header (RFC 9110 §12.5.4, with q-values).

/// A UI language.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    /// 简体中文.
    ZhHans,
    /// 繁體中文.
    ZhHant,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhHans, Lang::ZhHant];

    /// The BCP 47 tag for `<html lang>` and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
        }
    }

    /// The language's name in itself (for the switch).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhHans => "简体中文",
            Lang::ZhHant => "繁體中文",
        }
    }

    /// A language tag as a UI language, if one of ours matches it (case-insensitive;
    /// `zh-TW`, `zh-HK`, `zh-MO` and `zh-Hant-*` are Traditional, other `zh` Simplified).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = t.split('-');
        match parts.next()? {
            "en" => Some(Lang::En),
            "zh" => {
                let rest: Vec<&str> = parts.collect();
                if rest
                    .iter()
                    .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"))
                {
                    Some(Lang::ZhHant)
                } else {
                    Some(Lang::ZhHans)
                }
            }
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` value (highest q first, then order);
    /// English when none matches.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut ranked: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, item)| {
                let mut fields = item.split(';');
                let tag = fields.next()?.trim();
                let q = fields
                    .filter_map(|f| f.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                if q.is_nan() || q <= 0.0 {
                    return None;
                }
                Some((q, i, Lang::from_tag(tag)?))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map_or(Lang::En, |r| r.2)
    }

    /// An explicit choice (`?lang=` or the cookie) if valid, else the `Accept-Language` header.
    pub fn negotiate(choice: Option<&str>, accept_language: Option<&str>) -> Lang {
        choice
            .and_then(Lang::from_tag)
            .unwrap_or_else(|| Lang::from_accept_language(accept_language.unwrap_or("")))
    }

    pub fn ui(self) -> &'static Ui {
        match self {
            Lang::En => &EN,
            Lang::ZhHans => &ZH_HANS,
            Lang::ZhHant => &ZH_HANT,
        }
    }
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// One language's messages.
#[derive(Debug)]
pub struct Ui {
    /// `<html lang>`.
    pub lang: &'static str,
    pub brand: &'static str,
    pub nav_label: &'static str,
    pub nav_battle: &'static str,
    pub nav_leaderboard: &'static str,
    pub nav_race: &'static str,
    pub nav_value: &'static str,
    pub nav_compute: &'static str,
    pub nav_audit: &'static str,
    pub language: &'static str,
    /// Marks pages whose body is in English only.
    pub english_only: &'static str,
    /// Punctuation between pieces of messages.
    pub full_stop: &'static str,
    pub colon: &'static str,
    // The battle page.
    pub battle_title: &'static str,
    pub hint_free: &'static str,
    pub hint_recorded: &'static str,
    pub prompt_label_free: &'static str,
    pub prompt_label_recorded: &'static str,
    pub prompt_placeholder_free: &'static str,
    pub another_prompt: &'static str,
    pub start_battle: &'static str,
    pub model_a: &'static str,
    pub model_b: &'static str,
    pub you_asked: &'static str,
    pub vote_label: &'static str,
    pub vote_a: &'static str,
    pub vote_b: &'static str,
    pub vote_tie: &'static str,
    pub vote_both_bad: &'static str,
    pub followup_label: &'static str,
    pub followup_placeholder: &'static str,
    pub send: &'static str,
    pub new_battle: &'static str,
    pub see_leaderboard: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub msg_starting: &'static str,
    pub msg_answering: &'static str,
    pub msg_complete: &'static str,
    pub msg_waiting: &'static str,
    pub msg_thanks: &'static str,
    pub msg_thanks_unranked: &'static str,
    pub msg_could_not_start: &'static str,
    pub msg_vote_failed: &'static str,
    /// The bar of stop buttons while the answers stream.
    pub stop_label: &'static str,
    pub stop_a: &'static str,
    pub stop_b: &'static str,
    pub stop_both: &'static str,
    /// After the answers ended with at least one stopped.
    pub msg_stopped: &'static str,
    /// A model could not answer: the battle ended without a vote and does not count.
    pub msg_failed: &'static str,
    /// The tabs of the battle page: anonymous battle / side by side (named).
    pub mode_label: &'static str,
    pub mode_anony: &'static str,
    pub mode_named: &'static str,
    pub hint_named: &'static str,
    pub msg_thanks_named: &'static str,
    /// The database refuses writes because it is read-only (API error, shown by the page).
    pub msg_db_read_only: &'static str,
    /// The database refuses writes because its disk (or size limit) is full.
    pub msg_db_full: &'static str,
    pub organisation: &'static str,
    pub country: &'static str,
    pub licence: &'static str,
    pub open_weights: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub unknown: &'static str,
    pub not_found_title: &'static str,
    pub not_found: &'static str,
    // The leaderboard.
    pub board_title: &'static str,
    pub board_heading: &'static str,
    pub board_style_suffix: &'static str,
    pub board_hint: &'static str,
    pub board_hint_style: &'static str,
    pub board_rank_rule: &'static str,
    /// `{n}`: the number of counted votes.
    pub board_counted: &'static str,
    pub board_show_plain: &'static str,
    pub board_show_style: &'static str,
    pub board_chart: &'static str,
    pub board_none: &'static str,
    pub board_none_hint: &'static str,
    pub board_no_votes: &'static str,
    /// The label of a board that includes recorded (public) answers.
    pub board_demo: &'static str,
    /// The label of the model-name filter above the leaderboard's tables.
    pub board_search: &'static str,
    pub board_vote_link: &'static str,
    pub board_provisional: &'static str,
    /// `{min}`: the configured minimum of votes.
    pub board_provisional_hint: &'static str,
    pub board_json: &'static str,
    /// The label of the category selector (a list of links).
    pub board_category: &'static str,
    pub cat_overall: &'static str,
    pub cat_coding: &'static str,
    pub cat_math: &'static str,
    pub cat_long_query: &'static str,
    pub cat_multi_turn: &'static str,
    pub cat_zh: &'static str,
    pub cat_en: &'static str,
    /// After the counted votes on a category board: which votes it holds.
    pub board_category_hint: &'static str,
    /// `{time}`: when the board was computed (UTC).
    pub board_updated: &'static str,
    /// `{n}` votes, `{min}` needed.
    pub reason_few_votes: &'static str,
    pub reason_not_connected: &'static str,
    pub reason_never_lost: &'static str,
    pub reason_never_won: &'static str,
    pub reason_no_fit: &'static str,
    pub col_rank: &'static str,
    pub col_model: &'static str,
    pub col_rating: &'static str,
    pub col_interval: &'static str,
    pub col_battles: &'static str,
    pub col_wins: &'static str,
    pub col_losses: &'static str,
    pub col_ties: &'static str,
    pub col_released: &'static str,
    pub col_price_in: &'static str,
    pub col_price_out: &'static str,
    pub col_status: &'static str,
    pub provisional: &'static str,
}

pub static EN: Ui = Ui {
    lang: "en",
    brand: "versus arena",
    nav_label: "Main",
    nav_battle: "Battle",
    nav_leaderboard: "Leaderboard",
    nav_race: "Race",
    nav_value: "Value",
    nav_compute: "Compute",
    nav_audit: "Audit",
    language: "Language",
    english_only: "This page is in English only.",
    full_stop: ". ",
    colon: ": ",
    battle_title: "versus arena: battle",
    hint_free: "Write a prompt (or take a suggested one). Two anonymous models answer side by side; vote for the better answer to see who they are.",
    hint_recorded: "This arena replays recorded answers: prompts come from the recorded set, so you cannot type your own. Ask for another prompt if you like. Two anonymous models answer side by side; vote for the better answer to see who they are.",
    prompt_label_free: "Your prompt",
    prompt_label_recorded: "Prompt from the recorded set (read-only)",
    prompt_placeholder_free: "Ask anything…",
    another_prompt: "Another prompt",
    start_battle: "Start battle",
    model_a: "Model A",
    model_b: "Model B",
    you_asked: "Prompt",
    vote_label: "Your vote",
    vote_a: "A is better",
    vote_b: "B is better",
    vote_tie: "Tie",
    vote_both_bad: "Both are bad",
    followup_label: "Follow-up",
    followup_placeholder: "Ask a follow-up (both models answer)…",
    send: "Send",
    new_battle: "New battle",
    see_leaderboard: "See the leaderboard",
    copy: "Copy",
    copied: "Copied",
    msg_starting: "Starting a battle…",
    msg_answering: "The two models are answering…",
    msg_complete: "Both answers are complete. Which one is better?",
    msg_waiting: "This battle is waiting for its vote.",
    msg_thanks: "Thanks for voting! The names are revealed above.",
    msg_thanks_unranked: "Thanks! An answer revealed a model's identity, so this vote is kept but not ranked.",
    msg_could_not_start: "Could not start a battle.",
    msg_vote_failed: "The vote was not recorded.",
    stop_label: "Stop the answers",
    stop_a: "Stop A",
    stop_b: "Stop B",
    stop_both: "Stop both",
    msg_stopped: "Both answers have ended (stopped where you stopped them). Which one is better?",
    mode_label: "Mode",
    mode_anony: "Anonymous battle",
    mode_named: "Side by side",
    hint_named: "Side by side: you choose both models and see their names. These votes are kept apart and never count on the anonymous leaderboard.",
    msg_thanks_named: "Thanks! Side-by-side votes are kept apart and not ranked.",
    msg_failed: "One of the two models could not answer, so this battle has ended without a vote and does not count. Please start a new battle.",
    msg_db_read_only: "The vote was not recorded: the arena's database is read-only for now. Please try again later.",
    msg_db_full: "The vote was not recorded: the arena's storage is full. Please try again later.",
    organisation: "Organisation",
    country: "Country",
    licence: "Licence",
    open_weights: "Open weights",
    yes: "yes",
    no: "no",
    unknown: "—",
    not_found_title: "versus arena: not found",
    not_found: "There is no such battle (it may have expired). Start a new one.",
    board_title: "versus arena: leaderboard",
    board_heading: "Leaderboard",
    board_style_suffix: " (style control)",
    board_hint: "Bradley–Terry ratings from the arena's anonymous votes, with 95% sandwich intervals",
    board_hint_style: ", controlling for answer length and markdown (headers, lists, bold) as LMArena does",
    board_rank_rule: "A rank is 1 + the number of models whose interval lies wholly above this one's.",
    board_counted: "{n} counted votes.",
    board_show_plain: "Show without style control",
    board_show_style: "Show with style control",
    board_chart: "Ratings and intervals",
    board_none: "No ratings yet",
    board_none_hint: "Ratings need enough votes that the compared models are linked to each other by wins and losses (ties count both ways).",
    board_no_votes: "No vote counts yet.",
    board_demo: "Demo board: recorded models answer with public recorded answers, which a determined voter can look up before voting, so these votes are not reliably anonymous. Use it to try the arena; rank models with live endpoints.",
    board_search: "Find a model",
    board_vote_link: "Vote in a battle",
    board_provisional: "Provisional: not ranked yet",
    board_provisional_hint: "These models are listed apart until their rating can be estimated: each needs at least {min} counted votes and must have both won and lost (or tied) against the ranked models.",
    board_json: "JSON",
    board_category: "Category",
    cat_overall: "Overall",
    cat_coding: "Coding",
    cat_math: "Math",
    cat_long_query: "Long queries",
    cat_multi_turn: "Multi-turn",
    cat_zh: "Chinese",
    cat_en: "English",
    board_category_hint: "This board counts only the votes of battles in this category (tagged from their prompts and answers).",
    board_updated: "Last updated {time}.",
    reason_few_votes: "only {n} of the {min} votes needed",
    reason_not_connected: "has not yet met the ranked models",
    reason_never_lost: "has never lost or tied against the ranked models, so its rating has no upper bound yet",
    reason_never_won: "has never won or tied against the ranked models, so its rating has no lower bound yet",
    reason_no_fit: "the rating could not be estimated yet",
    col_rank: "Rank",
    col_model: "Model",
    col_rating: "Rating",
    col_interval: "95% interval",
    col_battles: "Votes",
    col_wins: "Wins",
    col_losses: "Losses",
    col_ties: "Ties",
    col_released: "Released",
    col_price_in: "$ per M input tokens",
    col_price_out: "$ per M output tokens",
    col_status: "Why provisional",
    provisional: "provisional",
};

pub static ZH_HANS: Ui = Ui {
    lang: "zh-Hans",
    brand: "versus 竞技场",
    nav_label: "主导航",
    nav_battle: "对战",
    nav_leaderboard: "排行榜",
    nav_race: "中美竞赛",
    nav_value: "性价比",
    nav_compute: "算力",
    nav_audit: "审计",
    language: "语言",
    english_only: "本页内容仅有英文版。",
    full_stop: "。",
    colon: "：",
    battle_title: "versus 竞技场：对战",
    hint_free: "输入一个问题（或使用推荐的问题）。两个匿名模型并排作答；投票选出更好的回答后即可看到它们的名字。",
    hint_recorded: "本竞技场回放预先录制的回答：问题来自录制的问题集，无法自行输入。可以换一个问题。两个匿名模型并排作答；投票选出更好的回答后即可看到它们的名字。",
    prompt_label_free: "你的问题",
    prompt_label_recorded: "来自录制问题集的问题（只读）",
    prompt_placeholder_free: "随便问点什么…",
    another_prompt: "换一个问题",
    start_battle: "开始对战",
    model_a: "模型 A",
    model_b: "模型 B",
    you_asked: "问题",
    vote_label: "你的投票",
    vote_a: "A 更好",
    vote_b: "B 更好",
    vote_tie: "平局",
    vote_both_bad: "都不好",
    followup_label: "追问",
    followup_placeholder: "继续追问（两个模型都会回答）…",
    send: "发送",
    new_battle: "新的对战",
    see_leaderboard: "查看排行榜",
    copy: "复制",
    copied: "已复制",
    msg_starting: "正在开始对战…",
    msg_answering: "两个模型正在作答…",
    msg_complete: "两个回答都已完成。哪一个更好？",
    msg_waiting: "这场对战正在等待投票。",
    msg_thanks: "感谢投票！模型名字已在上方显示。",
    msg_thanks_unranked: "感谢投票！有回答透露了模型身份，因此这一票会保存但不计入排名。",
    msg_could_not_start: "无法开始对战。",
    msg_vote_failed: "投票未能记录。",
    stop_label: "停止回答",
    stop_a: "停止 A",
    stop_b: "停止 B",
    stop_both: "全部停止",
    msg_stopped: "两个回答都已结束（在你停止的位置截止）。哪一个更好？",
    mode_label: "模式",
    mode_anony: "匿名对战",
    mode_named: "并排对比",
    hint_named: "并排对比：由你选择两个模型，并显示它们的名字。这些投票单独保存，绝不计入匿名排行榜。",
    msg_thanks_named: "感谢投票！并排对比的投票单独保存，不计入排名。",
    msg_failed: "两个模型中有一个未能回答，本场对战已结束，无法投票，也不计入排行榜。请开始新的对战。",
    msg_db_read_only: "投票未能记录：竞技场的数据库暂时为只读。请稍后再试。",
    msg_db_full: "投票未能记录：竞技场的存储空间已满。请稍后再试。",
    organisation: "机构",
    country: "国家/地区",
    licence: "许可证",
    open_weights: "开放权重",
    yes: "是",
    no: "否",
    unknown: "—",
    not_found_title: "versus 竞技场：未找到",
    not_found: "没有这场对战（可能已过期）。请开始新的对战。",
    board_title: "versus 竞技场：排行榜",
    board_heading: "排行榜",
    board_style_suffix: "（风格控制）",
    board_hint: "根据竞技场匿名投票计算的 Bradley–Terry 评分，附 95% 三明治置信区间",
    board_hint_style: "，并像 LMArena 一样控制回答长度和 Markdown 格式（标题、列表、粗体）的影响",
    board_rank_rule: "名次 = 1 + 置信区间完全高于本模型的模型数量。",
    board_counted: "已计入 {n} 票。",
    board_show_plain: "显示不含风格控制的结果",
    board_show_style: "显示含风格控制的结果",
    board_chart: "评分与置信区间",
    board_none: "暂无评分",
    board_none_hint: "需要足够的投票，使参与比较的模型通过胜负相互关联（平局对双方都算）。",
    board_no_votes: "还没有计入的投票。",
    board_demo: "演示榜单：录制模型使用公开的录制回答，有心的投票者可以在投票前查到回答出自哪个模型，因此这些投票并不可靠地匿名。它用于体验竞技场；要给模型排名，请接入实时模型接口。",
    board_search: "查找模型",
    board_vote_link: "去参加对战投票",
    board_provisional: "暂定：尚未排名",
    board_provisional_hint: "以下模型在评分可以估计之前单独列出：每个模型至少需要 {min} 张计入的投票，并且对已排名的模型既有胜也有负（或平局）。",
    board_json: "JSON",
    board_category: "类别",
    cat_overall: "总榜",
    cat_coding: "编程",
    cat_math: "数学",
    cat_long_query: "长问题",
    cat_multi_turn: "多轮对话",
    cat_zh: "中文",
    cat_en: "英文",
    board_category_hint: "此榜单只计入属于该类别的对战的投票（类别由提问和回答判定）。",
    board_updated: "更新于 {time}。",
    reason_few_votes: "{n} 票；至少需要 {min} 票",
    reason_not_connected: "尚未与已排名的模型交手",
    reason_never_lost: "对已排名的模型从未输过或打平，评分暂无上限",
    reason_never_won: "对已排名的模型从未赢过或打平，评分暂无下限",
    reason_no_fit: "评分暂时无法估计",
    col_rank: "名次",
    col_model: "模型",
    col_rating: "评分",
    col_interval: "95% 置信区间",
    col_battles: "票数",
    col_wins: "胜",
    col_losses: "负",
    col_ties: "平",
    col_released: "发布日期",
    col_price_in: "每百万输入词元价格（美元）",
    col_price_out: "每百万输出词元价格（美元）",
    col_status: "暂定原因",
    provisional: "暂定",
};

pub static ZH_HANT: Ui = Ui {
    lang: "zh-Hant",
    brand: "versus 競技場",
    nav_label: "主導覽",
    nav_battle: "對戰",
    nav_leaderboard: "排行榜",
    nav_race: "中美競賽",
    nav_value: "性價比",
    nav_compute: "算力",
    nav_audit: "審計",
    language: "語言",
    english_only: "本頁內容僅有英文版。",
    full_stop: "。",
    colon: "：",
    battle_title: "versus 競技場：對戰",
    hint_free: "輸入一個問題（或使用推薦的問題）。兩個匿名模型並排作答；投票選出較好的回答後即可看到它們的名字。",
    hint_recorded: "本競技場重播預先錄製的回答：問題來自錄製的問題集，無法自行輸入。可以換一個問題。兩個匿名模型並排作答；投票選出較好的回答後即可看到它們的名字。",
    prompt_label_free: "你的問題",
    prompt_label_recorded: "來自錄製問題集的問題（唯讀）",
    prompt_placeholder_free: "隨便問點什麼…",
    another_prompt: "換一個問題",
    start_battle: "開始對戰",
    model_a: "模型 A",
    model_b: "模型 B",
    you_asked: "問題",
    vote_label: "你的投票",
    vote_a: "A 較好",
    vote_b: "B 較好",
    vote_tie: "平手",
    vote_both_bad: "都不好",
    followup_label: "追問",
    followup_placeholder: "繼續追問（兩個模型都會回答）…",
    send: "送出",
    new_battle: "新的對戰",
    see_leaderboard: "查看排行榜",
    copy: "複製",
    copied: "已複製",
    msg_starting: "正在開始對戰…",
    msg_answering: "兩個模型正在作答…",
    msg_complete: "兩個回答都已完成。哪一個較好？",
    msg_waiting: "這場對戰正在等待投票。",
    msg_thanks: "感謝投票！模型名稱已在上方顯示。",
    msg_thanks_unranked: "感謝投票！有回答透露了模型身分，因此這一票會保存但不計入排名。",
    msg_could_not_start: "無法開始對戰。",
    msg_vote_failed: "投票未能記錄。",
    stop_label: "停止回答",
    stop_a: "停止 A",
    stop_b: "停止 B",
    stop_both: "全部停止",
    msg_stopped: "兩個回答都已結束（在你停止的位置截止）。哪一個較好？",
    mode_label: "模式",
    mode_anony: "匿名對戰",
    mode_named: "並排比較",
    hint_named: "並排比較：由你選擇兩個模型，並顯示它們的名字。這些投票單獨保存，絕不計入匿名排行榜。",
    msg_thanks_named: "感謝投票！並排比較的投票單獨保存，不計入排名。",
    msg_failed: "兩個模型中有一個未能回答，本場對戰已結束，無法投票，也不計入排行榜。請開始新的對戰。",
    msg_db_read_only: "投票未能記錄：競技場的資料庫暫時為唯讀。請稍後再試。",
    msg_db_full: "投票未能記錄：競技場的儲存空間已滿。請稍後再試。",
    organisation: "機構",
    country: "國家/地區",
    licence: "授權條款",
    open_weights: "開放權重",
    yes: "是",
    no: "否",
    unknown: "—",
    not_found_title: "versus 競技場：找不到",
    not_found: "沒有這場對戰（可能已過期）。請開始新的對戰。",
    board_title: "versus 競技場：排行榜",
    board_heading: "排行榜",
    board_style_suffix: "（風格控制）",
    board_hint: "根據競技場匿名投票計算的 Bradley–Terry 評分，附 95% 三明治信賴區間",
    board_hint_style: "，並像 LMArena 一樣控制回答長度和 Markdown 格式（標題、清單、粗體）的影響",
    board_rank_rule: "名次 = 1 + 信賴區間完全高於本模型的模型數量。",
    board_counted: "已計入 {n} 票。",
    board_show_plain: "顯示不含風格控制的結果",
    board_show_style: "顯示含風格控制的結果",
    board_chart: "評分與信賴區間",
    board_none: "尚無評分",
    board_none_hint: "需要足夠的投票，使參與比較的模型透過勝負相互關聯（平手對雙方都算）。",
    board_no_votes: "還沒有計入的投票。",
    board_demo: "示範榜單：錄製模型使用公開的錄製回答，有心的投票者可以在投票前查到回答出自哪個模型，因此這些投票並不可靠地匿名。它用於體驗競技場；要為模型排名，請接入即時模型介面。",
    board_search: "搜尋模型",
    board_vote_link: "去參加對戰投票",
    board_provisional: "暫定：尚未排名",
    board_provisional_hint: "以下模型在評分可以估計之前單獨列出：每個模型至少需要 {min} 張計入的投票，並且對已排名的模型既有勝也有負（或平手）。",
    board_json: "JSON",
    board_category: "類別",
    cat_overall: "總榜",
    cat_coding: "程式設計",
    cat_math: "數學",
    cat_long_query: "長問題",
    cat_multi_turn: "多輪對話",
    cat_zh: "中文",
    cat_en: "英文",
    board_category_hint: "此榜單只計入屬於該類別的對戰的投票（類別由提問和回答判定）。",
    board_updated: "更新於 {time}。",
    reason_few_votes: "{n} 票；至少需要 {min} 票",
    reason_not_connected: "尚未與已排名的模型交手",
    reason_never_lost: "對已排名的模型從未輸過或打平，評分暫無上限",
    reason_never_won: "對已排名的模型從未贏過或打平，評分暫無下限",
    reason_no_fit: "評分暫時無法估計",
    col_rank: "名次",
    col_model: "模型",
    col_rating: "評分",
    col_interval: "95% 信賴區間",
    col_battles: "票數",
    col_wins: "勝",
    col_losses: "負",
    col_ties: "平",
    col_released: "發布日期",
    col_price_in: "每百萬輸入詞元價格（美元）",
    col_price_out: "每百萬輸出詞元價格（美元）",
    col_status: "暫定原因",
    provisional: "暫定",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_script() {
        assert_eq!(
            Lang::from_accept_language("zh-TW,zh;q=0.9,en;q=0.8"),
            Lang::ZhHant
        );
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9"), Lang::ZhHans);
        assert_eq!(Lang::from_accept_language("zh-Hant-HK"), Lang::ZhHant);
        assert_eq!(
            Lang::from_accept_language("fr-FR, en;q=0.5, zh;q=0.7"),
            Lang::ZhHans
        );
        assert_eq!(Lang::from_accept_language("de, fr;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh;q=0, en;q=0.1"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(
            Lang::negotiate(Some("zh-Hans"), Some("zh-TW")),
            Lang::ZhHans
        );
        assert_eq!(Lang::negotiate(Some("xx"), Some("zh-TW")), Lang::ZhHant);
    }

    #[test]
    fn catalogues_are_complete_and_tagged() {
        for lang in Lang::ALL {
            let ui = lang.ui();
            assert_eq!(ui.lang, lang.tag());
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
            // Every message of the Chinese catalogues differs from English except the few
            // that are the same in every language.
            if lang != Lang::En {
                assert_ne!(ui.nav_battle, EN.nav_battle);
                assert_ne!(ui.hint_recorded, EN.hint_recorded);
                assert!(
                    ui.reason_few_votes.contains("{n}") && ui.reason_few_votes.contains("{min}")
                );
                assert!(ui.board_provisional_hint.contains("{min}"));
            }
        }
        assert_ne!(ZH_HANS.vote_a, ZH_HANT.vote_a);
        assert_eq!(
            fill(EN.reason_few_votes, &[("n", "1"), ("min", "3")]),
            "only 1 of the 3 votes needed"
        );
    }
}
