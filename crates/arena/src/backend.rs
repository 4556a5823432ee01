//! Model backends: recorded answers, and any OpenAI-compatible chat-completions endpoint
//! streaming over SSE.

use std::sync::Arc;
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::config::{BackendKind, ModelConfig, Settings};
use crate::recorded::{RecordedSet, chunks};

/// One message of a conversation, in the OpenAI and LMArena shape.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

/// Why a model could not answer. The text is for the operator's log (it never reaches the
/// person, who sees a generic message) and never contains an API key: text from the upstream
/// server is kept as strings so that [`BackendError::redacted`] can scrub it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackendError {
    #[error("recorded model {model} has no answer to this prompt")]
    NotRecordedPrompt { model: String },
    #[error("recorded model {model} has no answer to prompt {prompt}")]
    NoRecordedAnswer { model: String, prompt: usize },
    #[error("recorded model {model} answers only the first turn")]
    RecordedFollowUp { model: String },
    #[error("model {model}: environment variable {var} (its API key) is not set")]
    MissingApiKey { model: String, var: String },
    #[error("model {model}: encoding the request: {detail}")]
    Encode { model: String, detail: String },
    #[error("model {model}: request failed: {detail}")]
    Request { model: String, detail: String },
    /// The upstream answered with an error status; `body` is its first 500 characters.
    #[error("model {model}: HTTP {status}: {body}")]
    Status {
        model: String,
        status: reqwest::StatusCode,
        body: String,
    },
    #[error("model {model}: stream broke: {detail}")]
    Stream { model: String, detail: String },
    #[error(
        "model {model}: unreadable chunk ({detail}): {data} (expected a chat.completion.chunk JSON object)"
    )]
    UnreadableChunk {
        model: String,
        detail: String,
        data: String,
    },
    #[error("model {model}: error in stream: {detail}")]
    Upstream { model: String, detail: String },
    #[error(
        "model {model}: the stream ended before the answer was finished (expected [DONE] or a finish_reason)"
    )]
    Unfinished { model: String },
    #[error("model {model}: empty answer")]
    EmptyAnswer { model: String },
}

impl BackendError {
    /// The same error with `secret` replaced in every text field (upstream servers may echo
    /// the API key, e.g. in a 401 body).
    pub fn redacted(self, secret: Option<&str>) -> BackendError {
        let r = |text: String| redact(&text, secret);
        use BackendError::*;
        match self {
            NotRecordedPrompt { model } => NotRecordedPrompt { model: r(model) },
            NoRecordedAnswer { model, prompt } => NoRecordedAnswer {
                model: r(model),
                prompt,
            },
            RecordedFollowUp { model } => RecordedFollowUp { model: r(model) },
            MissingApiKey { model, var } => MissingApiKey {
                model: r(model),
                var: r(var),
            },
            Encode { model, detail } => Encode {
                model: r(model),
                detail: r(detail),
            },
            Request { model, detail } => Request {
                model: r(model),
                detail: r(detail),
            },
            Status {
                model,
                status,
                body,
            } => Status {
                model: r(model),
                status,
                body: r(body),
            },
            Stream { model, detail } => Stream {
                model: r(model),
                detail: r(detail),
            },
            UnreadableChunk {
                model,
                detail,
                data,
            } => UnreadableChunk {
                model: r(model),
                detail: r(detail),
                data: r(data),
            },
            Upstream { model, detail } => Upstream {
                model: r(model),
                detail: r(detail),
            },
            Unfinished { model } => Unfinished { model: r(model) },
            EmptyAnswer { model } => EmptyAnswer { model: r(model) },
        }
    }
}

/// How a model answers.
pub enum Backend {
    Recorded {
        set: Arc<RecordedSet>,
        source: String,
    },
    OpenAi(OpenAiBackend),
}

impl Backend {
    pub fn kind(&self) -> BackendKind {
        match self {
            Backend::Recorded { .. } => BackendKind::Recorded,
            Backend::OpenAi(_) => BackendKind::Openai,
        }
    }

    /// Whether this model can answer a conversation whose first prompt is recorded prompt
    /// `recorded` of set `set` (`None`: a prompt no set has) with `turns` user turns.
    pub fn can_answer(&self, prompt: &PromptRef, turns: usize) -> bool {
        match self {
            Backend::Recorded { set, source } => {
                turns == 1
                    && prompt
                        .recorded
                        .iter()
                        .any(|(name, idx)| *name == set.name && set.answer(source, *idx).is_some())
            }
            Backend::OpenAi(_) => true,
        }
    }

    /// Streams the answer to `messages` (the conversation so far, ending with a user turn) into
    /// `out`, chunk by chunk.
    pub async fn stream(
        &self,
        messages: &[ChatMessage],
        prompt: &PromptRef,
        settings: &Settings,
        out: &mut (dyn FnMut(&str) + Send),
    ) -> Result<(), BackendError> {
        match self {
            Backend::Recorded { set, source } => {
                let idx = prompt
                    .recorded
                    .iter()
                    .find(|(name, _)| *name == set.name)
                    .map(|(_, i)| *i)
                    .ok_or_else(|| BackendError::NotRecordedPrompt {
                        model: source.clone(),
                    })?;
                let answer =
                    set.answer(source, idx)
                        .ok_or_else(|| BackendError::NoRecordedAnswer {
                            model: source.clone(),
                            prompt: idx,
                        })?;
                if messages.len() != 1 {
                    return Err(BackendError::RecordedFollowUp {
                        model: source.clone(),
                    });
                }
                let max_chunks = settings
                    .stream_max_ms
                    .checked_div(settings.stream_chunk_ms)
                    .map_or(1, |n| n.max(1) as usize);
                let pieces = if settings.stream_chunk_ms == 0 {
                    vec![answer]
                } else {
                    chunks(answer, settings.stream_chunk_chars, max_chunks)
                };
                for (i, piece) in pieces.iter().enumerate() {
                    if i > 0 && settings.stream_chunk_ms > 0 {
                        tokio::time::sleep(Duration::from_millis(settings.stream_chunk_ms)).await;
                    }
                    out(piece);
                }
                Ok(())
            }
            Backend::OpenAi(b) => b.stream(messages, out).await,
        }
    }
}

/// Which recorded prompt a battle's first turn is, in each set that has it.
#[derive(Clone, Debug, Default)]
pub struct PromptRef {
    /// (set name, prompt index in that set).
    pub recorded: Vec<(String, usize)>,
}

/// An OpenAI-compatible streaming chat-completions client for one model.
pub struct OpenAiBackend {
    pub name: String,
    pub url: String,
    pub model: String,
    pub api_key_env: Option<String>,
    pub timeout: Duration,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f64>,
    pub client: reqwest::Client,
}

#[derive(Serialize)]
struct ChatRequest<'a> {
    model: &'a str,
    messages: &'a [ChatMessage],
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f64>,
}

/// A `chat.completion.chunk`, read leniently: every field optional, unknown fields ignored,
/// `finish_reason` any string (some servers send `""`).
#[derive(Deserialize, Default)]
struct Chunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
struct ChunkChoice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
}

/// Replaces every occurrence of `secret` in `text` (API keys must never reach a log).
pub fn redact(text: &str, secret: Option<&str>) -> String {
    match secret {
        Some(s) if s.len() >= 4 => text.replace(s, "[redacted]"),
        _ => text.to_string(),
    }
}

impl OpenAiBackend {
    pub fn new(config: &ModelConfig, client: reqwest::Client) -> OpenAiBackend {
        let base = config
            .base_url
            .as_deref()
            .unwrap_or("")
            .trim_end_matches('/');
        let url = if base.ends_with("/chat/completions") {
            base.to_string()
        } else {
            format!("{base}/chat/completions")
        };
        OpenAiBackend {
            name: config.name.clone(),
            url,
            model: config.model.clone().unwrap_or_else(|| config.name.clone()),
            api_key_env: config.api_key_env.clone(),
            timeout: Duration::from_secs(config.timeout_secs.unwrap_or(120)),
            max_tokens: config.max_tokens.or(Some(1024)),
            temperature: config.temperature,
            client,
        }
    }

    /// The API key, read from its environment variable at each request (so it can be rotated,
    /// and so it is held in memory no longer than needed).
    fn api_key(&self) -> Result<Option<String>, BackendError> {
        match &self.api_key_env {
            None => Ok(None),
            Some(var) => match std::env::var(var) {
                Ok(k) if !k.is_empty() => Ok(Some(k)),
                _ => Err(BackendError::MissingApiKey {
                    model: self.name.clone(),
                    var: var.clone(),
                }),
            },
        }
    }

    pub async fn stream(
        &self,
        messages: &[ChatMessage],
        out: &mut (dyn FnMut(&str) + Send),
    ) -> Result<(), BackendError> {
        let key = self.api_key()?;
        let result = self.stream_with(key.as_deref(), messages, out).await;
        result.map_err(|e| e.redacted(key.as_deref()))
    }

    async fn stream_with(
        &self,
        key: Option<&str>,
        messages: &[ChatMessage],
        out: &mut (dyn FnMut(&str) + Send),
    ) -> Result<(), BackendError> {
        let body = ChatRequest {
            model: &self.model,
            messages,
            stream: true,
            max_tokens: self.max_tokens,
            temperature: self.temperature,
        };
        let body = serde_json::to_vec(&body).map_err(|e| BackendError::Encode {
            model: self.name.clone(),
            detail: e.to_string(),
        })?;
        let mut request = self
            .client
            .post(&self.url)
            .timeout(self.timeout)
            .header("content-type", "application/json")
            .header("accept", "text/event-stream")
            .body(body);
        if let Some(k) = key {
            request = request.bearer_auth(k);
        }
        let response = request.send().await.map_err(|e| BackendError::Request {
            model: self.name.clone(),
            detail: error_chain(&e),
        })?;
        let status = response.status();
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            return Err(BackendError::Status {
                model: self.name.clone(),
                status,
                body: text.chars().take(500).collect(),
            });
        }
        let mut events = response.bytes_stream().eventsource();
        let mut finished = false;
        let mut any = false;
        while let Some(event) = events.next().await {
            let event = event.map_err(|e| BackendError::Stream {
                model: self.name.clone(),
                detail: e.to_string(),
            })?;
            let data = event.data.trim();
            if data.is_empty() {
                continue;
            }
            if data == "[DONE]" {
                finished = true;
                break;
            }
            let chunk: Chunk = match serde_json::from_str(data) {
                Ok(c) => c,
                Err(e) => {
                    return Err(BackendError::UnreadableChunk {
                        model: self.name.clone(),
                        detail: e.to_string(),
                        data: data.chars().take(200).collect(),
                    });
                }
            };
            if let Some(err) = chunk.error {
                return Err(BackendError::Upstream {
                    model: self.name.clone(),
                    detail: err.to_string().chars().take(300).collect(),
                });
            }
            for choice in chunk.choices {
                if let Some(text) = choice.delta.and_then(|d| d.content)
                    && !text.is_empty()
                {
                    any = true;
                    out(&text);
                }
                if choice
                    .finish_reason
                    .as_deref()
                    .is_some_and(|r| !r.is_empty())
                {
                    finished = true;
                }
            }
        }
        if !finished {
            return Err(BackendError::Unfinished {
                model: self.name.clone(),
            });
        }
        if !any {
            return Err(BackendError::EmptyAnswer {
                model: self.name.clone(),
            });
        }
        Ok(())
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_text_is_redacted_and_the_model_and_status_named() {
        let key = "sk-test-0123456789abcdef";
        let e = BackendError::Status {
            model: "m".into(),
            status: reqwest::StatusCode::UNAUTHORIZED,
            body: format!("Incorrect API key provided: {key}"),
        };
        assert_eq!(
            e.redacted(Some(key)).to_string(),
            "model m: HTTP 401 Unauthorized: Incorrect API key provided: [redacted]"
        );
        let e = BackendError::UnreadableChunk {
            model: "m".into(),
            detail: format!("bad {key}"),
            data: key.into(),
        };
        assert!(!e.redacted(Some(key)).to_string().contains(key));
    }
}
